#!/usr/bin/env python3
"""The extraction benchmark's peers: the same pages and fields as khabar's aawsat profile,
extracted the way a Python user would do it with parsel (Scrapy's selectors, on lxml) and
with BeautifulSoup on the lxml parser. See bench/README.md, "Peer comparison".

    bench/.venv/bin/python bench/extract_peer.py \
        --fixtures fixtures/aawsat --generated DIR [--khabar target/release/khabar] \
        [--khabar-bench FILE]

For each tool and workload, single thread, two modes are timed per page:

- parse: decode + parse only, each tool's floor. parsel: `w3lib.encoding.html_to_unicode`
  (the decoding Scrapy does: BOM, <meta> charset, else UTF-8) then `lxml.html.fromstring`;
  BeautifulSoup: `BeautifulSoup(raw_bytes, "lxml")` (UnicodeDammit decodes, lxml parses).
- extract: the same decode and parse, then the profile's selectors, text, one dict per
  article, and `json.dumps` of each: comparable to khabar's extract+ndjson.

Before timing, every page is extracted once and its article and body-paragraph counts are
compared with khabar's (the fixtures' .expected.ndjson; for the generated pages, khabar's
own output when --khabar is given): a mismatch prints a WARNING.

With --khabar-bench (the stdout of `cargo bench --bench extract`) a combined table of
khabar, parsel and BeautifulSoup+lxml is printed at the end.

Environment: PEER_SECS (default 2.5, as KHABAR_BENCH_SECS) seconds per workload, tool and mode, split into
PEER_ROUNDS (default 5) interleaved rounds of at least one whole pass over the pages.
"""

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

try:
    import bs4
    import lxml
    import lxml.html
    import parsel
    from bs4 import BeautifulSoup
    from parsel import Selector
    from w3lib.encoding import html_to_unicode
except ImportError as e:
    sys.exit(f"{e}: run with bench/.venv/bin/python (bench/extract.sh creates it)")

# ---------------------------------------------------------------------------------------
# the aawsat profile of config.toml, as CSS (first selector of a list that yields a
# non-empty value wins, as in khabar)

ARTICLE = ".node--type-article"
HEADLINE = [".entry-title h1", ".printable-area .print-title"]
SUBTITLE = [".entry-subtitle"]
BODY = (
    ".printable-area .entry-content p, .printable-area .entry-content h2, "
    ".printable-area .entry-content h3, .printable-area .entry-content h4"
)
DROP = (
    ".twitter-tweet, .instagram-media, .tiktok-embed, .read-also, .ad, .advertisement, "
    "iframe, script, style, noscript, form"
)
BYLINE = [".entry-byline"]
PUBLISHED = [(".entry-date time", "datetime"), (".entry-date", None)]
IMAGE = [(".entry-media img", "src")]
CAPTION_ITEM = ".entry-media"
CAPTION_TEXT = [(".img-caption", None), ("figcaption", None), ("img", "alt")]
CAPTION_IMAGE = [("img", "src")]
RELATED_BLOCK = ".related-articles"
RELATED_CARD = ".article-item"
REL_URL = [(".article-item-title a", "href"), (".article-item-img a", "href")]
REL_TITLE = [(".article-item-title a", None), (".article-item-title", None)]
REL_SECTION = [(".article-item-section", None)]
REL_SUMMARY = [(".article-item-summary", None)]
REL_DATELINE = [(".article-item-dateline", None)]
REL_CAPTION = [(".article-item-img .img-caption", None), (".article-item-img img", "alt")]
REL_IMAGE = [(".article-item-img img", "src")]

# khabar's text normalisation: runs of white space (no-break space included) fold into one
# space, ends trimmed, bidi controls / zero-width space / BOM removed
_REMOVED = dict.fromkeys(
    [0x200B, 0x200E, 0x200F, 0x061C, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def norm(s):
    return " ".join(s.translate(_REMOVED).split())


def split_keywords(v):
    if isinstance(v, list):
        return [norm(str(x)) for x in v if norm(str(x))]
    if isinstance(v, str):
        return [k for k in (norm(x) for x in v.split(",")) if k]
    return []


def ld_article(blocks):
    """The first Article-like object of the page's JSON-LD blocks (@graph searched)."""
    for text in blocks:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            d = stack.pop(0)
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                t = d.get("@type")
                types = t if isinstance(t, list) else [t]
                if any(isinstance(x, str) and x.endswith("Article") for x in types):
                    return d
                if "@graph" in d:
                    stack.extend(d["@graph"] if isinstance(d["@graph"], list) else [d["@graph"]])
    return {}


def ld_authors(ld):
    a = ld.get("author")
    out = []
    for x in a if isinstance(a, list) else [a] if a else []:
        if isinstance(x, dict) and x.get("@type") == "Person" and x.get("name"):
            out.append(norm(x["name"]))
        elif isinstance(x, str):
            out.append(norm(x))
    return out


def record(page, i, art):
    """One article's dict: the page-level metadata fills what the profile did not find, on
    the first article only (as khabar does)."""
    base = page["base"]
    ld = page["ld"] if i == 0 else {}
    meta = page["meta"] if i == 0 else {}
    url = page["canonical"] if i == 0 and page["canonical"] else None
    if url is None and art["url"]:
        url = urljoin(base, art["url"]) if base else art["url"]
    body = art["body"]
    return {
        "schema": "peer.article/1",
        "url": url,
        "site": "aawsat",
        "language": page["lang"],
        "headline": art["headline"] or (norm(ld.get("headline", "")) or None),
        # the page's declared title, as khabar's `title` (og:title: every aawsat page has one)
        "title": norm(meta["og:title"]) if meta.get("og:title") else None,
        "subtitle": art["subtitle"],
        "body": body,
        "captions": art["captions"],
        "byline": art["byline"],
        "published_at": art["published"]
        or ld.get("datePublished")
        or meta.get("article:published_time"),
        "modified_at": ld.get("dateModified") or meta.get("article:modified_time"),
        "authors": ld_authors(ld),
        "section": ld.get("articleSection") or meta.get("article:section"),
        "tags": split_keywords(ld.get("keywords")) or page["tags"] if i == 0 else [],
        "image_url": urljoin(base, art["image"]) if art["image"] else meta.get("og:image"),
        "related": art["related"],
        "word_count": sum(len(p.split()) for p in body),
    }


# ---------------------------------------------------------------------------------------
# parsel (lxml)


def p_decode(raw):
    # what Scrapy's TextResponse does without a Content-Type header: BOM, <meta> charset,
    # else UTF-8 (undecodable bytes replaced)
    return html_to_unicode(None, raw)[1]


def p_first(sel, specs):
    for css, attr in specs:
        if attr:
            # one query: parsel's `::attr()` pseudo-element (translations are cached)
            for v in sel.css(f"{css}::attr({attr})").getall():
                v = v.strip()
                if v:
                    return v
        else:
            for s in sel.css(css):
                v = norm(s.xpath("string()").get())
                if v:
                    return v
    return None


def p_text_first(sel, csss):
    return p_first(sel, [(c, None) for c in csss])


def p_paragraphs(el):
    """The element's text split at <br>, each piece normalised, empty pieces left out."""
    out, cur = [], []
    for node in el.xpath(".//text() | .//br"):
        root = node.root
        if isinstance(root, str):
            cur.append(root)
        else:
            t = norm("".join(cur))
            if t:
                out.append(t)
            cur = []
    t = norm("".join(cur))
    if t:
        out.append(t)
    return out


def parsel_parse(raw):
    return lxml.html.fromstring(p_decode(raw))


def parsel_extract(raw):
    sel = Selector(text=p_decode(raw))
    lang = sel.xpath("/html/@lang").get()
    canonical = sel.css('link[rel="canonical"]::attr(href)').get()
    meta = {}
    tags = []
    for m in sel.css("meta[property]"):
        k, v = m.attrib.get("property", ""), m.attrib.get("content")
        if v is None:
            continue
        if k == "article:tag":
            tags.append(norm(v))
        else:
            meta.setdefault(k, v)
    ld = ld_article(sel.css('script[type="application/ld+json"]::text').getall())
    base = canonical or meta.get("og:url")
    page = {
        "lang": lang,
        "canonical": canonical,
        "base": base,
        "meta": meta,
        "ld": ld,
        "tags": tags,
    }
    out = []
    for i, a in enumerate(sel.css(ARTICLE)):
        a.css(".printable-area").css(DROP).drop()
        body = []
        for el in a.css(BODY):
            body.extend(p_paragraphs(el))
        captions, seen = [], set()
        for item in a.css(CAPTION_ITEM):
            text = p_first(item, CAPTION_TEXT)
            if text and text not in seen:
                seen.add(text)
                img = p_first(item, CAPTION_IMAGE)
                captions.append({"text": text, "image_url": urljoin(base, img) if img else None})
        related = []
        for block in a.css(RELATED_BLOCK)[:1]:
            for card in block.css(RELATED_CARD):
                href = p_first(card, REL_URL)
                if not href:
                    continue
                img = p_first(card, REL_IMAGE)
                related.append(
                    {
                        "url": urljoin(base, href),
                        "title": p_first(card, REL_TITLE),
                        "section": p_first(card, REL_SECTION),
                        "summary": p_first(card, REL_SUMMARY),
                        "dateline": p_first(card, REL_DATELINE),
                        "caption": p_first(card, REL_CAPTION),
                        "image_url": urljoin(base, img) if img else None,
                    }
                )
        art = {
            "url": a.attrib.get("data-url"),
            "headline": p_text_first(a, HEADLINE),
            "subtitle": p_text_first(a, SUBTITLE),
            "body": body,
            "captions": captions,
            "byline": p_text_first(a, BYLINE),
            "published": p_first(a, PUBLISHED),
            "image": p_first(a, IMAGE),
            "related": related,
        }
        out.append(json.dumps(record(page, i, art), ensure_ascii=False))
    return out


# ---------------------------------------------------------------------------------------
# BeautifulSoup (lxml parser, soupsieve CSS)


def b_first(el, specs):
    for css, attr in specs:
        for s in el.select(css):
            if attr:
                v = s.get(attr)
                v = v.strip() if v else None
            else:
                v = norm(s.get_text())
            if v:
                return v
    return None


def b_text_first(el, csss):
    return b_first(el, [(c, None) for c in csss])


def b_paragraphs(el):
    out, cur = [], []
    for node in el.descendants:
        if isinstance(node, bs4.NavigableString):
            if type(node) is bs4.NavigableString:  # not a Comment, CData, ...
                cur.append(node)
        elif node.name == "br":
            t = norm("".join(cur))
            if t:
                out.append(t)
            cur = []
    t = norm("".join(cur))
    if t:
        out.append(t)
    return out


def bs_parse(raw):
    return BeautifulSoup(raw, "lxml")


def bs_extract(raw):
    soup = BeautifulSoup(raw, "lxml")
    html = soup.find("html")
    lang = html.get("lang") if html else None
    c = soup.select_one('link[rel="canonical"]')
    canonical = c.get("href") if c else None
    meta = {}
    tags = []
    for m in soup.select("meta[property]"):
        k, v = m.get("property", ""), m.get("content")
        if v is None:
            continue
        if k == "article:tag":
            tags.append(norm(v))
        else:
            meta.setdefault(k, v)
    ld = ld_article(s.get_text() for s in soup.select('script[type="application/ld+json"]'))
    base = canonical or meta.get("og:url")
    page = {
        "lang": lang,
        "canonical": canonical,
        "base": base,
        "meta": meta,
        "ld": ld,
        "tags": tags,
    }
    out = []
    for i, a in enumerate(soup.select(ARTICLE)):
        for area in a.select(".printable-area"):
            for d in area.select(DROP):
                if not d.decomposed:
                    d.decompose()
        body = []
        for el in a.select(BODY):
            body.extend(b_paragraphs(el))
        captions, seen = [], set()
        for item in a.select(CAPTION_ITEM):
            text = b_first(item, CAPTION_TEXT)
            if text and text not in seen:
                seen.add(text)
                img = b_first(item, CAPTION_IMAGE)
                captions.append({"text": text, "image_url": urljoin(base, img) if img else None})
        related = []
        block = a.select_one(RELATED_BLOCK)
        if block is not None:
            for card in block.select(RELATED_CARD):
                href = b_first(card, REL_URL)
                if not href:
                    continue
                img = b_first(card, REL_IMAGE)
                related.append(
                    {
                        "url": urljoin(base, href),
                        "title": b_first(card, REL_TITLE),
                        "section": b_first(card, REL_SECTION),
                        "summary": b_first(card, REL_SUMMARY),
                        "dateline": b_first(card, REL_DATELINE),
                        "caption": b_first(card, REL_CAPTION),
                        "image_url": urljoin(base, img) if img else None,
                    }
                )
        art = {
            "url": a.get("data-url"),
            "headline": b_text_first(a, HEADLINE),
            "subtitle": b_text_first(a, SUBTITLE),
            "body": body,
            "captions": captions,
            "byline": b_text_first(a, BYLINE),
            "published": b_first(a, PUBLISHED),
            "image": b_first(a, IMAGE),
            "related": related,
        }
        out.append(json.dumps(record(page, i, art), ensure_ascii=False))
    return out


TOOLS = [
    ("parsel", f"parsel {parsel.__version__}", parsel_parse, parsel_extract),
    (
        "BeautifulSoup+lxml",
        f"beautifulsoup4 {bs4.__version__} + lxml {lxml.__version__}",
        bs_parse,
        bs_extract,
    ),
]

# ---------------------------------------------------------------------------------------
# pages and what khabar finds in them


def load(dir_, pattern):
    return [(p.name, p.read_bytes()) for p in sorted(Path(dir_).glob(pattern))]


def counts_from_ndjson(lines):
    """{file name: (articles, body paragraphs)} from khabar records."""
    arts, paras = Counter(), Counter()
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line)
        name = Path(r["source"]["file"]).name
        arts[name] += 1
        paras[name] += len(r["body"])
    return {k: (arts[k], paras[k]) for k in arts}


def khabar_counts(khabar, dir_):
    out = subprocess.run(
        [khabar, "-q", "extract", "--jobs", "1", str(dir_)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return counts_from_ndjson(out.splitlines())


def check(tool, workload, pages, extract, want, total=None):
    """Extracts every page once; warns where the counts differ from khabar's: page by page
    with `want` ({file: (articles, paragraphs)}), else the workload's `total` only."""
    bad = 0
    tot_a = tot_p = 0
    for name, raw in pages:
        recs = [json.loads(r) for r in extract(raw)]
        a, p = len(recs), sum(len(r["body"]) for r in recs)
        tot_a += a
        tot_p += p
        no_headline = sum(1 for r in recs if not r["headline"])
        if no_headline:
            print(f"WARNING: {tool} / {workload} / {name}: {no_headline} article(s) without a headline")
            bad += 1
        if want is None:
            continue
        if name not in want:
            print(f"WARNING: {tool} / {workload} / {name}: khabar found no article here")
            bad += 1
        elif want[name] != (a, p):
            print(
                f"WARNING: {tool} / {workload} / {name}: {a} articles, {p} body paragraphs; "
                f"khabar: {want[name][0]} articles, {want[name][1]} body paragraphs"
            )
            bad += 1
    line = f"  check {tool:<19} {workload:<10} {tot_a} articles, {tot_p} body paragraphs"
    if want is not None:
        wa = sum(v[0] for v in want.values())
        wp = sum(v[1] for v in want.values())
        verdict = "same as khabar, page by page" if bad == 0 else f"MISMATCH on {bad} page(s)"
        print(f"{line} (khabar {wa}, {wp}): {verdict}")
    elif total is not None:
        if (tot_a, tot_p) != total:
            print(
                f"WARNING: {tool} / {workload}: {tot_a} articles, {tot_p} body paragraphs; "
                f"khabar: {total[0]} articles, {total[1]} body paragraphs"
            )
            bad += 1
        verdict = "same totals as khabar" if bad == 0 else "MISMATCH"
        print(f"{line} (khabar {total[0]}, {total[1]}, totals only): {verdict}")
    else:
        print(f"{line} (not compared: no khabar counts)")
    return bad == 0


# ---------------------------------------------------------------------------------------
# timing


def run(fn, pages, secs):
    """Whole passes over the pages until `secs` have passed; µs per page."""
    n = 0
    start = time.perf_counter()
    while True:
        for _, raw in pages:
            fn(raw)
        n += len(pages)
        elapsed = time.perf_counter() - start
        if elapsed >= secs:
            return elapsed / n * 1e6


def measure(pages, parse, extract, secs, rounds):
    """parse and extract take turns in `rounds` rounds; medians and per-round ratios."""
    run(parse, pages, 0)  # warm-up: one pass of each
    run(extract, pages, 0)
    slice_ = secs / rounds
    samples = {"parse": [], "extract": []}
    ratios = []
    for r in range(rounds):
        order = [("parse", parse), ("extract", extract)]
        if r % 2:
            order.reverse()
        got = {}
        for mode, fn in order:
            gc.collect()
            got[mode] = run(fn, pages, slice_)
            samples[mode].append(got[mode])
        ratios.append(got["extract"] / got["parse"])
    return {
        "parse": statistics.median(samples["parse"]),
        "extract": statistics.median(samples["extract"]),
        "ratio": statistics.median(ratios),
        "ratio_lo": min(ratios),
        "ratio_hi": max(ratios),
    }


# ---------------------------------------------------------------------------------------
# khabar's numbers, from `cargo bench --bench extract` output

ROW = re.compile(r"^\s+(fixtures|generated)\b.*?\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)x")


def khabar_bench(path):
    """{workload: {"parse": µs, "extract": µs, "ndjson": µs}} from the 'time per page' table."""
    out = {}
    in_table = False
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("time per page"):
            in_table = True
            continue
        if in_table:
            m = ROW.match(line)
            if m:
                out[m.group(1)] = {
                    "parse": float(m.group(3)),
                    "extract": float(m.group(4)),
                    "ndjson": float(m.group(5)),
                }
            elif not line.strip():
                break
    return out


TOTALS = re.compile(r"^\s+(fixtures|generated)\b.*?\)\s+\d+ pages, .*?, (\d+) articles, (\d+) body paragraphs")


def khabar_totals(path):
    """{workload: (articles, body paragraphs)} from the header of the benchmark's output."""
    out = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        m = TOTALS.match(line)
        if m:
            out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


def fmt_us(v):
    return "–" if v is None else f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--fixtures", default=root / "fixtures/aawsat", type=Path)
    ap.add_argument("--generated", type=Path, help="directory of the pages KHABAR_BENCH_DUMP wrote")
    ap.add_argument("--khabar", help="khabar binary, to count what it finds in the generated pages")
    ap.add_argument("--khabar-bench", help="stdout of `cargo bench --bench extract`: print the combined table")
    ap.add_argument("--secs", type=float, default=float(os.environ.get("PEER_SECS", "2.5")))
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("PEER_ROUNDS", "5")))
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    totals = khabar_totals(args.khabar_bench) if args.khabar_bench else {}
    workloads = []
    fx = load(args.fixtures, "*.html")
    fx_want = {}
    for f in sorted(Path(args.fixtures).glob("*.expected.ndjson")):
        fx_want.update(counts_from_ndjson(f.read_text(encoding="utf-8").splitlines()))
    workloads.append(("fixtures", fx, fx_want))
    if args.generated:
        gen = load(args.generated, "*.html")
        if not gen:
            sys.exit(f"no .html pages in {args.generated}")
        gen_want = None
        if args.khabar:
            try:
                gen_want = khabar_counts(args.khabar, args.generated)
            except (OSError, subprocess.CalledProcessError) as e:
                print(f"WARNING: could not run {args.khabar} to count its records: {e}")
        workloads.append(("generated", gen, gen_want))

    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("peer extraction benchmark: single thread, same pages and profile selectors as khabar's")
    print(f"  python   {platform.python_implementation()} {platform.python_version()}")
    for _, desc, _, _ in TOOLS:
        print(f"  tool     {desc}")
    print(f"  timing   {args.secs:.1f} s per workload, tool and mode (PEER_SECS), in {args.rounds} interleaved rounds")
    print(f"  load     {load_avg:.2f} (1-min average), {os.cpu_count()} core(s)")
    for name, pages, _ in workloads:
        size = sum(len(r) for _, r in pages)
        print(f"  {name:<10} {len(pages)} pages, {size / len(pages) / 1000:.1f} KB avg")
    print()
    ok = True
    for tool, _, _, extract in TOOLS:
        for name, pages, want in workloads:
            ok &= check(tool, name, pages, extract, want, totals.get(name))
    if not ok:
        print("WARNING: a peer's output differs from khabar's (above): its timings may not be comparable")

    results = {}
    for name, pages, _ in workloads:
        for tool, _, parse, extract in TOOLS:
            results[(tool, name)] = measure(pages, parse, extract, args.secs, args.rounds)

    print()
    print(f"time per page (µs, single thread, median of {args.rounds} rounds; lower is better)")
    print(f"  {'tool':<20} {'workload':<10} {'parse µs/page':>14} {'extract µs/page':>16} {'pages/s':>8}   ratio(extract/parse)")
    for (tool, name), r in results.items():
        print(
            f"  {tool:<20} {name:<10} {r['parse']:>14.1f} {r['extract']:>16.1f} {1e6 / r['extract']:>8.0f}   "
            f"{r['ratio']:.2f}x [{r['ratio_lo']:.2f}-{r['ratio_hi']:.2f}]"
        )

    if args.json:
        Path(args.json).write_text(
            json.dumps({f"{t}/{w}": r for (t, w), r in results.items()}, indent=1), encoding="utf-8"
        )

    if args.khabar_bench:
        kb = khabar_bench(args.khabar_bench)
        if not kb:
            print(f"\nWARNING: no 'time per page' table found in {args.khabar_bench}")
            return
        combined(kb, results, [w[0] for w in workloads])


def combined(kb, results, names):
    rows = [("khabar", {n: kb.get(n, {}).get("ndjson") for n in names}, {n: kb.get(n, {}).get("parse") for n in names})]
    for tool, _, _, _ in TOOLS:
        rows.append(
            (
                tool,
                {n: results[(tool, n)]["extract"] for n in names if (tool, n) in results},
                {n: results[(tool, n)]["parse"] for n in names if (tool, n) in results},
            )
        )
    k_ext = rows[0][1]

    def ratio(v, n):
        k = k_ext.get(n)
        return "–" if v is None or not k else f"{v / k:.1f}×"

    print()
    print("## khabar vs parsel vs BeautifulSoup+lxml (single thread; lower µs is better)")
    print()
    print(
        "| tool | µs/page fixtures | µs/page generated | pages/s per core (generated) "
        "| × khabar (fixtures) | × khabar (generated) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for tool, ext, _ in rows:
        g = ext.get("generated")
        print(
            f"| {tool} | {fmt_us(ext.get('fixtures'))} | {fmt_us(g)} | "
            f"{'–' if not g else f'{1e6 / g:,.0f}'} | {ratio(ext.get('fixtures'), 'fixtures')} | "
            f"{ratio(g, 'generated')} |"
        )
    print()
    print(
        "khabar: the extract+ndjson column above (decode, parse, profile, records, NDJSON); "
        "parsel and BeautifulSoup+lxml: decode, parse, the same selectors, one dict per "
        "article, json.dumps. × khabar: how many times khabar's time per page."
    )
    print()
    print("Parse floor (decode + parse, nothing extracted), µs/page:")
    print()
    print("| tool | parser | fixtures | generated |")
    print("| --- | --- | ---: | ---: |")
    parsers = {
        "khabar": "charset::decode + scraper::Html::parse_document",
        "parsel": "w3lib html_to_unicode + lxml.html.fromstring",
        "BeautifulSoup+lxml": 'BeautifulSoup(bytes, "lxml")',
    }
    for tool, _, parse in rows:
        print(
            f"| {tool} | {parsers[tool]} | {fmt_us(parse.get('fixtures'))} | {fmt_us(parse.get('generated'))} |"
        )


if __name__ == "__main__":
    main()

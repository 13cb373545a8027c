#!/usr/bin/env python3
"""Headline, publication-date and author accuracy on a ground-truth set (WCXB layout).

Compares two extractors against DATA/ground-truth.json ({id: {"title", "publish_date",
"author", "url", ...}}, HTML in DATA/html/<id>.html.gz):

  khabar       an NDJSON file of its records (--khabar FILE): `headline`, `published_at`
               (RFC 3339 or null), `authors` (list); the page is found from `source.file`
               (any path whose file name is <id>.html). When a page gave several records the
               first one is scored; a page with none counts as "missing" for every field.
  trafilatura  computed here, in-process: trafilatura.bare_extraction(html, url=url,
               with_metadata=True), its `title`, `date` and `author`. --trafilatura-cache
               FILE keeps those per page (keyed by the installed trafilatura version) so a
               re-run does not extract again.

Scoring (the same for both tools):

  headline  right when equal to the truth's `title` after normalisation: Unicode NFKC,
            format characters (zero-width, bidi marks, soft hyphen) removed, curly quotes and
            apostrophes made straight, every dash/hyphen variant made "-", casefold, white
            space collapsed, punctuation and white space stripped from both ends. HTML
            entities are NOT decoded: an "&amp;" left in a headline is an extraction error.
            An informative second line counts a headline that contains the truth or is
            contained in it (typically a site-name suffix such as " | Site" left on).
  headline_site  (a second verdict on the headline) right when the two are equal as above,
            or when the longer is the shorter plus a part set off by a separator — " | ",
            " - ", " · ", " / ", " » ", " [", " (" or "_" — after or before it: a site,
            section or author name («Story | Site», «Story - Author - Medium»,
            «Site - Story»). The sets disagree on that part: WCXB's titles leave it out,
            Readability's (its metadata title, as the page writes it) keep it; this verdict
            scores both tools without taking either side. A colon is not a separator here
            («Title: subtitle»).
  title     (the page's declared title) the same test as `headline`, on khabar's `title`
            field (og:title, twitter:title or `<title>` as the page writes it, site name and
            all) and on trafilatura's title (it has one title): Readability's truth is that
            metadata title, WCXB's the headline the page shows.
  date      right when the tool's date starts with the truth's `publish_date` (YYYY-MM-DD, a
            few are only YYYY-MM): the first 10 characters of an RFC 3339 value, i.e. the
            date as written in the page's own time zone. The accuracy is over pages whose
            truth has a date; for pages whose truth has none, how often the tool gave a date
            anyway is printed for information (not counted against it).
  author    (secondary, informative) right when the normalised truth `author` equals or is
            contained in one of the tool's authors (trafilatura's "; "-separated string is
            split into a list) or in all of them joined with ", ". A second, lenient count
            asks only that every word of the truth appear among the tool's author words
            (so "A, B, and C" matches ["A", "B", "C"]). Over pages whose truth has an author.

Output: a markdown table (stdout); --json prints JSON instead; --json-out FILE writes the JSON
as well; --per-doc FILE writes one TSV row per page and field (id, field, truth, khabar,
khabar_result, trafilatura, trafilatura_result, url); results are right / wrong / missing
(tool gave nothing) / extra (truth has none, tool gave one) / none (neither has one).

    python3 bench/generic/meta_accuracy.py --data ../shared/bench/wcxb-dev-articles \\
        --khabar out/khabar.ndjson --trafilatura-cache out/trafilatura-meta.json \\
        --per-doc out/meta-per-doc.tsv

Standard library only, plus trafilatura for its side (--no-trafilatura skips it).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional

FIELDS = ("headline", "date", "author", "headline_site", "title")

# ------------------------------------------------------------ normalising ----

_TRANSLATE = {}
for _c in "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u0060\u00b4":
    _TRANSLATE[ord(_c)] = "'"
for _c in "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb":
    _TRANSLATE[ord(_c)] = '"'
for _c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d":
    _TRANSLATE[ord(_c)] = "-"


def _is_edge_junk(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def normalise(text: Optional[str]) -> str:
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    s = s.translate(_TRANSLATE).casefold()
    s = " ".join(s.split())
    start, end = 0, len(s)
    while start < end and _is_edge_junk(s[start]):
        start += 1
    while end > start and _is_edge_junk(s[end - 1]):
        end -= 1
    return s[start:end]


_WORD = re.compile(r"\w+")
_FILLER = {"and", "by"}


def _words(text: str) -> List[str]:
    return [w for w in _WORD.findall(normalise(text)) if w not in _FILLER]


# ---------------------------------------------------------------- judging ----

def judge_headline(truth: Optional[str], pred: Optional[str]) -> str:
    t, p = normalise(truth), normalise(pred)
    if not t:
        return "extra" if p else "none"
    if not p:
        return "missing"
    return "right" if t == p else "wrong"


_SITE_SEPARATORS = "|-·/»[(_"


def _strip_end_punct(s: str) -> str:
    """Drops the punctuation that ends the shorter headline («…?», «…」») from the front of
    the rest, separators excepted."""
    i = 0
    while i < len(s) and unicodedata.category(s[i]).startswith("P") and s[i] not in _SITE_SEPARATORS:
        i += 1
    return s[i:]


def _set_off(rest: str, at_start: bool) -> bool:
    """`rest` (what the longer headline has beyond the shorter) begins (`at_start`) or ends
    with a separator that sets a name apart."""
    if at_start:
        r = _strip_end_punct(rest)
        spaced = r[:1].isspace()
        r = r.lstrip()
        if not r:
            return False
        return r[0] == "_" or (spaced and r[0] in _SITE_SEPARATORS and r[1:2].isspace()) \
            or (spaced and r[0] in "[(")
    r = rest.rstrip()
    if not r:
        return False
    return r[-1] == "_" or (r[-1] in _SITE_SEPARATORS and rest[-1:].isspace())


def judge_headline_site(truth: Optional[str], pred: Optional[str]) -> str:
    verdict = judge_headline(truth, pred)
    if verdict != "wrong":
        return verdict
    t, p = normalise(truth), normalise(pred)
    long, short = (t, p) if len(t) > len(p) else (p, t)
    if long.startswith(short) and _set_off(long[len(short):], True):
        return "right"
    if long.endswith(short) and _set_off(long[: len(long) - len(short)], False):
        return "right"
    return "wrong"


def headline_overlaps(truth: Optional[str], pred: Optional[str]) -> bool:
    t, p = normalise(truth), normalise(pred)
    return bool(t and p and (t in p or p in t))


def judge_date(truth: Optional[str], pred: Optional[str]) -> str:
    t = (truth or "").strip()[:10]
    p = (pred or "").strip()
    if not t:
        return "extra" if p else "none"
    if not p:
        return "missing"
    return "right" if p[:10].startswith(t) else "wrong"


def judge_author(truth: Optional[str], preds: List[str]) -> str:
    t = normalise(truth)
    ps = [normalise(p) for p in preds if normalise(p)]
    if not t:
        return "extra" if ps else "none"
    if not ps:
        return "missing"
    joined = ", ".join(ps)
    return "right" if any(t in p for p in ps) or t in joined else "wrong"


def author_words_present(truth: Optional[str], preds: List[str]) -> bool:
    tw = _words(truth or "")
    pw = set(w for p in preds for w in _words(p))
    return bool(tw) and all(w in pw for w in tw)


# ------------------------------------------------------------------- data ----

def _dig(rec, dotted: str):
    cur = rec
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _doc_id_of(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    for ext in (".html.gz", ".htm.gz", ".html", ".htm"):
        if base.endswith(ext):
            return base[: -len(ext)]
    return base


def load_khabar(path: Path, id_field: str, ids: set) -> Dict[str, dict]:
    """First record per page: {id: {"headline", "date", "authors", "records"}}."""
    out: Dict[str, dict] = {}
    unmatched = bad = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            key = _dig(rec, id_field)
            doc_id = _doc_id_of(key) if isinstance(key, str) else None
            if doc_id not in ids:
                unmatched += 1
                continue
            if doc_id in out:
                out[doc_id]["records"] += 1
                continue
            authors = rec.get("authors") or []
            if isinstance(authors, str):
                authors = [authors]
            out[doc_id] = {
                "headline": rec.get("headline"),
                "title": rec.get("title"),
                "date": rec.get("published_at"),
                "authors": [a for a in authors if isinstance(a, str)],
                "records": 1,
            }
    if bad:
        print(f"warning: {bad} lines of {path} are not JSON", file=sys.stderr)
    if unmatched:
        print(f"warning: {unmatched} records of {path} matched no page of the set", file=sys.stderr)
    return out


def _trafilatura_version() -> str:
    try:
        from importlib.metadata import version
        return version("trafilatura")
    except Exception:
        return "?"


def load_trafilatura(data: Path, truth: Dict[str, dict], ids: List[str],
                     cache_path: Optional[Path]) -> Dict[str, dict]:
    version = _trafilatura_version()
    cached: Dict[str, dict] = {}
    if cache_path and cache_path.exists():
        try:
            blob = json.loads(cache_path.read_text("utf-8"))
            if blob.get("trafilatura_version") == version:
                cached = blob.get("pages", {})
            else:
                print(f"note: {cache_path} is from trafilatura {blob.get('trafilatura_version')},"
                      f" installed is {version}: extracting again", file=sys.stderr)
        except (OSError, ValueError):
            print(f"note: {cache_path} unreadable: extracting again", file=sys.stderr)
    todo = [i for i in ids if i not in cached]
    if todo:
        import trafilatura
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        logging.getLogger("htmldate").setLevel(logging.CRITICAL)
        print(f"trafilatura {version}: bare_extraction on {len(todo)} pages ...", file=sys.stderr)
        t_all = time.perf_counter()
        for n, doc_id in enumerate(todo, 1):
            html = _read_html(data, doc_id)
            t0 = time.perf_counter()
            err = None
            try:
                doc = trafilatura.bare_extraction(html, url=truth[doc_id].get("url") or None,
                                                  with_metadata=True)
            except Exception as e:  # a crash is scored as "nothing found"
                doc, err = None, f"{type(e).__name__}: {e}"[:200]
            ms = (time.perf_counter() - t0) * 1000
            if isinstance(doc, dict):
                get = doc.get
            else:
                get = (lambda k, _d=doc: getattr(_d, k, None)) if doc is not None else (lambda k: None)
            cached[doc_id] = {"title": get("title"), "date": get("date"),
                              "author": get("author"), "ms": round(ms, 3), "error": err}
            if n % 200 == 0:
                print(f"  {n}/{len(todo)}", file=sys.stderr)
        print(f"  done in {time.perf_counter() - t_all:.1f} s", file=sys.stderr)
        if cache_path:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            cache_path.write_text(json.dumps({"trafilatura_version": version, "pages": cached},
                                             ensure_ascii=False, indent=0), "utf-8")
    out = {}
    for doc_id in ids:
        c = cached[doc_id]
        author = c.get("author") or ""
        out[doc_id] = {
            "headline": c.get("title"),
            "title": c.get("title"),
            "date": c.get("date"),
            "authors": [a.strip() for a in author.split(";") if a.strip()],
            "records": 1 if (c.get("title") or c.get("date") or author) else 0,
        }
    return out


def _read_html(data: Path, doc_id: str) -> str:
    for cand in (data / "html" / f"{doc_id}.html.gz", data / "html" / f"{doc_id}.html"):
        if cand.exists():
            raw = cand.read_bytes()
            if cand.suffix == ".gz":
                raw = gzip.decompress(raw)
            return raw.decode("utf-8", errors="replace")
    sys.exit(f"missing HTML for {doc_id} under {data / 'html'}")


# ---------------------------------------------------------------- scoring ----

def score(truth: Dict[str, dict], ids: List[str], got: Dict[str, dict]) -> dict:
    """Per-field counts of right/wrong/missing/extra/none, plus per-page verdicts."""
    counts = {f: {"right": 0, "wrong": 0, "missing": 0, "extra": 0, "none": 0} for f in FIELDS}
    headline_overlap = author_lenient = 0
    verdicts: Dict[str, Dict[str, str]] = {}
    pages_without_record = pages_with_several = 0
    for doc_id in ids:
        t = truth[doc_id]
        g = got.get(doc_id) or {"headline": None, "title": None, "date": None, "authors": [],
                                "records": 0}
        if g["records"] == 0:
            pages_without_record += 1
        elif g["records"] > 1:
            pages_with_several += 1
        v = {
            "headline": judge_headline(t.get("title"), g["headline"]),
            "date": judge_date(t.get("publish_date"), g["date"]),
            "author": judge_author(t.get("author"), g["authors"]),
            "headline_site": judge_headline_site(t.get("title"), g["headline"]),
            "title": judge_headline(t.get("title"), g["title"]),
        }
        if v["headline"] in ("right", "wrong") and headline_overlaps(t.get("title"), g["headline"]):
            headline_overlap += 1
        if v["author"] in ("right", "wrong") and author_words_present(t.get("author"), g["authors"]):
            author_lenient += 1
        for f in FIELDS:
            counts[f][v[f]] += 1
        verdicts[doc_id] = v
    summary = {}
    for f in FIELDS:
        c = counts[f]
        with_truth = c["right"] + c["wrong"] + c["missing"]
        without_truth = c["extra"] + c["none"]
        summary[f] = {
            **c,
            "with_truth": with_truth,
            "accuracy": c["right"] / with_truth if with_truth else None,
            "without_truth": without_truth,
            "extra_rate": c["extra"] / without_truth if without_truth else None,
        }
    summary["headline"]["overlap"] = headline_overlap
    summary["headline"]["overlap_rate"] = (headline_overlap / summary["headline"]["with_truth"]
                                           if summary["headline"]["with_truth"] else None)
    summary["author"]["lenient"] = author_lenient
    summary["author"]["lenient_rate"] = (author_lenient / summary["author"]["with_truth"]
                                         if summary["author"]["with_truth"] else None)
    summary["pages_without_record"] = pages_without_record
    summary["pages_with_several_records"] = pages_with_several
    return {"summary": summary, "verdicts": verdicts}


# ----------------------------------------------------------------- report ----

def _cell(n: int, d: Optional[int]) -> str:
    if not d:
        return "–"
    return f"{n}/{d} ({100 * n / d:.1f} %)"


def markdown(tools: Dict[str, dict], n_pages: int) -> str:
    names = list(tools)
    s = {k: v["summary"] for k, v in tools.items()}
    first = s[names[0]]
    lines = [
        f"{n_pages} pages; truth has a headline on {first['headline']['with_truth']}, "
        f"a date on {first['date']['with_truth']}, an author on {first['author']['with_truth']}.",
        "",
        "| measure | " + " | ".join(names) + " |",
        "| --- |" + " ---: |" * len(names),
    ]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(s[n]) for n in names) + " |")

    row("**headline right**", lambda x: "**" + _cell(x["headline"]["right"], x["headline"]["with_truth"]) + "**")
    row("headline wrong", lambda x: _cell(x["headline"]["wrong"], x["headline"]["with_truth"]))
    row("headline missing", lambda x: _cell(x["headline"]["missing"], x["headline"]["with_truth"]))
    row("headline contains / inside truth (info)",
        lambda x: _cell(x["headline"]["overlap"], x["headline"]["with_truth"]))
    row("headline right, a site / section / author part set aside (second verdict)",
        lambda x: _cell(x["headline_site"]["right"], x["headline_site"]["with_truth"]))
    row("page title right (khabar: its `title` field; trafilatura: its title)",
        lambda x: _cell(x["title"]["right"], x["title"]["with_truth"]))
    row("**date right**", lambda x: "**" + _cell(x["date"]["right"], x["date"]["with_truth"]) + "**")
    row("date wrong", lambda x: _cell(x["date"]["wrong"], x["date"]["with_truth"]))
    row("date missing", lambda x: _cell(x["date"]["missing"], x["date"]["with_truth"]))
    row("date given where truth has none (info)",
        lambda x: _cell(x["date"]["extra"], x["date"]["without_truth"]))
    row("author right (contained; secondary)", lambda x: _cell(x["author"]["right"], x["author"]["with_truth"]))
    row("author, all truth words present (lenient)",
        lambda x: _cell(x["author"]["lenient"], x["author"]["with_truth"]))
    row("author missing", lambda x: _cell(x["author"]["missing"], x["author"]["with_truth"]))
    row("author given where truth has none (info)",
        lambda x: _cell(x["author"]["extra"], x["author"]["without_truth"]))
    row("pages with no record / several", lambda x: f"{x['pages_without_record']} / {x['pages_with_several_records']}")
    return "\n".join(lines)


def _tsv(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        v = " | ".join(v)
    return " ".join(str(v).split())


def write_per_doc(path: Path, truth: Dict[str, dict], ids: List[str],
                  got: Dict[str, Dict[str, dict]], tools: Dict[str, dict]) -> None:
    names = list(tools)
    with path.open("w", encoding="utf-8") as f:
        f.write("\t".join(["id", "field", "truth"] + [c for n in names for c in (n, n + "_result")]
                          + ["url"]) + "\n")
        for doc_id in ids:
            t = truth[doc_id]
            tv = {"headline": t.get("title"), "date": t.get("publish_date"), "author": t.get("author"),
                  "headline_site": t.get("title"), "title": t.get("title")}
            for field in FIELDS:
                cols = [doc_id, field, _tsv(tv[field])]
                for n in names:
                    g = got[n].get(doc_id) or {}
                    val = {"headline": g.get("headline"), "date": g.get("date"),
                           "author": g.get("authors"), "headline_site": g.get("headline"),
                           "title": g.get("title")}[field]
                    cols += [_tsv(val), tools[n]["verdicts"][doc_id][field]]
                cols.append(t.get("url") or "")
                f.write("\t".join(cols) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="dir with ground-truth.json and html/")
    ap.add_argument("--khabar", type=Path, help="khabar's NDJSON records for the set")
    ap.add_argument("--id-field", default="source.file",
                    help="dotted key of the khabar record naming the page file (default source.file)")
    ap.add_argument("--no-trafilatura", action="store_true", help="score khabar only")
    ap.add_argument("--trafilatura-cache", type=Path, help="JSON file caching trafilatura's metadata")
    ap.add_argument("--limit", type=int, help="only the first N pages (sorted by id)")
    ap.add_argument("--per-doc", type=Path, help="write a TSV row per page and field here")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the markdown table")
    ap.add_argument("--json-out", type=Path, help="also write the JSON summary here")
    args = ap.parse_args(argv)
    if not args.khabar and args.no_trafilatura:
        ap.error("nothing to score: give --khabar and/or drop --no-trafilatura")

    truth = json.loads((args.data / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)
    if args.limit:
        ids = ids[: args.limit]

    got: Dict[str, Dict[str, dict]] = {}
    if args.khabar:
        got["khabar"] = load_khabar(args.khabar, args.id_field, set(ids))
    if not args.no_trafilatura:
        got["trafilatura"] = load_trafilatura(args.data, truth, ids, args.trafilatura_cache)

    tools = {name: score(truth, ids, g) for name, g in got.items()}
    result = {
        "data": str(args.data), "n_pages": len(ids),
        "tools": {name: t["summary"] for name, t in tools.items()},
    }
    if "trafilatura" in got:
        result["trafilatura_version"] = _trafilatura_version()
    if args.per_doc:
        write_per_doc(args.per_doc, truth, ids, got, tools)
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2), "utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(markdown(tools, len(ids)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        os._exit(1)

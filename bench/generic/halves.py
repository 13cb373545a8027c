#!/usr/bin/env python3
"""Both sets, each split into a tune half and a held-out half: khabar vs trafilatura.

    python3 bench/generic/halves.py --set wcxb bench/generic/out \\
        --set readability bench/generic/out/readability \\
        --snippet-set trafilatura-eval bench/generic/out/traf DATA/evaldata.json [--json-out F]

Each --set NAME DIR reads DIR/body-per-doc.jsonl (article_bench.py --per-doc, both tools'
labels) and DIR/meta-per-doc.tsv (meta_accuracy.py --per-doc). A page is in the *tune* half
when the first byte of sha1(doc id) is even, else in the *held-out* half: deterministic, and
independent of the order or number of pages. Per set and half ({tune, held-out, all}) and tool:

  body F1   article_bench's aggregate recomputed from the per-page scores: the mean precision
            over pages with a non-empty prediction, the mean recall over pages whose truth has
            text, F1 of the two means;
  empty     pages whose prediction has no word;
  headline  right / pages with a truth title (exact after normalisation); the second
            verdict sets a site / section / author part aside (meta_accuracy.py,
            `headline_site`);
  page title  the same exact test on khabar's `title` field (the page's declared
            title, as written) and on trafilatura's title (meta_accuracy.py, `title`);
  date      right / pages with a truth date.

Each --snippet-set NAME DIR EVALDATA (trafilatura's evaluation set, scored by
snippet_bench.py) gives, per half and tool, snippet precision, recall and F summed over the
half's pages and the publish date right; the split is the same, on evaldata's keys.

`split_of(id)` is the one place the split is defined; `--list tune` prints the ids of one half
of a set (for article_bench's --ids) and exits.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

HALVES = ("tune", "held-out", "all")
TOOLS = ("khabar", "trafilatura")
META_FIELDS = ("headline", "headline_site", "title", "date")


def split_of(doc_id: str) -> str:
    return "tune" if hashlib.sha1(doc_id.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


def body_scores(rows):
    ps = [r["precision"] for r in rows if r["precision"] is not None]
    rs = [r["recall"] for r in rows if r["recall"] is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {
        "pages": len(rows),
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "empty": sum(1 for x in rows if not x["tokens_pred"]),
    }


def load_set(d: Path):
    body = {t: {} for t in TOOLS}
    with (d / "body-per-doc.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            label = "trafilatura" if r["label"].startswith("trafilatura") else r["label"]
            if label in body:
                body[label][r["id"]] = r
    meta = {t: {f: {} for f in META_FIELDS} for t in TOOLS}
    with (d / "meta-per-doc.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["field"] not in META_FIELDS:
                continue
            for t in TOOLS:
                meta[t][row["field"]][row["id"]] = row[t + "_result"]
    return body, meta


def summarise(body, meta):
    out = {}
    for half in HALVES:
        keep = (lambda i: True) if half == "all" else (lambda i, h=half: split_of(i) == h)
        out[half] = {}
        for t in TOOLS:
            rows = [r for i, r in body[t].items() if keep(i)]
            s = body_scores(rows)
            for field in META_FIELDS:
                v = [x for i, x in meta[t][field].items() if keep(i) and x in ("right", "wrong", "missing")]
                s[field] = {"right": v.count("right"), "of": len(v)}
            out[half][t] = s
    return out


def load_snippet_set(d: Path, evaldata: Path):
    """snippet_bench.py's per-page files of both tools (DIR/snippets-<tool>.jsonl) and the
    set's evaldata.json (the snippets each page has)."""
    ev = json.loads(evaldata.read_text("utf-8"))
    pages = {}
    for t in TOOLS:
        with (d / f"snippets-{t}.jsonl").open(encoding="utf-8") as f:
            pages[t] = {r["key"]: r for r in map(json.loads, f)}
    return ev, pages


def summarise_snippets(ev, pages):
    """Per half and tool: snippet precision, recall and F summed over pages (as
    snippet_bench.py and trafilatura's evaluation count them) and the publish date right."""
    out = {}
    for half in HALVES:
        out[half] = {}
        for t in TOOLS:
            tp = fp = fn = right = dated = n = 0
            for key, r in pages[t].items():
                if half != "all" and split_of(key) != half:
                    continue
                n += 1
                tp += len(ev[key]["with"]) - len(r["missed"])
                fn += len(r["missed"])
                fp += len(r["leaked"])
                if r["date_truth"]:
                    dated += 1
                    right += bool(r["date_ok"])
            p = tp / (tp + fp) if tp + fp else 0.0
            rc = tp / (tp + fn) if tp + fn else 0.0
            out[half][t] = {"pages": n, "precision": p, "recall": rc,
                            "f": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
                            "fp": fp, "fn": fn, "date": {"right": right, "of": dated}}
    return out


def snippet_markdown(results) -> str:
    lines = [
        "| set | half | pages | snippet F khabar | snippet F trafilatura | P khabar | P trafilatura "
        "| R khabar | R trafilatura | date khabar | date trafilatura |",
        "| --- | --- |" + " ---: |" * 9,
    ]
    for name, res in results.items():
        for half in HALVES:
            k, t = res[half]["khabar"], res[half]["trafilatura"]

            lines.append(
                f"| {name} | {half} | {k['pages']} | {b(k['f'], t['f'])} | {b(t['f'], k['f'])} "
                f"| {k['precision']:.3f} | {t['precision']:.3f} | {k['recall']:.3f} | {t['recall']:.3f} "
                f"| {pct(k['date'])} | {pct(t['date'])} |")
    return "\n".join(lines)


def b(x, y):
    """x to three places, in bold when it leads y."""
    return f"**{x:.3f}**" if x > y else f"{x:.3f}"


def pct(x):
    return f"{100 * x['right'] / x['of']:.1f} % ({x['right']}/{x['of']})" if x["of"] else "–"


def markdown(results) -> str:
    lines = [
        "| set | half | pages | body F1 khabar | body F1 trafilatura | empty khabar | empty trafilatura "
        "| headline khabar | headline trafilatura | headline, site part aside: khabar | trafilatura "
        "| page title: khabar | trafilatura | date khabar | date trafilatura |",
        "| --- | --- |" + " ---: |" * 13,
    ]
    for name, res in results.items():
        for half in HALVES:
            k, t = res[half]["khabar"], res[half]["trafilatura"]

            lines.append(
                f"| {name} | {half} | {k['pages']} | {b(k['f1'], t['f1'])} | {b(t['f1'], k['f1'])} "
                f"| {k['empty']} | {t['empty']} | {pct(k['headline'])} | {pct(t['headline'])} "
                f"| {pct(k['headline_site'])} | {pct(t['headline_site'])} "
                f"| {pct(k['title'])} | {pct(t['title'])} "
                f"| {pct(k['date'])} | {pct(t['date'])} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", nargs=2, action="append", metavar=("NAME", "DIR"), default=[])
    ap.add_argument("--snippet-set", nargs=3, action="append", metavar=("NAME", "DIR", "EVALDATA"),
                    default=[], help="a set scored by snippet_bench.py (DIR/snippets-khabar.jsonl, "
                    "DIR/snippets-trafilatura.jsonl) and its evaldata.json")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--list", nargs=2, metavar=("HALF", "GROUND_TRUTH_JSON"),
                    help="print the ids of one half of a set and exit")
    args = ap.parse_args(argv)
    if args.list:
        half, gt = args.list
        for i in sorted(json.loads(Path(gt).read_text("utf-8"))):
            if split_of(i) == half:
                print(i)
        return 0
    results = {name: summarise(*load_set(Path(d))) for name, d in args.set}
    snippets = {name: summarise_snippets(*load_snippet_set(Path(d), Path(e)))
                for name, d, e in args.snippet_set}
    if results:
        print(markdown(results))
    if snippets:
        print()
        print(snippet_markdown(snippets))
    if args.json_out:
        args.json_out.write_text(json.dumps({**results, **snippets}, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

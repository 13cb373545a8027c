#!/usr/bin/env python3
"""Writes bench/generic/results.md from the raw outputs run.sh leaves in OUT:

  body.json         article_bench.py --json-out (khabar, then trafilatura)
  meta.json/.md     meta_accuracy.py --json-out / its markdown table
  speed.json        speed.py --json-out (trafilatura in-process)
  generic-bench.txt `cargo bench --bench generic` output (khabar in-process), if it ran
  commands.txt      the commands run.sh ran, in order
  build-note.txt    present when the build failed and an older binary was used

Standard library only. Called by run.sh; can be re-run by hand on an existing OUT.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import _cpu_name  # noqa: E402  (the machine line is written the same way)


# `git hash-object` of empty input: `git status --porcelain` printed nothing (a clean tree)
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def _read_json(p: Path):
    try:
        return json.loads(p.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def parse_generic_bench(text: str) -> Tuple[Dict[str, Dict[str, Optional[float]]], str]:
    """The table `cargo bench --bench generic` prints: ({workload: {pages, parse, profile,
    generic, markdown}} in µs/page, None where it shows "-"), and its title line."""
    rows: Dict[str, Dict[str, Optional[float]]] = {}
    title = ""
    row = re.compile(r"^\s{2}(\S.*?)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)"
                     r"(?:\s+(\S+)\s+(\S+))?\s*$")

    def num(v: str) -> Optional[float]:
        try:
            return float(v)
        except ValueError:
            return None

    for line in text.splitlines():
        if line.startswith("khabar generic-extractor benchmark"):
            title = line.strip()
            continue
        m = row.match(line)
        if title and m:
            rows[m.group(1)] = {"pages": int(m.group(2)), "parse": num(m.group(3)),
                                "profile": num(m.group(4)), "generic": num(m.group(5)),
                                "markdown": num(m.group(8)) if m.group(8) else None}
    return rows, title


def _us(x: Optional[float]) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--results", type=Path, required=True)
    ap.add_argument("--data", default="../shared/bench/wcxb-dev-articles")
    ap.add_argument("--load", nargs=2, default=["?", "?"], help="1-min load at start and end")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--jobs", default="1", help="khabar's -j in the WCXB run")
    ap.add_argument("--tree-start", default="", help="'COMMIT HASH' of the sources when run.sh started")
    ap.add_argument("--tree-end", default="", help="the same when it ended")
    args = ap.parse_args(argv)
    out = args.out

    body = {s["label"]: s for s in (_read_json(out / "body.json") or [])}
    meta = _read_json(out / "meta.json")
    speed = _read_json(out / "speed.json")
    kb_path = out / "generic-bench.txt"
    kbench, kbench_title = parse_generic_bench(kb_path.read_text("utf-8")) if kb_path.exists() else ({}, "")
    commands = (out / "commands.txt").read_text("utf-8").strip() if (out / "commands.txt").exists() else ""
    build_note = (out / "build-note.txt").read_text("utf-8").strip() if (out / "build-note.txt").exists() else ""

    if args.tree_start:  # the sources as run.sh started (what the first build compiled)
        commit, status_hash = (args.tree_start.split() + ["?"])[:2]
        dirty = status_hash != EMPTY_BLOB
    else:
        commit = _git("rev-parse", "--short", "HEAD") or "?"
        dirty = bool(_git("status", "--porcelain", "--", "src", "benches", "Cargo.toml", "Cargo.lock",
                          "config.toml"))
    subject = _git("log", "-1", "--format=%s", commit) if commit != "?" else ""
    rustc = ""
    try:
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    traf_version = (body.get("trafilatura") or {}).get("version") or (meta or {}).get("trafilatura_version") or "?"
    n_docs = (body.get("khabar") or body.get("trafilatura") or {}).get("n_docs")

    L: List[str] = []
    L.append("# Generic extraction: khabar vs trafilatura on WCXB dev articles, Readability's pages "
             "and half of trafilatura's evaluation set")
    L.append("")
    L.append("Written by `bench/generic/run.sh` (see `bench/generic/README.md`); raw outputs in "
             "`bench/generic/out/` (not committed).")
    L.append("")
    L.append(f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    L.append(f"- commit: `{commit}` ({subject})" + (" **+ uncommitted changes under src/, benches/ or the manifest**"
                                                   if dirty else ""))
    if args.tree_start and args.tree_end and args.tree_start != args.tree_end:
        c0, c1 = args.tree_start.split()[0], args.tree_end.split()[0]
        L.append(f"- **the sources changed during the run** (" +
                 (f"commit `{c0}` at the start, `{c1}` at the end" if c0 != c1 else
                  "uncommitted edits under src/, benches/ or the manifest changed") +
                 "): the builds at the start and at the timing step may differ; repeat the run "
                 "on a quiet tree")
    if build_note:
        L.append(f"- **{build_note}**")
    L.append(f"- machine: {os.cpu_count()} core(s), {_cpu_name()}, {platform.system()} {platform.machine()}; "
             f"1-min load {args.load[0]} at start, {args.load[1]} at the end")
    L.append(f"- tools: khabar (`target/release/khabar`, {rustc or 'rustc ?'}); trafilatura {traf_version}, "
             f"Python {platform.python_version()}")
    L.append(f"- data: `{args.data}`, {n_docs if n_docs is not None else '?'} pages"
             + (f" (**LIMIT={args.limit}: a partial run, not comparable with full-set numbers**)"
                if args.limit else ""))
    L.append("")

    # ---- the joined speed rows: khabar (cargo bench --bench generic) and trafilatura (speed.py)
    kh, tr = body.get("khabar") or {}, body.get("trafilatura") or {}
    mt = (meta or {}).get("tools", {})
    workloads = (speed or {}).get("workloads", [])

    def speed_wl(key: str):
        return next((w for w in workloads if w["label"].lower().startswith(key)), None)

    def khabar_wl(key: str):
        if key == "wcxb":
            return next((v for n, v in kbench.items() if n.lower().startswith("wcxb")), None)
        return next((v for n, v in kbench.items() if key in n.lower()), None)

    rows = []
    for key, name in (("fixtures", "aawsat fixtures"), ("generated", "aawsat generated ~150 KB"),
                      ("wcxb", "WCXB dev articles")):
        t, k = speed_wl(key), khabar_wl(key)
        if not t and not k:
            continue
        te = t["modes"].get("extract", {}).get("us_mean") if t else None
        tp = t["modes"].get("parse", {}).get("us_mean") if t else None
        kp, kprof, kgen = (k["parse"], k["profile"], k["generic"]) if k else (None, None, None)
        rows.append({
            "key": key, "name": name, "t": t, "k": k,
            "pages_t": t["pages"] if t else None, "pages_k": k["pages"] if k else None,
            "kb": t["kb_avg"] if t else None,
            "k_parse": kp, "k_profile": kprof, "k_generic": kgen, "t_extract": te, "t_parse": tp,
            "k_markdown": k.get("markdown") if k else None,
            "gen_prof": kgen / kprof if kgen and kprof else None,
            "traf_gen": te / kgen if te and kgen else None,
        })
    wc_row = next((r for r in rows if r["key"] == "wcxb"), None)

    def acc(tool, field):
        f = mt.get(tool, {}).get(field)
        return "–" if not f or f.get("accuracy") is None else \
            f"{100 * f['accuracy']:.1f} % ({f['right']}/{f['with_truth']})"

    def ratio(x: Optional[float], goal_ok: Optional[bool], digits: int) -> str:
        if x is None:
            return "–"
        mark = "" if goal_ok is None else (" ✓" if goal_ok else " ✗")
        return f"{x:.{digits}f}x{mark}"

    def pages(r) -> str:
        a, b = r["pages_k"], r["pages_t"]
        if a is None or b is None or a == b:
            return str(a if a is not None else b)
        return f"{a} / {b} **(differ)**"

    # ---- both sets, tune / held-out halves (halves.py, when run.sh ran the Readability set)
    if (out / "halves.md").exists():
        L.append("## Summary: the sets, tune and held-out halves")
        L.append("")
        L.append("`bench/generic/halves.py`: WCXB dev (793 pages) and Readability's saved real-site "
                 "test pages (`bench/generic/readability_set.py`), each split by the first byte of "
                 "sha1(doc id) (even: tune, odd: held-out). Body F1 is article_bench's aggregate "
                 "recomputed per half from the per-page scores; empty = pages with no body word; "
                 "headline / date right over the pages whose truth has one; page title = the "
                 "exact headline test on khabar's `title` field (the page's declared title) and "
                 "on trafilatura's title. Tuning looks at the "
                 "tune halves only; the held-out halves are only measured. Bold: the better body F1. "
                 "The second table is the third set, half of trafilatura's own evaluation set "
                 "(`../shared/bench/trafilatura-eval-dev`, 485 pages of blogs, news, recipes, "
                 "institutions and shops), split the same way on its keys and scored by "
                 "`../shared/bench/snippet_bench.py`: snippets that must appear (with) and must not "
                 "(without), counted over the half's pages; date right over its annotated pages.")
        L.append("")
        L.append((out / "halves.md").read_text("utf-8").strip())
        L.append("")

    # ---- summary: quality
    L.append("## Summary: quality")
    L.append("")
    L.append(f"On the WCXB dev articles ({n_docs if n_docs is not None else '?'} pages). "
             "Body: `../shared/bench/article_bench.py`, 4-word-shingle precision / recall / F1 "
             "(khabar: the CLI's `body`; trafilatura: `extract(html, include_comments=False)`). "
             "Headline and date: `bench/generic/meta_accuracy.py` (khabar's `headline`, "
             "`published_at`; trafilatura's `title`, `date` from "
             "`bare_extraction(html, url=url, with_metadata=True)`). Higher is better.")
    L.append("")
    L.append("| | khabar | trafilatura |")
    L.append("| --- | ---: | ---: |")

    def f3(s, key):
        return "–" if not s or s.get(key) is None else f"{s[key]:.3f}"

    L.append(f"| body F1 | **{f3(kh, 'f1')}** | **{f3(tr, 'f1')}** |")
    L.append(f"| body precision | {f3(kh, 'precision')} | {f3(tr, 'precision')} |")
    L.append(f"| body recall | {f3(kh, 'recall')} | {f3(tr, 'recall')} |")
    L.append(f"| headline accuracy | {acc('khabar', 'headline')} | {acc('trafilatura', 'headline')} |")
    L.append(f"| page title accuracy (khabar's `title`) | {acc('khabar', 'title')} "
             f"| {acc('trafilatura', 'title')} |")
    L.append(f"| date accuracy | {acc('khabar', 'date')} | {acc('trafilatura', 'date')} |")
    L.append(f"| author accuracy (secondary) | {acc('khabar', 'author')} | {acc('trafilatura', 'author')} |")
    L.append("")

    # ---- summary: speed
    how = re.search(r"\((median of [^)]*)\)", kbench_title)
    L.append("## Summary: time per page")
    L.append("")
    if rows:
        L.append("µs per page, single thread, both tools in-process on the same pages in this run "
                 "(lower is better). khabar: `cargo bench --bench generic`"
                 + (f" ({how.group(1)})" if how else "")
                 + "; parse-only = charset decode + html5ever parse; profile = `Extractor::extract` with "
                 "the shipped `config.toml` (the aawsat profile); generic = `Extractor::extract` with no "
                 "profiles, so every field comes from metadata and the generic extractor; Markdown = "
                 "writing the articles as Markdown documents once extracted (generic with Markdown "
                 "less generic). trafilatura: "
                 "`bench/generic/speed.py`, `trafilatura.extract(raw_bytes, url=url, "
                 "with_metadata=True)`, mean over all timed calls.")
        L.append("")
        L.append("| workload | pages | KB avg | khabar parse-only | khabar profile | khabar generic "
                 "| khabar Markdown | trafilatura extract | generic / profile (goal ≤ 2x) "
                 "| trafilatura / khabar generic (goal ≥ 5x) |")
        L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            gp = r["gen_prof"]
            tg = r["traf_gen"]
            kb = "–" if r["kb"] is None else f"{r['kb']:.0f}"
            L.append(f"| {r['name']} | {pages(r)} | {kb} | "
                     f"{_us(r['k_parse'])} | {_us(r['k_profile'])} | **{_us(r['k_generic'])}** | "
                     f"{_us(r['k_markdown'])} | "
                     f"**{_us(r['t_extract'])}** | {ratio(gp, None if gp is None else gp <= 2.0, 2)} | "
                     f"{ratio(tg, None if tg is None else tg >= 5.0, 1)} |")
        L.append("")
        goals = []
        gps = [(r["name"], r["gen_prof"]) for r in rows if r["gen_prof"] is not None]
        if gps:
            ok = all(v <= 2.0 for _, v in gps)
            goals.append(f"generic ≤ 2x profile: **{'met' if ok else 'NOT met'}** on "
                         + ", ".join(f"{n} ({v:.2f}x)" for n, v in gps))
        tgs = [(r["name"], r["traf_gen"]) for r in rows if r["traf_gen"] is not None]
        if tgs:
            ok = all(v >= 5.0 for _, v in tgs)
            goals.append(f"trafilatura ≥ 5x khabar generic: **{'met' if ok else 'NOT met'}** on "
                         + ", ".join(f"{n} ({v:.1f}x)" for n, v in tgs))
        if goals:
            L.append("Goals: " + "; ".join(goals) + ".")
            L.append("")
        notes = ["khabar's numbers are the median over its interleaved rounds of the mean µs/page of "
                 "whole passes; trafilatura's are the mean over every timed call (details below). "
                 "Neither includes reading the files.",
                 "The aawsat pages have a site profile; the WCXB pages have none, so the benchmark "
                 "times no profile column there.",
                 "khabar's benchmark gives the pages without a URL; speed.py gives trafilatura the "
                 "WCXB pages' URLs (from the ground truth, as a crawler would know them) and the aawsat "
                 "pages none."]
        load_end = (speed or {}).get("load_1min_end")
        if load_end is not None and load_end > 1.5:
            notes.append(f"**The 1-min load average was {load_end:.2f} when speed.py ended (its own thread "
                         "counts about 1 of it): other work was running and the times may be inflated. "
                         "Repeat on a quiet machine before trusting them.**")
        if any(r["pages_k"] is not None and r["pages_t"] is not None and r["pages_k"] != r["pages_t"]
               for r in rows):
            notes.append("**The two tools timed different page counts on a workload (LIMIT): the ratio "
                         "there compares different page sets.**")
        for n in notes:
            L.append(f"- {n}")
        L.append("")
    elif not speed:
        L.append("(no timing: SPEED=0)")
        L.append("")

    # ---- body
    L.append("## Body text")
    L.append("")
    L.append("`../shared/bench/article_bench.py`: precision / recall / F1 over 4-word shingles "
             "(± bootstrap std), exact-token accuracy, and WCXB's word-bag F1 as a second score. "
             "khabar: the CLI's `body` field over the whole set; trafilatura: "
             "`extract(html, include_comments=False)` in-process.")
    L.append("")
    L.append("| tool | F1 | P | R | accuracy | word-bag F1 | empty | errors |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label in ("khabar", "trafilatura"):
        s = body.get(label)
        if not s:
            L.append(f"| {label} | (not run) | | | | | | |")
            continue
        L.append(f"| {label} | **{s['f1']:.3f}** ± {s.get('f1_std', 0):.3f} | {s['precision']:.3f} | "
                 f"{s['recall']:.3f} | {s['accuracy']:.3f} | {s['wb_f1']:.3f} | {s['empty']} | {s['errors']} |")
    L.append("")
    L.append("(P is the mean over pages with a non-empty prediction: a tool that returns nothing for a "
             "page loses recall there, not precision. Per-page scores: `out/body-per-doc.jsonl`.)")
    L.append("")

    # ---- metadata
    L.append("## Headline, date, author")
    L.append("")
    L.append("`bench/generic/meta_accuracy.py`: khabar's `headline`, `published_at`, `authors` from the same "
             "NDJSON; trafilatura's `title`, `date`, `author` from "
             "`bare_extraction(html, url=url, with_metadata=True)`. Headline right = equal to the truth "
             "title after normalisation (NFKC, casefold, quotes/dashes unified, white space collapsed, "
             "punctuation stripped at the ends); date right = same YYYY-MM-DD (over pages whose truth has "
             "a date); author right = the truth contained in the tool's authors (secondary). "
             "Per page: `out/meta-per-doc.tsv`.")
    L.append("")
    meta_md = out / "meta.md"
    L.append(meta_md.read_text("utf-8").strip() if meta_md.exists() else "(not run)")
    L.append("")

    # ---- speed details
    if rows or kh.get("wall_s"):
        L.append("## Time per page: details")
        L.append("")
        L.append("trafilatura (speed.py), µs per page: `load_html(raw)` is its decode + lxml parse, the "
                 "floor under anything built on lxml (khabar's counterpart: parse-only); for `extract`, "
                 "the spread of the rounds' means and the median and 95th percentile of single calls.")
        L.append("")
        L.append("| workload | trafilatura load_html | trafilatura extract: mean | rounds (lowest–highest) "
                 "| median call | p95 call |")
        L.append("| --- | ---: | ---: | --- | ---: | ---: |")
        for r in rows:
            t = r["t"]
            if not t:
                continue
            e = t["modes"].get("extract")
            if not e:
                continue
            rng = (f"{_us(e['us_round_min'])}–{_us(e['us_round_max'])} ({t['rounds']} rounds)"
                   if t["rounds"] > 1 else "one pass")
            L.append(f"| {r['name']} | {_us(r['t_parse'])} | {_us(e['us_mean'])} | {rng} | "
                     f"{_us(e['us_call_median'])} | {_us(e['us_call_p95'])} |")
        L.append("")
        extra = []
        if kh.get("wall_s") and kh.get("n_docs"):
            extra.append(f"khabar CLI over the WCXB set (`khabar -q extract -j {args.jobs}`, the accuracy "
                         f"run): {1000 * kh['wall_s'] / kh['n_docs']:.2f} ms per page, the wall time of the "
                         "one process ÷ pages, so with process start, `config.toml`, reading the files and "
                         "writing NDJSON"
                         + (f" (in-process generic: {wc_row['k_generic'] / 1000:.2f} ms)"
                            if wc_row and wc_row["k_generic"] else "") + ".")
        if tr.get("ms_mean") is not None:
            extra.append(f"trafilatura's body-only call in article_bench.py "
                         f"(`extract(html_str, include_comments=False)`, the page decoded beforehand): "
                         f"{tr['ms_mean']:.2f} ms per WCXB page (median {tr['ms_median']:.2f}).")
        for x in extra:
            L.append(f"- {x}")
        if extra:
            L.append("")
        L.append("Raw outputs: `out/generic-bench.txt` (khabar), `out/speed.txt` (trafilatura).")
        L.append("")

    # ---- commands
    L.append("## Commands")
    L.append("")
    L.append("From the repository root, `bench/generic/run.sh`" +
             (f" with `LIMIT={args.limit}`" if args.limit else "") + ", which ran:")
    L.append("")
    L.append("```sh")
    L.append(commands or "(commands.txt missing)")
    L.append(f"python3 bench/generic/report.py --out {args.out} --results {args.results}")
    L.append("```")
    L.append("")
    args.results.write_text("\n".join(L), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Article structure (headings, list items, quotes, table cells, code) of khabar and
trafilatura against Mozilla Readability's expected.html, on its 94 saved real-site pages.

    PYTHON=python3 bench/structure/run.sh       # or:
    python3 bench/structure/run.py [--runs 3] [--no-timing]

Writes bench/structure/results.md and, under bench/structure/out/:
  set/                 the pages (bench/generic/readability_set.py's layout), manifest.ndjson
  khabar.ndjson        khabar's records
  trafilatura.jsonl    trafilatura's Markdown per page
  per-page.jsonl       per page, tool and kind: truth / predicted / matched counts and the
                       unmatched texts of both sides
  summary.json         the table's numbers
  timing.json          the wall times of the Markdown timing
See README.md for the method.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in bench/generic or here
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "bench" / "generic"))

import halves  # noqa: E402  bench/generic/halves.py: split_of
import readability_set  # noqa: E402  bench/generic/readability_set.py: the set
from structure import (KINDS, khabar_heading_levels, khabar_structure, markdown_structure, match,  # noqa: E402
                       norm, truth_structure)

TOOLS = ("khabar", "trafilatura")
HALVES = ("tune", "held-out", "all")
KHABAR = ROOT / "target" / "release" / "khabar"


def rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def khabar_cmd(manifest: Path, html_dir: Path, extra=()) -> list[str]:
    return [rel(KHABAR), "-q", "extract", "-j", "2", *extra, "--manifest", rel(manifest), rel(html_dir)]


def build_set(src: Path, out: Path):
    """The set as readability_set.py writes it, and the manifest article_bench would write
    for it ({"file": "<id>.html", "url": ...}, the doc id being the case's name)."""
    dest = out / "set"
    rc = readability_set.main(["--src", str(src), "--dest", str(dest)])
    if rc:
        raise SystemExit(f"readability_set.py failed ({rc})")
    gt = json.loads((dest / "ground-truth.json").read_text("utf-8"))
    manifest = out / "manifest.ndjson"
    with manifest.open("w", encoding="utf-8") as f:
        for case in sorted(gt):
            f.write(json.dumps({"file": f"{case}.html", "url": gt[case]["url"]}) + "\n")
    return sorted(gt), gt, dest / "html", manifest


def run_khabar(manifest: Path, html_dir: Path, out_file: Path) -> dict:
    cmd = khabar_cmd(manifest, html_dir)
    with out_file.open("wb") as f:
        cp = subprocess.run(cmd, cwd=ROOT, stdout=f, stderr=subprocess.PIPE)
    if cp.returncode:
        print(f"warning: khabar exited {cp.returncode}: {cp.stderr.decode()[-1000:]}", file=sys.stderr)
    records = {}
    for line in out_file.read_text("utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            case = Path(r["source"]["file"]).name.removesuffix(".html")
            records[case] = r
    return records


def run_trafilatura(cases, html_dir: Path, url: str, out_file: Path) -> dict:
    import trafilatura
    from trafilatura.metadata import extract_metadata

    mds = {}
    with out_file.open("w", encoding="utf-8") as f:
        for case in cases:
            html = (html_dir / f"{case}.html").read_bytes().decode("utf-8", "replace")
            md = trafilatura.extract(
                html, output_format="markdown", include_formatting=True, include_tables=True,
                include_links=False, include_images=False, include_comments=False, url=url)
            meta = extract_metadata(html, default_url=url)
            title = meta.title if meta is not None else None
            mds[case] = {"markdown": md or "", "title": title}
            f.write(json.dumps({"id": case, **mds[case]}, ensure_ascii=False) + "\n")
    return mds


def score(cases, truth, preds):
    """Per page, tool and kind: counts and the unmatched texts."""
    rows = []
    for case in cases:
        for tool in TOOLS:
            for kind in KINDS:
                t, p = truth[case][kind], preds[tool][case][kind]
                m, t_left, p_left = match(t, p)
                rows.append({"id": case, "half": halves.split_of(case), "tool": tool, "kind": kind,
                             "truth": len(t), "predicted": len(p), "matched": m,
                             "missed": t_left, "extra": p_left})
    return rows


def summarise(rows):
    out = {}
    for half in HALVES:
        for tool in TOOLS:
            for kind in KINDS:
                sel = [r for r in rows if r["tool"] == tool and r["kind"] == kind
                       and (half == "all" or r["half"] == half)]
                t = sum(r["truth"] for r in sel)
                p = sum(r["predicted"] for r in sel)
                m = sum(r["matched"] for r in sel)
                prec = m / p if p else None
                recall = m / t if t else None
                f1 = 2 * prec * recall / (prec + recall) if prec and recall else (0.0 if t and p else None)
                out[f"{half}|{tool}|{kind}"] = {
                    "pages": len(sel), "truth": t, "predicted": p, "matched": m,
                    "precision": prec, "recall": recall, "f1": f1,
                    "pages_with_kind": sum(1 for r in sel if r["truth"]),
                    "pages_none": sorted(r["id"] for r in sel if r["truth"] and not r["predicted"]),
                    "pages_predicted_only": sum(1 for r in sel if r["predicted"] and not r["truth"]),
                }
    return out


def timing(manifest: Path, html_dir: Path, out: Path, runs: int) -> dict:
    """khabar's whole CLI run, plain NDJSON vs --include markdown, alternately."""
    modes = {"plain": [], "markdown": ["--include", "markdown"]}
    times = {m: [] for m in modes}
    cpu = {m: [] for m in modes}
    sizes = {}
    for n in range(runs + 1):  # run 0 of each mode warms the page cache and is not counted
        for mode, extra in modes.items():
            dest = out / f"timing-{mode}.ndjson"
            cmd = khabar_cmd(manifest, html_dir, extra)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            with dest.open("wb") as f:
                t0 = time.perf_counter()
                subprocess.run(cmd, cwd=ROOT, stdout=f, check=True)
                wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if n:
                times[mode].append(wall)
                cpu[mode].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            sizes[mode] = dest.stat().st_size
    med = {m: statistics.median(v) for m, v in times.items()}
    med_cpu = {m: statistics.median(v) for m, v in cpu.items()}
    return {"runs": runs, "times_s": times, "median_s": med, "ratio": med["markdown"] / med["plain"],
            "cpu_s": cpu, "median_cpu_s": med_cpu, "cpu_ratio": med_cpu["markdown"] / med_cpu["plain"],
            "output_bytes": sizes,
            "commands": {m: " ".join(khabar_cmd(manifest, html_dir, e)) + f" > {rel(out)}/timing-{m}.ndjson"
                         for m, e in modes.items()}}


# --- the report -----------------------------------------------------------------------------

def _git(*args) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def environment() -> dict:
    import lxml.etree
    import markdown_it
    import trafilatura

    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    kv = subprocess.run([str(KHABAR), "--version"], capture_output=True, text=True).stdout.strip()
    mtime = datetime.datetime.fromtimestamp(KHABAR.stat().st_mtime, datetime.timezone.utc)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "machine": f"{platform.machine()}, {cpu or 'cpu ?'}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "load": load,
        "khabar": f"{kv} (target/release/khabar built {mtime:%Y-%m-%d %H:%M} UTC)",
        "python": platform.python_version(),
        "trafilatura": trafilatura.__version__,
        "markdown-it-py": markdown_it.__version__,
        "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
    }


def fmt(x, pct=False):
    if x is None:
        return "–"
    return f"{100 * x:.1f} %" if pct else f"{x:.3f}"


def report(summary, env, tim, pages_by_half, extra_notes) -> str:
    L = []
    L.append("# Article structure: khabar vs trafilatura against Readability's expected.html")
    L.append("")
    L.append("Written by `bench/structure/run.py`; method and caveats in `README.md`.")
    L.append("")
    L.append(f"- date: {env['date']}")
    L.append(f"- commit: {env['commit']}")
    L.append(f"- machine: {env['machine']}; 1/5/15-min load at the end: {env['load']}")
    L.append(f"- khabar: {env['khabar']}")
    L.append(f"- Python {env['python']}, trafilatura {env['trafilatura']}, markdown-it-py "
             f"{env['markdown-it-py']}, lxml {env['lxml']}")
    L.append(f"- pages: Mozilla Readability's saved real-site test pages, "
             f"{pages_by_half['all']} (tune {pages_by_half['tune']}, held-out {pages_by_half['held-out']})")
    L.append("")
    L.append("## Summary (all pages)")
    L.append("")
    L.append("P = matched / predicted, R = matched / truth, pooled over the pages; a predicted text "
             "matches a truth text when equal after normalisation or when their word sets have F1 ≥ 0.8 "
             "(one to one). *pages* = pages whose truth has the kind; *none* = of those, pages where "
             "the tool gave none of it.")
    L.append("")
    L.append("| kind | pages | truth | khabar pred. | khabar P | khabar R | khabar F1 | khabar none "
             "| traf. pred. | traf. P | traf. R | traf. F1 | traf. none |")
    L.append("| --- |" + " ---: |" * 12)
    for kind in KINDS:
        k = summary[f"all|khabar|{kind}"]
        t = summary[f"all|trafilatura|{kind}"]

        def b(x, y):
            s = fmt(x)
            return f"**{s}**" if x is not None and (y is None or x > y) else s

        L.append(f"| {kind} | {k['pages_with_kind']} | {k['truth']} | {k['predicted']} | {fmt(k['precision'])} "
                 f"| {fmt(k['recall'])} | {b(k['f1'], t['f1'])} | {len(k['pages_none'])} "
                 f"| {t['predicted']} | {fmt(t['precision'])} | {fmt(t['recall'])} | {b(t['f1'], k['f1'])} "
                 f"| {len(t['pages_none'])} |")
    L.append("")
    L.append("## Per kind × half × tool")
    L.append("")
    L.append("| kind | half | tool | pages with kind | truth | predicted | matched | P | R | F1 | none |")
    L.append("| --- | --- | --- |" + " ---: |" * 8)
    for kind in KINDS:
        for half in HALVES:
            for tool in TOOLS:
                s = summary[f"{half}|{tool}|{kind}"]
                L.append(f"| {kind} | {half} | {tool} | {s['pages_with_kind']} | {s['truth']} | {s['predicted']} "
                         f"| {s['matched']} | {fmt(s['precision'])} | {fmt(s['recall'])} | {fmt(s['f1'])} "
                         f"| {len(s['pages_none'])} |")
    L.append("")
    L.append("## Pages whose truth has the kind and the tool gave none (all pages)")
    L.append("")
    L.append("| kind | khabar | trafilatura |")
    L.append("| --- | --- | --- |")
    for kind in KINDS:
        k = summary[f"all|khabar|{kind}"]["pages_none"]
        t = summary[f"all|trafilatura|{kind}"]["pages_none"]
        L.append(f"| {kind} | {', '.join(k) or '–'} | {', '.join(t) or '–'} |")
    L.append("")
    if extra_notes:
        L.append("## Notes from this run")
        L.append("")
        L.extend(f"- {n}" for n in extra_notes)
        L.append("")
    if tim:
        L.append("## Cost of the Markdown rendering (khabar CLI wall time)")
        L.append("")
        L.append(f"The whole CLI run over the {pages_by_half['all']} pages (process start, parse, extract, "
                 f"write the NDJSON to a file), {tim['runs']} runs of each, alternately, after one uncounted "
                 "warm-up run of each; median wall time, and the median CPU time (user + system) of the "
                 "process. This is a whole-run comparison, not an in-process measure of the renderer "
                 "alone; a run takes under a second, so a few runs move the ratio by several per cent.")
        L.append("")
        L.append("| run | median wall time | runs (s) | median CPU time | output |")
        L.append("| --- | ---: | --- | ---: | ---: |")
        for mode in ("plain", "markdown"):
            L.append(f"| `{'extract' if mode == 'plain' else 'extract --include markdown'}` "
                     f"| {tim['median_s'][mode]:.3f} s | {', '.join(f'{x:.3f}' for x in tim['times_s'][mode])} "
                     f"| {tim['median_cpu_s'][mode]:.3f} s | {tim['output_bytes'][mode] / 1024:.0f} KiB |")
        L.append("")
        L.append(f"Ratio markdown ÷ plain: **{tim['ratio']:.3f}×** wall time, {tim['cpu_ratio']:.3f}× CPU time.")
        L.append("")
        L.append("Commands:")
        L.append("")
        L.append("```sh")
        for mode in ("plain", "markdown"):
            L.append(tim["commands"][mode])
        L.append("```")
        L.append("")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=ROOT.parent / "shared" / "bench" / "readability-pages")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--results", type=Path, default=HERE / "results.md")
    ap.add_argument("--runs", type=int, default=3, help="timing runs of each mode [3]")
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args(argv)
    if not KHABAR.is_file():
        print(f"no {KHABAR}: build it first (cargo build --release)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)

    cases, gt, html_dir, manifest = build_set(args.src, args.out)
    url = readability_set.URL
    print(f"[structure] khabar on {len(cases)} pages", file=sys.stderr)
    records = run_khabar(manifest, html_dir, args.out / "khabar.ndjson")
    print("[structure] trafilatura (Markdown)", file=sys.stderr)
    mds = run_trafilatura(cases, html_dir, url, args.out / "trafilatura.jsonl")

    truth, preds = {}, {"khabar": {}, "trafilatura": {}}
    notes = []
    h1 = {"h1_dropped": 0, "h1_kept": 0, "rule_cells": 0, "code_indented": 0}
    fenced = {"truth": 0, "predicted": 0, "matched": 0}
    title_headings = {"pages": 0, "headings": 0}
    levels = {}
    missing = []
    for case in cases:
        truth[case] = truth_structure((args.src / case / "expected.html").read_bytes().decode("utf-8"))
        rec = records.get(case)
        if rec is None:
            missing.append(case)
            rec = {}
        preds["khabar"][case] = khabar_structure(rec)
        for lv, n in khabar_heading_levels(rec).items():
            levels[lv] = levels.get(lv, 0) + n
        s, info = markdown_structure(mds[case]["markdown"], mds[case]["title"])
        preds["trafilatura"][case] = s
        for k in h1:
            h1[k] += info[k]
        m, _, _ = match(truth[case]["code"], info["code_fenced"])
        fenced["truth"] += len(truth[case]["code"])
        fenced["predicted"] += len(info["code_fenced"])
        fenced["matched"] += m
        # a truth heading that is the article's title: Readability keeps the headline when
        # the page sets it inside the article (turning an <h1> into an <h2>)
        titles = {norm(gt[case].get("title")), norm(rec.get("headline")), norm(rec.get("title"))} - {""}
        n = sum(1 for h in truth[case]["heading"] if h in titles)
        title_headings["headings"] += n
        title_headings["pages"] += n > 0
    if missing:
        notes.append(f"khabar gave no record for {len(missing)} pages: {', '.join(missing)}")
    notes.append(f"khabar's heading blocks by level: "
                 + ", ".join(f"h{lv}: {n}" for lv, n in sorted(levels.items(), key=lambda x: x[0] or 0)))
    notes.append(f"trafilatura's level-1 headings: {h1['h1_dropped']} equal to its title (left out), "
                 f"{h1['h1_kept']} others (counted as headings); {h1['rule_cells']} cells of `|---|` rule "
                 "rows inside its tables left out")
    notes.append(f"truth headings that are the page's title (equal to Readability's metadata title, or to "
                 f"khabar's `headline` or `title`): {title_headings['headings']} on {title_headings['pages']} "
                 "pages; khabar gives the headline in `headline`, not as a block, so these count as misses")
    fp = fenced["matched"] / fenced["predicted"] if fenced["predicted"] else 0.0
    fr = fenced["matched"] / fenced["truth"] if fenced["truth"] else 0.0
    notes.append(f"trafilatura's code counted as CommonMark reads it: {h1['code_indented']} of its code blocks are "
                 "indented blocks (source indentation kept in its Markdown: 4+ spaces or a tab before a line), "
                 "not listings; its fenced blocks alone (all pages): "
                 f"{fenced['predicted']} predicted, {fenced['matched']} matched of {fenced['truth']}, "
                 f"P {fp:.3f}, R {fr:.3f}")
    if not any(preds["trafilatura"][c]["quote"] for c in cases):
        notes.append("trafilatura's Markdown marks no quote at all (no `>` line on any page): its `quote` "
                     "elements are written as plain paragraphs, so its quote row is 0 by construction")
    empty_md = [c for c in cases if not mds[c]["markdown"]]
    if empty_md:
        notes.append(f"trafilatura returned nothing for: {', '.join(empty_md)}")

    rows = score(cases, truth, preds)
    with (args.out / "per-page.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    summary = summarise(rows)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), "utf-8")

    tim = None
    if not args.no_timing:
        print(f"[structure] timing: {args.runs} runs each, plain and --include markdown", file=sys.stderr)
        tim = timing(manifest, html_dir, args.out, args.runs)
        (args.out / "timing.json").write_text(json.dumps(tim, indent=1), "utf-8")

    env = environment()
    pages_by_half = {"all": len(cases), "tune": sum(halves.split_of(c) == "tune" for c in cases)}
    pages_by_half["held-out"] = len(cases) - pages_by_half["tune"]
    md = report(summary, env, tim, pages_by_half, notes)
    args.results.write_text(md + "\n", "utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())

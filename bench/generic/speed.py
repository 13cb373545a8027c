#!/usr/bin/env python3
"""Trafilatura's time per page, in-process, single thread: the Python side of the speed
comparison with khabar (see bench/generic/README.md for how the two are put side by side).

Workloads (each optional):

  wcxb       --data DIR: the pages of a WCXB-layout set (DATA/html/<id>.html.gz), each given
             with its URL from DATA/ground-truth.json, as a crawler would know it;
  fixtures   --fixtures DIR: every *.html there (khabar's fixtures/aawsat), no URL, as
             `cargo bench --bench generic` gives them to khabar;
  generated  --generated DIR: every *.html there, e.g. the ~150 KB pages that
             `KHABAR_BENCH_DUMP=DIR cargo bench --bench extract` writes (the same pages
             `cargo bench --bench generic` times).

Modes, timed per call with time.perf_counter():

  parse      trafilatura.load_html(raw bytes): its decoding and lxml parse, the floor any
             lxml-based extractor pays (khabar's counterpart: the `parse-only` mode of its
             benchmark, charset decode + html5ever parse);
  extract    trafilatura.extract(raw bytes, url=url, with_metadata=True): body and metadata
             with every other option at its default, as a user calls it (output: plain text
             with the metadata header);
  body       (only with --modes ...,body) trafilatura.extract(raw bytes), defaults only.

Pages are read into memory (and decompressed) before anything is timed and are given as raw
bytes, so trafilatura decodes them itself, as khabar does. Two untimed warm-up calls per page and mode
(on at most --warmup-pages pages) come first; the second estimates a pass. A workload whose whole pass takes longer than
--secs is then run once per mode (each page timed once); a smaller one runs --rounds rounds in
which the modes take turns, each round whole passes over the pages filling about
--secs/--rounds. The garbage collector stays on, as users run it (gc.collect() before each
round). Reported per workload and mode: mean µs/page over every timed call, the median and
range of the rounds' means, and the median and 95th percentile over single calls.

    python3 bench/generic/speed.py --data ../shared/bench/wcxb-dev-articles \\
        --fixtures fixtures/aawsat --generated /tmp/pages --json-out out/speed.json
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import logging
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

Page = Tuple[str, bytes, Optional[str]]  # name, raw bytes, url


def load_wcxb(data: Path, limit: Optional[int]) -> List[Page]:
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    pages = []
    for doc_id in sorted(truth)[: limit or None]:
        for cand in (data / "html" / f"{doc_id}.html.gz", data / "html" / f"{doc_id}.html"):
            if cand.exists():
                raw = cand.read_bytes()
                if cand.suffix == ".gz":
                    raw = gzip.decompress(raw)
                pages.append((doc_id, raw, truth[doc_id].get("url") or None))
                break
        else:
            sys.exit(f"missing HTML for {doc_id} under {data / 'html'}")
    return pages


def load_dir(d: Path, limit: Optional[int]) -> List[Page]:
    paths = sorted(p for p in d.iterdir() if p.suffix == ".html")
    if not paths:
        sys.exit(f"no .html files in {d}")
    return [(p.name, p.read_bytes(), None) for p in paths[: limit or None]]


def make_modes(names: List[str]) -> Dict[str, Callable[[bytes, Optional[str]], object]]:
    import trafilatura
    from trafilatura.utils import load_html
    for lg in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "justext"):
        logging.getLogger(lg).setLevel(logging.CRITICAL)
    table = {
        "parse": lambda raw, url: load_html(raw),
        "extract": lambda raw, url: trafilatura.extract(raw, url=url, with_metadata=True),
        "body": lambda raw, url: trafilatura.extract(raw),
    }
    for n in names:
        if n not in table:
            sys.exit(f"unknown mode {n!r}; choose from {', '.join(table)}")
    return {n: table[n] for n in names}


def one_pass(fn, pages: List[Page], sink: List[float]) -> int:
    """Time every page once; returns how many calls raised."""
    errors = 0
    clock = time.perf_counter
    for _name, raw, url in pages:
        t0 = clock()
        try:
            fn(raw, url)
        except Exception:
            errors += 1
        sink.append(clock() - t0)
    return errors


def pct(vals: List[float], q: float) -> float:
    s = sorted(vals)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def run_workload(label: str, pages: List[Page], modes: Dict[str, Callable], secs: float,
                 rounds: int, warmup_pages: int) -> dict:
    size = sum(len(p[1]) for p in pages)
    print(f"[speed] {label}: {len(pages)} pages, {size / len(pages) / 1000:.1f} KB avg",
          file=sys.stderr)
    # warm-up, which also estimates the length of a pass
    est = {}
    for m, fn in modes.items():
        w: List[float] = []
        one_pass(fn, pages[:warmup_pages], [])  # first calls load lazily-built state
        one_pass(fn, pages[:warmup_pages], w)
        est[m] = statistics.mean(w) * len(pages) if w else 0.0
    single = max(est.values()) >= secs
    n_rounds = 1 if single else max(1, rounds)
    passes = {m: 1 if single else max(1, round(secs / n_rounds / est[m])) if est[m] > 0 else 1
              for m in modes}
    calls: Dict[str, List[float]] = {m: [] for m in modes}
    round_means: Dict[str, List[float]] = {m: [] for m in modes}
    errors = {m: 0 for m in modes}
    for _ in range(n_rounds):
        for m, fn in modes.items():
            gc.collect()
            times: List[float] = []
            for _p in range(passes[m]):
                errors[m] += one_pass(fn, pages, times)
            calls[m].extend(times)
            round_means[m].append(sum(times) / len(times))
    out = {"label": label, "pages": len(pages), "kb_avg": size / len(pages) / 1000,
           "rounds": n_rounds, "modes": {}}
    for m in modes:
        c, r = calls[m], round_means[m]
        out["modes"][m] = {
            "us_mean": 1e6 * sum(c) / len(c),
            "us_round_median": 1e6 * statistics.median(r),
            "us_round_min": 1e6 * min(r), "us_round_max": 1e6 * max(r),
            "us_call_median": 1e6 * pct(c, 0.5), "us_call_p95": 1e6 * pct(c, 0.95),
            "calls": len(c), "passes_per_round": passes[m], "errors": errors[m],
        }
    return out


def _load1() -> Optional[float]:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="WCXB-layout set (ground-truth.json, html/)")
    ap.add_argument("--fixtures", type=Path, help="dir of .html pages (khabar's fixtures/aawsat)")
    ap.add_argument("--generated", type=Path, help="dir of generated .html pages (KHABAR_BENCH_DUMP)")
    ap.add_argument("--modes", default="parse,extract", help="comma list of parse, extract, body")
    ap.add_argument("--secs", type=float, default=2.5,
                    help="seconds per workload and mode for the small workloads [2.5]")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds, small workloads [5]")
    ap.add_argument("--warmup-pages", type=int, default=20, help="untimed warm-up calls per mode [20]")
    ap.add_argument("--limit", type=int, help="only the first N pages of each workload")
    ap.add_argument("--json-out", type=Path, help="write the results as JSON here")
    args = ap.parse_args(argv)

    workloads: List[Tuple[str, List[Page]]] = []
    if args.data:
        workloads.append((f"wcxb ({args.data.name})", load_wcxb(args.data, args.limit)))
    if args.fixtures:
        workloads.append((f"fixtures ({args.fixtures.name})", load_dir(args.fixtures, args.limit)))
    if args.generated:
        workloads.append(("generated", load_dir(args.generated, args.limit)))
    if not workloads:
        ap.error("give at least one of --data, --fixtures, --generated")
    modes = make_modes([m.strip() for m in args.modes.split(",") if m.strip()])

    from importlib.metadata import version
    info = {
        "tool": "trafilatura", "version": version("trafilatura"), "lxml": version("lxml"),
        "python": platform.python_version(), "machine": f"{os.cpu_count()} core(s), {_cpu_name()}",
        "load_1min_start": _load1(), "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }
    results = [run_workload(label, pages, modes, args.secs, args.rounds, args.warmup_pages)
               for label, pages in workloads]
    info["load_1min_end"] = _load1()

    print(f"trafilatura {info['version']} (lxml {info['lxml']}, Python {info['python']}), "
          f"in-process, one thread; {info['machine']}; load {info['load_1min_start']:.2f} at start")
    print("time per page, µs (mean over all timed calls; [lowest–highest round mean]; median and "
          "p95 of single calls)")
    print(f"  {'workload':<34}{'pages':>6}{'KB avg':>8}  {'mode':<8}{'mean µs':>11}  "
          f"{'rounds':<21}{'median':>10}{'p95':>10}")
    for r in results:
        for m, s in r["modes"].items():
            rng = (f"[{s['us_round_min']:.0f}–{s['us_round_max']:.0f}] x{r['rounds']}"
                   if r["rounds"] > 1 else "(one pass)")
            err = f"  {s['errors']} errors" if s["errors"] else ""
            print(f"  {r['label']:<34}{r['pages']:>6}{r['kb_avg']:>8.1f}  {m:<8}{s['us_mean']:>11.0f}  "
                  f"{rng:<21}{s['us_call_median']:>10.0f}{s['us_call_p95']:>10.0f}{err}")
    if info["load_1min_end"] is not None and info["load_1min_end"] > 1.2:
        print(f"note: 1-min load average {info['load_1min_end']:.2f} at the end: other work was "
              "running, the times are inflated")
    if args.json_out:
        args.json_out.write_text(json.dumps({**info, "workloads": results}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

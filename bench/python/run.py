#!/usr/bin/env python3
"""khabar's Python API against trafilatura, both called in this one Python process, on the
same pages already in memory. bench/python/README.md explains what is measured and why.

Part 1, one thread, time per page. Four calls on every page of both sets:

  khabar.extract              khabar.extract(raw, url): the module-level function (built-in
                              configuration, compiled once per process), records as dicts;
  trafilatura.extract         trafilatura.extract(raw, url=url, with_metadata=True), the call
                              bench/generic/speed.py times (text body with a metadata header);
  trafilatura.bare_extraction trafilatura.bare_extraction(raw, url=url, with_metadata=True):
                              its Document object, no text serialisation;
  lxml.html.fromstring        lxml.html.fromstring(raw): the parse alone, the floor under
                              anything built on lxml (a reference, not an extractor).

  Sets: the WCXB v1.0 dev articles (793 pages, each with its ground-truth URL, loaded by
  bench/generic/speed.py's load_wcxb) and Mozilla Readability's saved real-site test pages
  (94, chosen by bench/generic/readability_set.py's is_real_site, all with the URL
  http://fakehost/test/page.html). Each call gets the raw bytes.

  Timing: two untimed warm-up calls per page and call on up to --warmup-pages pages (the
  second estimates a pass); then --rounds rounds in which the four calls take turns. When
  the slowest call's whole pass fits in --secs/--rounds, every round is whole passes of the
  set (as speed.py does); otherwise the set is dealt into --rounds slices (page i in slice
  i mod rounds) and round r gives slice r to every call in turn, so each call still sees
  every page and the rounds of different calls hold the same pages. Each call gets about
  --secs seconds in all (at least one pass). gc.collect() before every call's turn. Reported:
  mean µs/page over every timed call, the median (and range) of the rounds' means, single-
  call median and p95, errors, pages with an empty result.

Part 2, throughput over the WCXB pages with one khabar.Extractor():

  loop           [ex.extract(raw, url) for each page], one thread;
  threads=N      ex.extract_many(pages, threads=N), results taken as they come (N = --threads);
  blank pages    extract_many(threads=1) over pages of spaces of the same sizes: khabar
                 returns [] for them without parsing, so what is left is the Python side's
                 own work (taking the page from the iterable, copying its bytes) with no
                 records to convert;
  zlib control   zlib.compress(page, 6) on 1 and 2 Python threads, each over its share of
                 the pages: CPU-bound work that releases the GIL, i.e. what two threads get
                 on this machine with nothing serial in the way.

  Each run repeats whole passes of the set until it has lasted --tp-secs; --tp-rounds rounds,
  the runs taking turns; pages/s is the median of the rounds. Measured per run: wall time, the CPU time of the Python thread that
  feeds the pages and converts the records to dicts (time.thread_time(): everything khabar
  does while holding the GIL), and the process's CPU time (all threads; the rest is the Rust
  workers').

Also measured, for every part: the CPU time other processes used meanwhile (/proc/stat's busy
time less this process's), so a result taken on a busy machine says so.

    python3 bench/python/run.py                         # full run, about 6 minutes
    python3 bench/python/run.py --limit 40 --secs 1     # a quick look
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench" / "generic"))
sys.dont_write_bytecode = True  # leave no __pycache__ in bench/generic
# the generic benchmark's page loading, trafilatura call and machine description
from speed import _cpu_name, _load1, load_wcxb, make_modes, pct  # noqa: E402
from readability_set import URL as READABILITY_URL, is_real_site  # noqa: E402

Page = Tuple[str, bytes, Optional[str]]  # name, raw bytes, url
Call = Callable[[bytes, Optional[str]], object]

KHABAR = "khabar.extract"
TRAF = "trafilatura.extract"
BARE = "trafilatura.bare_extraction"
LXML = "lxml.html.fromstring"
GOAL = 10.0  # trafilatura.extract ÷ khabar.extract, at least


# --------------------------------------------------------------------------- the machine

class Others:
    """CPU time the rest of the machine used over a stretch: /proc/stat's busy time (all
    cores) less this process's CPU time, in cores on average."""

    def __init__(self) -> None:
        self.t0, self.busy0, self.own0 = time.perf_counter(), self._busy(), time.process_time()

    @staticmethod
    def _busy() -> Optional[float]:
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    def cores(self) -> Optional[float]:
        busy = self._busy()
        if busy is None or self.busy0 is None:
            return None
        wall = time.perf_counter() - self.t0
        own = time.process_time() - self.own0
        return max(0.0, (busy - self.busy0 - own) / wall) if wall > 0 else None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=True).stdout.rstrip("\n")
    except (OSError, subprocess.CalledProcessError):
        return ""


def tree_state() -> dict:
    """HEAD and the uncommitted paths (this benchmark's own outputs aside)."""
    own = ("bench/python/results.md", "bench/python/out/")
    changed = [ln[3:] for ln in _git("status", "--porcelain").splitlines()
               if not ln[3:].startswith(own)]
    return {"commit": _git("rev-parse", "--short", "HEAD") or "?",
            "subject": _git("log", "-1", "--format=%s"), "changed": changed}


# --------------------------------------------------------------------------- the pages

def load_readability(src: Path, limit: Optional[int]) -> List[Page]:
    cases = sorted(p for p in src.iterdir() if (p / "source.html").is_file() and is_real_site(p))
    if not cases:
        sys.exit(f"no real-site cases under {src}")
    return [(c.name, (c / "source.html").read_bytes(), READABILITY_URL) for c in cases[: limit or None]]


def rel(p: Path) -> str:
    try:
        return os.path.relpath(p.resolve(), ROOT)
    except ValueError:
        return str(p)


# --------------------------------------------------------------------------- part 1

def build_calls() -> Dict[str, Call]:
    import khabar
    import lxml.html
    import trafilatura
    traf = make_modes(["extract"])["extract"]  # speed.py's call (and its quieted loggers)
    return {
        KHABAR: lambda raw, url: khabar.extract(raw, url),
        TRAF: traf,
        BARE: lambda raw, url: trafilatura.bare_extraction(raw, url=url, with_metadata=True),
        LXML: lambda raw, url: lxml.html.fromstring(raw),
    }


def count_objects(x) -> int:
    """Python objects in a record structure (containers, keys and values), for context."""
    if isinstance(x, dict):
        return 1 + sum(1 + count_objects(v) for v in x.values())
    if isinstance(x, list):
        return 1 + sum(count_objects(v) for v in x)
    return 1


class Tally:
    """What a call returned, looked at outside the timed region, once per page."""

    def __init__(self) -> None:
        self.seen: set = set()
        self.errors: Dict[str, str] = {}
        self.empty: List[str] = []
        self.records = 0
        self.objects = 0

    def note(self, name: str, mode: str, result, error: Optional[BaseException]) -> None:
        if name in self.seen:
            return
        self.seen.add(name)
        if error is not None:
            self.errors[name] = f"{type(error).__name__}: {error}"[:200]
            return
        if mode == LXML:
            return
        if not result:  # khabar: [], trafilatura: None or ""
            self.empty.append(name)
        if mode == KHABAR and result:
            self.records += len(result)
            self.objects += count_objects(result)


def timed_pass(fn: Call, pages: List[Page], sink: Optional[List[float]], tally: Optional[Tally],
               mode: str) -> None:
    clock = time.perf_counter
    for name, raw, url in pages:
        err = None
        res = None
        t0 = clock()
        try:
            res = fn(raw, url)
        except Exception as e:  # noqa: BLE001 (counted, reported)
            err = e
        t = clock() - t0
        if sink is not None:
            sink.append(t)
        if tally is not None:
            tally.note(name, mode, res, err)
        del res


def time_set(label: str, pages: List[Page], calls: Dict[str, Call], secs: float, rounds: int,
             warmup_pages: int) -> dict:
    n = len(pages)
    size = sum(len(p[1]) for p in pages)
    print(f"[run] {label}: {n} pages, {size / n / 1000:.1f} KB avg", file=sys.stderr)
    others = Others()
    est: Dict[str, float] = {}
    for m, fn in calls.items():
        timed_pass(fn, pages[:warmup_pages], None, None, m)  # first calls build lazy state
        w: List[float] = []
        timed_pass(fn, pages[:warmup_pages], w, None, m)
        est[m] = max(1e-9, statistics.mean(w) * n)
    rounds = max(1, min(rounds, n))
    whole = max(est.values()) <= secs / rounds
    if whole:
        slices = [pages] * rounds
        passes = {m: max(1, round(secs / rounds / est[m])) for m in calls}
    else:
        slices = [pages[r::rounds] for r in range(rounds)]
        passes = {m: max(1, round(secs / est[m])) for m in calls}
    print(f"[run]   estimated pass (s): " + ", ".join(f"{m} {est[m]:.2f}" for m in calls)
          + f"; {'whole passes' if whole else 'slices'} x{rounds}, passes "
          + ", ".join(f"{passes[m]}" for m in calls), file=sys.stderr)
    times: Dict[str, List[float]] = {m: [] for m in calls}
    round_means: Dict[str, List[float]] = {m: [] for m in calls}
    tallies = {m: Tally() for m in calls}
    for r, sl in enumerate(slices):
        for m, fn in calls.items():
            gc.collect()
            t: List[float] = []
            for _ in range(passes[m]):
                timed_pass(fn, sl, t, tallies[m], m)
            times[m].extend(t)
            round_means[m].append(sum(t) / len(t))
        print(f"[run]   round {r + 1}/{rounds}: " + ", ".join(
            f"{m} {1e6 * round_means[m][-1]:,.0f} µs" for m in calls), file=sys.stderr)
    out = {"label": label, "pages": n, "kb_avg": size / n / 1000, "rounds": rounds,
           "whole_passes": whole, "calls": {}, "others_cores": others.cores()}
    for m in calls:
        c, rm, ta = times[m], round_means[m], tallies[m]
        out["calls"][m] = {
            "us_mean": 1e6 * sum(c) / len(c),
            "us_round_median": 1e6 * statistics.median(rm),
            "us_round_min": 1e6 * min(rm), "us_round_max": 1e6 * max(rm),
            "us_call_median": 1e6 * pct(c, 0.5), "us_call_p95": 1e6 * pct(c, 0.95),
            "timed_calls": len(c), "passes": passes[m], "seconds": sum(c),
            "errors": len(ta.errors), "error_pages": ta.errors,
            "empty": len(ta.empty), "empty_pages": sorted(ta.empty),
        }
        if m == KHABAR:
            ok = max(1, n - len(ta.errors) - len(ta.empty))
            out["calls"][m]["records"] = ta.records
            out["calls"][m]["objects_per_page"] = ta.objects / ok
    kh = out["calls"].get(KHABAR)
    for m, key in ((TRAF, "traf_over_khabar"), (BARE, "bare_over_khabar")):
        if kh and m in out["calls"]:
            out[key] = out["calls"][m]["us_mean"] / kh["us_mean"]
            out[key + "_round_median"] = statistics.median(
                a / b for a, b in zip(round_means[m], round_means[KHABAR]))
    return out


# --------------------------------------------------------------------------- part 2

def _repeat(pairs: List[Tuple[bytes, Optional[str]]], t0: List[float], secs: float,
            done: List[int]):
    """Whole passes over pairs until secs have gone by since t0[0] (checked between passes)."""
    while True:
        yield from pairs
        done[0] += 1
        if time.perf_counter() - t0[0] >= secs:
            return


def one_run(ex, pairs, kind: str, threads: Optional[int], secs: float) -> dict:
    """One run of whole passes lasting at least secs. kind "loop": ex.extract on this thread;
    "many": ex.extract_many(threads=threads); "zlib": the control, zlib.compress(page, 6) on
    `threads` Python threads, each over its share of the pages (zlib releases the GIL)."""
    gc.collect()
    done = [0]
    t0 = [0.0]
    pages = records = 0
    others = Others()
    c0, p0 = time.thread_time(), time.process_time()
    if kind == "zlib":
        shares = [pairs[i::threads] for i in range(threads)]
        counts = [0] * threads

        def work(i: int) -> None:
            share, k = shares[i], 0
            while True:
                for raw, _url in share:
                    zlib.compress(raw, 6)
                    k += 1
                if time.perf_counter() - t0[0] >= secs:
                    break
            counts[i] = k

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        t0[0] = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        pages = sum(counts)
        done[0] = pages // len(pairs)
    else:
        it = _repeat(pairs, t0, secs, done)
        t0[0] = time.perf_counter()
        if kind == "loop":
            for raw, url in it:
                records += len(ex.extract(raw, url))
                pages += 1
        else:
            for recs in ex.extract_many(it, threads=threads):
                records += len(recs)
                pages += 1
    wall = time.perf_counter() - t0[0]
    main, proc = time.thread_time() - c0, time.process_time() - p0
    return {"wall": wall, "pages": pages, "passes": done[0], "records": records,
            "main_cpu": main, "proc_cpu": proc, "others_cores": others.cores()}


def throughput(pages: List[Page], thread_counts: List[int], secs: float, rounds: int) -> dict:
    import khabar
    ex = khabar.Extractor()
    pairs = [(raw, url) for _n, raw, url in pages]
    blank = [(b" " * len(raw), url) for _n, raw, url in pages]
    configs: List[Tuple[str, List, str, Optional[int]]] = [("loop", pairs, "loop", None)]
    configs += [(f"threads={n}", pairs, "many", n) for n in thread_counts]
    configs.append(("blank pages, threads=1", blank, "many", 1))
    configs += [(f"control: zlib.compress, threads={n}", pairs, "zlib", n) for n in (1, 2)]
    for _label, ps, kind, th in configs:  # warm-up: the pool's threads, the first pages
        if kind == "loop":
            for raw, url in ps[:10]:
                ex.extract(raw, url)
        elif kind == "many":
            for _ in ex.extract_many(ps[:10], threads=th):
                pass
    runs: Dict[str, List[dict]] = {c[0]: [] for c in configs}
    others = Others()
    for r in range(rounds):
        for label, ps, kind, th in configs:
            res = one_run(ex, ps, kind, th, secs)
            runs[label].append(res)
            oc = res["others_cores"]
            print(f"[run] throughput round {r + 1}/{rounds} {label}: "
                  f"{res['pages'] / res['wall']:,.0f} pages/s over {res['wall']:.1f} s"
                  + (f" (others {oc:.2f} cores)" if oc is not None else ""), file=sys.stderr)
    out = {"pages": len(pages), "rounds": rounds, "secs": secs, "configs": {},
           "others_cores": others.cores()}
    for label, _ps, kind, th in configs:
        rs = runs[label]
        n = sum(x["pages"] for x in rs)
        wall = sum(x["wall"] for x in rs)
        main = sum(x["main_cpu"] for x in rs)
        proc = sum(x["proc_cpu"] for x in rs)
        rates = [x["pages"] / x["wall"] for x in rs]
        oth = [x["others_cores"] for x in rs if x["others_cores"] is not None]
        out["configs"][label] = {
            "kind": kind, "threads": th,
            "pages_timed": n, "passes": sum(x["passes"] for x in rs),
            "pages_per_s": statistics.median(rates),
            "pages_per_s_overall": n / wall,
            "pages_per_s_rounds": rates,
            "us_wall_per_page": 1e6 / statistics.median(rates),
            "us_main_cpu_per_page": 1e6 * main / n,
            "us_worker_cpu_per_page": 1e6 * (proc - main) / n,
            "us_cpu_per_page": 1e6 * proc / n,
            "cores_busy": proc / wall,
            "records_per_page": sum(x["records"] for x in rs) / n,
            "others_cores_max": max(oth) if oth else None,
        }
    return out


# --------------------------------------------------------------------------- the report

def generic_khabar_wcxb() -> Optional[dict]:
    """bench/generic/results.md: the "khabar generic" µs/page of the WCXB row (cargo bench
    --bench generic, pure Rust, no dicts), with that file's date and commit."""
    p = ROOT / "bench" / "generic" / "results.md"
    try:
        text = p.read_text("utf-8")
    except OSError:
        return None
    header: Optional[List[str]] = None
    value = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "khabar generic" in cells:
            header = cells
        elif header and cells and cells[0].startswith("WCXB") and len(cells) == len(header):
            raw = cells[header.index("khabar generic")].replace("*", "").replace(",", "")
            try:
                value = float(raw)
            except ValueError:
                value = None
            break
    if value is None:
        return None
    date = re.search(r"^- date: (.+)$", text, re.M)
    commit = re.search(r"^- commit: `([0-9a-f]+)`", text, re.M)
    return {"us": value, "date": date.group(1) if date else "?",
            "commit": commit.group(1) if commit else "?"}


def f0(x: Optional[float]) -> str:
    return "–" if x is None else f"{x:,.0f}"


def write_results(path: Path, res: dict) -> None:
    info, sets, tp = res["info"], res["sets"], res.get("throughput")
    L: List[str] = []
    A = L.append
    A("# khabar's Python API vs trafilatura, one process")
    A("")
    A("Written by `bench/python/run.sh` (`bench/python/run.py`; see `bench/python/README.md`); "
      "the raw numbers in `bench/python/out/results.json` (not committed).")
    A("")
    tree = info["tree"]
    dirty = (f" with uncommitted changes ({len(tree['changed'])} paths: "
             + ", ".join(f"`{c}`" for c in tree["changed"][:6])
             + (", …" if len(tree["changed"]) > 6 else "") + ")") if tree["changed"] else ""
    A(f"- date: {info['date_utc']}")
    A(f"- commit: `{tree['commit']}` ({tree['subject']}){dirty}")
    A(f"- machine: {info['machine']}, {info['system']}; 1-min load {info['load'][0]} at the start, "
      f"{info['load'][1]} after the one-thread part, {info['load'][2]} at the end (the last "
      "includes this run's own threads)")
    oc = [s.get("others_cores") for s in sets] + [tp.get("others_cores") if tp else None]
    oc = [x for x in oc if x is not None]
    if oc:
        worst = max(oc)
        A(f"- other processes meanwhile: at most {worst:.2f} cores busy on average during a part "
          "(/proc/stat's busy time less this process's)"
          + (" — **the machine was not quiet: the times are inflated; repeat on a quiet machine "
             "before trusting them**" if worst > 0.15 else ""))
    A(f"- Python {info['python']}; khabar {info['khabar']} (`{info['khabar_path']}`); "
      f"trafilatura {info['trafilatura']}; lxml {info['lxml']}")
    A("- data: " + "; ".join(f"{s['label']}: {s['pages']} pages, {s['kb_avg']:.0f} KB average"
                             for s in sets)
      + (f" (**--limit {info['limit']}: a partial run, not comparable with the full sets**)"
         if info["limit"] else ""))
    A("")

    A("## One thread: time per page")
    A("")
    A("µs per page, the four calls taking turns in the same process on the same bytes (lower is "
      "better). Mean over every timed call; in brackets the median of the rounds' means. "
      f"Goal: trafilatura.extract at least {GOAL:.0f}x khabar.extract.")
    A("")
    A("| set | pages | KB avg | khabar.extract | trafilatura.extract | trafilatura.bare_extraction "
      f"| parse floor: lxml.html.fromstring | trafilatura.extract ÷ khabar (goal ≥ {GOAL:.0f}x) "
      "| bare_extraction ÷ khabar |")
    A("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in sets:
        c = s["calls"]

        def cell(m):
            return f"{f0(c[m]['us_mean'])} ({f0(c[m]['us_round_median'])})" if m in c else "–"

        tr = s.get("traf_over_khabar")
        mark = "" if tr is None else (" ✓" if tr >= GOAL else " ✗")
        A(f"| {s['label']} | {s['pages']} | {s['kb_avg']:.0f} | **{cell(KHABAR)}** | {cell(TRAF)} | "
          f"{cell(BARE)} | {cell(LXML)} | "
          + (f"**{tr:.1f}x**{mark} ({s['traf_over_khabar_round_median']:.1f}x)" if tr else "–")
          + " | " + (f"{s['bare_over_khabar']:.1f}x ({s['bare_over_khabar_round_median']:.1f}x)"
                     if s.get("bare_over_khabar") else "–") + " |")
    A("")
    A("Ratios: of the means; in brackets the median over the rounds of the two calls' round "
      "means (each round gives both calls the same pages).")
    A("")
    A("Details: the rounds, single calls, pages with nothing out.")
    A("")
    A("| set | call | rounds | round means, lowest–highest | median call | p95 call | timed calls "
      "| errors | empty result |")
    A("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in sets:
        for m, c in s["calls"].items():
            how = (f"{s['rounds']} × whole set × {c['passes']}" if s["whole_passes"]
                   else f"{s['rounds']} slices × {c['passes']}")
            A(f"| {s['label']} | `{m}` | {how} | {f0(c['us_round_min'])}–{f0(c['us_round_max'])} | "
              f"{f0(c['us_call_median'])} | {f0(c['us_call_p95'])} | {c['timed_calls']:,} | "
              f"{c['errors']} | {'n/a' if m == LXML else c['empty']} |")
    A("")
    for s in sets:
        c = s["calls"]
        k = c.get(KHABAR)
        if k:
            A(f"- {s['label']}: khabar.extract returned `[]` for {k['empty']} of {s['pages']} pages"
              + (": " + ", ".join(f"`{x}`" for x in k["empty_pages"]) if k["empty_pages"] else "")
              + f"; {k['records']} records in all; a page's records as Python objects: "
              f"{k['objects_per_page']:,.0f} on average (dicts, lists, keys, values).")
        for m in (TRAF, BARE):
            if m in c and c[m]["empty"]:
                A(f"- {s['label']}: `{m}` returned nothing for {c[m]['empty']} pages: "
                  + ", ".join(f"`{x}`" for x in c[m]["empty_pages"][:10])
                  + (" …" if c[m]["empty"] > 10 else ""))
        for m, cc in c.items():
            if cc["errors"]:
                A(f"- {s['label']}: `{m}` raised on {cc['errors']} pages: "
                  + "; ".join(f"`{p}` {e}" for p, e in list(cc["error_pages"].items())[:5]))
    A("")

    if tp:
        A("## Many pages: `Extractor.extract_many`")
        A("")
        cfg = tp["configs"]
        A(f"The {tp['pages']} WCXB pages through one `khabar.Extractor()`; each run is whole "
          f"passes of the set lasting at least {tp['secs']:g} s, {tp['rounds']} rounds with the "
          "runs taking turns. *Python thread CPU* is the CPU time of the thread that feeds the "
          "pages and takes the results (the GIL held: it pulls each page from the iterable, "
          "copies its bytes and converts the records to dicts); *workers* is the rest of the "
          "process's CPU time (the Rust threads, GIL released). The loop is "
          "`[ex.extract(raw, url) for …]`, all of it on the one thread.")
        A("")
        A("| run | pages/s | rounds' pages/s | µs/page wall | Python thread CPU µs/page | "
          "workers CPU µs/page | cores busy | vs threads=1 | other processes, cores (worst round) |")
        A("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        base = cfg.get("threads=1", {}).get("pages_per_s")
        for label, c in cfg.items():
            vs = f"{c['pages_per_s'] / base:.2f}x" if base and c["kind"] != "zlib" else "–"
            main = "–" if c["kind"] == "zlib" else f0(c["us_main_cpu_per_page"])
            workers = "–" if c["kind"] == "loop" else f0(c["us_worker_cpu_per_page"])
            rates = c["pages_per_s_rounds"]
            oth = c.get("others_cores_max")
            A(f"| {label} | **{c['pages_per_s']:,.0f}** | {min(rates):,.0f}–{max(rates):,.0f} | "
              f"{f0(c['us_wall_per_page'])} | {main} | {workers} | {c['cores_busy']:.2f} | {vs} | "
              f"{'–' if oth is None else f'{oth:.2f}'} |")
        A("")
        A("pages/s: the median of the rounds (µs/page wall is its inverse); the CPU columns are "
          "totals over the rounds ÷ pages. *Cores busy*: the process's CPU time ÷ wall time. The "
          "loop's Python-thread CPU is the whole of its work, extraction included. The zlib rows "
          "are a control with no GIL in the way: `zlib.compress(page, 6)` over the same pages on "
          "1 and 2 Python threads, each taking its share (zlib releases the GIL), i.e. what 2 "
          "threads of CPU-bound work get on this machine.")
        A("")
        an = res.get("analysis", {})
        if an:
            A("What limits the scaling:")
            A("")
            if an.get("scaling_2") is not None:
                A(f"- 2 threads ÷ 1 thread: **{an['scaling_2']:.2f}x**"
                  + (f"; 3 threads {an['scaling_3']:.2f}x" if an.get("scaling_3") else "")
                  + (f", 4 threads {an['scaling_4']:.2f}x" if an.get("scaling_4") else "")
                  + f" (the machine has {os.cpu_count()} cores)."
                  + (f" The GIL-free control (zlib) gets {an['zlib_2']:.2f}x from 2 threads "
                     f"(its rounds against the median of threads=1: {an['zlib_2_lo']:.2f}–"
                     f"{an['zlib_2_hi']:.2f}x)." if an.get("zlib_2") else ""))
            if an.get("dict_us") is not None:
                A(f"- The Python thread's CPU per page: {f0(an['main_us'])} µs with real pages, "
                  f"{f0(an['blank_main_us'])} µs with blank pages of the same sizes (no records); "
                  f"so the records as dicts (building them, dropping the Rust records, freeing the "
                  f"dicts once the caller is done) cost about **{f0(an['dict_us'])} µs per "
                  f"page**, {100 * an['dict_share']:.0f} % of the CPU a page costs in all "
                  f"({f0(an['total_cpu_us'])} µs at threads=1), all of it under the GIL on the one "
                  "thread.")
            if an.get("model_2") is not None:
                A(f"- With w = {f0(an['worker_us'])} µs of worker CPU and m = {f0(an['main_us'])} µs "
                  f"of Python-thread CPU per page (threads=1), {os.cpu_count()} cores can do at most "
                  f"cores ÷ (w + m) pages/s: {an['model_2']:,.0f} pages/s, "
                  f"{an['model_2_scaling']:.2f}x threads=1; the measured threads=2 is "
                  f"{an['tp_2']:,.0f} pages/s ({an['tp_2'] / an['model_2']:.0%} of that). The "
                  f"workers' own CPU per page is {f0(an['worker_us_2'])} µs at threads=2, "
                  f"{an['worker_growth']:+.0%} against threads=1"
                  + (" (the same work costing more when both cores are busy at once)."
                     if an["worker_growth"] > 0.05 else "."))
            if an.get("loop_vs_1") is not None and an.get("total_cpu_us"):
                A(f"- The plain `ex.extract` loop: {an['loop_us']:,.0f} µs per page; "
                  f"`extract_many(threads=1)` is {an['loop_vs_1']:.2f}x its rate; running one "
                  "page's dict conversion beside the next page's extraction can make it at most "
                  f"(w + m) ÷ w = {an['total_cpu_us'] / an['worker_us']:.2f}x faster.")
            g = an.get("generic")
            if g:
                A(f"- Against pure Rust: `cargo bench --bench generic` gives {g['us']:,.0f} µs per WCXB "
                  f"page for khabar's generic path (`bench/generic/results.md`, {g['date']}, commit "
                  f"`{g['commit']}`: another run, no URLs, no dicts; cited, not run here). The "
                  f"one-thread `khabar.extract` above is {f0(an['khabar_us'])} µs, "
                  f"{an['khabar_us'] - g['us']:+,.0f} µs ({an['khabar_us'] / g['us'] - 1:+.0%}); "
                  f"the loop's {an['loop_us']:,.0f} µs: {an['loop_us'] - g['us']:+,.0f} µs. The "
                  "blank-page difference above is the direct measure; this one mixes in the "
                  "differences between the two runs.")
            A("")

    A("## Commands")
    A("")
    A("From the repository root:")
    A("")
    A("```sh")
    for c in info["commands"]:
        A(c)
    A("```")
    A("")
    path.write_text("\n".join(L), "utf-8")


def analyse(sets: List[dict], tp: Optional[dict]) -> dict:
    an: dict = {}
    wc = next((s for s in sets if s["label"].startswith("WCXB")), None)
    if wc and KHABAR in wc["calls"]:
        an["khabar_us"] = wc["calls"][KHABAR]["us_mean"]
    g = generic_khabar_wcxb()
    if g:
        an["generic"] = g
    if not tp:
        return an
    cfg = tp["configs"]
    t1, t2 = cfg.get("threads=1"), cfg.get("threads=2")
    if t1 and t2:
        an["scaling_2"] = t2["pages_per_s"] / t1["pages_per_s"]
        for n in (3, 4):
            if f"threads={n}" in cfg:
                an[f"scaling_{n}"] = cfg[f"threads={n}"]["pages_per_s"] / t1["pages_per_s"]
        w, m = t1["us_worker_cpu_per_page"], t1["us_main_cpu_per_page"]
        cores = os.cpu_count() or 1
        cap = min(cores / (w + m), 2 / w, 1 / m) * 1e6
        an.update(worker_us=w, main_us=m, total_cpu_us=w + m, model_2=cap,
                  model_2_scaling=cap / t1["pages_per_s"], tp_2=t2["pages_per_s"],
                  worker_us_2=t2["us_worker_cpu_per_page"],
                  worker_growth=t2["us_worker_cpu_per_page"] / w - 1)
        b = cfg.get("blank pages, threads=1")
        if b:
            an["blank_main_us"] = b["us_main_cpu_per_page"]
            an["dict_us"] = max(0.0, m - b["us_main_cpu_per_page"])
            an["dict_share"] = an["dict_us"] / (w + m)
    z1, z2 = cfg.get("control: zlib.compress, threads=1"), cfg.get("control: zlib.compress, threads=2")
    if z1 and z2:
        an["zlib_2"] = z2["pages_per_s"] / z1["pages_per_s"]
        an["zlib_2_lo"] = min(z2["pages_per_s_rounds"]) / z1["pages_per_s"]
        an["zlib_2_hi"] = max(z2["pages_per_s_rounds"]) / z1["pages_per_s"]
    lp = cfg.get("loop")
    if lp:
        an["loop_us"] = lp["us_wall_per_page"]
        if t1:
            an["loop_vs_1"] = t1["pages_per_s"] / lp["pages_per_s"]
    return an


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/bench/wcxb-dev-articles",
                    help="WCXB-layout set [../shared/bench/wcxb-dev-articles]")
    ap.add_argument("--readability-src", type=Path, default=ROOT.parent / "shared/bench/readability-pages",
                    help="Mozilla Readability's test pages [../shared/bench/readability-pages]")
    ap.add_argument("--secs", type=float, default=5.0,
                    help="seconds per set and call in part 1, at least one pass [5]")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds in part 1 [5]")
    ap.add_argument("--warmup-pages", type=int, default=20, help="warm-up pages per call [20]")
    ap.add_argument("--threads", default="1,2,3,4", help="extract_many thread counts [1,2,3,4]")
    ap.add_argument("--tp-secs", type=float, default=3.0,
                    help="least seconds per throughput run (whole passes) [3]")
    ap.add_argument("--tp-rounds", type=int, default=5, help="throughput rounds [5]")
    ap.add_argument("--limit", type=int, help="only the first N pages of each set")
    ap.add_argument("--no-throughput", action="store_true", help="part 1 only")
    ap.add_argument("--json-out", type=Path, help="write every number as JSON here")
    ap.add_argument("--results", type=Path, help="write the Markdown report here (results.md)")
    ap.add_argument("--from-json", type=Path, metavar="JSON",
                    help="time nothing: write --results again from an earlier run's --json-out")
    args = ap.parse_args(argv)
    if args.from_json:
        if not args.results:
            ap.error("--from-json needs --results")
        res = json.loads(args.from_json.read_text("utf-8"))
        res["analysis"] = analyse(res["sets"], res.get("throughput"))
        write_results(args.results, res)
        print(f"[run] wrote {args.results} from {args.from_json}", file=sys.stderr)
        return 0

    import khabar
    import trafilatura  # noqa: F401 (fail early when missing)
    from importlib.metadata import version

    load = [_load1()]
    info = {
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "tree": tree_state(),
        "machine": f"{os.cpu_count()} core(s), {_cpu_name()}",
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(), "khabar": khabar.__version__,
        "khabar_path": rel(Path(khabar.__file__).parent) if str(khabar.__file__).startswith(str(ROOT))
        else str(Path(khabar.__file__).parent),
        "trafilatura": version("trafilatura"), "lxml": version("lxml"), "limit": args.limit,
    }
    cmd = " ".join([rel(Path(sys.executable)) if sys.executable.startswith(str(ROOT)) else sys.executable,
                     "bench/python/run.py", *(argv if argv is not None else sys.argv[1:])])
    via = os.environ.get("KHABAR_BENCH_RUN_SH")  # run.sh's own command line
    if via and os.environ.get("PYTHON"):
        via = f"PYTHON={os.environ['PYTHON']} {via}"
    info["commands"] = ([f"{via}    # which ran:"] if via else []) + [cmd]

    t_load = time.perf_counter()
    wcxb = load_wcxb(args.data, args.limit)
    readability = load_readability(args.readability_src, args.limit)
    print(f"[run] loaded {len(wcxb)} + {len(readability)} pages in {time.perf_counter() - t_load:.1f} s",
          file=sys.stderr)

    calls = build_calls()
    sets = [time_set("WCXB dev", wcxb, calls, args.secs, args.rounds, args.warmup_pages),
            time_set("Readability real sites", readability, calls, args.secs, args.rounds,
                     args.warmup_pages)]
    load.append(_load1())
    tp = None
    if not args.no_throughput:
        counts = [int(x) for x in args.threads.split(",") if x.strip()]
        tp = throughput(wcxb, counts, args.tp_secs, args.tp_rounds)
    load.append(_load1())
    info["load"] = [f"{x:.2f}" if x is not None else "?" for x in load]
    res = {"info": info, "sets": sets, "throughput": tp, "analysis": analyse(sets, tp)}

    # a short summary on stdout
    for s in sets:
        c = s["calls"]
        print(f"{s['label']} ({s['pages']} pages): " + ", ".join(
            f"{m} {c[m]['us_mean']:,.0f} µs" for m in c)
            + f"; trafilatura÷khabar {s.get('traf_over_khabar', 0):.1f}x, "
              f"bare÷khabar {s.get('bare_over_khabar', 0):.1f}x; khabar [] on {c[KHABAR]['empty']}")
    if tp:
        for label, c in tp["configs"].items():
            print(f"throughput {label}: {c['pages_per_s']:,.0f} pages/s "
                  f"(Python thread {c['us_main_cpu_per_page']:,.0f} µs, workers "
                  f"{c['us_worker_cpu_per_page']:,.0f} µs CPU per page)")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(res, indent=1, ensure_ascii=False), "utf-8")
    if args.results:
        write_results(args.results, res)
        print(f"[run] wrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

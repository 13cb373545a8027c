#!/usr/bin/env bash
# CC-NEWS streamed from a server on loopback against the same archives read from disk, in
# one run. The 793 WCXB development pages, COPIES times, are written as ARCHIVES
# CC-NEWS-shaped .warc.gz files (a gzip member per record, request and response per page)
# below crawl-data/CC-NEWS/2024/03/ with a warc.paths.gz listing, by the ccnews_bench
# example (khabar-warc's writer). Then, best of REPEAT runs each:
#
#   - disk:    khabar extract -j JOBS FILES...
#   - stream:  khabar ccnews (or, before it is on the command line, the ccnews_bench example,
#              which calls the same library function) from http://127.0.0.1:PORT/, every
#              page kept, no state
#   - filter:  the same with --host nothing.invalid (no page kept), from the server and
#              from the folder, against gzip -dc of the same files
#
# Wall time and CPU time (user + system, of khabar alone: the server is another process).
#
#   bash bench/ccnews/run.sh                  # builds target/release first
#   KHABAR_BIN=path BENCH_BIN=path REPEAT=5 bash bench/ccnews/run.sh
#
# Writes bench/ccnews/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/bench/wcxb-dev-articles}
REPEAT=${REPEAT:-3}
JOBS=${JOBS:-2}
ARCHIVES=${ARCHIVES:-4}
COPIES=${COPIES:-2}
RESULTS=${RESULTS:-bench/ccnews/results.md}
REV=${REV:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -z "${KHABAR_BIN:-}" ] || [ -z "${BENCH_BIN:-}" ]; then
    cargo build --release --locked -p khabar --bin khabar -p khabar-crawl --example ccnews_bench >&2
fi
KHABAR=${KHABAR_BIN:-target/release/khabar}
BENCH=${BENCH_BIN:-target/release/examples/ccnews_bench}
WORK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
pages=$("$BENCH" make "$DATA" "$WORK/tree" "$ARCHIVES" "$COPIES")
FILES=("$WORK"/tree/crawl-data/CC-NEWS/2024/03/*.warc.gz)
"$BENCH" serve "$WORK/tree" > "$WORK/server.txt" &
SERVER=$!
for _ in $(seq 50); do [ -s "$WORK/server.txt" ] && break; sleep 0.1; done
BASE=$(head -1 "$WORK/server.txt")
if "$KHABAR" ccnews --help > /dev/null 2>&1; then
    stream=("$KHABAR" ccnews -q --from 2024-03-01 --to 2024-03-01 --no-state -j "$JOBS" --source)
    via="khabar ccnews"
else
    stream=(env KHABAR_JOBS="$JOBS" "$BENCH" run)
    via="the ccnews_bench example (run_ccnews; khabar ccnews is not on this binary's command line)"
fi
# the stream command for a source, with --host for the filter runs
stream_cmd() {
    local source=$1 host=${2:-}
    if [ "$via" = "khabar ccnews" ]; then
        echo "${stream[@]}" "$source" ${host:+--host "$host"}
    else
        echo "${stream[@]}" "$source" 2024-03-01 $host
    fi
}
# best wall time and best CPU time (user + sys) of REPEAT runs of a shell command
best() {
    python3 - "$REPEAT" "$1" <<'PY'
import os, resource, subprocess, sys, time
repeat, cmd = int(sys.argv[1]), sys.argv[2]
walls, cpus = [], []
for _ in range(repeat):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    walls.append(time.perf_counter() - t)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
print(f"{min(walls):.3f} {min(cpus):.3f}")
PY
}
read -r disk_w disk_c < <(best "'$KHABAR' extract -q -j $JOBS ${FILES[*]}")
read -r net_w net_c < <(best "$(stream_cmd "$BASE")")
read -r fnet_w fnet_c < <(best "$(stream_cmd "$BASE" nothing.invalid)")
read -r fdir_w fdir_c < <(best "$(stream_cmd "$WORK/tree" nothing.invalid)")
read -r gz_w gz_c < <(best "gzip -dc ${FILES[*]} > /dev/null")
rec_disk=$("$KHABAR" extract -q -j "$JOBS" "${FILES[@]}" | wc -l)
rec_net=$(eval "$(stream_cmd "$BASE")" 2>/dev/null | wc -l)
rec_filter=$(eval "$(stream_cmd "$BASE" nothing.invalid)" 2>/dev/null | wc -l)
bytes=$(cat "${FILES[@]}" | wc -c)
python3 - "$pages" "$bytes" "$disk_w" "$disk_c" "$net_w" "$net_c" "$fnet_w" "$fnet_c" \
    "$fdir_w" "$fdir_c" "$gz_w" "$gz_c" "$rec_disk" "$rec_net" "$rec_filter" "$RESULTS" \
    "$REV" "$REPEAT" "$JOBS" "$ARCHIVES" "$via" <<'PY'
import datetime, os, sys
a = sys.argv[1:]
pages, size = int(a[0]), int(a[1])
disk_w, disk_c, net_w, net_c, fnet_w, fnet_c, fdir_w, fdir_c, gz_w, gz_c = map(float, a[2:12])
rec_disk, rec_net, rec_filter, out, rev, rep, jobs, archives, via = a[12:21]
mb = size / 1e6
def row(what, w, c, recs=None):
    r = f"| {what} | {w:.2f} | {c:.2f} | {mb / w:.1f} | {c / mb * 1000:.1f} |"
    return r + (f" {int(recs) / w:.0f} |" if recs is not None else " |")
lines = [
    "# CC-NEWS bench results", "",
    f"Made by `bash bench/ccnews/run.sh` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC "
    f"at {rev}, {os.cpu_count()} CPUs; best of {rep} runs each, {jobs} extraction threads.", "",
    f"{pages} pages (the WCXB development set, twice) in {archives} CC-NEWS-shaped archives: {mb:.1f} MB "
    f"of .warc.gz. The stream ran through {via}, from a static server on 127.0.0.1 "
    "(another process; its CPU is not counted).", "",
    "| run | wall s | CPU s | MB/s | CPU ms per MB | records/s |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    row("disk: `khabar extract` of the files", disk_w, disk_c, rec_disk),
    row("stream: every page kept, from the server", net_w, net_c, rec_net),
    row("filter: no page kept, from the server", fnet_w, fnet_c),
    row("filter: no page kept, from the folder", fdir_w, fdir_c),
    row("floor: `gzip -dc` of the files (one process, one file at a time)", gz_w, gz_c),
    "",
    f"Stream against disk: {net_w / disk_w:.2f}× the wall time, {net_c / disk_c:.2f}× the CPU time "
    f"(goal: within 1.10×). Records: {rec_disk} from disk, {rec_net} streamed, {rec_filter} with the filter.",
    "",
    f"Filter against `gzip -dc`: {(mb / fnet_w) / (mb / gz_w):.2f}× its MB/s streamed "
    f"({mb / fnet_w:.0f} against {mb / gz_w:.0f} MB/s); per CPU second {mb / fnet_c:.0f} against "
    f"{mb / gz_c:.0f} MB/s.",
]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
PY

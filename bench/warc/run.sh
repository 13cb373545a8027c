#!/usr/bin/env bash
# Reading pages from a web archive against reading the same pages from files, in one run:
# the 793 WCXB development pages written as one .warc.gz (one gzip member per record, by
# warcio: an independent writer) and as .html files with a manifest. khabar extracts both,
# one thread and two; the floor is decompressing the archive (gzip -dc) alone.
#
#   bash bench/warc/run.sh              # builds target/release/khabar first
#   KHABAR_BIN=path REPEAT=5 bash bench/warc/run.sh
#
# Writes bench/warc/results.md. Needs python3 with warcio (installed into the user site if
# missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/bench/wcxb-dev-articles}
REPEAT=${REPEAT:-3}
RESULTS=${RESULTS:-bench/warc/results.md}
if [ -n "${KHABAR_BIN:-}" ]; then
    KHABAR=$KHABAR_BIN
else
    cargo build --release --locked --bin khabar >&2
    KHABAR=target/release/khabar
fi
python3 -c 'import warcio' 2>/dev/null || python3 -m pip install --quiet --user warcio >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
n=$(python3 bench/warc/make_warc.py "$DATA" "$WORK")
# best wall time of REPEAT runs of a command, in seconds
best() {
    python3 - "$REPEAT" "$@" <<'PY'
import subprocess, sys, time
repeat, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(repeat):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(f"{min(times):.3f}")
PY
}
floor=$(best sh -c "gzip -dc '$WORK/wcxb.warc.gz' > /dev/null")
f1=$(best "$KHABAR" extract -q -j 1 --manifest "$WORK/manifest.ndjson" "$WORK/pages")
w1=$(best "$KHABAR" extract -q -j 1 "$WORK/wcxb.warc.gz")
f2=$(best "$KHABAR" extract -q -j 2 --manifest "$WORK/manifest.ndjson" "$WORK/pages")
w2=$(best "$KHABAR" extract -q -j 2 "$WORK/wcxb.warc.gz")
records_f=$("$KHABAR" extract -q -j 2 --manifest "$WORK/manifest.ndjson" "$WORK/pages" | wc -l)
records_w=$("$KHABAR" extract -q -j 2 "$WORK/wcxb.warc.gz" | wc -l)
size=$(du -m "$WORK/wcxb.warc.gz" | cut -f1)
raw=$(du -sm "$WORK/pages" | cut -f1)
python3 - "$n" "$floor" "$f1" "$w1" "$f2" "$w2" "$records_f" "$records_w" "$size" "$raw" "$RESULTS" "$(git rev-parse --short HEAD)" "$REPEAT" <<'PY'
import sys, datetime, os
n, floor, f1, w1, f2, w2 = int(sys.argv[1]), *map(float, sys.argv[2:7])
rf, rw, size, raw, out, rev, rep = sys.argv[7], sys.argv[8], sys.argv[9], sys.argv[10], sys.argv[11], sys.argv[12], sys.argv[13]
ps = lambda t: n / t
lines = [
    "# WARC bench results", "",
    f"Made by `bash bench/warc/run.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC at {rev}, "
    f"{os.cpu_count()} CPUs; best of {rep} runs each.", "",
    f"{n} WCXB pages: {raw} MB of HTML files, {size} MB as one .warc.gz (one gzip member per record, written by warcio).", "",
    "| input | threads | wall s | pages/s | archive ÷ files |",
    "| --- | ---: | ---: | ---: | ---: |",
    f"| .html files + manifest | 1 | {f1:.2f} | {ps(f1):.0f} | |",
    f"| .warc.gz | 1 | {w1:.2f} | {ps(w1):.0f} | {f1 / w1:.2f}× the speed |",
    f"| .html files + manifest | 2 | {f2:.2f} | {ps(f2):.0f} | |",
    f"| .warc.gz | 2 | {w2:.2f} | {ps(w2):.0f} | {f2 / w2:.2f}× the speed |",
    f"| floor: `gzip -dc` of the archive alone | 1 | {floor:.2f} | {ps(floor):.0f} | |",
    "", f"Records: {rf} from the files, {rw} from the archive.",
]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
PY

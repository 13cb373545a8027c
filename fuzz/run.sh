#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600), JOBS at a time (default 2), on the
# stable toolchain without a sanitizer (`-s none`). Corpora grow in fuzz/corpus/<target>/;
# a crash stops that target and leaves its input in fuzz/artifacts/<target>/: fix the bug and
# keep the input in fuzz/regressions/<target>/, replayed on every run.
# Usage: fuzz/run.sh [SECONDS] [JOBS]; TARGETS="a b" runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
jobs=${2:-2}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo fuzz build -s none
targets=${TARGETS:-$(cargo fuzz list)}
status=0
run_one() {
    local t=$1
    mkdir -p "fuzz/corpus/$t"
    # inputs that once crashed a target are replayed with its corpus every run
    local dirs=("fuzz/corpus/$t")
    [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
    if cargo fuzz run -s none "$t" "${dirs[@]}" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 >"fuzz/$t.log" 2>&1; then
        echo "fuzz $t: ok, $(grep -o 'Done [0-9]* runs' "fuzz/$t.log" | tail -1) in ${secs} s"
    else
        echo "fuzz $t: FAILED (see fuzz/$t.log and fuzz/artifacts/$t/)"
        tail -30 "fuzz/$t.log"
        return 1
    fi
}
running=0
pids=()
for t in $targets; do
    run_one "$t" &
    pids+=($!)
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
wait || status=1
exit $status

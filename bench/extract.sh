#!/bin/sh
# Extraction throughput next to scraper's parse alone, single thread: see bench/README.md.
#
#   bench/extract.sh                          # ~20 s on top of the first build
#   KHABAR_BENCH_SECS=1 bench/extract.sh      # quicker, noisier
#   KHABAR_BENCH_STAGES=1 bench/extract.sh    # adds decode / parse / metadata / rest split
#
# Environment variables (KHABAR_BENCH_*, CARGO_*) pass through to `cargo bench`; extra
# arguments go to cargo (e.g. `--offline`).
set -eu
cd "$(dirname "$0")/.."
exec cargo bench --bench extract "$@"

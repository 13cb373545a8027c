#!/usr/bin/env bash
# khabar's Python API (khabar.extract, Extractor.extract_many) against trafilatura, both in
# one Python process on the same pages: µs per page on one thread on the WCXB dev articles and
# Readability's real-site pages, then extract_many's pages/s on 1-4 threads. Writes
# bench/python/results.md; every number also in bench/python/out/results.json (git-ignored).
# About 6 minutes. See bench/python/README.md.
#
#   bench/python/run.sh                          # the full run
#   bench/python/run.sh --limit 40 --secs 1      # a quick look (results.md says it is partial)
#   PYTHON=.venv/bin/python bench/python/run.sh
#
# Arguments go to run.py (`--help` lists them). PYTHON: an interpreter with khabar (pip install
# ./python), trafilatura and lxml [python3].
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
OUT=bench/python/out

for mod in khabar trafilatura lxml.html; do
    if ! err=$("$PY" -c "import $mod" 2>&1); then
        printf '[run.sh] %s does not import with %s:\n%s\n' "$mod" "$PY" "$(printf '%s\n' "$err" | tail -n 3)" >&2
        case $mod:$err in
            khabar:*) echo "[run.sh] build and install it: $PY -m pip install ./python" >&2 ;;
            *lxml_html_clean*|*lxml.html.clean*)
                echo "[run.sh] trafilatura's justext needs: $PY -m pip install lxml_html_clean" >&2 ;;
            *) echo "[run.sh] $PY -m pip install trafilatura==2.3.1" >&2 ;;
        esac
        exit 1
    fi
done

mkdir -p "$OUT"
KHABAR_BENCH_RUN_SH="bench/python/run.sh${*:+ $*}" "$PY" bench/python/run.py --json-out "$OUT/results.json" \
    --results bench/python/results.md "$@" | tee "$OUT/summary.txt"

#!/usr/bin/env bash
# Extraction throughput, single thread, in one run: khabar next to scraper's parse alone
# (`cargo bench --bench extract`), then the same pages and fields extracted with parsel and
# with BeautifulSoup+lxml (bench/extract_peer.py), and one combined table. See bench/README.md.
#
#   bench/extract.sh                          # ~1 min on top of the first build
#   KHABAR_BENCH_SECS=1 bench/extract.sh      # quicker, noisier (khabar and the peers)
#   KHABAR_BENCH_STAGES=1 bench/extract.sh    # adds decode / parse / metadata / rest split
#   KHABAR_BENCH_PEERS=0 bench/extract.sh     # khabar only, as `cargo bench --bench extract`
#
# Environment variables (KHABAR_BENCH_*, CARGO_*) pass through to `cargo bench`; extra
# arguments go to cargo (e.g. `--offline`). Also:
#   KHABAR_BENCH_PEERS=0   skip the Python peers
#   PEER_SECS              seconds per workload, tool and mode for the peers
#                          [KHABAR_BENCH_SECS, else 2.5]
#   PEER_ROUNDS            interleaved rounds of the peers [5]
#   PEER_PIP_SPEC          what pip installs into bench/.venv when a peer is missing
#                          ["parsel==1.12.1 beautifulsoup4==4.15.0 lxml==6.1.3"]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf '[extract.sh] %s\n' "$*" >&2; }

if [ "${KHABAR_BENCH_PEERS:-1}" = 0 ]; then
    exec cargo bench --bench extract "$@"
fi

# --- the peers' virtualenv (bench/crawl has its own, for Scrapy) ----------------------------
VENV=$ROOT/bench/.venv
PY=$VENV/bin/python
PEER_PIP_SPEC=${PEER_PIP_SPEC:-"parsel==1.12.1 beautifulsoup4==4.15.0 lxml==6.1.3"}
if [ ! -x "$PY" ]; then
    command -v python3 >/dev/null || { say "python3 is needed for the peers (or KHABAR_BENCH_PEERS=0)"; exit 1; }
    say "creating $VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        say "python3 -m venv failed; installing python3-venv"
        rm -rf "$VENV"
        export DEBIAN_FRONTEND=noninteractive
        as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
        as_root apt-get install -y -q python3-venv >/dev/null 2>&1 || {
            as_root apt-get update -q >/dev/null
            as_root apt-get install -y -q python3-venv >/dev/null
        }
        python3 -m venv "$VENV"
    fi
fi
if ! "$PY" -c 'import parsel, bs4, lxml, w3lib' 2>/dev/null; then
    say "pip install $PEER_PIP_SPEC (into $VENV)"
    # shellcheck disable=SC2086 # a list of requirement specifiers
    "$PY" -m pip install -q --disable-pip-version-check $PEER_PIP_SPEC
fi

# --- khabar: the Rust benchmark, which also writes the generated pages ----------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/khabar-extract-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PAGES=${KHABAR_BENCH_DUMP:-$WORK/pages}
export KHABAR_BENCH_DUMP=$PAGES

cargo bench --bench extract "$@" | tee "$WORK/khabar.txt"

# the CLI, to count what khabar finds in each generated page (a no-op when up to date); when
# it does not build, an existing binary does, else the peers' check falls back to the totals
# the Rust benchmark printed
KHABAR_ARGS=()
if cargo build --release --quiet --bin khabar "$@" 2>"$WORK/build.log"; then
    KHABAR_ARGS=(--khabar "$ROOT/target/release/khabar")
else
    say "cargo build --bin khabar failed: $(grep -m1 '^error' "$WORK/build.log" || tail -n1 "$WORK/build.log")"
    if [ -x "$ROOT/target/release/khabar" ]; then
        say "counting with the existing target/release/khabar (built from other sources)"
        KHABAR_ARGS=(--khabar "$ROOT/target/release/khabar")
    fi
fi

# --- the peers on the same pages, then the combined table -----------------------------------
echo
PEER_SECS=${PEER_SECS:-${KHABAR_BENCH_SECS:-2.5}} "$PY" "$ROOT/bench/extract_peer.py" \
    --fixtures "$ROOT/fixtures/aawsat" \
    --generated "$PAGES" \
    ${KHABAR_ARGS[@]+"${KHABAR_ARGS[@]}"} \
    --khabar-bench "$WORK/khabar.txt"

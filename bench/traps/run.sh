#!/usr/bin/env bash
# A link flood against khabar, as an attacker would build it: every page of a loopback site
# carries 100,000 unique links to further such pages. `khabar crawl --max-time SECS` with and
# without a state; peak RSS (GNU time), URLs queued (the crawl's summary) and the store's size.
#
#   bash bench/traps/run.sh [KHABAR_BIN ...]     # each binary given (default target/release/khabar)
#   SECS=60 LINKS=100000 bash bench/traps/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${SECS:-60}
LINKS=${LINKS:-100000}
BINS=("$@")
[ ${#BINS[@]} -eq 0 ] && BINS=(target/release/khabar)
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
WORK=$(mktemp -d)
python3 bench/traps/flood_server.py "$LINKS" > "$WORK/port" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat "$WORK/port")"
printf '| binary | state | pages fetched | peak RSS MiB | store MiB | bounds that fired (URLs dropped) |\n| --- | --- | ---: | ---: | ---: | --- |\n'
for bin in "${BINS[@]}"; do
    for mode in no-state state; do
        rm -f "$WORK"/state.db*
        if [ "$mode" = state ]; then args=(--state "$WORK/state.db"); else args=(--no-state); fi
        /usr/bin/time -f '%M' -o "$WORK/rss" "$bin" --config config.toml crawl "$BASE/" "${args[@]}" \
            --rate 0 --max-time "$SECS" --max-depth 100 -o /dev/null 2> "$WORK/err" || true
        rss=$(( $(tail -n 1 "$WORK/rss") / 1024 ))
        store=0
        if [ "$mode" = state ]; then store=$(( $(cat "$WORK"/state.db* 2>/dev/null | wc -c) / 1048576 )); fi
        pages=$(grep -o '[0-9]* pages' "$WORK/err" | head -1 | cut -d' ' -f1 || true)
        bounds=$(grep -o 'not fetched: .*' "$WORK/err" | head -1 | sed 's/not fetched: //' || true)
        printf '| %s | %s | %s | %s | %s | %s |\n' "$(basename "$bin")" "$mode" "${pages:-?}" "$rss" "$store" "${bounds:-}"
    done
done

#!/usr/bin/env bash
# The quick loop while tuning: khabar alone over the three sets, trafilatura's scores taken from the
# last full run.sh (its per-page body scores and its metadata cache in bench/generic/out), then
# the halves table. About 10 s once built. Not a measurement to publish: run.sh is.
#
#   bench/generic/tune.sh        # prints the halves table; per-page files in $TOUT
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=bench/generic
OUT=${OUT:-$HERE/out}
TOUT=${TOUT:-$OUT/tune}
PY=${PYTHON:-python3}
ARTICLE_BENCH=${ARTICLE_BENCH:-../shared/bench/article_bench.py}
KHABAR=target/release/khabar
[ -f "$OUT/body-per-doc.jsonl" ] && [ -f "$OUT/readability/body-per-doc.jsonl" ] ||
    { echo "run bench/generic/run.sh once first (SPEED=0 is enough)" >&2; exit 1; }
one() {  # name data full-run-dir
    local name=$1 data=$2 full=$3 d=$TOUT/$1
    mkdir -p "$d"
    "$PY" "$ARTICLE_BENCH" --data "$data" --label khabar --n-bootstrap 0 \
        --ndjson-cmd "$KHABAR -q extract -j 2 --manifest {manifest} {dir} > $d/khabar.ndjson; cat $d/khabar.ndjson" \
        --id-field source.file --body-field body --per-doc "$d/body-per-doc.jsonl" >/dev/null
    grep '"label": "trafilatura' "$full/body-per-doc.jsonl" >>"$d/body-per-doc.jsonl"
    "$PY" "$HERE/meta_accuracy.py" --data "$data" --khabar "$d/khabar.ndjson" \
        --trafilatura-cache "$full/trafilatura-meta.json" --per-doc "$d/meta-per-doc.tsv" >/dev/null
}
one wcxb ../shared/bench/wcxb-dev-articles "$OUT"
one readability "$OUT/readability/set" "$OUT/readability"
# the third set, scored by snippets: khabar now, trafilatura from the last run.sh
TRAF_DATA=${TRAF_EVAL_DATA:-../shared/bench/trafilatura-eval-dev}
EXTRA=()
if [ -f "$OUT/traf-eval/snippets-trafilatura.jsonl" ]; then
    mkdir -p "$TOUT/traf-eval"
    "$PY" ../shared/bench/snippet_bench.py --data "$TRAF_DATA" --label khabar \
        --ndjson-cmd "$KHABAR -q extract -j 2 --manifest {manifest} {dir}" \
        --per-doc "$TOUT/traf-eval/snippets-khabar.jsonl" >/dev/null
    cp "$OUT/traf-eval/snippets-trafilatura.jsonl" "$TOUT/traf-eval/"
    EXTRA=(--snippet-set "trafilatura eval" "$TOUT/traf-eval" "$TRAF_DATA/evaldata.json")
fi
"$PY" "$HERE/halves.py" --set "WCXB dev" "$TOUT/wcxb" --set "Readability real sites" "$TOUT/readability" \
    ${EXTRA[@]+"${EXTRA[@]}"} --json-out "$TOUT/halves.json"

#!/usr/bin/env bash
# khabar's generic (profile-less) extractor against trafilatura, in one command: body P/R/F1,
# headline / date / author accuracy on the WCXB development articles, and the time per page
# of both tools in-process on the same pages (the WCXB pages, khabar's aawsat fixtures and
# 20 generated ~150 KB aawsat pages).
# Writes bench/generic/results.md; raw outputs go to bench/generic/out/ (git-ignored).
# See bench/generic/README.md.
#
#   bench/generic/run.sh                  # everything, ~2.5 min on 2 cores once built
#   LIMIT=50 bench/generic/run.sh         # accuracy and speed.py on the first 50 WCXB pages only
#                                         # (a quick check; results.md says so)
#   KHABAR_BENCH=0 bench/generic/run.sh   # skip `cargo bench --bench generic` (khabar's
#                                         # in-process times): speed.py only
#   SPEED=0 bench/generic/run.sh          # skip the timing part altogether (accuracy only)
#   READABILITY=0 bench/generic/run.sh    # WCXB only (no Readability set, no halves table)
#   TRAF_EVAL=0 bench/generic/run.sh      # without the third set (trafilatura's evaluation half)
#
# Environment:
#   DATA         the set [../shared/bench/wcxb-dev-articles]
#   ARTICLE_BENCH  the body scorer [../shared/bench/article_bench.py]
#   OUT          raw outputs [bench/generic/out]
#   RESULTS      the summary [bench/generic/results.md]
#   PYTHON       interpreter with trafilatura installed [python3]
#   JOBS         khabar's worker threads for the WCXB accuracy run [1]
#   READABILITY_SRC  Mozilla Readability's test pages [../shared/bench/readability-pages]
#   TRAF_EVAL_DATA   half of trafilatura's evaluation set [../shared/bench/trafilatura-eval-dev]
#   SNIPPET_BENCH    its scorer [../shared/bench/snippet_bench.py]
#   SKIP_BUILD=1 use target/release/khabar as it is
#   LIMIT, SPEED, KHABAR_BENCH as above; SPEED_SECS: seconds per small workload and mode for
#   speed.py [2.5]; KHABAR_BENCH_SECS: the same for `cargo bench --bench generic` [its
#   default, 2.0]
set -euo pipefail
cd "$(dirname "$0")/../.."
# paths relative to the repository root, so the commands recorded in results.md read well
HERE=bench/generic
DATA=${DATA:-../shared/bench/wcxb-dev-articles}
ARTICLE_BENCH=${ARTICLE_BENCH:-../shared/bench/article_bench.py}
OUT=${OUT:-$HERE/out}
RESULTS=${RESULTS:-$HERE/results.md}
PY=${PYTHON:-python3}
JOBS=${JOBS:-1}
LIMIT=${LIMIT:-}
SPEED=${SPEED:-1}
KHABAR_BENCH=${KHABAR_BENCH:-1}
SPEED_SECS=${SPEED_SECS:-2.5}
KHABAR=target/release/khabar
READABILITY=${READABILITY:-1}
READABILITY_SRC=${READABILITY_SRC:-../shared/bench/readability-pages}
TRAF_EVAL=${TRAF_EVAL:-1}
TRAF_EVAL_DATA=${TRAF_EVAL_DATA:-../shared/bench/trafilatura-eval-dev}
SNIPPET_BENCH=${SNIPPET_BENCH:-../shared/bench/snippet_bench.py}

say() { printf '\n[run.sh] %s\n' "$*" >&2; }
q() { printf '%q' "$1"; }

[ -f "$DATA/ground-truth.json" ] || { say "no $DATA/ground-truth.json (set DATA)"; exit 1; }
[ -f "$ARTICLE_BENCH" ] || { say "no $ARTICLE_BENCH (set ARTICLE_BENCH)"; exit 1; }
if ! err=$("$PY" -c 'import trafilatura' 2>&1); then
    say "trafilatura does not import with $PY:"
    printf '%s\n' "$err" | tail -n 3 >&2
    case $err in
        *lxml_html_clean*|*lxml.html.clean*)
            say "trafilatura's justext needs lxml's cleaner: $PY -m pip install --user lxml_html_clean" ;;
        *) say "install it: $PY -m pip install --user trafilatura" ;;
    esac
    exit 1
fi

mkdir -p "$OUT"
rm -f "$OUT"/body.json "$OUT"/body-per-doc.jsonl "$OUT"/meta.json "$OUT"/meta.md \
      "$OUT"/speed.json "$OUT"/speed.txt "$OUT"/generic-bench.txt "$OUT"/generic-bench.log \
      "$OUT"/dump-generated.log "$OUT"/khabar-bench.txt "$OUT"/khabar-bench.log \
      "$OUT"/commands.txt "$OUT"/build-note.txt "$OUT"/halves.md "$OUT"/halves.json
LIMIT_ARG=()
[ -n "$LIMIT" ] && LIMIT_ARG=(--limit "$LIMIT")
LOAD_START=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
# the sources as the run starts (report.py compares them with the end of the run: the
# benchmarks build again later, so an edit in between would mix two versions)
tree_state() {
    printf '%s %s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(git status --porcelain -- src benches Cargo.toml Cargo.lock config.toml 2>/dev/null |
           git hash-object --stdin 2>/dev/null || echo '?')"
}
TREE_START=$(tree_state)
# one command line, each argument quoted only if it needs it (single quotes), for results.md
cmd_log() {
    local a line=
    for a in "$@"; do
        case $a in
            ''|*[!A-Za-z0-9_./=:,+@%-]*) a="'${a//\'/\'\\\'\'}'" ;;
        esac
        line+="${line:+ }$a"
    done
    printf '%s\n' "$line" >>"$OUT/commands.txt"
}

# --- (i) build ------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "cargo build --release"
    cmd_log cargo build --release
    if ! cargo build --release 2>"$OUT/build.log"; then
        tail -n 20 "$OUT/build.log" >&2
        if [ -x "$KHABAR" ]; then
            say "BUILD FAILED: going on with the existing $KHABAR (built from other sources)"
            echo "cargo build --release failed; the existing target/release/khabar was used" >"$OUT/build-note.txt"
        else
            exit 1
        fi
    fi
fi
[ -x "$KHABAR" ] || { say "no $KHABAR"; exit 1; }

# --- (ii) khabar over the whole set, once: body scored here, the NDJSON kept for the metadata
# The command article_bench runs writes the records to a file and then prints that file, so the
# exit status is khabar's and the records stay in $OUT/khabar.ndjson.
NDJSON=$OUT/khabar.ndjson
rm -f "$NDJSON"
KHABAR_CMD="$(q "$KHABAR") -q extract -j $JOBS --manifest {manifest} {dir} > $(q "$NDJSON"); rc=\$?; cat $(q "$NDJSON"); exit \$rc"
say "khabar: body, scored with article_bench.py"
BODY_KHABAR=("$PY" "$ARTICLE_BENCH" --data "$DATA" --label khabar --ndjson-cmd "$KHABAR_CMD"
    --id-field source.file --body-field body
    --per-doc "$OUT/body-per-doc.jsonl" --json-out "$OUT/body.json" ${LIMIT_ARG[@]+"${LIMIT_ARG[@]}"})
cmd_log "${BODY_KHABAR[@]}"
"${BODY_KHABAR[@]}" | tee "$OUT/body-khabar.txt"

# --- (iii) trafilatura's body, in-process (the call the benchmark's runner makes) -------------
say "trafilatura: body, in-process, scored with article_bench.py"
BODY_TRAF=("$PY" "$ARTICLE_BENCH" --data "$DATA" --python-tool trafilatura
    --per-doc "$OUT/body-per-doc.jsonl" --json-out "$OUT/body.json" --append
    ${LIMIT_ARG[@]+"${LIMIT_ARG[@]}"})
cmd_log "${BODY_TRAF[@]}"
"${BODY_TRAF[@]}" | tee "$OUT/body-trafilatura.txt"

# --- (iv) headline, date, author ----------------------------------------------------------
say "headline / date / author accuracy (meta_accuracy.py)"
META=("$PY" "$HERE/meta_accuracy.py" --data "$DATA" --khabar "$NDJSON"
    --trafilatura-cache "$OUT/trafilatura-meta.json" --per-doc "$OUT/meta-per-doc.tsv"
    --json-out "$OUT/meta.json" ${LIMIT_ARG[@]+"${LIMIT_ARG[@]}"})
cmd_log "${META[@]}"
"${META[@]}" | tee "$OUT/meta.md"

# --- (iv-b) the second set: Readability's saved real-site test pages ------------------------
# readability_set.py converts ../shared/bench/readability-pages into the article_bench layout
# (94 saved real sites; see README.md), then the same three steps as above, into $ROUT.
if [ "$READABILITY" = 1 ]; then
    ROUT=$OUT/readability
    RSET=$ROUT/set
    mkdir -p "$ROUT"
    rm -f "$ROUT"/body.json "$ROUT"/body-per-doc.jsonl "$ROUT"/meta.json "$ROUT"/meta.md
    say "readability-pages: converting the real-site cases (readability_set.py)"
    RCONV=("$PY" "$HERE/readability_set.py" --src "$READABILITY_SRC" --dest "$RSET")
    cmd_log "${RCONV[@]}"
    "${RCONV[@]}"
    RNDJSON=$ROUT/khabar.ndjson
    rm -f "$RNDJSON"
    RKHABAR_CMD="$(q "$KHABAR") -q extract -j $JOBS --manifest {manifest} {dir} > $(q "$RNDJSON"); rc=\$?; cat $(q "$RNDJSON"); exit \$rc"
    RBODY_KHABAR=("$PY" "$ARTICLE_BENCH" --data "$RSET" --label khabar --ndjson-cmd "$RKHABAR_CMD"
        --id-field source.file --body-field body
        --per-doc "$ROUT/body-per-doc.jsonl" --json-out "$ROUT/body.json")
    cmd_log "${RBODY_KHABAR[@]}"
    "${RBODY_KHABAR[@]}" | tee "$ROUT/body-khabar.txt"
    RBODY_TRAF=("$PY" "$ARTICLE_BENCH" --data "$RSET" --python-tool trafilatura
        --per-doc "$ROUT/body-per-doc.jsonl" --json-out "$ROUT/body.json" --append)
    cmd_log "${RBODY_TRAF[@]}"
    "${RBODY_TRAF[@]}" | tee "$ROUT/body-trafilatura.txt"
    RMETA=("$PY" "$HERE/meta_accuracy.py" --data "$RSET" --khabar "$RNDJSON"
        --trafilatura-cache "$ROUT/trafilatura-meta.json" --per-doc "$ROUT/meta-per-doc.tsv"
        --json-out "$ROUT/meta.json")
    cmd_log "${RMETA[@]}"
    "${RMETA[@]}" | tee "$ROUT/meta.md"
    # --- (iv-c) the third set: half of trafilatura's evaluation set, scored by snippets -------
    HALVES_EXTRA=()
    if [ "$TRAF_EVAL" = 1 ]; then
        TOUT_SET=$OUT/traf-eval
        mkdir -p "$TOUT_SET"
        rm -f "$TOUT_SET"/snippets-*.jsonl "$TOUT_SET"/snippets-*.txt
        say "trafilatura's evaluation set: khabar, scored with snippet_bench.py"
        SNIP_K=("$PY" "$SNIPPET_BENCH" --data "$TRAF_EVAL_DATA" --label khabar
            --ndjson-cmd "$(q "$KHABAR") -q extract -j $JOBS --manifest {manifest} {dir}"
            --per-doc "$TOUT_SET/snippets-khabar.jsonl")
        cmd_log "${SNIP_K[@]}"
        "${SNIP_K[@]}" | tee "$TOUT_SET/snippets-khabar.txt"
        say "trafilatura's evaluation set: trafilatura in-process, scored with snippet_bench.py"
        SNIP_T=("$PY" "$SNIPPET_BENCH" --data "$TRAF_EVAL_DATA" --python-tool trafilatura
            --per-doc "$TOUT_SET/snippets-trafilatura.jsonl")
        cmd_log "${SNIP_T[@]}"
        "${SNIP_T[@]}" | tee "$TOUT_SET/snippets-trafilatura.txt"
        HALVES_EXTRA=(--snippet-set "trafilatura eval" "$TOUT_SET" "$TRAF_EVAL_DATA/evaldata.json")
    fi
    say "the sets, tune / held-out halves (halves.py)"
    HALVES_CMD=("$PY" "$HERE/halves.py" --set "WCXB dev" "$OUT" --set "Readability real sites" "$ROUT"
        ${HALVES_EXTRA[@]+"${HALVES_EXTRA[@]}"} --json-out "$OUT/halves.json")
    cmd_log "${HALVES_CMD[@]}"
    "${HALVES_CMD[@]}" | tee "$OUT/halves.md"
fi

# --- (v) speed: khabar in-process (cargo bench --bench generic), trafilatura (speed.py) ------
# Both on the same pages: the WCXB pages, fixtures/aawsat/*.html and the 20 generated ~150 KB
# aawsat pages. benches/generic.rs builds the generated pages in memory with
# Generator::page(i, 150_000) for i in 0..20; `cargo bench --bench extract` with
# KHABAR_BENCH_DUMP writes the same calls' output to disk (its KHABAR_BENCH_PAGES and
# KHABAR_BENCH_KB, given explicitly here so a setting in the caller's environment cannot make
# them differ), which is the only reason it runs: its own timing is cut to the minimum
# (KHABAR_BENCH_WORKLOAD=generated, KHABAR_BENCH_SECS=0.05) and not reported.
if [ "$SPEED" = 1 ]; then
    GEN=$OUT/generated
    say "cargo bench --no-run --bench extract --bench generic (build the benchmarks first)"
    cmd_log cargo bench --no-run --bench extract --bench generic
    if ! cargo bench --no-run --bench extract --bench generic 2>"$OUT/bench-build.log"; then
        tail -n 20 "$OUT/bench-build.log" >&2
        say "the benchmarks do not build"
        exit 1
    fi

    say "writing the generated aawsat pages (cargo bench --bench extract, KHABAR_BENCH_DUMP)"
    rm -rf "$GEN"
    DUMP_ENV=(KHABAR_BENCH_DUMP="$GEN" KHABAR_BENCH_PAGES=20 KHABAR_BENCH_KB=150
        KHABAR_BENCH_WORKLOAD=generated KHABAR_BENCH_SECS=0.05)
    cmd_log "${DUMP_ENV[@]}" cargo bench --bench extract
    if ! env "${DUMP_ENV[@]}" cargo bench --bench extract >"$OUT/dump-generated.log" 2>&1; then
        tail -n 15 "$OUT/dump-generated.log" >&2
        say "could not write the generated pages: speed.py leaves that workload out"
    fi

    if [ "$KHABAR_BENCH" = 1 ]; then
        [ "$(realpath -m "$DATA")" = "$(realpath -m ../shared/bench/wcxb-dev-articles)" ] ||
            say "note: benches/generic.rs always reads ../shared/bench/wcxb-dev-articles, not DATA=$DATA"
        say "khabar in-process: cargo bench --bench generic"
        cmd_log ${KHABAR_BENCH_SECS:+"KHABAR_BENCH_SECS=$KHABAR_BENCH_SECS"} cargo bench --bench generic
        if ! cargo bench --bench generic >"$OUT/generic-bench.txt" 2>"$OUT/generic-bench.log"; then
            tail -n 15 "$OUT/generic-bench.log" >&2
            say "cargo bench --bench generic FAILED: no khabar in-process numbers this time"
            rm -f "$OUT/generic-bench.txt"
        else
            cat "$OUT/generic-bench.txt"
        fi
    fi

    SPEED_ARGS=(--data "$DATA" --fixtures fixtures/aawsat)
    if [ -d "$GEN" ] && ls "$GEN"/*.html >/dev/null 2>&1; then
        SPEED_ARGS+=(--generated "$GEN")
    fi
    say "trafilatura in-process time per page (speed.py)"
    SPEED_CMD=("$PY" "$HERE/speed.py" "${SPEED_ARGS[@]}" --secs "$SPEED_SECS"
        --json-out "$OUT/speed.json" ${LIMIT_ARG[@]+"${LIMIT_ARG[@]}"})
    cmd_log "${SPEED_CMD[@]}"
    "${SPEED_CMD[@]}" | tee "$OUT/speed.txt"
fi

# --- (vi) results.md --------------------------------------------------------------------------
LOAD_END=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
"$PY" "$HERE/report.py" --out "$OUT" --results "$RESULTS" --data "$DATA" \
    --load "$LOAD_START" "$LOAD_END" --jobs "$JOBS" ${LIMIT:+--limit "$LIMIT"} \
    --tree-start "$TREE_START" --tree-end "$(tree_state)"
say "wrote $RESULTS (raw outputs in $OUT)"

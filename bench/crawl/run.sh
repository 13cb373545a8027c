#!/usr/bin/env bash
# Crawl benchmark: khabar against Scrapy on a synthetic aawsat site served by nginx on
# loopback. See bench/crawl/README.md.
#
#   bash bench/crawl/run.sh          # everything: installs, build, site, 4 crawls, table
#
# Environment (all optional):
#   KHABAR_BIN=path          use this khabar binary instead of building target/release/khabar
#   BENCH_ARTICLES=5000      article pages in the synthetic site
#   BENCH_THROTTLED_PAGES=300  page budget of the two throttled runs
#   BENCH_RATE=20            requests per second of the throttled runs
#   BENCH_ONLY="khabar-full khabar-state khabar-20 scrapy-full scrapy-20"   runs to make
#   BENCH_KEEP=1             keep the work directory (site, logs, outputs) instead of deleting it
#   BENCH_RESULTS=path       where to write the markdown results [bench/crawl/results.md]
#   SCRAPY_SPEC=scrapy==2.19.0  what pip installs into bench/crawl/.venv when Scrapy is missing
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARTICLES=${BENCH_ARTICLES:-5000}
THROTTLED_PAGES=${BENCH_THROTTLED_PAGES:-300}
RATE=${BENCH_RATE:-20}
ONLY=${BENCH_ONLY:-"khabar-full khabar-state khabar-20 scrapy-full scrapy-20"}
RESULTS=${BENCH_RESULTS:-$HERE/results.md}
SCRAPY_SPEC=${SCRAPY_SPEC:-scrapy==2.19.0}
VENV=$HERE/.venv
STARTED=$(date +%s)

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    # install without `apt-get update` first; update only when the package is not found
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q "$@" >/dev/null 2>&1 || {
        say "apt-get install $* failed; running apt-get update and trying again"
        as_root apt-get update -q >/dev/null
        as_root apt-get install -y -q "$@" >/dev/null
    }
}

# --- 1. tools ------------------------------------------------------------------------------
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v nginx >/dev/null 2>&1; then
    say "installing nginx"
    had_service_pid=$( [ -s /run/nginx.pid ] && cat /run/nginx.pid || true )
    apt_install nginx
    # the package may start the stock nginx service (port 80): stop it if it did
    if [ -z "$had_service_pid" ] && [ -s /run/nginx.pid ]; then
        pid=$(cat /run/nginx.pid)
        say "stopping the nginx service the package started (pid $pid)"
        as_root kill -QUIT "$pid" 2>/dev/null || true
    fi
fi
NGINX=$(command -v nginx)
[ -x /usr/bin/time ] || { say "installing GNU time"; apt_install time; }
command -v python3 >/dev/null || { say "installing python3"; apt_install python3 python3-venv; }

if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; rm -rf "$VENV"; python3 -m venv "$VENV"; }
fi
if ! "$VENV/bin/python" -c 'import scrapy' 2>/dev/null; then
    say "pip install $SCRAPY_SPEC (into $VENV)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$SCRAPY_SPEC"
fi

if [ -n "${KHABAR_BIN:-}" ]; then
    KHABAR=$(realpath "$KHABAR_BIN")
    say "using $KHABAR (KHABAR_BIN; not building)"
else
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet --bin khabar)
    KHABAR=$ROOT/target/release/khabar
fi
[ -x "$KHABAR" ] || die "no khabar binary at $KHABAR"

# --- 2. the site and the server --------------------------------------------------------------
# shellcheck source=../lib/site.sh
. "$HERE/../lib/site.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/khabar-crawl-bench.XXXXXX")
chmod 755 "$WORK"   # nginx's worker runs as nobody when started by root
NGINX_PID=$WORK/nginx.pid

cleanup() {
    local rc=$?
    site_stop
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

site_serve
say "nginx $($NGINX -v 2>&1 | sed 's/.*\///') serving $WORK/site on $BASE (pid $(cat "$NGINX_PID"))"

# --- 3. the runs -----------------------------------------------------------------------------
cd "$WORK"
COMMANDS=()
# measured NAME TIMEOUT CMD...: one crawl, its own server log, GNU time's report
measured() {
    local name=$1 limit=$2
    shift 2
    case " $ONLY " in *" $name "*) ;; *) say "skipping $name"; return 0 ;; esac
    say "run $name: $*"
    COMMANDS+=("$*")
    : > "$WORK/access.log"
    local rc=0
    /usr/bin/time -v -o "$WORK/$name.time" timeout --foreground -s INT -k 10 "$limit" "$@" \
        > "$WORK/$name.stdout" 2> "$WORK/$name.err" || rc=$?
    # Ctrl-C: khabar exits 130, Scrapy shuts down cleanly and exits 0 (and bash, whose child
    # handled the signal, runs no trap): stop here rather than report a partial run
    if [ "$rc" = 130 ] || { [ "$rc" = 0 ] && grep -q "'finish_reason': 'shutdown'" "$WORK/$name.err"; }; then
        say "$name was interrupted: stopping"; exit 130
    fi
    sleep 0.5   # let the last log lines land
    cp "$WORK/access.log" "$WORK/$name.access.log"
    local secs
    secs=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$WORK/$name.time")
    say "  $name: exit $rc, wall $secs, $(wc -l < "$WORK/$name.access.log") requests, $( [ -f "$WORK/$name.out" ] && wc -l < "$WORK/$name.out" || echo 0) records"
    if [ "$rc" = 124 ]; then
        say "  $name did not finish within $limit s: stopped"
    elif [ "$rc" != 0 ]; then
        say "  $name failed: last lines of its log:"
        tail -n 15 "$WORK/$name.err" >&2 || true
    fi
}

# --no-state: a one-shot crawl each time, as Scrapy without JOBDIR (a state would make the
# second run skip what the first fetched)
K=(--config "$HERE/khabar-bench.toml" crawl "$BASE/" --no-state --concurrency 32 --per-host 32 --max-depth 10)
measured khabar-full 600 "$KHABAR" "${K[@]}" --rate 0 --max-pages 0 -o "$WORK/khabar-full.out"
# the same crawl with the default crash-safe state (a fresh store): what the state costs
rm -f "$WORK/state.db" "$WORK/state.db"-* "$WORK/state.db.lock"
measured khabar-state 600 "$KHABAR" --config "$HERE/khabar-bench.toml" crawl "$BASE/" --state "$WORK/state.db" \
    --concurrency 32 --per-host 32 --max-depth 10 --rate 0 --max-pages 0 -o "$WORK/khabar-state.out"
measured khabar-20 120 "$KHABAR" "${K[@]}" --rate "$RATE" --burst 1 --max-pages "$THROTTLED_PAGES" -o "$WORK/khabar-20.out"

export BENCH_BASE=$BASE
S=("$VENV/bin/scrapy" runspider "$HERE/scrapy_spider.py")
measured scrapy-full 600 "${S[@]}" -O "$WORK/scrapy-full.out:jsonlines"
DELAY=$(python3 -c "print(1 / $RATE)")
measured scrapy-20 120 "${S[@]}" -O "$WORK/scrapy-20.out:jsonlines" \
    -s DOWNLOAD_DELAY="$DELAY" -s RANDOMIZE_DOWNLOAD_DELAY=False -s CONCURRENT_REQUESTS_PER_DOMAIN=1 \
    -s CLOSESPIDER_PAGECOUNT="$THROTTLED_PAGES"

# --- 4. the table ----------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - STARTED ))
python3 - "$WORK/meta.json" "$ELAPSED" "$THROTTLED_PAGES" "$RATE" "$KHABAR" "$NGINX" "$VENV" "$ROOT" "${COMMANDS[@]}" <<'EOF'
import datetime, json, os, platform, re, subprocess, sys
out, elapsed, pages, rate, khabar, nginx, venv, root, *commands = sys.argv[1:]
def run(*cmd, cwd=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=30)
        return (p.stdout + p.stderr).strip()
    except Exception as e:
        return f"? ({e})"
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
commit = run("git", "describe", "--always", "--dirty", cwd=root)
versions = "; ".join([
    f"{run(khabar, '--version')} (git {commit})",
    run("rustc", "--version"),
    run(nginx, "-v").replace("nginx version: ", ""),
    "Scrapy " + run(os.path.join(venv, "bin", "python"), "-c", "import scrapy; print(scrapy.__version__)"),
    "Python " + run(os.path.join(venv, "bin", "python"), "-c", "import platform; print(platform.python_version())"),
])
meta = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "elapsed": f"{int(elapsed) // 60} min {int(elapsed) % 60} s",
    "machine": f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}",
    "versions": versions,
    "throttled_pages": int(pages),
    "rate": float(rate),
    "command": "bash bench/crawl/run.sh",
    "commands": [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT",
                        c.replace(os.path.dirname(out), "$WORK").replace(root + "/", ""))
                 for c in commands],
}
json.dump(meta, open(out, "w"), ensure_ascii=False, indent=1)
EOF
python3 "$HERE/report.py" --work "$WORK" --meta "$WORK/meta.json" --out "$RESULTS"
say "results written to $RESULTS (whole run: $(( ($(date +%s) - STARTED) / 60 )) min $(( ($(date +%s) - STARTED) % 60 )) s)"

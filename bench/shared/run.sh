#!/usr/bin/env bash
# Shared-frontier benchmark: khabar workers on one Redis frontier (`--frontier redis://`)
# against the embedded single-machine state, on the synthetic aawsat site of the crawl
# benchmark (bench/crawl/gen_site.py) served by nginx on loopback, and a Redis server of its
# own on loopback. See bench/shared/README.md.
#
#   bash bench/shared/run.sh       # installs nginx/redis if missing, builds, 6 runs, the table
#
# Environment (all optional):
#   KHABAR_BIN=path        use this khabar binary instead of building target/release/khabar
#   BENCH_ARTICLES=5000    article pages in the synthetic site
#   BENCH_RATE=20          the per-host rate of the throttled run
#   BENCH_THROTTLED_PAGES=300  the page budget of the throttled run (all workers together)
#   BENCH_KEEP=1           keep the work directory
#   BENCH_RESULTS=path     where to write the markdown results [bench/shared/results.md]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARTICLES=${BENCH_ARTICLES:-5000}
RATE=${BENCH_RATE:-20}
THROTTLED_PAGES=${BENCH_THROTTLED_PAGES:-300}
RESULTS=${BENCH_RESULTS:-$HERE/results.md}
STARTED=$(date +%s)

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q "$@" >/dev/null 2>&1 || {
        as_root apt-get update -q >/dev/null
        as_root apt-get install -y -q "$@" >/dev/null
    }
}

export PATH="$PATH:/usr/sbin:/sbin"
command -v nginx >/dev/null 2>&1 || { say "installing nginx"; apt_install nginx; }
command -v redis-server >/dev/null 2>&1 || { say "installing redis-server"; apt_install redis-server; }
[ -x /usr/bin/time ] || { say "installing GNU time"; apt_install time; }
NGINX=$(command -v nginx)

if [ -n "${KHABAR_BIN:-}" ]; then
    KHABAR=$(realpath "$KHABAR_BIN")
else
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet --bin khabar)
    KHABAR=$ROOT/target/release/khabar
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/khabar-shared-bench.XXXXXX")
chmod 755 "$WORK"
NGINX_PID=$WORK/nginx.pid
REDIS_PID=
cleanup() {
    local rc=$?
    [ -s "$NGINX_PID" ] && kill -QUIT "$(cat "$NGINX_PID")" 2>/dev/null || true
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
    if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
say "generating the site ($ARTICLES articles) for $BASE"
python3 "$ROOT/bench/crawl/gen_site.py" --out "$WORK/site" --base "$BASE" --articles "$ARTICLES" >&2
chmod -R a+rX "$WORK/site"
mkdir -p "$WORK/nginx-tmp"
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $NGINX_PID;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    charset utf-8;
    log_format bench '\$msec \$status \$body_bytes_sent "\$request_uri"';
    access_log $WORK/access.log bench;
    client_body_temp_path $WORK/nginx-tmp/client;
    proxy_temp_path $WORK/nginx-tmp/proxy;
    fastcgi_temp_path $WORK/nginx-tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx-tmp/uwsgi;
    scgi_temp_path $WORK/nginx-tmp/scgi;
    sendfile on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$PORT;
        root $WORK/site;
        location = / { try_files /index.html =404; }
        location = /feed { types { } default_type application/rss+xml; try_files /feed.xml =404; }
        location = /manifest.json { return 404; }
        location / { try_files \$uri/page-\$arg_page.html \$uri.html \$uri/index.html \$uri =404; }
    }
}
EOF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
for _ in $(seq 50); do [ -s "$NGINX_PID" ] && break; sleep 0.1; done

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --daemonize no > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
say "nginx on $BASE, redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT"

cd "$WORK"
K=(--config "$ROOT/bench/crawl/khabar-bench.toml" -q crawl "$BASE/" --concurrency 32 --per-host 32 --max-depth 10)
# run NAME WORKERS ARGS...: WORKERS processes at once, each with its own output; GNU time
# per process; the server's log of the run kept
run() {
    local name=$1 workers=$2
    shift 2
    say "run $name: $workers x khabar ${K[*]} $*"
    : > "$WORK/access.log"
    local start pids=()
    start=$(date +%s.%N)
    for i in $(seq 1 "$workers"); do
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.$i.time" \
            "$KHABAR" "${K[@]}" "$@" -o "$WORK/$name.$i.out" 2> "$WORK/$name.$i.err" &
        pids+=($!)
    done
    local rc=0
    for p in "${pids[@]}"; do wait "$p" || rc=$?; done
    local end
    end=$(date +%s.%N)
    sleep 0.3
    cp "$WORK/access.log" "$WORK/$name.access.log"
    echo "$start $end $workers $rc" > "$WORK/$name.wall"
    [ "$rc" = 0 ] || { say "$name failed:"; tail -n 5 "$WORK/$name".*.err >&2; }
}

flush() { redis-cli -p "$REDIS_PORT" flushall > /dev/null; }
FRONTIER=redis://127.0.0.1:$REDIS_PORT/0
rm -f "$WORK/state.db"*
run embedded 1 --rate 0 --max-pages 0 --state "$WORK/state.db"
mem() { redis-cli -p "$REDIS_PORT" info memory | tr -d '\r' | sed -n 's/^used_memory://p'; }
for w in 1 2 4; do
    flush
    empty=$(mem)
    run "shared-$w" "$w" --rate 0 --max-pages 0 --frontier "$FRONTIER"
    echo "$empty $(mem) $(redis-cli -p "$REDIS_PORT" hlen khabar:fetch) $(redis-cli -p "$REDIS_PORT" scard khabar:g1:seen)" > "$WORK/shared-$w.redis"
done
flush
run "shared-4-rate" 4 --rate "$RATE" --burst 1 --max-pages "$THROTTLED_PAGES" --frontier "$FRONTIER"

python3 - "$WORK" "$RESULTS" "$RATE" "$THROTTLED_PAGES" "$KHABAR" "$ROOT" "$(( $(date +%s) - STARTED ))" <<'EOF'
import datetime, glob, json, os, platform, subprocess, sys
work, results, rate, pages_budget, khabar, root, elapsed = sys.argv[1:]
rate = float(rate)

def records(name):
    ids = []
    for f in sorted(glob.glob(f"{work}/{name}.*.out")):
        for line in open(f, encoding="utf-8"):
            ids.append(json.loads(line)["id"])
    return ids

def stats(name):
    start, end, workers, rc = open(f"{work}/{name}.wall").read().split()
    wall = float(end) - float(start)
    cpu = rss = 0.0
    for f in glob.glob(f"{work}/{name}.*.time"):
        e, u, s, m = open(f).read().split()[-4:]
        cpu += float(u) + float(s)
        rss = max(rss, float(m) / 1024)
    log = [l.split() for l in open(f"{work}/{name}.access.log")]
    times = sorted(float(l[0]) for l in log)
    pages = sum(1 for l in log if l[3] != '"/robots.txt"' and l[1] == "200")
    ids = records(name)
    most, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= 1.0:
            j += 1
        most = max(most, i - j + 1)
    span = times[-1] - times[0] if len(times) > 1 else 0
    return dict(workers=int(workers), rc=int(rc), wall=wall, cpu=cpu, rss=rss,
                requests=len(times), pages=pages, records=len(ids), unique=len(set(ids)),
                most=most, achieved=(len(times) - 1) / span if span else 0)

rows = {n: stats(n) for n in ["embedded", "shared-1", "shared-2", "shared-4", "shared-4-rate"]}
def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as e:
        return f"? ({e})"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
out = []
out.append("# Shared frontier benchmark results\n")
out.append(f"`bash bench/shared/run.sh`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, "
           f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}; "
           f"{run(khabar, '--version')} (git {run('git', '-C', root, 'describe', '--always', '--dirty')}), "
           f"{run('redis-server', '--version').split(' ')[2]}; whole run {int(elapsed)//60} min {int(elapsed)%60} s.\n")
out.append("The synthetic site of the crawl benchmark (bench/crawl/gen_site.py), served by nginx on "
           "loopback; a Redis server on loopback; every worker a `khabar crawl` process with "
           "`--concurrency 32 --per-host 32 --max-depth 10` and its own output file. Pages/s is "
           "article and listing pages answered 200 over the wall time from the first worker's start "
           "to the last one's end; CPU is user + system of all workers together.\n")
out.append("| run | workers | pages | records (unique) | wall s | pages/s | vs embedded | CPU ms/page | peak RSS MiB (one worker) |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
base = rows["embedded"]["pages"] / rows["embedded"]["wall"]
for name in ["embedded", "shared-1", "shared-2", "shared-4"]:
    r = rows[name]
    pps = r["pages"] / r["wall"]
    label = "embedded state (`--state`)" if name == "embedded" else "shared frontier (`--frontier`)"
    out.append(f"| {label}, rate 0 | {r['workers']} | {r['pages']} | {r['records']} ({r['unique']}) | "
               f"{r['wall']:.1f} | {pps:.0f} | {pps / base:.2f}x | {1000 * r['cpu'] / max(r['pages'], 1):.2f} | {r['rss']:.0f} |")
r = rows["shared-4-rate"]
out.append("")
out.append(f"Throttled: 4 workers, `--rate {rate:g} --burst 1 --max-pages {pages_budget}` (the budget is "
           "for all workers together), one host:\n")
out.append("| requests | pages | records (unique) | achieved rate, all workers together | most requests in any 1 s window | limit (rate + burst) |")
out.append("| ---: | ---: | ---: | ---: | ---: | ---: |")
out.append(f"| {r['requests']} | {r['pages']} | {r['records']} ({r['unique']}) | {r['achieved']:.2f}/s | {r['most']} | {rate + 1:g} |")
empty, used, fetched, seen = map(int, open(f"{work}/shared-4.redis").read().split())
out.append("")
out.append(f"Redis memory after the 4-worker crawl: {(used - empty) / 2**20:.1f} MiB for {fetched} URLs in the "
           f"fetch log and {seen} in the seen set: {(used - empty) / max(fetched, 1):.0f} bytes per URL known.")
failed = [n for n, r in rows.items() if r["rc"] != 0]
if failed:
    out.append(f"\nFAILED runs: {', '.join(failed)}")
open(results, "w").write("\n".join(out) + "\n")
print("\n".join(out))
EOF
say "results written to $RESULTS"

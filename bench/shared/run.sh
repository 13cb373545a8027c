#!/usr/bin/env bash
# Shared-frontier benchmark: khabar workers on one Redis frontier (`--frontier redis://`)
# against the embedded single-machine state and against Scrapy with scrapy-redis (the tool a
# Scrapy user reaches for to share a crawl), on the synthetic aawsat site of the crawl
# benchmark (bench/crawl/gen_site.py) served by nginx on loopback, and a Redis server of its
# own on loopback. See bench/shared/README.md.
#
#   bash bench/shared/run.sh       # installs what is missing, builds, 9 runs, the table
#
# Environment (all optional):
#   KHABAR_BIN=path        use this khabar binary instead of building target/release/khabar
#   BENCH_ARTICLES=5000    article pages in the synthetic site
#   BENCH_RATE=20          the per-host rate of the throttled run
#   BENCH_THROTTLED_PAGES=300  the page budget of the throttled run (all workers together)
#   BENCH_KEEP=1           keep the work directory
#   BENCH_RESULTS=path     where to write the markdown results [bench/shared/results.md]
#   BENCH_SCRAPY=0         leave out the scrapy-redis runs
#   SCRAPY_SPEC="scrapy==2.19.0 scrapy-redis==0.9.1"  what pip installs into bench/shared/.venv
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARTICLES=${BENCH_ARTICLES:-5000}
RATE=${BENCH_RATE:-20}
THROTTLED_PAGES=${BENCH_THROTTLED_PAGES:-300}
RESULTS=${BENCH_RESULTS:-$HERE/results.md}
STARTED=$(date +%s)
SCRAPY=${BENCH_SCRAPY:-1}
SCRAPY_SPEC=${SCRAPY_SPEC:-"scrapy==2.19.0 scrapy-redis==0.9.1"}
VENV=$HERE/.venv

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
if [ "$SCRAPY" = 1 ] && ! "$VENV/bin/python" -c 'import scrapy, scrapy_redis' 2>/dev/null; then
    say "pip install $SCRAPY_SPEC (into $VENV)"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check $SCRAPY_SPEC
fi

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
    site_stop
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
    if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# shellcheck source=../lib/site.sh
. "$ROOT/bench/lib/site.sh"
site_serve

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --daemonize no > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
say "nginx on $BASE, redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT"

cd "$WORK"
K=(--config "$ROOT/bench/crawl/khabar-bench.toml" -q crawl "$BASE/" --concurrency 32 --per-host 32 --max-depth 10)
# run NAME WORKERS ARGS...: WORKERS khabar processes at once, each with its own output; GNU
# time per process; the server's log of the run kept. (run_scrapy: the same for scrapy-redis.)
run() { run_as khabar "$@"; }
run_scrapy() { run_as scrapy "$@"; }
run_as() {
    local tool=$1 name=$2 workers=$3
    shift 3
    say "run $name: $workers x $tool $*"
    : > "$WORK/access.log"
    local start pids=()
    start=$(date +%s.%N)
    for i in $(seq 1 "$workers"); do
        if [ "$tool" = khabar ]; then
            /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.$i.time" \
                "$KHABAR" "${K[@]}" "$@" -o "$WORK/$name.$i.out" 2> "$WORK/$name.$i.err" &
        else
            BENCH_BASE=$BASE BENCH_REDIS=$FRONTIER /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.$i.time" \
                "$VENV/bin/scrapy" runspider "$HERE/scrapy_redis_spider.py" "$@" \
                -O "$WORK/$name.$i.out:jsonlines" 2> "$WORK/$name.$i.err" &
        fi
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
if [ "$SCRAPY" = 1 ]; then
    seed() { flush; redis-cli -p "$REDIS_PORT" rpush bench:start "$BASE/robots.txt" "$BASE/" > /dev/null; }
    for w in 1 2 4; do
        seed
        run_scrapy "scrapy-redis-$w" "$w"
    done
    # Scrapy's politeness is per process: each worker keeps its own delay
    seed
    run_scrapy "scrapy-redis-4-rate" 4 -s DOWNLOAD_DELAY="$(python3 -c "print(1 / $RATE)")" \
        -s RANDOMIZE_DOWNLOAD_DELAY=False -s CONCURRENT_REQUESTS_PER_DOMAIN=1 \
        -s CLOSESPIDER_PAGECOUNT=$(( THROTTLED_PAGES / 4 ))
fi

python3 - "$WORK" "$RESULTS" "$RATE" "$THROTTLED_PAGES" "$KHABAR" "$ROOT" "$(( $(date +%s) - STARTED ))" "$VENV" <<'EOF'
import datetime, glob, json, os, platform, subprocess, sys
work, results, rate, pages_budget, khabar, root, elapsed, venv = sys.argv[1:]
rate = float(rate)

def records(name):
    ids = []
    for f in sorted(glob.glob(f"{work}/{name}.*.out")):
        for line in open(f, encoding="utf-8"):
            ids.append(json.loads(line)["id"])
    return ids

def exists(name):
    return os.path.exists(f"{work}/{name}.wall")

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
    pages = sum(1 for l in log if l[4] != '"/robots.txt"' and l[1] == "200")
    ids = records(name)
    most, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= 1.0:
            j += 1
        most = max(most, i - j + 1)
    span = times[-1] - times[0] if len(times) > 1 else 0
    return dict(workers=int(workers), rc=int(rc), wall=wall, cpu=cpu, rss=rss, span=span,
                requests=len(times), pages=pages, records=len(ids), unique=len(set(ids)),
                most=most, achieved=(len(times) - 1) / span if span else 0)

names = ["embedded", "shared-1", "shared-2", "shared-4", "shared-4-rate",
         "scrapy-redis-1", "scrapy-redis-2", "scrapy-redis-4", "scrapy-redis-4-rate"]
rows = {n: stats(n) for n in names if exists(n)}
def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as e:
        return f"? ({e})"
scrapy_version = ""
if any(n.startswith("scrapy") for n in rows):
    scrapy_version = "Scrapy " + run(os.path.join(venv, "bin", "python"), "-c",
                                     "import scrapy, scrapy_redis; print(scrapy.__version__, '+ scrapy-redis', scrapy_redis.__version__)") + "; "
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
out = []
out.append("# Shared frontier benchmark results\n")
out.append(f"`bash bench/shared/run.sh`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, "
           f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}; "
           f"{run(khabar, '--version')} (git {run('git', '-C', root, 'describe', '--always', '--dirty')}), "
           f"{run('redis-server', '--version').split(' ')[2]}; "
           + scrapy_version
           + f"whole run {int(elapsed)//60} min {int(elapsed)%60} s.\n")
out.append("The synthetic site of the crawl benchmark (bench/crawl/gen_site.py), served by nginx on "
           "loopback; a Redis server on loopback; every worker a `khabar crawl` process with "
           "`--concurrency 32 --per-host 32 --max-depth 10` and its own output file. Pages/s is "
           "article and listing pages answered 200 over the time from the first request the server "
           "saw to the last (so a worker's start-up and scrapy-redis's idle wait before it closes "
           "do not count; the wall time from the first start to the last exit is beside it); "
           "CPU is user + system of all workers together.\n")
out.append("| run, rate 0 | workers | pages | records (unique) | pages/s | vs khabar embedded | wall s | CPU ms/page | peak RSS MiB (one worker) |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
base = rows["embedded"]["pages"] / rows["embedded"]["span"]
labels = {"embedded": "khabar, embedded state (`--state`)", "shared": "khabar, shared frontier (`--frontier`)",
          "scrapy": "Scrapy + scrapy-redis"}
for name in [n for n in ["embedded", "shared-1", "shared-2", "shared-4",
                         "scrapy-redis-1", "scrapy-redis-2", "scrapy-redis-4"] if n in rows]:
    r = rows[name]
    pps = r["pages"] / r["span"]
    label = labels[name.split("-")[0]]
    out.append(f"| {label} | {r['workers']} | {r['pages']} | {r['records']} ({r['unique']}) | "
               f"{pps:.0f} | {pps / base:.2f}x | {r['wall']:.1f} | {1000 * r['cpu'] / max(r['pages'], 1):.2f} | {r['rss']:.0f} |")
out.append("")
out.append(f"Throttled, 4 workers, one host: khabar with `--rate {rate:g} --burst 1 --max-pages {pages_budget}` "
           f"(the rate and the budget hold for all workers together); scrapy-redis with "
           f"`DOWNLOAD_DELAY={1 / rate:g}` (no randomising), one request at a time per host and "
           f"`CLOSESPIDER_PAGECOUNT={int(pages_budget) // 4}` per worker, Scrapy's own politeness, which is per "
           "process:\n")
out.append("| run | requests | pages | records (unique) | achieved rate, all workers together | most requests in any 1 s window | khabar's limit (rate + burst) |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name in [n for n in ["shared-4-rate", "scrapy-redis-4-rate"] if n in rows]:
    r = rows[name]
    label = labels["shared" if name.startswith("shared") else "scrapy"]
    out.append(f"| {label} | {r['requests']} | {r['pages']} | {r['records']} ({r['unique']}) | {r['achieved']:.2f}/s | {r['most']} | {rate + 1:g} |")
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

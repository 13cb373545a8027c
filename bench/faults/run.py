#!/usr/bin/env python3
"""Before/after measurements for the rows of the robustness issue (issue 20).

Runs one `khabar` binary through every row of the issue's table and prints one Markdown
table row per case: exit code, wall seconds, peak RSS, records written (whole JSON lines of
the output; a torn, unparseable line is reported), and a short note taken from stderr.

Every server is this script's own, on 127.0.0.1 (raw sockets, one thread per connection);
nothing else on the network is touched. Each khabar run goes through

    /usr/bin/time -f '%e %M' prlimit --as=4GiB [bash -c 'trap "" XFSZ; ulimit -f 48; ...'] khabar ...

so a runaway binary fails its allocation ("aborted (memory)") before it can hurt the
machine, and is killed after a per-row wall-clock limit ("killed").

Rows:
  a  extract one page of 5,000 and one of 20,000 `<p><b id=N>x</p>`
  b  crawl an RSS feed of 7 items (a bare `&`, a Latin-1 byte 0xE9, a stray `</div>`)
  c  crawl a sitemap index of 1,000 indexes of 1,000 sitemaps of 50,000 URLs, --max-pages 5
  d  a disk that fills (RLIMIT_FSIZE 48 KiB): crawl -o, and extract DIR -o
  e  crawl a port where nothing listens
  f  --rate 1e-20, --timeout 2^64-1 --max-time 2, against a server that never answers
     (f3, not in the issue: --timeout 3600 --max-time 2, the stop grace)
  g  a connection reset before any answer, a body short of its Content-Length (first try)
  h  extract 10 MB of `a<br>`, and a 44 MB JSON-LD @graph

Usage (Python 3 standard library only; Linux, /usr/bin/time and prlimit needed):

    python3 bench/faults/run.py --binary target/release/khabar --label after
    python3 bench/faults/run.py --binary ... --label before --rows a,c   # some rows only
    python3 bench/faults/run.py ... --json results.jsonl   # also keep the results
    python3 bench/faults/run.py --compare results.jsonl     # one before/after table
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MEM_CAP = 4 << 30  # address space per khabar run
LIMIT = 90  # seconds per run, unless a row says otherwise
ROBOTS = b"User-agent: *\nDisallow:\n"
STDOUT = "stdout"  # `output=STDOUT`: the records are khabar's standard output

CONFIG = r"""[profiles.local]
hosts = ["127.0.0.1"]
article = [".node--type-article"]
url = ["@data-url"]
headline = [".entry-title h1"]
body = [".printable-area .entry-content p"]
article_urls = ['/news/\d+-story$']
recrawl_after_secs = 0
"""


# ---------------------------------------------------------------------------------------
# pages


def article(base, n, text):
    """An article page the `local` profile reads (the tests' own template)."""
    return f"""<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>خبر {n}</title>
<link rel="canonical" href="{base}/news/{n}-story"></head><body>
<div class="node node--type-article" data-url="/news/{n}-story">
<div class="entry-header"><div class="entry-title"><h1>خبر رقم {n}</h1></div></div>
<div class="printable-area"><article><div class="entry-content"><p>{text}</p></div></article></div>
</div></body></html>""".encode()


def home(ids):
    links = "".join(f'<a href="/news/{i}-story">{i}</a>' for i in ids)
    return f"<!DOCTYPE html><html><body>{links}</body></html>".encode()


LEAD = "<p>" + "A plain paragraph of ordinary running text for the extractor. " * 8 + "</p>"


def plain_page(inner, head=""):
    """A normal page around `inner`: <article>, a headline, one paragraph of prose."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Title</title>{head}"
        f"</head><body><article><h1>Title</h1>{LEAD}{inner}</article></body></html>"
    ).encode()


# ---------------------------------------------------------------------------------------
# a server on 127.0.0.1


class Site:
    """An HTTP/1.1 server with keep-alive. `route(path, n)` answers the n-th request for
    `path` (1 for the first) with bytes (a 200, its type from the path), None (404), or a
    fault: ("reset",) closes with a TCP reset before any answer; ("short", body, sent)
    announces len(body) bytes, sends `sent` of them and closes cleanly; ("silent",) keeps
    the connection open and never answers."""

    def __init__(self, route=None, silent=False):
        self.route = route
        self.silent = silent
        self.counts = {}
        self.lock = threading.Lock()
        self.held = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for c in self.held:
            c.close()

    def count(self, pred=lambda p: True):
        with self.lock:
            return sum(n for p, n in self.counts.items() if pred(p))

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.silent:
                self.held.append(conn)
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = conn.makefile("rb")
        try:
            while True:
                line = reader.readline()
                if not line:
                    return
                parts = line.split()
                path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
                while reader.readline() not in (b"\r\n", b"\n", b""):
                    pass
                with self.lock:
                    n = self.counts[path] = self.counts.get(path, 0) + 1
                answer = ROBOTS if path == "/robots.txt" else self.route(path, n)
                if isinstance(answer, tuple):
                    return self._fault(conn, answer)
                if answer is None:
                    conn.sendall(self._head(404, "text/plain", 8) + b"not here")
                    continue
                conn.sendall(self._head(200, content_type(path), len(answer)) + answer)
        except OSError:
            return
        finally:
            reader.close()
            conn.close()

    def _fault(self, conn, answer):
        if answer[0] == "reset":
            # SO_LINGER 0: close() sends RST
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        elif answer[0] == "short":
            _, body, sent = answer
            conn.sendall(self._head(200, "text/html; charset=utf-8", len(body)) + body[:sent])
            conn.shutdown(socket.SHUT_WR)
        elif answer[0] == "silent":
            self.held.append(conn.dup())

    @staticmethod
    def _head(status, ctype, length):
        reason = {200: "OK", 404: "Not Found"}[status]
        return (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        ).encode()


def content_type(path):
    if path.endswith(".xml"):
        return "application/xml"
    if path == "/robots.txt":
        return "text/plain"
    return "text/html; charset=utf-8"


def article_route(base_ref, text_of=lambda n: "نص الخبر"):
    """Routes /news/N-story to article N; `base_ref` is a one-element list filled later."""

    def route(path, _n):
        m = re.fullmatch(r"/news/(\d+)-story", path)
        return article(base_ref[0], int(m[1]), text_of(int(m[1]))) if m else None

    return route


# ---------------------------------------------------------------------------------------
# running khabar


class Run:
    """One khabar run: what /usr/bin/time, the output and stderr said."""

    def __init__(self, code, secs, rss_kib, killed, stderr, records, torn):
        self.code, self.secs, self.rss_kib, self.killed = code, secs, rss_kib, killed
        self.stderr, self.records, self.torn = stderr, records, torn

    @property
    def memory_abort(self):
        return self.code in ("signal 6", 134, "signal 9") and re.search(
            r"memory allocation of \d+ bytes failed|out of memory|Cannot allocate memory",
            self.stderr,
        )

    def exit_cell(self):
        if self.killed:
            return "killed"
        if self.memory_abort:
            return "aborted (memory)"
        return str(self.code)


def khabar(binary, args, work, limit=LIMIT, output=None, file_limit_kib=None):
    """Runs `binary args` in `work` and counts the records in `output`. Standard output is
    sent to `work/stdout.ndjson` (where records go unless the args say -o)."""
    if output == STDOUT:
        output = work / "stdout.ndjson"
    timefile = work / "time.txt"
    errfile = work / "stderr.txt"
    cmd = ["/usr/bin/time", "-f", "%e %M", "-o", str(timefile)]
    cmd += ["prlimit", f"--as={MEM_CAP}", "--"]
    if file_limit_kib is not None:
        cmd += ["bash", "-c", f'trap "" XFSZ; ulimit -f {file_limit_kib}; exec "$0" "$@"']
    cmd += [str(binary)] + [str(a) for a in args]
    env = {k: v for k, v in os.environ.items() if k != "KHABAR_LOG"}
    env["RUST_BACKTRACE"] = "0"
    with open(errfile, "wb") as err, open(work / "stdout.ndjson", "wb") as out:
        p = subprocess.Popen(cmd, cwd=work, stdout=out, stderr=err, env=env)
        killed = False
        try:
            p.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            killed = True
            kill_child_of(p.pid)
            p.wait()
    code, secs, rss = read_time(timefile)
    stderr = errfile.read_text(errors="replace")
    records, torn = count_records(output) if output is not None else (0, False)
    return Run(code, secs, rss, killed, stderr, records, torn)


def kill_child_of(pid):
    """SIGKILL the process /usr/bin/time runs (khabar, after prlimit and bash exec), so that
    time still reports the run."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for c in children:
        try:
            os.kill(int(c), signal.SIGKILL)
        except ProcessLookupError:
            pass
    if not children:
        os.kill(pid, signal.SIGKILL)


def read_time(path):
    """(exit code or "signal N", seconds, peak RSS KiB) from GNU time's -o file."""
    code, secs, rss = 0, None, None
    try:
        lines = path.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        if m := re.match(r"Command exited with non-zero status (\d+)", line):
            code = int(m[1])
        elif m := re.match(r"Command terminated by signal (\d+)", line):
            code = f"signal {m[1]}"
        elif m := re.fullmatch(r"([\d.]+) (\d+)", line.strip()):
            secs, rss = float(m[1]), int(m[2])
    return code, secs, rss


def count_records(path):
    """(whole JSON lines, whether a line is torn: unparseable or unfinished)."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0, False
    lines = data.split(b"\n")
    torn = lines[-1] != b""  # an unfinished last line
    whole = 0
    for line in lines[:-1]:
        if not line.strip():
            continue
        try:
            json.loads(line)
            whole += 1
        except ValueError:
            torn = True
    return whole, torn


# ---------------------------------------------------------------------------------------
# notes from stderr


def lines_matching(stderr, *patterns, width=150):
    """The stderr lines matching any of `patterns`, without the `khabar: info:` prefix and
    cut to `width` characters."""
    out = []
    for line in stderr.splitlines():
        if any(re.search(p, line) for p in patterns):
            line = re.sub(r"^khabar: (info: )?", "", line.strip())
            line = re.sub(r"/\S*/khabar-faults-[^/]+/", "", line)  # the temporary folder
            # reqwest's chain of a refused connection, shortened
            line = re.sub(r"error sending request for url \(\S+\): client error \(Connect\): "
                          r"tcp connect error: ", "", line)
            out.append(line if len(line) <= width else line[: width - 3] + "...")
    return out


def panic_of(stderr):
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if "panicked at" in line:
            msg = lines[i + 1].strip() if i + 1 < len(lines) else ""
            return f"panic: {msg}"
    return None


def note_of(run, *patterns):
    """What went wrong (kill, memory, panic), else the stderr lines matching `patterns`."""
    bits = []
    if run.killed:
        bits.append("killed at the limit")
    if run.memory_abort:
        m = re.search(r"memory allocation of \d+ bytes failed", run.stderr)
        bits.append(m[0] if m else "out of memory")
    if p := panic_of(run.stderr):
        bits.append(p)
    if not bits or not (run.killed or run.memory_abort):
        bits += lines_matching(run.stderr, *patterns)
    if not bits:
        bits = lines_matching(run.stderr, r"\S")[-1:]  # the last line said
    return " / ".join(bits)


SUMMARY = r"crawl \w+ (\([^)]*\) )?(in|after) [\d.]+ s:"


# ---------------------------------------------------------------------------------------
# the rows


def row_a(binary, work):
    """Formatting left open: 5,000 and 20,000 `<p><b id=N>x</p>`."""
    for n in (5_000, 20_000):
        page = work / f"open-b-{n}.html"
        page.write_bytes(plain_page("".join(f"<p><b id={i}>x</p>" for i in range(n))))
        run = khabar(binary, ["--config", cfg(work), "extract", page], work,
                     output=STDOUT)
        size = page.stat().st_size // 1024
        yield f"a. extract {n:,} `<p><b id=N>x</p>` ({size} KB)", run, note_of(
            run, r"error|warn", r"\d+ pages?, \d+ records?")


def row_b(binary, work):
    """A feed of 7 items that is not quite XML: every item linked to an article."""
    base = []
    site = Site(lambda p, n: feed if p == "/feed.xml" else article_route(base)(p, n))
    base.append(site.base)
    feed = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
    titles = {2: b"Tom & Jerry", 4: b"caf\xe9"}
    for i in range(1, 8):
        title = titles.get(i, f"Story {i}".encode())
        feed += b"<item><title>" + title + b"</title><link>" + \
            f"{site.base}/news/{i}-story".encode() + b"</link></item>\n"
        if i == 5:
            feed += b"</div>\n"
    feed += b"</channel></rss>\n"
    run = khabar(binary, ["--config", cfg(work), "crawl", "--no-state", "--rate", "0",
                          f"{site.base}/feed.xml"], work, output=STDOUT)
    site.close()
    yield "b. crawl RSS: 7 items, bare `&`, 0xE9, stray `</div>`", run, note_of(
        run, SUMMARY, r"read leniently", r"errors:", r"^\s*\S+feed.xml")


def row_c(binary, work):
    """A sitemap index of 1,000 indexes of 1,000 sitemaps of 50,000 URLs, made on request."""
    base = []

    def index(locs):
        return ("<?xml version=\"1.0\"?><sitemapindex>" + "".join(
            f"<sitemap><loc>{base[0]}{l}</loc></sitemap>" for l in locs) +
            "</sitemapindex>").encode()

    def route(path, n):
        if path == "/sitemap.xml":
            return index(f"/idx/{i}.xml" for i in range(1000))
        if m := re.fullmatch(r"/idx/(\d+)\.xml", path):
            return index(f"/map/{m[1]}-{j}.xml" for j in range(1000))
        if m := re.fullmatch(r"/map/(\d+)-(\d+)\.xml", path):
            first = (int(m[1]) * 1000 + int(m[2])) * 50_000
            return ("<?xml version=\"1.0\"?><urlset>" + "".join(
                f"<url><loc>{base[0]}/news/{k}-story</loc></url>"
                for k in range(first, first + 50_000)) + "</urlset>").encode()
        return article_route(base)(path, n)

    site = Site(route)
    base.append(site.base)
    run = khabar(binary, ["--config", cfg(work), "crawl", "--no-state", "--max-pages", "5",
                          "--rate", "0", f"{site.base}/sitemap.xml"], work, limit=45,
                 output=STDOUT)
    read = site.count(lambda p: p.endswith(".xml"))
    site.close()
    note = note_of(run, SUMMARY, r"not read \(max_pages")
    yield "c. crawl sitemap index 1,000 x 1,000 x 50,000, --max-pages 5", run, \
        f"{read} sitemaps served; {note}"


def row_d(binary, work):
    """A disk that fills: writes past 48 KiB fail (SIGXFSZ ignored, so write() errs)."""
    base = []
    text = lambda n: f"كلمة{n} " * 450  # about 5 KB
    articles = article_route(base, text)
    site = Site(lambda p, n: home(range(1, 31)) if p == "/" else articles(p, n))
    base.append(site.base)
    out = work / "out.ndjson"
    run = khabar(binary, ["--config", cfg(work), "crawl", "--no-state", "--rate", "0",
                          "-o", out, f"{site.base}/"], work, output=out, file_limit_kib=48)
    site.close()
    yield "d. crawl -o, 30 articles, file limit 48 KiB", run, note_of(
        run, SUMMARY, r"error")

    pages = work / "pages"
    pages.mkdir()
    for n in range(1, 31):
        (pages / f"{n:02}.html").write_bytes(article(base[0], n, text(n)))
    out = work / "extracted.ndjson"
    run = khabar(binary, ["--config", cfg(work), "extract", pages, "-o", out], work,
                 output=out, file_limit_kib=48)
    yield "d. extract DIR -o, 30 pages, file limit 48 KiB", run, note_of(
        run, r"error", r"\d+ pages?, \d+ records?")


def row_e(binary, work):
    """A site that is down: nothing listens on port 1."""
    run = khabar(binary, ["--config", cfg(work), "crawl", "--no-state", "http://127.0.0.1:1/"],
                 work, output=STDOUT)
    yield "e. crawl http://127.0.0.1:1/ (nothing listens)", run, note_of(
        run, SUMMARY, r"treating every path", r"is unreachable", r"not fetched",
        r"no page could")


def row_f(binary, work):
    """Settings out of range against a server that takes connections and never answers."""
    site = Site(silent=True)
    cases = [
        ("f. `--rate 1e-20`, silent server", ["--rate", "1e-20"]),
        ("f. `--timeout 18446744073709551615 --max-time 2`, silent server",
         ["--timeout", "18446744073709551615", "--max-time", "2"]),
        ("f3. `--ignore-robots --timeout 3600 --max-time 2` (extra: stop grace)",
         ["--ignore-robots", "--timeout", "3600", "--max-time", "2"]),
    ]
    for name, flags in cases:
        run = khabar(binary, ["--config", cfg(work), "crawl", "--no-state", *flags,
                              f"{site.base}/"], work, output=STDOUT)
        yield name, run, note_of(run, r"must be", SUMMARY, r"abandoned", r"errors:")
    site.close()


def row_g(binary, work):
    """A connection reset before any answer, a body short of its Content-Length: first try
    only, then the page is served."""
    base = []
    text = "نص الخبر " * 2500  # a page of about 40 KB; the short answer sends 5,000 bytes
    for name, fault in [("reset before any answer", lambda body: ("reset",)),
                        ("body 5,000 of ~40,000 bytes", lambda body: ("short", body, 5000))]:
        def route(path, n, fault=fault):
            page = article(base[0], 1, text) if path == "/news/1-story" else None
            return fault(page) if page is not None and n == 1 else page

        site = Site(route)
        base[:] = [site.base]
        run = khabar(binary, ["--config", cfg(work), "crawl", "--no-state", "--rate", "0",
                              f"{site.base}/news/1-story"], work,
                     output=STDOUT)
        tries = site.count(lambda p: p == "/news/1-story")
        site.close()
        retries = re.search(r"(\d+) retries", run.stderr)
        note = note_of(run, SUMMARY, r"errors:")
        yield f"g. {name} (first try)", run, \
            f"retries {retries[1] if retries else '?'}; page requested {tries}x; {note}"


def row_h(binary, work):
    """Tiny-element floods: 10 MB of `a<br>`, a 44 MB JSON-LD @graph."""
    page = work / "br.html"
    page.write_bytes(plain_page("<p>" + "a<br>" * 2_000_000 + "</p>"))
    run = khabar(binary, ["--config", cfg(work), "extract", page], work,
                 output=STDOUT)
    yield f"h. extract `a<br>` x 2,000,000 ({page.stat().st_size / 1e6:.0f} MB)", run, \
        note_of(run, r"error|warn", r"\d+ pages?, \d+ records?")

    parts, size, i = [], 0, 0
    while size < 44_000_000:
        o = f'{{"@type":"Thing","name":"n{i}","x":[1,2,3]}}'
        parts.append(o)
        size += len(o) + 1
        i += 1
    ld = '{"@context":"https://schema.org","@graph":[' + ",".join(parts) + "]}"
    page = work / "graph.html"
    page.write_bytes(plain_page("", head=f'<script type="application/ld+json">{ld}</script>'))
    run = khabar(binary, ["--config", cfg(work), "extract", page], work,
                 output=STDOUT)
    yield f"h. extract JSON-LD @graph of {i:,} objects ({len(ld) / 1e6:.0f} MB)", run, \
        note_of(run, r"error|warn", r"\d+ pages?, \d+ records?")


ROWS = {"a": row_a, "b": row_b, "c": row_c, "d": row_d, "e": row_e, "f": row_f,
        "g": row_g, "h": row_h}


def cfg(work):
    path = work / "sites.toml"
    if not path.exists():
        path.write_text(CONFIG)
    return path


# ---------------------------------------------------------------------------------------


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def compare(path):
    """One table of every case, a column group per label, from --json results."""
    rows = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    cases = list(dict.fromkeys(r["case"] for r in rows))
    got = {(r["label"], r["case"]): r for r in rows}
    head = ["case"] + [f"{l}: {w}" for l in labels for w in ("exit", "s", "MiB", "records")]
    print("| " + " | ".join(head) + " |")
    print("|---" * len(head) + "|")
    for case in cases:
        cells = [cell(case)]
        for label in labels:
            r = got.get((label, case))
            if r is None:
                cells += ["-"] * 4
                continue
            cells += [
                r["exit"],
                "?" if r["seconds"] is None else f"{r['seconds']:.2f}",
                "?" if r["rss_kib"] is None else f"{r['rss_kib'] / 1024:.0f}",
                f"{r['records']}" + (" + torn" if r["torn"] else ""),
            ]
        print("| " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", type=Path)
    ap.add_argument("--label")
    ap.add_argument("--rows", default="abcdefgh", help="which rows, e.g. a,c (default: all)")
    ap.add_argument("--json", type=Path, help="also append the results here as JSON lines")
    ap.add_argument("--compare", type=Path, metavar="JSONL",
                    help="print one before/after table from --json results, run nothing")
    args = ap.parse_args()
    if args.compare:
        return compare(args.compare)
    if not args.binary or not args.label:
        ap.error("--binary and --label are needed (or --compare)")
    binary = args.binary.resolve()
    if not shutil.which("/usr/bin/time") or not shutil.which("prlimit"):
        sys.exit("needs /usr/bin/time (Debian: apt-get install time) and prlimit")

    print(f"### {args.label}: `{binary}`\n")
    print("| case | exit code | seconds | peak RSS MiB | records written | note |")
    print("|---|---|---|---|---|---|", flush=True)
    results = []
    for key in [k for k in args.rows if k in ROWS]:
        with tempfile.TemporaryDirectory(prefix=f"khabar-faults-{key}-") as tmp:
            for name, run, note in ROWS[key](binary, Path(tmp)):
                secs = f"{run.secs:.2f}" if run.secs is not None else "?"
                rss = f"{run.rss_kib / 1024:.0f}" if run.rss_kib is not None else "?"
                recs = f"{run.records}" + (" + torn line" if run.torn else "")
                print(f"| {cell(name)} | {run.exit_cell()} | {secs} | {rss} | {recs} | "
                      f"{cell(note)} |", flush=True)
                results.append({"label": args.label, "case": name, "exit": run.exit_cell(),
                                "seconds": run.secs, "rss_kib": run.rss_kib,
                                "records": run.records, "torn": run.torn, "note": note})
    if args.json:
        with open(args.json, "a") as f:
            for r in results:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

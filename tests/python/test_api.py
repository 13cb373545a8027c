"""The Python API (python/, the module `khabar`) as a Python user calls it: the same records
as the command line, configurations and their errors, bad input, many pages in parallel with
the GIL released, pickling into a process pool, web archives, and the renderers."""

import concurrent.futures
import gzip
import json
import pickle
import threading
import time
from pathlib import Path

import pytest

import khabar
from conftest import REPO


def manifest_pages(folder: str) -> list[tuple[Path, str]]:
    """(path, url) of every page of a fixture folder with a manifest."""
    lines = (REPO / folder / "manifest.ndjson").read_text(encoding="utf-8").splitlines()
    return [(REPO / folder / e["file"], e["url"]) for e in map(json.loads, lines)]


def fixture_pages() -> list[tuple[Path, str]]:
    aawsat = [
        (p, f"https://aawsat.com/fixture/{p.stem}")
        for p in sorted((REPO / "fixtures/aawsat").glob("*.html"))
    ]
    return aawsat + manifest_pages("fixtures/generic") + manifest_pages("fixtures/structure")


def without_source(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "source"}


def test_every_fixture_gives_the_command_lines_records(cli):
    pages = fixture_pages()
    assert len(pages) >= 14
    for path, url in pages:
        want = [json.loads(line) for line in cli("extract", str(path), "--url", url).splitlines()]
        got = khabar.extract(path.read_bytes(), url)
        assert want and [without_source(r) for r in got] == [without_source(r) for r in want], path.name
        assert all(r["source"]["kind"] == "memory" for r in got)


def test_str_input_is_text_whatever_its_meta_says():
    raw = (REPO / "fixtures/aawsat/cp1256.html").read_bytes()
    from_bytes = khabar.extract(raw, "https://aawsat.com/fixture/cp1256")
    text = raw.decode("cp1256")
    from_str = khabar.extract(text, "https://aawsat.com/fixture/cp1256")
    assert from_bytes[0]["headline"] == from_str[0]["headline"]
    assert from_bytes[0]["body"] == from_str[0]["body"]
    assert "windows-1256" in from_bytes[0]["extraction"]["charset"]


def test_configurations_and_their_errors(tmp_path):
    ex = khabar.Extractor()
    assert ex.profiles == ["aawsat"] and ex.config == "<built-in config.toml>"
    ex = khabar.Extractor(REPO / "config.toml")
    assert ex.profiles == ["aawsat"] and ex.config.endswith("config.toml")
    text = '[profiles.site]\nhosts = ["news.example"]\nheadline = ["h1.title"]\n'
    assert khabar.Extractor(text).profiles == ["site"]

    bad = tmp_path / "sites.toml"
    bad.write_text('[profiles.site]\nhosts = ["news.example"]\nbody = ["div..x"]\n')
    with pytest.raises(khabar.ConfigError) as e:
        khabar.Extractor(bad)
    assert e.value.path == str(bad) and e.value.line == 3
    assert "sites.toml:3" in str(e.value) and "div..x" in str(e.value)

    with pytest.raises(khabar.ConfigError) as e:
        khabar.Extractor('[profiles.site]\nhosts = ["a.example"]\nheadlnie = ["h1"]\n')
    assert "did you mean `headline`" in str(e.value)
    with pytest.raises(khabar.ConfigError) as e:
        khabar.Extractor(tmp_path / "missing.toml")
    assert "missing.toml" in str(e.value)
    with pytest.raises(khabar.ConfigError, match="no profile named `nope`"):
        khabar.Extractor(profile="nope")
    assert issubclass(khabar.ConfigError, khabar.KhabarError)


def test_bad_input_never_crashes():
    assert khabar.extract(b"") == []
    assert khabar.extract(b"   \n\t") == []
    assert khabar.extract(bytes(range(256)) * 100) == []
    assert khabar.extract("\x00\x01\x02 binary") == []
    with pytest.raises(TypeError, match="bytes or str"):
        khabar.extract(12345)
    with pytest.raises(ValueError, match="not an absolute address"):
        khabar.extract(b"<p>x</p>", "news/1")
    # an enormous page of nested elements: bounded, not a crash or a hang
    prose = b"<p>" + b"The deep paragraph says what the article says, at some length. " * 8 + b"</p>"
    deep = b"<div>" * 200_000 + prose + b"</div>" * 200_000
    records = khabar.extract(deep, "https://news.example/deep")
    assert len(records) == 1
    assert any("The deep paragraph says" in p for p in records[0]["body"])
    assert records[0]["extraction"]["warnings"]


def pages_for_many() -> list[tuple[bytes, str]]:
    pages = [(p.read_bytes(), url) for p, url in fixture_pages()]
    return pages * 4


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_extract_many_equals_one_by_one_in_order(threads):
    pages = pages_for_many()
    ex = khabar.Extractor()
    one_by_one = [ex.extract(html, url) for html, url in pages]
    many = list(ex.extract_many(iter(pages), threads=threads))
    assert many == one_by_one
    # html alone, and a generator
    alone = list(ex.extract_many((html for html, _ in pages[:5]), threads=threads))
    assert alone == [ex.extract(html) for html, _ in pages[:5]]


def test_extract_many_names_a_bad_item():
    stream = khabar.Extractor().extract_many([(b"<p>x</p>", None), 42], threads=2)
    with pytest.raises(TypeError, match=r"pages\[1\]"):
        list(stream)
    with pytest.raises(ValueError, match="threads"):
        khabar.Extractor().extract_many([], threads=0)


def count_while(work) -> float:
    """Increments a counter on another Python thread while `work` runs: increments per
    second."""
    state = {"n": 0, "stop": False}

    def count():
        while not state["stop"]:
            state["n"] += 1

    t = threading.Thread(target=count)
    t.start()
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    state["stop"] = True
    t.join()
    return state["n"] / elapsed


def test_the_gil_is_released_while_extracting():
    pages = pages_for_many() * 3
    ex = khabar.Extractor()
    idle = count_while(lambda: time.sleep(0.5))
    during_many = count_while(lambda: list(ex.extract_many(pages, threads=1)))
    big = (REPO / "fixtures/aawsat/seed.html").read_bytes() * 40
    during_one = count_while(lambda: [ex.extract(big) for _ in range(5)])
    # holding the GIL through the Rust calls would leave the counter nearly still
    assert during_many > 0.25 * idle, (during_many, idle)
    assert during_one > 0.25 * idle, (during_one, idle)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_memory_stays_flat_over_20000_calls():
    sentences = "".join(f"<p>Paragraph {i} of the story says something new about it.</p>" for i in range(6))
    html = (
        "<html><head><title>A story</title><meta property='article:published_time' "
        "content='2026-12-01T10:00:00Z'></head><body><article><h1>A story</h1>"
        f"{sentences}</article></body></html>"
    ).encode()
    ex = khabar.Extractor()
    for _ in range(500):
        ex.extract(html, "https://news.example/a")
    before = rss_bytes()
    for i in range(20_000):
        records = ex.extract(html, "https://news.example/a")
        assert records
    grown = rss_bytes() - before
    assert grown < 16 * 2**20, f"RSS grew by {grown / 2**20:.1f} MiB over 20,000 calls"


def extract_in_worker(extractor, html, url):
    return extractor.extract(html, url)


def test_an_extractor_travels_by_pickle_to_a_process_pool():
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    ex = khabar.Extractor(text, profile="aawsat")
    back = pickle.loads(pickle.dumps(ex))
    assert back.profiles == ex.profiles and back.config == "<string>"
    html = (REPO / "fixtures/aawsat/seed.html").read_bytes()
    url = "https://aawsat.com/fixture/seed"
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(extract_in_worker, ex, html, url) for _ in range(4)]
        results = [f.result() for f in futures]
    assert all(r == ex.extract(html, url) for r in results)


def warc_record(headers: dict, block: bytes) -> bytes:
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode() + block + b"\r\n\r\n"


def response(url: str, n: int, ctype: str, body: bytes, status: str = "200 OK") -> bytes:
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    return warc_record(
        {
            "WARC-Type": "response",
            "WARC-Target-URI": url,
            "WARC-Date": "2026-12-01T10:00:00Z",
            "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>",
            "Content-Type": "application/http;msgtype=response",
        },
        http,
    )


def test_web_archives_read_and_extracted(tmp_path):
    seed = (REPO / "fixtures/aawsat/seed.html").read_bytes()
    cp1256 = (REPO / "fixtures/aawsat/cp1256.html").read_bytes()
    members = [
        response("https://aawsat.com/fixture/seed", 1, "text/html; charset=utf-8", seed),
        response("https://aawsat.com/logo.png", 2, "image/png", b"\x89PNG\r\n"),
        b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: nonsense\r\n\r\n",
        response("https://aawsat.com/fixture/cp", 3, "text/html; charset=windows-1256", cp1256),
        response("https://aawsat.com/gone", 4, "text/html", b"<p>gone</p>", "404 Not Found"),
    ]
    path = tmp_path / "news.warc.gz"
    path.write_bytes(b"".join(gzip.compress(m) for m in members))

    pages = khabar.read_warc(path)
    got = list(pages)
    assert [p.url for p in got] == ["https://aawsat.com/fixture/seed", "https://aawsat.com/fixture/cp"]
    assert got[0].html == seed and got[1].charset == "windows-1256"
    assert got[0].status == 200 and got[0].offset == 0
    assert ("Content-Type", "text/html; charset=utf-8") in got[0].headers
    assert len(pages.errors) == 1 and "offset" in pages.errors[0]
    assert pages.passed == {"non-2xx responses": 1, "non-HTML responses": 1}

    ex = khabar.Extractor()
    stream = ex.extract_warc(path, threads=2)
    records = list(stream)
    assert [r["source"]["kind"] for r in records] == ["warc"] * 3  # the seed holds two
    assert records[0]["source"]["file"] == str(path)
    assert records[0]["source"]["record_id"].endswith("000000000001>")
    assert records[2]["source"]["offset"] == got[1].offset
    assert records[2]["headline"] == ex.extract(cp1256, "https://aawsat.com/fixture/cp")[0]["headline"]
    assert len(stream.errors) == 1
    with pytest.raises(OSError, match="missing.warc"):
        khabar.read_warc(tmp_path / "missing.warc")


def test_records_render_as_documents():
    html = (REPO / "fixtures/structure/lists.html").read_bytes()
    url = "https://valley-courier.example/local/2026/12/01/winter-storm-prepare"
    record = khabar.extract(html, url)[0]
    md = khabar.to_markdown(record)
    assert md.startswith("---\ntitle: ") and "\n# How to prepare a home" in md
    assert "1. Check the heating" in md and "   - drinking water" in md
    assert khabar.to_markdown(record, metadata=False).startswith("Forecasters expect")
    assert "<ol>" in khabar.to_html(record) and 'dir="ltr"' in khabar.to_html(record)
    assert khabar.to_text(record).startswith("How to prepare a home")
    with pytest.raises(ValueError, match="not a khabar record"):
        khabar.to_markdown({"headline": "x"})

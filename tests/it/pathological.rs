//! Pathological pages: huge, deeply nested, absurdly wide, NUL bytes, broken or lying
//! charsets. Each must end with a record or a clear error, within bounded time, without a
//! stack overflow. The heavy shapes run once, through the library, on the test thread
//! itself (2 MiB of stack, so the deep-nesting cases mean something); one heavy page (50 MB)
//! and the cases where the command line itself decides (NUL bytes, bad bytes, a lying
//! charset, formatting elements left open) run through the built binary too (its extract
//! workers are spawned threads with the same default stack), checking the exit code and
//! that stdout is whole JSON lines. Memory per page is asserted in `tests/memory.rs`.
//!
//! The time limits are about five times what a debug build takes on a busy 2-core machine
//! (measured with the whole file running in parallel); they catch a quadratic blow-up, not
//! a small slowdown. Peak memory is measured by hand (`/usr/bin/time -v`), not asserted.
//!
//! Three cases used to take minutes (html5ever is quadratic in nesting depth and in the
//! attributes of one tag; khabar's body reading was quadratic in depth). They are bounded
//! now by `khabar::limits` (512 levels, 256 attributes per tag, as browsers do) and by
//! remembering each ancestor's verdict while reading the body; the tests below keep them so.
//! A CLI run is killed at its limit; a library call cannot be interrupted, so a watchdog
//! aborts the whole test process (with a message naming the case) at twice the limit,
//! rather than let it run for hours.

use crate::common;

use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::LazyLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use khabar::config::Config;
use khabar_extract::{Extractor, PageInput, PageOutput, Record};

use common::{khabar, records, stderr, write};

static EXTRACTOR: LazyLock<Extractor> =
    LazyLock::new(|| Extractor::new(Config::builtin().profiles, Some("aawsat")).unwrap());

/// The article's address (the canonical link and the container's `data-url`).
const URL: &str = "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/4926491-x";
const TITLE: &str = "بوتين يبحث التعاون الأمني";
const PARA: &str = "<p>ذكرت كل من مالي وروسيا أن الرئيس الروسي فلاديمير بوتين ناقش في مكالمة هاتفية التعاون الأمني.</p>\n";
const PARA_TEXT: &str =
    "ذكرت كل من مالي وروسيا أن الرئيس الروسي فلاديمير بوتين ناقش في مكالمة هاتفية التعاون الأمني.";
const N: usize = 100_000;

/// An Asharq Al-Awsat article page (the markup the `aawsat` profile reads) whose
/// `.entry-content` holds `inner`. `title` is put in as bytes, so that it can be in the
/// page's (possibly lying) charset; `charset` is the `<meta charset>`, if any.
fn page(charset: Option<&str>, title: &[u8], inner: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(inner.len() + 1024);
    p.extend_from_slice(b"<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><head>");
    if let Some(cs) = charset {
        p.extend_from_slice(format!("<meta charset=\"{cs}\">").as_bytes());
    }
    p.extend_from_slice(b"<title>");
    p.extend_from_slice(title);
    p.extend_from_slice(
        format!("</title><link rel=\"canonical\" href=\"{URL}\"></head>\n").as_bytes(),
    );
    p.extend_from_slice(
        format!(
            "<body><main class=\"main-content\"><div class=\"node node--type-article\" data-url=\"{URL}\">\
             <div class=\"entry-header\"><div class=\"entry-title\"><h1>"
        )
        .as_bytes(),
    );
    p.extend_from_slice(title);
    p.extend_from_slice(
        b"</h1></div></div><div class=\"printable-area\"><article><div class=\"entry-content\">",
    );
    p.extend_from_slice(inner);
    p.extend_from_slice(TAIL.as_bytes());
    p
}

/// What follows `.entry-content`'s contents.
const TAIL: &str = "</div></article></div></div></main></body></html>\n";

/// A UTF-8 page with the usual title.
fn utf8_page(inner: &[u8]) -> Vec<u8> {
    page(Some("utf-8"), TITLE.as_bytes(), inner)
}

/// `count` copies of `unit`, then `tail`.
fn repeat(unit: &str, count: usize, tail: &str) -> Vec<u8> {
    let mut v = unit.repeat(count).into_bytes();
    v.extend_from_slice(tail.as_bytes());
    v
}

/// Extracts through the library on the calling thread, failing the test if it takes
/// `limit` or more. Every record must serialise to one JSON line.
fn extract(what: &str, bytes: &[u8], limit: Duration) -> PageOutput {
    let input = PageInput::new(bytes);
    let start = Instant::now();
    let watchdog = watchdog(format!("library, {what}"), limit * 2);
    let out = EXTRACTOR.extract(&input);
    drop(watchdog);
    let took = start.elapsed();
    eprintln!("library, {what}: {took:.2?} (limit {limit:?})");
    assert!(
        took < limit,
        "library, {what}: took {took:.2?}, the limit is {limit:?}"
    );
    for (record, _) in &out.articles {
        let line = serde_json::to_string(record).unwrap();
        assert!(!line.contains('\n'), "{what}: a record spans lines");
    }
    out
}

/// Aborts the process if the returned sender is not dropped within `deadline`: the
/// library call it guards hangs, and nothing else can stop it.
fn watchdog(what: String, deadline: Duration) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(deadline) {
            eprintln!("{what}: still running after {deadline:?}; aborting the test process");
            std::process::abort();
        }
    });
    tx
}

/// The one record a page gives.
fn only_record<'a>(what: &str, out: &'a PageOutput) -> &'a Record {
    assert_eq!(out.articles.len(), 1, "{what}: one record expected");
    let r = &out.articles[0].0;
    assert_eq!(r.url, URL, "{what}");
    assert_eq!(r.site, "aawsat", "{what}");
    r
}

/// Runs `khabar extract FILE` and waits at most `limit` for it (then kills it and fails).
/// stdout and stderr go to files beside the page, so a big output cannot block the pipe.
fn cli(what: &str, file: &Path, limit: Duration) -> Output {
    cli_measured(what, file, limit).0
}

/// [`cli`], and the child's peak resident memory in KiB as last seen (`VmHWM`, polled
/// every 5 ms: the high-water mark only grows, and the page's tree lives until its records
/// are written, so the last look before the exit sees it).
fn cli_measured(what: &str, file: &Path, limit: Duration) -> (Output, u64) {
    let dir = file.parent().unwrap();
    let stem = file.file_name().unwrap().to_string_lossy().into_owned();
    let out_path = dir.join(format!("{stem}.stdout"));
    let err_path = dir.join(format!("{stem}.stderr"));
    let start = Instant::now();
    let mut child = khabar()
        .arg("extract")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("spawn khabar");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        }) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() >= limit {
            child.kill().ok();
            child.wait().ok();
            panic!(
                "CLI, {what}: still running after {limit:?}; killed. stderr: {}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    eprintln!(
        "CLI, {what}: {:.2?} (limit {limit:?}), {status}, peak RSS {} MiB",
        start.elapsed(),
        peak_kib / 1024
    );
    let out = Output {
        status,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    };
    (out, peak_kib)
}

/// The CLI run of one page that must give exactly one record and exit 0.
fn cli_one_record(what: &str, dir: &Path, bytes: &[u8], limit: Duration) -> serde_json::Value {
    let file = write(dir, &format!("{}.html", what.replace(' ', "-")), bytes);
    let out = cli(what, &file, limit);
    let recs = records(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: exit code; stderr: {}",
        stderr(&out)
    );
    assert_eq!(recs.len(), 1, "{what}: one record expected");
    assert_eq!(recs[0]["url"], URL, "{what}");
    recs.into_iter().next().unwrap()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// ---------------------------------------------------------------------------------------
// A huge page

/// Megabytes of paragraphs in `.entry-content` (about 530,000 of them). 50 MB takes about
/// 10 s through the library and 13 s through the CLI in a debug build, 1 s in release.
fn big_page(megabytes: usize) -> (Vec<u8>, usize) {
    let count = megabytes * 1_000_000 / PARA.len();
    (utf8_page(&repeat(PARA, count, "")), count)
}

#[test]
fn a_50_mb_page_through_the_library() {
    let (bytes, count) = big_page(50);
    assert!(bytes.len() >= 49_900_000);
    let out = extract("50 MB page", &bytes, secs(60));
    let r = only_record("50 MB page", &out);
    assert_eq!(r.headline.as_deref(), Some(TITLE));
    assert_eq!(r.body.len(), count);
    assert!(r.body.iter().all(|p| p == PARA_TEXT));
}

#[test]
fn a_50_mb_page_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, count) = big_page(50);
    let rec = cli_one_record("50 MB page", dir.path(), &bytes, secs(75));
    assert_eq!(rec["body"].as_array().unwrap().len(), count);
}

// ---------------------------------------------------------------------------------------
// Nesting 100,000 levels deep

/// `<p>` + `<span>` × 100k + text + `</span>` × 100k + `</p>`: a tree 100k deep that the
/// parser builds in linear time, so this is khabar's own walks at depth, on 2 MiB of stack.
fn nested_spans() -> Vec<u8> {
    let mut inner = b"<p>".to_vec();
    inner.extend(repeat("<span>", N, "deep"));
    inner.extend(repeat("</span>", N, "</p>"));
    utf8_page(&inner)
}

/// `<p>` + `<b>` × 100k + text + `</b>` × 100k: formatting elements (the adoption agency).
fn nested_bold() -> Vec<u8> {
    let mut inner = b"<p>".to_vec();
    inner.extend(repeat("<b>", N, "deep"));
    inner.extend(repeat("</b>", N, "</p>"));
    utf8_page(&inner)
}

/// `<p><b>x` × 100k, never closed: formatting elements reconstructed 100k times.
fn unclosed_bold() -> Vec<u8> {
    let mut inner = b"<p>".to_vec();
    inner.extend(repeat("<b>x", N, "</p>"));
    utf8_page(&inner)
}

/// `<p><span>x` × 100k, never closed: each `<p>` closes the one before (with its span).
fn unclosed_p_span() -> Vec<u8> {
    utf8_page(&repeat("<p><span>x", N, ""))
}

/// `<div>` × 100k inside `.entry-content`, a paragraph at the bottom.
fn nested_divs() -> Vec<u8> {
    let mut inner = repeat("<div>", N, "<p>deep</p>");
    inner.extend(repeat("</div>", N, ""));
    utf8_page(&inner)
}

/// `<marquee><p>x</p>` × 100k, never closed: a paragraph at every level of a 100k-deep
/// tree. `<marquee>` is a scope boundary for the parser, so parsing stays linear and the
/// time is khabar's own.
fn paragraphs_at_every_level() -> Vec<u8> {
    utf8_page(&repeat("<marquee><p>x</p>", N, ""))
}

#[test]
fn spans_nested_100k_deep_through_the_library() {
    let out = extract("<span> x 100k", &nested_spans(), secs(10));
    assert_eq!(only_record("<span> x 100k", &out).body, ["deep"]);
}

#[test]
fn bold_nested_100k_deep_through_the_library() {
    let out = extract("<b> x 100k", &nested_bold(), secs(10));
    assert_eq!(only_record("<b> x 100k", &out).body, ["deep"]);
    let out = extract("<b>x x 100k unclosed", &unclosed_bold(), secs(10));
    assert_eq!(
        only_record("<b>x x 100k unclosed", &out).body,
        ["x".repeat(N)]
    );
}

/// 300,000 nodes: past the node budget (200,000 for a page this size, see
/// `khabar::limits`), the rest of the markup is read as text, every `x` kept.
#[test]
fn unclosed_p_span_100k_times_through_the_library() {
    let out = extract("<p><span>x x 100k", &unclosed_p_span(), secs(20));
    let r = only_record("<p><span>x x 100k", &out);
    assert!(
        r.body.len() > 50_000,
        "the first paragraphs stay paragraphs"
    );
    let xs: usize = r.body.iter().map(|p| p.matches('x').count()).sum();
    assert_eq!(xs, N);
    assert!(
        r.extraction
            .warnings
            .iter()
            .any(|w| w.contains("was read as text")),
        "{:?}",
        r.extraction.warnings
    );
}

/// html5ever's tree builder walks the whole stack of open elements for every `<div>` start
/// tag (is a `<p>` in button scope?), so parsing is quadratic in nesting depth: 100k nested
/// `<div>` took 25–33 s in release before `khabar::limits` capped nesting at 512 levels
/// (deeper elements go beside the deepest, as in Blink). Now 0.3 s in release, 6 s in debug.
#[test]
fn divs_nested_100k_deep_through_the_library() {
    let out = extract("<div> x 100k", &nested_divs(), secs(30));
    assert_eq!(only_record("<div> x 100k", &out).body, ["deep"]);
}

/// Was khabar's own quadratic (6 min in release for 100k levels): for every paragraph the
/// body reading walked all its ancestors testing `picked` and `drop`. Each ancestor's
/// verdict is remembered now, and nesting is capped at 512: 0.35 s in release.
#[test]
fn a_paragraph_at_every_level_100k_deep_through_the_library() {
    let out = extract(
        "<marquee><p>x</p> x 100k",
        &paragraphs_at_every_level(),
        secs(30),
    );
    // 300,000 nodes: the last third is read as text (see the test above)
    let body = &only_record("<marquee><p>x</p> x 100k", &out).body;
    let xs: usize = body.iter().map(|p| p.matches('x').count()).sum();
    assert_eq!(xs, N);
}

// ---------------------------------------------------------------------------------------
// A million attributes on one element

/// `<p a0=v a1=v … a999999=v class=x>`: a million distinct attribute names.
fn million_distinct_attributes() -> Vec<u8> {
    let mut inner = String::from("<p ");
    for i in 0..1_000_000 {
        inner.push_str(&format!("a{i}=v "));
    }
    inner.push_str("class=x>attrs</p>");
    utf8_page(inner.as_bytes())
}

/// `<p data-a=v data-a=v … class=x>`: a million attributes, all with one name (the
/// parser keeps the first and drops the duplicates).
fn million_same_attributes() -> Vec<u8> {
    let mut inner = b"<p ".to_vec();
    inner.extend(repeat("data-a=v ", 1_000_000, "class=x>attrs</p>"));
    utf8_page(&inner)
}

#[test]
fn a_million_attributes_with_one_name_through_the_library() {
    let out = extract(
        "1M same-name attributes",
        &million_same_attributes(),
        secs(30),
    );
    assert_eq!(only_record("1M same-name attributes", &out).body, ["attrs"]);
}

/// html5ever's tokenizer checks each new attribute name against every earlier one on the
/// tag (`finish_attribute`, a linear scan), so n distinct names cost n²/2 comparisons
/// (1M took ~11 min). `khabar::limits` keeps the first 256 attributes of a tag (the
/// `class=x` at the end goes too; the body is found anyway): 12 ms in release.
#[test]
fn a_million_distinct_attributes_through_the_library() {
    let out = extract(
        "1M distinct attributes",
        &million_distinct_attributes(),
        secs(30),
    );
    assert_eq!(only_record("1M distinct attributes", &out).body, ["attrs"]);
}

// ---------------------------------------------------------------------------------------
// A 10 MB text node

/// One paragraph whose text is a single 10 MB text node of Arabic words.
fn ten_mb_text() -> (Vec<u8>, String) {
    let word = "كلمة ";
    let text = word.repeat(10_000_000 / word.len());
    let bytes = utf8_page(format!("<p>{text}</p>").as_bytes());
    (bytes, text.trim_end().to_string())
}

#[test]
fn a_10_mb_text_node_through_the_library() {
    let (bytes, text) = ten_mb_text();
    assert!(text.len() >= 9_999_000);
    let out = extract("10 MB text node", &bytes, secs(10));
    let r = only_record("10 MB text node", &out);
    assert_eq!(r.body.len(), 1);
    assert!(r.body[0] == text, "the 10 MB paragraph is not read whole");
}

// ---------------------------------------------------------------------------------------
// NUL bytes

/// A page whose first NUL byte is exactly at offset `at`, inside a paragraph
/// (`<p>aaa…a\0b</p>`), with three more NULs in a paragraph further on (`<p>x\0\0\0y</p>`).
/// Gives `at / PARA.len()`-ish padding paragraphs, then those two, then 101 more.
fn page_with_nul_at(at: usize) -> (Vec<u8>, usize) {
    let head = utf8_page(b"").len() - TAIL.len();
    assert!(at >= head + 3, "the NUL must fall inside the body");
    let before = (at - head - 3) / PARA.len();
    let fill = at - head - 3 - before * PARA.len();
    let mut inner = repeat(PARA, before, "<p>");
    inner.extend(repeat("a", fill, "\0b</p>"));
    inner.extend(repeat(PARA, 100, "<p>x\0\0\0y</p>"));
    inner.extend_from_slice(PARA.as_bytes());
    let bytes = utf8_page(&inner);
    assert_eq!(bytes[at], 0);
    assert!(!bytes[..at].contains(&0));
    (bytes, before + 103)
}

/// The body of a page from [`page_with_nul_at`]: NULs in body text are a parse error the
/// HTML parser drops.
fn check_nul_body(what: &str, body: &[String], paragraphs: usize) {
    assert_eq!(body.len(), paragraphs, "{what}");
    assert!(body.iter().all(|p| !p.contains('\0')), "{what}");
    assert!(
        body.iter().any(|p| p.ends_with('b') && !p.contains(' ')),
        "{what}"
    );
    assert!(body.iter().any(|p| p == "xy"), "{what}");
}

#[test]
fn nul_bytes_in_the_middle_are_extracted_by_the_library() {
    // the library does no binary sniffing: NULs anywhere give a record
    for at in [1_000, 8_191, 8_192, 20_000] {
        let (bytes, paragraphs) = page_with_nul_at(at);
        let what = format!("NUL at {at}");
        let out = extract(&what, &bytes, secs(10));
        check_nul_body(&what, &only_record(&what, &out).body, paragraphs);
        assert!(out.problems.is_empty(), "{what}: {:?}", out.problems);
    }
}

#[test]
fn nul_bytes_in_the_first_8_kib_make_the_cli_refuse_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for at in [1_000, 8_191] {
        let (bytes, _) = page_with_nul_at(at);
        let file = write(dir.path(), &format!("nul-at-{at}.html"), &bytes);
        let out = cli(&format!("NUL at {at}"), &file, secs(10));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(records(&out).is_empty(), "a refused file gives no record");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "khabar: error: {}: not an HTML page (binary data",
                file.display()
            )),
            "the refusal names the file: {err}"
        );
        assert!(err.contains("1 failed"), "{err}");
    }
}

#[test]
fn nul_bytes_after_the_first_8_kib_are_extracted_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    for at in [8_192, 20_000] {
        let (bytes, paragraphs) = page_with_nul_at(at);
        let what = format!("NUL at {at}");
        let rec = cli_one_record(&what, dir.path(), &bytes, secs(10));
        let body: Vec<String> = serde_json::from_value(rec["body"].clone()).unwrap();
        check_nul_body(&what, &body, paragraphs);
    }
}

// ---------------------------------------------------------------------------------------
// Broken and lying charsets

/// Declared UTF-8; bytes that are not UTF-8 in the middle of a paragraph.
fn invalid_utf8() -> (Vec<u8>, usize) {
    let mut inner = PARA.as_bytes().to_vec();
    inner.extend_from_slice(b"<p>ok \xff\xfe\xc3 bad</p>");
    inner.extend_from_slice(PARA.as_bytes());
    let bytes = utf8_page(&inner);
    let at = bytes.iter().position(|b| *b == 0xff).unwrap();
    (bytes, at)
}

#[test]
fn invalid_utf8_in_a_utf8_page_through_the_library() {
    let (bytes, at) = invalid_utf8();
    let out = extract("invalid UTF-8", &bytes, secs(10));
    let r = only_record("invalid UTF-8", &out);
    assert_eq!(r.body.len(), 3);
    assert_eq!(r.body[1], "ok \u{FFFD}\u{FFFD}\u{FFFD} bad");
    let problem = format!("bytes not valid in UTF-8 from byte {at} on");
    assert!(
        out.problems.iter().any(|p| p.contains(&problem)),
        "{:?}",
        out.problems
    );
    assert!(r.extraction.warnings.iter().any(|w| w.contains(&problem)));
}

#[test]
fn invalid_utf8_in_a_utf8_page_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, at) = invalid_utf8();
    let file = write(dir.path(), "bad-utf8.html", &bytes);
    let out = cli("invalid UTF-8", &file, secs(10));
    let recs = records(&out);
    // a page with problems is still extracted, and the run exits 1 naming it
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["body"][1], "ok \u{FFFD}\u{FFFD}\u{FFFD} bad");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: bytes not valid in UTF-8 from byte {at} on",
            file.display()
        )),
        "{err}"
    );
}

/// Declared windows-1256, but the bytes are UTF-8: every byte is valid windows-1256, so
/// nothing can be detected as wrong and the text comes out as mojibake, as in a browser
/// (the `<meta>` wins). The contract here is only: a record, no panic, exit 0.
fn declared_1256_but_utf8() -> Vec<u8> {
    page(Some("windows-1256"), TITLE.as_bytes(), &repeat(PARA, 3, ""))
}

/// Declared UTF-8, but the bytes are windows-1256: invalid UTF-8, so U+FFFD and a problem.
fn declared_utf8_but_1256() -> Vec<u8> {
    let (title, _, _) = encoding_rs::WINDOWS_1256.encode(TITLE);
    let paragraphs = PARA.repeat(3);
    let (body, _, _) = encoding_rs::WINDOWS_1256.encode(&paragraphs);
    page(Some("utf-8"), &title, &body)
}

#[test]
fn a_lying_charset_through_the_library() {
    let out = extract(
        "declared 1256, is UTF-8",
        &declared_1256_but_utf8(),
        secs(10),
    );
    let r = only_record("declared 1256, is UTF-8", &out);
    assert_eq!(r.body.len(), 3);
    assert!(r.headline.as_deref().is_some_and(|h| !h.is_empty()));
    assert!(out.problems.is_empty(), "{:?}", out.problems);

    let out = extract(
        "declared UTF-8, is 1256",
        &declared_utf8_but_1256(),
        secs(10),
    );
    let r = only_record("declared UTF-8, is 1256", &out);
    assert_eq!(r.body.len(), 3);
    assert!(r.headline.as_deref().unwrap().contains('\u{FFFD}'));
    assert!(
        out.problems
            .iter()
            .any(|p| p.contains("bytes not valid in UTF-8")),
        "{:?}",
        out.problems
    );
}

#[test]
fn a_lying_charset_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let rec = cli_one_record(
        "declared 1256 is utf8",
        dir.path(),
        &declared_1256_but_utf8(),
        secs(10),
    );
    assert_eq!(rec["body"].as_array().unwrap().len(), 3);

    let file = write(
        dir.path(),
        "declared-utf8-is-1256.html",
        &declared_utf8_but_1256(),
    );
    let out = cli("declared UTF-8, is 1256", &file, secs(10));
    let recs = records(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["body"].as_array().unwrap().len(), 3);
    assert!(stderr(&out).contains(&format!("{}: bytes not valid in UTF-8", file.display())));
}

// ---------------------------------------------------------------------------------------
// Formatting elements left open in every paragraph (the library cases, and their memory,
// are in tests/memory.rs)

/// `<p><b id=N>…</p>` 20,000 times (389 KB): the parser re-opens every `<b>` left open
/// before each later paragraph's text. This took 3.4 GB and 10 s for 5,000 paragraphs and
/// aborted the process (memory allocation failed) for 20,000.
#[test]
fn formatting_elements_left_open_in_every_paragraph_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let inner: String = (0..20_000).map(|i| format!("<p><b id={i}>x</p>")).collect();
    let file = write(dir.path(), "b-left-open.html", &utf8_page(inner.as_bytes()));
    let (out, peak_kib) = cli_measured("<p><b id=N>x</p> x 20k", &file, secs(20));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    let body: String = recs[0]["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(body.matches('x').count(), 20_000, "all text kept");
    assert!(
        stderr(&out).contains("were closed where they were left open"),
        "{}",
        stderr(&out)
    );
    // the binary and its threads take about 20 MiB; the page itself a few more
    assert!(peak_kib < 150 * 1024, "peak RSS {peak_kib} KiB");
}

// ---------------------------------------------------------------------------------------
// For measuring by hand

/// Writes every page above to `$KHABAR_PATHOLOGICAL_DIR`, for measuring peak memory with
/// the release binary: `/usr/bin/time -v target/release/khabar extract DIR/FILE`.
#[test]
#[ignore = "writes the pages to $KHABAR_PATHOLOGICAL_DIR for measuring by hand"]
fn write_the_pages_for_measuring() {
    let dir = std::path::PathBuf::from(
        std::env::var_os("KHABAR_PATHOLOGICAL_DIR").expect("set KHABAR_PATHOLOGICAL_DIR"),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let (big, _) = big_page(50);
    let (text, _) = ten_mb_text();
    let pages: Vec<(&str, Vec<u8>)> = vec![
        ("big-50mb.html", big),
        ("span-100k.html", nested_spans()),
        ("b-100k.html", nested_bold()),
        ("b-unclosed-100k.html", unclosed_bold()),
        ("p-span-unclosed-100k.html", unclosed_p_span()),
        ("div-100k.html", nested_divs()),
        ("marquee-p-100k.html", paragraphs_at_every_level()),
        ("attrs-1m-same.html", million_same_attributes()),
        ("attrs-1m-distinct.html", million_distinct_attributes()),
        ("text-10mb.html", text),
        ("nul-at-1000.html", page_with_nul_at(1_000).0),
        ("nul-at-8192.html", page_with_nul_at(8_192).0),
        ("invalid-utf8.html", invalid_utf8().0),
        ("declared-1256-is-utf8.html", declared_1256_but_utf8()),
        ("declared-utf8-is-1256.html", declared_utf8_but_1256()),
    ];
    for (name, bytes) in pages {
        write(&dir, name, &bytes);
    }
}

// ---------------------------------------------------------------------------------------
// The same pages through the generic extractor (no profile): its walks are iterative and
// linear, so the bounds hold there too.

#[test]
fn pathological_pages_through_the_generic_extractor() {
    let generic = Extractor::new(
        Config::parse("", Path::new("<no profiles>"))
            .unwrap()
            .profiles,
        None,
    )
    .unwrap();
    // an article's worth of text at the bottom of 100k levels; an article paragraph at
    // every level of a 100k-deep tree; a million attributes on the paragraph
    let mut deep = repeat("<div>", N, &PARA.repeat(3));
    deep.extend(repeat("</div>", N, ""));
    let every_level = repeat(&format!("<div>{}", PARA.trim_end()), N, "");
    let mut wide = String::from("<p ");
    for i in 0..1_000_000 {
        wide.push_str(&format!("a{i}=v "));
    }
    wide.push_str(&format!(">{PARA_TEXT}</p>"));
    for (what, bytes, want_paragraphs) in [
        ("generic, <div> x 100k", utf8_page(&deep), 3),
        ("generic, <div><p>…</p> x 100k", utf8_page(&every_level), N),
        (
            "generic, 1M distinct attributes",
            utf8_page(wide.as_bytes()),
            1,
        ),
    ] {
        let input = PageInput::new(&bytes);
        let start = Instant::now();
        let watchdog = watchdog(what.to_string(), secs(60));
        let out = generic.extract(&input);
        drop(watchdog);
        let took = start.elapsed();
        eprintln!("{what}: {took:.2?}");
        assert!(took < secs(30), "{what}: took {took:.2?}");
        assert_eq!(out.articles.len(), 1, "{what}");
        let r = &out.articles[0].0;
        assert_eq!(r.site, "generic");
        assert_eq!(
            r.body.len(),
            want_paragraphs,
            "{what}: {:?}",
            &r.body[..r.body.len().min(3)]
        );
        assert!(r.body.iter().all(|p| p == PARA_TEXT), "{what}");
    }
}

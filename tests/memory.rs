//! Memory per page: however a page's markup is made, extracting it costs at most
//! [`PER_BYTE`] times its size plus [`FLOOR`] (SECURITY.md states the bound). A counting
//! global allocator measures the peak heap of this process while one page is extracted;
//! the pages are extracted one at a time (a lock), so nothing else allocates meanwhile.
//!
//! Each shape is one that used to cost far more: formatting elements left open in every
//! paragraph (the parser re-opens all of them before each later text: 5,000 paragraphs
//! took 3.4 GB, 20,000 aborted the process), pages of nothing but tiny elements (10 MB of
//! `a<br>` took 779 MB), and a 44 MB JSON-LD `@graph` (1.78 GB). An allocation that would
//! take the heap past 2 GiB aborts the process with a message (`support/heap.rs`), rather
//! than let a regression take the machine down.

mod support;

use std::sync::Mutex;

use khabar_extract::{Extractor, PageInput};
use support::heap::{self, Counting};

/// Bytes of heap a page may take per byte of its size…
const PER_BYTE: usize = 16;
/// … on top of this (a small page may still make the node budget's 200,000 nodes).
const FLOOR: usize = 64 * 1024 * 1024;

#[global_allocator]
static HEAP: Counting = Counting;

/// One test at a time: another test's allocations would count in this one's peak.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// An article page holding `inner`, in UTF-8, no profile covering it.
fn page(head: &str, inner: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>A headline</title>{head}</head>\
         <body><article><h1>A headline</h1>{inner}</article></body></html>"
    )
    .into_bytes()
}

/// Extracts `bytes` with the generic extractor and returns the record's body and the
/// heap's peak growth meanwhile.
fn extract(bytes: &[u8]) -> (Vec<String>, usize) {
    let extractor = Extractor::new(
        khabar::config::Config::parse("", std::path::Path::new("<no profiles>"))
            .unwrap()
            .profiles,
        None,
    )
    .unwrap();
    let input = PageInput::new(bytes);
    let baseline = heap::baseline();
    let out = extractor.extract(&input);
    let peak = heap::growth(baseline);
    let body = out
        .articles
        .into_iter()
        .next()
        .map(|(r, _)| r.body)
        .unwrap_or_default();
    (body, peak)
}

/// Extracts the page and checks the bound; returns the body.
fn within_bound(what: &str, bytes: &[u8]) -> Vec<String> {
    let (body, peak) = extract(bytes);
    let bound = PER_BYTE * bytes.len() + FLOOR;
    eprintln!(
        "{what}: {:.1} MB page, heap peak {:.1} MB (bound {:.1} MB)",
        bytes.len() as f64 / 1e6,
        peak as f64 / 1e6,
        bound as f64 / 1e6
    );
    assert!(
        peak <= bound,
        "{what}: the heap grew {peak} bytes for a page of {} (bound {bound})",
        bytes.len()
    );
    body
}

/// A paragraph's text.
const SENTENCE: &str = "The story goes on, as stories do.";

/// `count` copies of `unit` with `{}` replaced by the copy's number.
fn numbered(unit: &str, count: usize) -> String {
    (0..count)
        .map(|i| unit.replace("{}", &i.to_string()))
        .collect()
}

#[test]
fn formatting_elements_left_open_in_every_paragraph() {
    let _one = one_at_a_time();
    for unit in [
        "<p><b id={}>x</p>",
        "<p><i class=c{}>x</p>",
        "<p><em title={}>x</p>",
        "<p><font color=#{}>x</p>",
        "<p>x <a href=/{}>more</p>",
        "<p><b id={}><i id={}><u id={}>x</p>",
        "<p><b id={}><i>x</b></i></p>",
        "<div><strong data-n={}>x</div>",
    ] {
        let unit = unit.replace(">x", &format!(">{SENTENCE}"));
        let bytes = page("", &numbered(&unit, 20_000));
        let body = within_bound(&unit, &bytes);
        // a link left open runs on into the next paragraph, as in a browser: those pages
        // read as link lists, not a body
        if !unit.contains("<a ") {
            let kept = body
                .iter()
                .map(|p| p.matches(SENTENCE).count())
                .sum::<usize>();
            assert_eq!(kept, 20_000, "{unit}: all text kept");
        }
    }
}

#[test]
fn pages_of_tiny_elements() {
    let _one = one_at_a_time();
    for (what, inner) in [
        (
            "a<br> x 800,000",
            format!("<p>{}</p>", "a<br>".repeat(800_000)),
        ),
        ("<p>x</p> x 500,000", "<p>x</p>".repeat(500_000)),
        (
            "<!--c--> x 500,000",
            format!("<p>{SENTENCE}{}</p>", "<!--c-->".repeat(500_000)),
        ),
    ] {
        let bytes = page("", &inner);
        let body = within_bound(what, &bytes);
        assert!(!body.is_empty(), "{what}: no body");
    }
}

#[test]
fn a_tag_with_every_attribute_it_may_have_thousands_of_times() {
    let _one = one_at_a_time();
    let attrs: Vec<String> = (0..256).map(|k| format!("a{k}")).collect();
    let unit = format!("<span {}>x</span> ", attrs.join(" "));
    let bytes = page("", &format!("<p>{}</p>", unit.repeat(2_000)));
    let body = within_bound("<span> with 256 attributes x 2,000", &bytes);
    assert_eq!(body.concat().matches('x').count(), 2_000);
}

#[test]
fn a_json_ld_graph_of_20_megabytes() {
    let _one = one_at_a_time();
    let graph: Vec<String> = (0..450_000)
        .map(|i| format!(r#"{{"@type":"Thing","name":"n{i}","x":[1,2,3]}}"#))
        .collect();
    let head = format!(
        r#"<script type="application/ld+json">{{"@context":"https://schema.org","@graph":[{{"@type":"NewsArticle","headline":"A headline","datePublished":"2024-03-27T13:52:00Z"}},{}]}}</script>"#,
        graph.join(",")
    );
    let bytes = page(&head, "<p>The article's one paragraph.</p>");
    assert!(bytes.len() > 20_000_000);
    let body = within_bound("JSON-LD @graph of 450,000 nodes", &bytes);
    assert_eq!(body, ["The article's one paragraph."]);
}

//! Pages no profile covers (fixtures/generic): the generic extractor against what a reader
//! says the article is (`*.truth.json`, written by hand beside each page), and every field
//! of every record against the expected record (`*.expected.ndjson`), so that a change of
//! output is always a decision.

use crate::common;

use common::{records, repo, run, run_with_stdin, stderr};
use serde_json::Value;

const PAGES: &[&str] = &[
    "english-news",
    "blog-post",
    "with-comments",
    "arabic-other-layout",
];

fn extract_all() -> Vec<Value> {
    let out = run(&[
        "extract",
        "--manifest",
        "fixtures/generic/manifest.ndjson",
        "fixtures/generic",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    records(&out)
}

fn record_for<'a>(all: &'a [Value], page: &str) -> &'a Value {
    all.iter()
        .find(|r| {
            r["source"]["file"]
                .as_str()
                .is_some_and(|f| f.ends_with(&format!("/{page}.html")))
        })
        .unwrap_or_else(|| panic!("no record for {page}"))
}

fn truth(page: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(format!("fixtures/generic/{page}.truth.json")))
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn instant(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn generic_pages_give_what_a_reader_sees() {
    let all = extract_all();
    assert_eq!(all.len(), PAGES.len(), "one record per page");
    for page in PAGES {
        let got = record_for(&all, page);
        let want = truth(page);
        assert_eq!(got["site"], "generic", "{page}");
        assert_eq!(got["headline"], want["headline"], "{page}: headline");
        assert_eq!(got["body"], want["body"], "{page}: body");
        assert_eq!(
            got["extraction"]["sources"]["body"], "heuristic",
            "{page}: the body comes from the generic extractor"
        );
        let captions: Vec<(Value, Value)> = got["captions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["text"].clone(), c["credit"].clone()))
            .collect();
        let want_captions: Vec<(Value, Value)> = want["captions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["text"].clone(), c["credit"].clone()))
            .collect();
        assert_eq!(captions, want_captions, "{page}: captions");
        assert_eq!(
            instant(got["published_at"].as_str().unwrap()),
            instant(want["published_at"].as_str().unwrap()),
            "{page}: published_at"
        );
        assert_eq!(got["authors"], want["authors"], "{page}: authors");
        let dateline = &got["dateline"];
        match want["dateline"].as_object() {
            Some(d) => {
                assert_eq!(dateline["place"], d["place"], "{page}: dateline place");
                assert_eq!(dateline["source"], d["source"], "{page}: dateline source");
            }
            None => assert!(dateline.is_null(), "{page}: no dateline"),
        }
        let related: Vec<&str> = got["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["url"].as_str().unwrap())
            .collect();
        let want_related: Vec<&str> = want["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert_eq!(related, want_related, "{page}: related");
        let lang = got["language"].as_str().unwrap_or_default();
        assert!(
            lang.starts_with(want["language"].as_str().unwrap()),
            "{page}: language {lang}"
        );
    }
}

#[test]
fn every_field_of_every_generic_record_matches() {
    let all = extract_all();
    for page in PAGES {
        let text = std::fs::read_to_string(
            repo().join(format!("fixtures/generic/{page}.expected.ndjson")),
        )
        .unwrap();
        let want: Value = serde_json::from_str(text.trim()).unwrap();
        let got = record_for(&all, page);
        for (field, value) in want.as_object().unwrap() {
            assert_eq!(&got[field], value, "{page}: field `{field}` differs");
        }
    }
}

#[test]
fn explain_shows_the_chosen_block_and_the_runner_up() {
    let out = run(&[
        "extract",
        "--explain",
        "fixtures/generic/with-comments.html",
    ]);
    assert!(out.status.success());
    let err = stderr(&out);
    let chosen = err
        .lines()
        .find(|l| l.contains("body block") && l.contains("chosen"))
        .unwrap_or_else(|| panic!("no chosen block in:\n{err}"));
    assert!(chosen.contains("section.story-body"), "{chosen}");
    assert!(chosen.contains("score "), "{chosen}");
    // the comment section holds more text than the story and still loses
    let runner_up = err
        .lines()
        .find(|l| l.contains("body block") && l.contains("runner-up"))
        .unwrap();
    assert!(runner_up.contains("comments"), "{runner_up}");
    // inside the chosen block: each part dropped, with its reason, then what was kept
    let parts: Vec<&str> = err.lines().filter(|l| l.contains("body part")).collect();
    assert!(
        parts.iter().any(|l| l.contains("dropped  div.support-box")
            && l.contains("furniture by its class or id («support-box»)")),
        "{err}"
    );
    let kept = parts
        .last()
        .unwrap_or_else(|| panic!("no body part in:\n{err}"));
    assert!(
        kept.contains("kept     the rest, the block's own text: 1 heading, 7 paragraph"),
        "{kept}"
    );
}

#[test]
fn explain_says_why_each_part_of_the_block_was_dropped() {
    let out = run(&["extract", "--explain", "fixtures/generic/english-news.html"]);
    assert!(out.status.success());
    let err = stderr(&out);
    let part = |needle: &str| {
        err.lines()
            .find(|l| l.contains("body part") && l.contains(needle))
            .unwrap_or_else(|| panic!("no part «{needle}» in:\n{err}"))
    };
    assert!(part("aside.pull-quote").ends_with("furniture by its tag <aside>"));
    assert!(part("section.related-stories").contains("(«related»)"));
    assert!(part("header.story__header").contains("weak word in its markup («header»)"));
}

#[test]
fn a_profile_page_keeps_its_output() {
    // the generic step runs only for fields a profile leaves empty; the aawsat fixtures
    // (tests/fixtures.rs) pin every field, this pins where the body came from
    let out = run(&["extract", "fixtures/aawsat/seed.html"]);
    for r in records(&out) {
        assert_eq!(r["extraction"]["sources"]["body"], "selector");
    }
}

#[test]
fn a_page_in_no_language_the_rules_name_is_read_the_same_way() {
    // markup words decide, never the words of the text: the same layout in Greek
    let html = r#"<html lang="el"><head><title>Τίτλος άρθρου | Εφημερίδα</title></head><body>
        <nav><a href="/">Αρχική</a> <a href="/a">Πολιτική</a> <a href="/b">Οικονομία</a> <a href="/c">Αθλητισμός</a></nav>
        <div class="x1"><h1>Τίτλος άρθρου</h1>
          <div class="x2"><p>Πρώτη παράγραφος του άρθρου, με αρκετό κείμενο για να μετρήσει ως παράγραφος.</p>
          <p>Δεύτερη παράγραφος, επίσης μεγάλη, με κόμματα, τελείες και άλλα σημεία στίξης.</p>
          <p>Τρίτη παράγραφος που κλείνει το άρθρο με μια σύντομη διαπίστωση.</p></div></div>
        <div class="x3"><a href="/1">Άλλο άρθρο ένα</a><a href="/2">Άλλο άρθρο δύο</a><a href="/3">Άλλο άρθρο τρία</a></div>
        </body></html>"#;
    let out = common::run_with_stdin(
        &["extract", "--url", "https://e.example/a/1", "-"],
        html.as_bytes(),
    );
    let r = &records(&out)[0];
    assert_eq!(r["headline"], "Τίτλος άρθρου");
    assert_eq!(r["body"].as_array().unwrap().len(), 3, "{}", r["body"]);
    assert!(r["body"][0].as_str().unwrap().starts_with("Πρώτη"));
}

#[test]
fn a_profile_whose_selectors_stopped_matching_is_filled_in_generically() {
    // the aawsat profile on a page of another layout (a redesign): every selector misses,
    // and the generic extractor fills what the profile left empty
    let out = run(&[
        "extract",
        "--url",
        "https://aawsat.com/world/5000000-redesigned",
        "fixtures/generic/english-news.html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = &records(&out)[0];
    let want = truth("english-news");
    assert_eq!(r["site"], "aawsat");
    assert_eq!(r["extraction"]["sources"]["body"], "heuristic");
    assert_eq!(r["body"], want["body"]);
    assert_eq!(r["headline"], want["headline"]);
    assert_eq!(r["authors"], want["authors"]);
    assert_eq!(r["captions"][0]["credit"], want["captions"][0]["credit"]);
    assert_eq!(r["related"].as_array().unwrap().len(), 4);
}

#[test]
fn title_is_the_pages_declared_title_as_written_beside_the_headline_it_shows() {
    let page = |head: &str| {
        format!(
            "<html><head>{head}</head><body><article><h1>Harbour cranes return to the old port</h1>\
             <p>The cranes that stood over the old port for a century came back this week, \
             restored by the city, and the first of them lifted a container on Monday.</p>\
             <p>Dock workers watched from the quay as the arm swung out over the water.</p>\
             </article></body></html>"
        )
    };
    let one = |head: &str| {
        let out = run_with_stdin(&["extract", "-"], page(head).as_bytes());
        assert!(out.status.success(), "{}", stderr(&out));
        records(&out).remove(0)
    };
    // og:title first, as written: the site's name stays; the headline is the <h1>
    let r = one("<title>Cranes | Port News</title>\
         <meta property='og:title' content='Harbour cranes return &amp; lift again | Port News'>\
         <meta name='twitter:title' content='Twitter title'>");
    assert_eq!(r["headline"], "Harbour cranes return to the old port");
    assert_eq!(r["title"], "Harbour cranes return & lift again | Port News");
    assert_eq!(r["extraction"]["sources"]["title"], "meta");
    // then twitter:title, then <title>
    let r = one("<title>Cranes | Port News</title><meta name='twitter:title' content='Tw'>");
    assert_eq!(r["title"], "Tw");
    let r = one("<title>\n  Cranes   return\n | Port News </title>");
    assert_eq!(r["title"], "Cranes return | Port News");
    // none of them: null, and the headline is still the page's
    let r = one("");
    assert_eq!(r["title"], Value::Null);
    assert_eq!(r["headline"], "Harbour cranes return to the old port");
}

#[test]
fn a_title_too_long_to_be_one_gives_way_to_the_next_source() {
    let long = "word ".repeat(400);
    let html = format!(
        "<html><head><title>Cranes | Port News</title><meta property='og:title' content='{long}'>\
         </head><body><h1>Harbour cranes return</h1><p>The cranes that stood over the old port \
         came back this week, restored by the city, and lifted a container.</p></body></html>"
    );
    let out = run_with_stdin(&["extract", "-"], html.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(records(&out)[0]["title"], "Cranes | Port News");
}

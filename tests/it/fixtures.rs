//! The aawsat fixtures: every field of every record must equal the hand-written
//! expectation beside each page.

use crate::common;

use common::{records, repo, run};
use serde_json::Value;

const PAGES: &[&str] = &[
    "byline-visible-date",
    "cp1256",
    "levantine-dates",
    "seed",
    "wire-embed",
];

fn expected() -> Vec<Value> {
    PAGES
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(
                repo().join(format!("fixtures/aawsat/{p}.expected.ndjson")),
            )
            .unwrap();
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_field_of_every_fixture_record_matches() {
    let out = run(&["extract", "fixtures/aawsat"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let got = records(&out);
    let want = expected();
    assert_eq!(got.len(), want.len(), "one record per article on each page");
    for (g, w) in got.iter().zip(&want) {
        let w = w.as_object().unwrap();
        for (field, value) in w {
            assert_eq!(
                &g[field], value,
                "{} / {}: field `{field}` differs",
                w["source"]["file"], w["url"]
            );
        }
        // nothing beyond the contract but `extraction`
        let extra: Vec<&String> = g
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !w.contains_key(*k) && *k != "extraction" && *k != "revision")
            .collect();
        assert!(extra.is_empty(), "unexpected fields {extra:?}");
    }
}

#[test]
fn extraction_says_where_fields_came_from() {
    let out = run(&[
        "extract",
        "fixtures/aawsat/byline-visible-date.html",
        "fixtures/aawsat/seed.html",
    ]);
    let got = records(&out);
    let byline = &got[0]["extraction"];
    assert_eq!(byline["profile"], "aawsat");
    assert_eq!(byline["sources"]["headline"], "selector");
    assert_eq!(byline["sources"]["published_at"], "visible-text");
    assert_eq!(byline["sources"]["authors"], "byline");
    let seed = &got[1]["extraction"];
    assert_eq!(seed["sources"]["published_at"], "json-ld");
    assert_eq!(seed["sources"]["url"], "link");
    assert_eq!(seed["charset"], "UTF-8 (<meta> tag)");
    assert_eq!(
        got[2]["extraction"]["sources"]["url"], "selector",
        "second article's own link"
    );
    let cp = records(&run(&["extract", "fixtures/aawsat/cp1256.html"]));
    assert_eq!(cp[0]["extraction"]["charset"], "windows-1256 (<meta> tag)");
}

#[test]
fn the_seed_page_gives_two_records_that_do_not_share_anything() {
    let got = records(&run(&["extract", "fixtures/aawsat/seed.html"]));
    assert_eq!(got.len(), 2);
    let (first, second) = (&got[0], &got[1]);
    assert_ne!(first["url"], second["url"]);
    assert_ne!(first["id"], second["id"]);
    let body1: Vec<&str> = first["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for p in second["body"].as_array().unwrap() {
        assert!(
            !body1.contains(&p.as_str().unwrap()),
            "second article's paragraph leaked into the first"
        );
    }
    assert_eq!(first["related"].as_array().unwrap().len(), 5);
    assert!(second["related"].as_array().unwrap().is_empty());
    assert_eq!(first["captions"].as_array().unwrap().len(), 1);
    assert_eq!(first["captions"][0]["credit"], "أ.ف.ب");
}

#[test]
fn the_font_size_buttons_never_appear() {
    let out = run(&["extract", "fixtures/aawsat"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("\"TT\"") && !text.contains(" TT") && !text.contains("TT "),
        "a lone TT leaked"
    );
}

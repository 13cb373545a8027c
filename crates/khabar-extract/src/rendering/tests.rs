//! The renderers on blocks of every kind: the Markdown is read back by a CommonMark parser
//! (pulldown-cmark, with GitHub's tables) and must give back the same structure and text;
//! the HTML must hold no attribute but `href`, `dir` and `lang`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::*;
use crate::blocks::{Block, Cell, Link, ListItem, SubList, list, table};

fn link(text: &str, url: &str, start: usize) -> Link {
    Link {
        text: text.into(),
        url: url.into(),
        start,
    }
}

fn item(text: &str) -> ListItem {
    ListItem {
        text: text.into(),
        links: Vec::new(),
        list: None,
    }
}

fn cell(text: &str, header: bool) -> Cell {
    Cell {
        text: text.into(),
        header,
        links: Vec::new(),
    }
}

/// Blocks of every kind, with text that looks like markup.
fn sample() -> Vec<Block> {
    vec![
        Block::Paragraph {
            text: "Prices rose *5%* in [Q1] <b>, see the report & its &amp; notes.".into(),
            links: vec![link("the report", "https://x.example/r(1)", 34)],
        },
        Block::Heading {
            level: 2,
            text: "# Not a hashtag".into(),
            links: Vec::new(),
        },
        Block::Paragraph {
            text: "1. A paragraph that starts like a list".into(),
            links: Vec::new(),
        },
        list(
            true,
            vec![
                item("first"),
                ListItem {
                    list: Some(SubList {
                        ordered: false,
                        items: vec![item("nested a"), item("- nested b")],
                    }),
                    ..item("second")
                },
            ],
        ),
        Block::Quote {
            text: "One quoted paragraph.".into(),
            links: Vec::new(),
        },
        Block::Quote {
            text: "Another.".into(),
            links: Vec::new(),
        },
        Block::Code {
            text: "fn main() {\n    let s = \"```\";\n}".into(),
            language: Some("rust".into()),
        },
        table(vec![
            vec![cell("Name", true), cell("Value", true)],
            vec![cell("a|b", false), cell("1", false)],
        ]),
        Block::Figure {
            text: "A market".into(),
            credit: Some("AFP".into()),
            image_url: Some("https://x.example/i.jpg".into()),
        },
    ]
}

/// What a CommonMark parser reads back: (what, text) for each block-level thing.
fn read_back(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut depth_list = 0;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::List(_)) => {
                // an item's own text, before the list nested in it
                if !text.is_empty() {
                    out.push(("li".to_string(), std::mem::take(&mut text)));
                }
                depth_list += 1
            }
            Event::End(TagEnd::List(_)) => depth_list -= 1,
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(end) => {
                let what = match end {
                    TagEnd::Paragraph if depth_list == 0 && !text.is_empty() => "p",
                    TagEnd::Heading(_) => "h",
                    TagEnd::Item if text.is_empty() => continue,
                    TagEnd::Item => "li",
                    TagEnd::CodeBlock => "code",
                    TagEnd::TableCell => "cell",
                    TagEnd::Image => "img",
                    _ => continue,
                };
                out.push((what.to_string(), std::mem::take(&mut text)));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn markdown_reads_back_as_the_same_structure_and_text() {
    let md = markdown(&sample());
    let got = read_back(&md);
    let want: Vec<(&str, &str)> = vec![
        (
            "p",
            "Prices rose *5%* in [Q1] <b>, see the report & its &amp; notes.",
        ),
        ("h", "# Not a hashtag"),
        ("p", "1. A paragraph that starts like a list"),
        ("li", "first"),
        ("li", "second"),
        ("li", "nested a"),
        ("li", "- nested b"),
        ("p", "One quoted paragraph."),
        ("p", "Another."),
        ("code", "fn main() {\n    let s = \"```\";\n}\n"),
        ("cell", "Name"),
        ("cell", "Value"),
        ("cell", "a|b"),
        ("cell", "1"),
        ("img", "A market (AFP)"),
    ];
    let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(got, want, "\n{md}");
    // the link keeps its target
    let targets: Vec<String> = Parser::new(&md)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(targets, ["https://x.example/r(1)"]);
    assert!(
        md.contains("```rust\n") || md.contains("````rust\n"),
        "{md}"
    );
}

#[test]
fn lists_in_a_row_stay_apart_and_a_bang_before_a_link_is_text() {
    let blocks = vec![
        crate::blocks::list(false, vec![item("a"), item("b")]),
        crate::blocks::list(false, vec![item("c")]),
        crate::blocks::list(false, vec![item("d")]),
        crate::blocks::list(true, vec![item("1")]),
        crate::blocks::list(true, vec![item("2")]),
        Block::Paragraph {
            text: "OK!Privacy".into(),
            links: vec![link("Privacy", "https://x.example/p", 3)],
        },
    ];
    let md = markdown(&blocks);
    let lists = Parser::new(&md)
        .filter(|e| matches!(e, Event::Start(Tag::List(_))))
        .count();
    assert_eq!(lists, 5, "\n{md}");
    assert!(
        Parser::new(&md).all(|e| !matches!(e, Event::Start(Tag::Image { .. }))),
        "\n{md}"
    );
    assert_eq!(read_back(&md).last().unwrap().1, "OK!Privacy");
}

#[test]
fn html_holds_no_attribute_but_href_dir_and_lang() {
    let mut blocks = sample();
    blocks.push(Block::Paragraph {
        text: "<script>alert(1)</script> \" onmouseover=\"x".into(),
        links: vec![link("script", "javascript:alert(1)", 1)],
    });
    let out = html(&blocks, "rtl");
    let doc = scraper::Html::parse_fragment(&out);
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        for (name, value) in el.value().attrs() {
            assert!(matches!(name, "href" | "dir" | "lang"), "{name}={value}");
            if name == "href" {
                assert!(value.starts_with("https://") || value.starts_with("http://"));
            }
        }
        assert_ne!(el.value().name(), "script");
    }
    assert!(out.contains("<table dir=\"rtl\">"));
    assert!(out.contains("<th>Name</th>"));
}

#[test]
fn documents_carry_their_metadata_and_direction() {
    let mut r: Record = serde_json::from_str(
        r#"{"schema":"khabar.article/1","id":"i","revision":1,"url":"https://aawsat.com/a","page_url":null,"source":{"kind":"file","file":null,"fetched_at":null,"status":null},"site":"aawsat","language":"ar","headline":"عنوان \"الخبر\"","title":null,"subtitle":null,"body":["نص"],"blocks":[{"kind":"paragraph","text":"نص"}],"captions":[],"dateline":null,"published_at":"2024-03-27T13:52:00+00:00","modified_at":null,"authors":["حمدي عابدين"],"section":null,"tags":[],"image_url":null,"related":[],"word_count":1,"extraction":{"profile":"aawsat","sources":{},"warnings":[],"charset":null}}"#,
    )
    .unwrap();
    let md = Format::Markdown.document(&r);
    assert!(
        md.starts_with("---\ntitle: \"عنوان \\\"الخبر\\\"\"\nurl: \"https://aawsat.com/a\"\n"),
        "{md}"
    );
    assert!(
        md.contains("authors: [\"حمدي عابدين\"]\n---\n\n# عنوان \"الخبر\"\n\nنص\n"),
        "{md}"
    );
    let html = Format::Html.document(&r);
    assert!(html.contains("<article lang=\"ar\" dir=\"rtl\">"), "{html}");
    let text = Format::Text.document(&r);
    assert!(
        text.starts_with("عنوان \"الخبر\"\nURL: https://aawsat.com/a\n"),
        "{text}"
    );
    r.language = None;
    assert_eq!(direction(&r), "rtl", "by its letters");
    r.headline = Some("English".into());
    assert_eq!(direction(&r), "ltr");
}

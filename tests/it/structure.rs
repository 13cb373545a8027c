//! The article's structure (`blocks`) and the documents made of it, from the command line:
//! the structure fixtures (`fixtures/structure`, one page per kind of block) against their
//! expected blocks and Markdown, the blocks' JSON, every fixture's Markdown read back by a CommonMark
//! parser into the blocks it was written from, and `--format`, `--include`, `--output-dir`.
//!
//! `KHABAR_MARKDOWN_DIRS=dir:dir` reads back the Markdown of every page in more directories
//! too (a development set, say).
//!
//! After a deliberate change of the Markdown, `KHABAR_BLESS=1 cargo test --test it
//! structure` rewrites the `*.blocks.json` and `*.expected.md` files; review the diff before committing it.

use crate::common;

use common::{records, repo, run, stderr};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

const PAGES: &[&str] = &["arabic-subheadings", "code", "lists", "quote", "table"];

fn extract(dir: &str, extra: &[&str]) -> Vec<Value> {
    let manifest = format!("{dir}/manifest.ndjson");
    let mut args = vec!["extract", dir];
    if repo().join(&manifest).exists() {
        args.extend(["--manifest", &manifest]);
    }
    args.extend(extra);
    let out = run(&args);
    // 1: some page had a problem (a development set's pages may); its records are written
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    records(&out)
}

fn page_of(record: &Value) -> String {
    let file = record["source"]["file"].as_str().unwrap();
    let name = file.rsplit('/').next().unwrap();
    name.trim_end_matches(".html").to_string()
}

fn structure_record(all: &[Value], page: &str) -> Value {
    all.iter()
        .find(|r| page_of(r) == page)
        .unwrap_or_else(|| panic!("no record for {page}"))
        .clone()
}

#[test]
fn structure_pages_give_their_expected_blocks_and_markdown() {
    let all = extract("fixtures/structure", &["--include", "markdown"]);
    assert_eq!(all.len(), PAGES.len());
    let bless = std::env::var_os("KHABAR_BLESS").is_some();
    for page in PAGES {
        let record = structure_record(&all, page);
        let markdown = record["markdown"].as_str().unwrap().to_string();
        let blocks = serde_json::to_string_pretty(&record["blocks"]).unwrap() + "\n";
        for (got, ext) in [(markdown, "expected.md"), (blocks, "blocks.json")] {
            let path = repo().join(format!("fixtures/structure/{page}.{ext}"));
            if bless {
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap();
            assert_eq!(got, want, "{page}: differs from {}", path.display());
        }
    }
}

#[test]
fn blocks_carry_levels_items_cells_code_and_links() {
    let all = extract("fixtures/structure", &[]);
    let kinds = |r: &Value| -> Vec<String> {
        r["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| match b["kind"].as_str().unwrap() {
                "heading" => format!("h{}", b["level"]),
                k => k.to_string(),
            })
            .collect()
    };

    let arabic = structure_record(&all, "arabic-subheadings");
    assert_eq!(
        kinds(&arabic),
        [
            "paragraph",
            "paragraph",
            "h2",
            "paragraph",
            "h3",
            "paragraph",
            "h2",
            "paragraph",
            "list",
            "paragraph"
        ]
    );
    assert_eq!(arabic["blocks"][4]["text"], "أسعار مخفضة للطلاب");

    let lists = structure_record(&all, "lists");
    let list = lists["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "list")
        .unwrap();
    assert_eq!(list["ordered"], true);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["list"]["ordered"], false);
    assert_eq!(items[1]["list"]["items"].as_array().unwrap().len(), 3);

    let code = structure_record(&all, "code");
    let listings: Vec<&Value> = code["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "code")
        .collect();
    assert_eq!(listings.len(), 2);
    assert_eq!(listings[0]["language"], "python");
    assert!(
        listings[0]["text"]
            .as_str()
            .unwrap()
            .contains("\n        headers = {}\n"),
        "indentation kept"
    );

    let table = structure_record(&all, "table");
    let t = table["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "table")
        .unwrap();
    let rows = t["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(
        rows[0]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["header"] == true)
    );
    assert_eq!(rows[2][0]["text"], "Schools");
    assert!(rows[2][0].get("header").is_none());

    // a link's start counts characters into its block's text
    for record in &all {
        for block in record["blocks"].as_array().unwrap() {
            for link in block["links"].as_array().into_iter().flatten() {
                let text = block["text"].as_str().unwrap();
                let start = link["start"].as_u64().unwrap() as usize;
                let linked = link["text"].as_str().unwrap();
                let at: String = text
                    .chars()
                    .skip(start)
                    .take(linked.chars().count())
                    .collect();
                assert_eq!(at, linked, "{}", page_of(record));
                assert!(link["url"].as_str().unwrap().starts_with("https://"));
            }
        }
    }
    let quote = structure_record(&all, "quote");
    let links: usize = quote["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["links"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(links, 2);
}

/// What a block reads as: its kind and its text as the record gives it.
type Read = (String, String);

/// The blocks of a record as (kind, text), a figure by its kind alone.
fn blocks_as_read(record: &Value) -> Vec<Read> {
    record["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let kind = match b["kind"].as_str().unwrap() {
                "heading" => format!("h{}", b["level"]),
                k => k.to_string(),
            };
            let text = if kind == "figure" {
                String::new()
            } else {
                b["text"].as_str().unwrap().to_string()
            };
            (kind, text)
        })
        .collect()
}

/// Markdown read back by a CommonMark (and GFM tables) parser into the same (kind, text)
/// pairs: a paragraph that is only a picture or in emphasis is a figure, each paragraph of a
/// blockquote a quote, a list's items one line each (nested ones after their item), a
/// table's rows one line each with the non-empty cells separated by a space.
fn markdown_as_read(md: &str) -> Vec<Read> {
    let mut out: Vec<Read> = Vec::new();
    let mut text = String::new();
    let mut lines: Vec<String> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let mut depth = 0usize; // open lists
    let mut in_quote = false;
    let mut figure = false;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some(item) = items.last_mut() {
                    item.push_str(&t);
                } else {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Image { .. } | Tag::Emphasis) if depth == 0 && text.is_empty() => {
                figure = true
            }
            Event::Start(Tag::BlockQuote(_)) => in_quote = true,
            Event::End(TagEnd::BlockQuote(_)) => in_quote = false,
            Event::End(TagEnd::Paragraph) if depth == 0 => {
                let kind = if figure {
                    "figure"
                } else if in_quote {
                    "quote"
                } else {
                    "paragraph"
                };
                let t = std::mem::take(&mut text);
                out.push((kind.into(), if figure { String::new() } else { t }));
                figure = false;
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push((format!("h{}", level as u8), std::mem::take(&mut text)));
            }
            Event::End(TagEnd::CodeBlock) => {
                let t = std::mem::take(&mut text);
                out.push(("code".into(), t.trim_end_matches('\n').to_string()));
            }
            Event::Start(Tag::List(_)) => {
                if let Some(item) = items.last_mut()
                    && !item.is_empty()
                {
                    lines.push(std::mem::take(item));
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                depth -= 1;
                if depth == 0 {
                    out.push(("list".into(), lines.join("\n")));
                    lines.clear();
                }
            }
            Event::Start(Tag::Item) => items.push(String::new()),
            Event::End(TagEnd::Item) => {
                let item = items.pop().unwrap();
                if !item.is_empty() {
                    lines.push(item);
                }
            }
            Event::End(TagEnd::TableCell) => {
                let cell = std::mem::take(&mut text);
                if !cell.is_empty() {
                    cells.push(cell);
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                lines.push(cells.join(" "));
                cells.clear();
            }
            Event::End(TagEnd::Table) => {
                let rows: Vec<String> = lines.drain(..).filter(|l| !l.is_empty()).collect();
                out.push(("table".into(), rows.join("\n")));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_fixtures_markdown_reads_back_as_its_blocks() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    let mut dirs: Vec<String> = ["fixtures/aawsat", "fixtures/generic", "fixtures/structure"]
        .map(String::from)
        .to_vec();
    // more pages to check on demand (the development sets, say), separated by `:`
    if let Ok(more) = std::env::var("KHABAR_MARKDOWN_DIRS") {
        dirs.extend(more.split(':').filter(|d| !d.is_empty()).map(String::from));
    }
    for dir in &dirs {
        for record in extract(dir, &["--include", "markdown"]) {
            let md = record["markdown"].as_str().unwrap();
            let (got, want) = (markdown_as_read(md), blocks_as_read(&record));
            if got != want {
                let at = got.iter().zip(&want).position(|(g, w)| g != w);
                let at = at.unwrap_or(got.len().min(want.len()));
                wrong.push(format!(
                    "{dir}/{}: block {at}: read back as {:?}, written from {:?}",
                    page_of(&record),
                    got.get(at),
                    want.get(at)
                ));
            }
            checked += 1;
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} records' Markdown does not read back as their blocks:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked >= 15, "{checked} records");
}

#[test]
fn text_and_html_documents_from_the_command_line() {
    let out = run(&[
        "extract",
        "fixtures/structure/arabic-subheadings.html",
        "--format",
        "html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = String::from_utf8(out.stdout).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let article = doc.select(&sel("article")).next().expect("an <article>");
    assert_eq!(article.value().attr("dir"), Some("rtl"));
    assert_eq!(article.select(&sel("h2")).count(), 2);
    assert_eq!(article.select(&sel("h3")).count(), 1);
    assert_eq!(article.select(&sel("ul > li")).count(), 3);
    assert_eq!(doc.select(&sel("script, style, img[onerror]")).count(), 0);

    let out = run(&[
        "extract",
        "fixtures/structure/table.html",
        "--format",
        "text",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Riverton council passes its 2026 budget"),
        "{text}"
    );
    assert!(text.contains("\nWhere the money goes\n"), "{text}");
    assert!(!text.contains('<') && !text.contains("| ---"), "{text}");
}

#[test]
fn output_dir_writes_one_document_per_article_named_by_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = run(&[
        "extract",
        "fixtures/structure",
        "--manifest",
        "fixtures/structure/manifest.ndjson",
        "--format",
        "markdown",
        "--output-dir",
        d,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "the documents go to files");
    let ndjson = extract("fixtures/structure", &[]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut want: Vec<String> = ndjson
        .iter()
        .map(|r| format!("{}.md", r["id"].as_str().unwrap()))
        .collect();
    want.sort();
    assert_eq!(names, want, "one file per article, nothing left behind");
    for r in &ndjson {
        let doc =
            std::fs::read_to_string(dir.path().join(format!("{}.md", r["id"].as_str().unwrap())))
                .unwrap();
        assert!(doc.starts_with("---\ntitle: "), "{doc}");
        let headline = r["headline"].as_str().unwrap();
        assert!(doc.contains(&format!("\n---\n\n# {headline}\n\n")), "{doc}");
    }
}

#[test]
fn include_adds_documents_to_ndjson_and_refuses_a_document_format() {
    let got = extract("fixtures/structure", &["--include", "text,html"]);
    for r in &got {
        let text = r["text"].as_str().unwrap();
        let first = r["body"][0].as_str().unwrap();
        assert!(text.starts_with(first), "{text}");
        assert!(r["html"].as_str().unwrap().contains("<p>"));
        assert!(r.get("markdown").is_none());
    }
    let out = run(&[
        "extract",
        "fixtures/structure",
        "--format",
        "markdown",
        "--include",
        "html",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--include"),
        "a usage error naming the flag: {}",
        stderr(&out)
    );
}

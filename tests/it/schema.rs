//! The record's JSON Schema (`docs/record.schema.json`, draft 2020-12) against the records
//! khabar writes: every fixture page, generic pages written here, pages from standard input,
//! from a web archive and from a crawl, each with every `--include` document; a record of
//! every shape the Rust type can take; and records that break the contract, which it must
//! reject (so that it cannot pass by accepting anything).
//!
//! The schema's objects are closed: a field added to the record without a row in the schema
//! fails here.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use boon::{Compiler, SchemaIndex, Schemas};
use khabar_warc::{Exchange, WarcWriter, WriterOptions};
use serde_json::{Value, json};

use crate::common::{records, repo, run, run_with_stdin, stderr, write};
use crate::support::khabar_crawl;
use crate::support::process::wait_with_limit;
use crate::support::site::{Site, SiteOptions};

const SCHEMA: &str = "docs/record.schema.json";

/// Every document `--include` adds to a record.
const INCLUDE: &str = "markdown,text,html";

/// The kinds of block, as they go on the wire.
const BLOCK_KINDS: &[&str] = &[
    "paragraph",
    "heading",
    "list",
    "quote",
    "code",
    "table",
    "figure",
];

/// The schema, compiled, with format assertions on (`date-time`).
struct RecordSchema {
    schemas: Schemas,
    index: SchemaIndex,
}

impl RecordSchema {
    fn load() -> Self {
        let doc = schema_document();
        let id = doc["$id"]
            .as_str()
            .expect("the schema has an $id")
            .to_string();
        let mut compiler = Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource(&id, doc)
            .unwrap_or_else(|e| panic!("{SCHEMA}: {e:#}"));
        let mut schemas = Schemas::new();
        // compiling checks the schema against the draft 2020-12 meta-schema too
        let index = compiler
            .compile(&id, &mut schemas)
            .unwrap_or_else(|e| panic!("{SCHEMA}: {e:#}"));
        Self { schemas, index }
    }

    fn check(&self, record: &Value) -> Result<(), String> {
        self.schemas
            .validate(record, self.index)
            .map_err(|e| e.to_string())
    }

    /// Fails the test, naming every invalid record and why, unless all of `records` are valid.
    fn assert_valid(&self, records: &[Value], what: &str) {
        let failures: Vec<String> = records
            .iter()
            .filter_map(|r| {
                self.check(r).err().map(|e| {
                    format!(
                        "{} ({}):\n{e}",
                        r["url"],
                        r["source"]["file"].as_str().unwrap_or("-")
                    )
                })
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{what}: {} of {} records break {SCHEMA}:\n{}",
            failures.len(),
            records.len(),
            failures.join("\n\n")
        );
    }
}

fn schema_document() -> Value {
    let text = std::fs::read_to_string(repo().join(SCHEMA)).expect("read the schema");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SCHEMA} is not JSON: {e}"))
}

/// `khabar extract ARGS --include markdown,text,html`: its records, the run a success.
fn extract(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["extract", "--include", INCLUDE];
    all.extend(args);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "{all:?}: {}", stderr(&out));
    records(&out)
}

fn block_kinds(records: &[Value]) -> BTreeSet<String> {
    records
        .iter()
        .flat_map(|r| r["blocks"].as_array().unwrap())
        .map(|b| b["kind"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// the schema itself

#[test]
fn the_schema_is_draft_2020_12_with_an_id_and_closed_objects() {
    let doc = schema_document();
    assert_eq!(
        doc["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for key in ["$id", "title", "description"] {
        assert!(doc[key].as_str().is_some_and(|s| !s.is_empty()), "no {key}");
    }
    // the required fields are the record's, as the Rust type writes them
    let wire: Vec<String> = full_record().as_object().unwrap().keys().cloned().collect();
    let required: Vec<String> = doc["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let mut wire_sorted = wire.clone();
    wire_sorted.sort();
    let mut required_sorted = required.clone();
    required_sorted.sort();
    assert_eq!(
        required_sorted, wire_sorted,
        "required ≠ the record's fields"
    );
    // every field is described: by its own description or its definition's
    let defs = &doc["$defs"];
    let described = |s: &Value| {
        s["description"].is_string()
            || s["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .is_some_and(|d| defs[d]["description"].is_string())
    };
    for (name, s) in doc["properties"].as_object().unwrap() {
        assert!(described(s), "field `{name}` has no description");
    }
    // every object is closed, but the block dispatcher (each kind's own definition is closed)
    // and `extraction.sources` (a map of field names)
    let mut objects = vec![("(record)".to_string(), &doc)];
    for (name, d) in defs.as_object().unwrap() {
        assert!(
            d["description"].is_string(),
            "$defs/{name} has no description"
        );
        if d["type"] == "object" {
            objects.push((name.clone(), d));
        }
    }
    for (name, d) in objects {
        if name == "block" {
            continue;
        }
        assert_eq!(
            d["additionalProperties"],
            Value::Bool(false),
            "{name} is not closed"
        );
    }
    // and it compiles (against the meta-schema)
    RecordSchema::load();
}

// ---------------------------------------------------------------------------------------------
// real records

#[test]
fn every_record_of_every_fixture_page_is_valid() {
    let schema = RecordSchema::load();
    let mut dirs: Vec<_> = std::fs::read_dir(repo().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "fixtures/ has its directories: {dirs:?}");
    let mut all = Vec::new();
    for dir in &dirs {
        let dir = dir.strip_prefix(repo()).unwrap().display().to_string();
        let manifest = format!("{dir}/manifest.ndjson");
        let mut args = vec![dir.as_str()];
        if repo().join(&manifest).exists() {
            args.extend(["--manifest", manifest.as_str()]);
        }
        let recs = extract(&args);
        assert!(!recs.is_empty(), "{dir}: no records");
        for r in &recs {
            for doc in ["markdown", "text", "html"] {
                assert!(r[doc].is_string(), "{dir}: `--include {doc}` gave no {doc}");
            }
        }
        schema.assert_valid(&recs, &dir);
        all.extend(recs);
    }
    // the fixtures hold every kind of block: each kind's shape was checked on real output
    let kinds = block_kinds(&all);
    for kind in BLOCK_KINDS {
        assert!(kinds.contains(*kind), "no fixture gives a {kind} block");
    }
    eprintln!(
        "{} records from {} fixture directories valid against {SCHEMA}",
        all.len(),
        dirs.len()
    );
}

/// A page no profile covers with every kind of block, links in paragraphs, items, quotes and
/// cells, a nested list, an item holding only a list, header and empty cells, a captioned
/// figure and one without a caption, a dateline, related links, and a canonical address with
/// characters browsers leave unescaped.
const EVERY_BLOCK: &str = r#"<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Harbour council opens the new ferry terminal | Harbour Times</title>
<link rel="canonical" href="https://harbour-times.example/news/2026/05/04/ferry|terminal?ref={home}">
<meta property="article:published_time" content="2026-05-04T09:30:00+01:00">
<meta property="article:modified_time" content="2026-05-04T11:05:00+01:00">
<meta name="author" content="Nora Quayle">
<meta property="article:section" content="Local">
<meta name="keywords" content="ferries, transport, harbour">
<meta property="og:image" content="/images/terminal.jpg">
</head><body>
<header><nav><a href="/">Home</a> <a href="/local">Local</a></nav></header>
<article>
<h1>Harbour council opens the new ferry terminal</h1>
<p>PORTSEA (Harbour Wire) - The new ferry terminal opened on Monday morning, two years after the old pier was closed, and the first crossing left on time with a full deck of passengers and cars.</p>
<p>The council's <a href="https://harbour-times.example/news/2024/terminal-plans">plans for the terminal</a> were first shown in 2024, and the <a href="/news/2025/terminal-budget">budget</a> was agreed a year later after a long debate in the chamber.</p>
<figure><img src="/images/terminal.jpg" alt=""><figcaption>The new terminal building at dawn (Harbour Times)</figcaption></figure>
<h2>What changes for passengers</h2>
<p>Passengers will notice a number of changes from this week, the operator said in a statement published on its website on Sunday evening:</p>
<ol>
<li>Tickets are sold at the machines in the hall and <a href="https://ferries.example/tickets">online</a>.</li>
<li>Cars queue in the new lanes beside the terminal:
  <ul><li>lane one for the early crossing;</li><li>lane two for all later ones.</li></ul>
</li>
<li><ul><li>Cyclists board first, before the cars.</li></ul></li>
</ol>
<blockquote><p>This terminal is built to last fifty years, and it is the harbour's biggest project in a generation.</p><p>We are proud of every <a href="https://harbour-times.example/people">worker</a> who built it.</p></blockquote>
<h3>The timetable</h3>
<table>
<thead><tr><th>Crossing</th><th>Departs</th><th>Arrives</th></tr></thead>
<tbody>
<tr><td>Early</td><td>06:10</td><td>07:00</td></tr>
<tr><td><a href="https://ferries.example/midday">Midday</a></td><td>12:30</td><td></td></tr>
</tbody></table>
<p>The timetable file the operator publishes can be read with a few lines of code:</p>
<pre><code class="language-python">import csv

for row in csv.reader(open("timetable.csv")):
    print(row[0], row[1])
</code></pre>
<figure><img src="https://harbour-times.example/images/pier.jpg"></figure>
<p>The old pier will be taken down over the summer, the council said, and the site will become a public garden with benches facing the water.</p>
</article>
<aside><h2>Related</h2><ul><li><a href="/news/2026/04/ferry-fares">Ferry fares rise in spring</a></li><li><a href="/news/2026/03/pier-closure">Pier closure ends an era</a></li></ul></aside>
</body></html>
"#;

/// A page that names no address of its own: its record's `url` is the file's `file:` URL,
/// or a `urn:sha256:` one when it comes from standard input.
const NO_ADDRESS: &str = r#"<html lang="ar"><head><meta charset="utf-8"><title>خبر بلا عنوان</title></head>
<body><article><h1>مهرجان للكتاب في عمّان بعد غياب عامين</h1>
<p>افتتح مهرجان الكتاب أبوابه صباح اليوم في عمّان بعد غياب دام عامين، بمشاركة أكثر من مائتي دار نشر من الدول العربية والأجنبية.</p>
<p>وقال المنظمون إن برنامج المهرجان يتضمن ندوات يومية وأمسيات شعرية وركناً خاصاً لكتب الأطفال طوال أيام المعرض العشرة.</p>
</article></body></html>
"#;

#[test]
fn generic_pages_from_a_file_stdin_and_an_archive_give_valid_records() {
    let schema = RecordSchema::load();
    let dir = tempfile::tempdir().unwrap();
    let every = write(dir.path(), "every-block.html", EVERY_BLOCK.as_bytes());
    let bare = write(dir.path(), "no-address.html", NO_ADDRESS.as_bytes());
    let (every, bare) = (every.to_str().unwrap(), bare.to_str().unwrap());
    let mut all = Vec::new();

    // saved files: one with its canonical address, one with none, one given an address
    let files = extract(&[every, bare]);
    assert_eq!(files.len(), 2);
    assert!(
        files[0]["url"].as_str().unwrap().contains('|'),
        "{}",
        files[0]["url"]
    );
    assert!(
        files[1]["url"].as_str().unwrap().starts_with("file:///"),
        "{}",
        files[1]["url"]
    );
    let kinds = block_kinds(&files[..1]);
    for kind in BLOCK_KINDS {
        assert!(kinds.contains(*kind), "the page gives no {kind} block");
    }
    all.extend(files);
    all.extend(extract(&[
        bare,
        "--url",
        "https://amman-news.example/culture/2026/09/24/book-festival",
    ]));

    // standard input, with no address
    let out = run_with_stdin(
        &["extract", "--include", INCLUDE, "-"],
        NO_ADDRESS.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdin = records(&out);
    assert_eq!(stdin.len(), 1);
    assert_eq!(stdin[0]["source"]["kind"], "stdin");
    assert!(
        stdin[0]["url"].as_str().unwrap().starts_with("urn:sha256:"),
        "{}",
        stdin[0]["url"]
    );
    all.extend(stdin);

    // a web archive: where each record starts, its id, its date and status
    let mut w = WarcWriter::new(dir.path().join("warc"), WriterOptions::default()).unwrap();
    let headers = vec![(
        "Content-Type".to_string(),
        "text/html; charset=utf-8".to_string(),
    )];
    let seed = std::fs::read(repo().join("fixtures/aawsat/seed.html")).unwrap();
    for (url, body) in [
        (
            "https://harbour-times.example/news/terminal",
            EVERY_BLOCK.as_bytes(),
        ),
        (
            "https://amman-news.example/culture/festival",
            NO_ADDRESS.as_bytes(),
        ),
        ("https://aawsat.com/node/5083812", seed.as_slice()),
    ] {
        w.write_exchange(&Exchange::new(url, 200, &headers, body, SystemTime::now()))
            .unwrap();
    }
    let warc = w.finish().unwrap().remove(0);
    let archived = extract(&[warc.to_str().unwrap()]);
    assert_eq!(archived.len(), 4, "the seed page holds two articles");
    for r in &archived {
        assert_eq!(r["source"]["kind"], "warc");
        assert!(
            r["source"]["offset"].is_u64() && r["source"]["record_id"].is_string(),
            "{}",
            r["source"]
        );
    }
    all.extend(archived);

    schema.assert_valid(&all, "generic pages");
    eprintln!("{} generic records valid against {SCHEMA}", all.len());
}

#[test]
fn crawled_records_are_valid() {
    let schema = RecordSchema::load();
    let site = Site::start(SiteOptions::default());
    let child = khabar_crawl(&[
        &site.url("/"),
        "--rate",
        "0",
        "--max-depth",
        "10",
        "--include",
        INCLUDE,
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn khabar");
    let (status, stdout, err) = wait_with_limit(child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    let text = String::from_utf8(stdout).unwrap();
    let recs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(recs.len() >= 10, "{} records: {err}", recs.len());
    for r in &recs {
        assert_eq!(r["source"]["kind"], "http", "{}", r["source"]);
        assert!(r["source"]["fetched_at"].is_string(), "{}", r["source"]);
    }
    schema.assert_valid(&recs, "crawl");
    eprintln!("{} crawled records valid against {SCHEMA}", recs.len());
}

// ---------------------------------------------------------------------------------------------
// the Rust type, and what the schema must reject

/// A record with every optional part set and every block kind with every key, as the Rust
/// type writes it (read into `khabar_extract::Record` and written back).
fn full_record() -> Value {
    let link = |text: &str, start: u32| json!({"text": text, "url": "https://x.example/l?a=1|2", "start": start});
    let caption = json!({"text": "الرئيس الروسي فلاديمير بوتين", "credit": "أ.ف.ب", "image_url": "https://x.example/i.jpg"});
    let dateline =
        json!({"place": "القاهرة", "source": "حمدي عابدين", "raw": "القاهرة: حمدي عابدين"});
    let literal = json!({
        "schema": "khabar.article/1",
        "id": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "revision": 3,
        "url": "https://x.example/a/%D8%AE%D8%A8%D8%B1",
        "page_url": "https://x.example/amp/a",
        "source": {"kind": "warc", "file": "crawl/x-00000.warc.gz", "fetched_at": "2025-01-02T03:04:05Z",
                   "status": 200, "record_id": "<urn:uuid:0f6c7a6e-6d1b-4b8e-9a53-2c1b0e7e1f01>", "offset": 1234},
        "site": "x",
        "language": "ar-EG",
        "headline": "H",
        "title": "H | Site",
        "subtitle": "S",
        "body": ["P one.", "Heading", "item", "nested", "quote", "a b", "code x", "cell"],
        "blocks": [
            {"kind": "paragraph", "text": "P one.", "links": [link("one", 2)]},
            {"kind": "heading", "level": 6, "text": "Heading", "links": [link("Heading", 0)]},
            {"kind": "list", "ordered": true, "text": "item\nnested", "items": [
                {"text": "item", "links": [link("item", 0)],
                 "list": {"ordered": false, "items": [{"text": "nested"}]}},
                {"text": "", "list": {"ordered": true, "items": [{"text": "deeper"}]}}
            ]},
            {"kind": "quote", "text": "quote", "links": [link("quote", 0)]},
            {"kind": "code", "text": "  fn main() {\n\n      x();\n  }", "language": "rust"},
            {"kind": "table", "text": "a b\ncell", "rows": [
                [{"text": "a", "header": true}, {"text": "b", "header": true}],
                [{"text": "cell", "links": [link("cell", 0)]}, {"text": ""}]
            ]},
            {"kind": "figure", "text": "A photo", "credit": "AFP", "image_url": "https://x.example/f.jpg"},
            {"kind": "figure", "text": "", "image_url": "https://x.example/g.jpg"},
            {"kind": "figure", "text": "No picture"}
        ],
        "captions": [caption.clone(), {"text": "C", "credit": null, "image_url": null}],
        "dateline": dateline.clone(),
        "published_at": "2025-01-02T03:04:05+03:00",
        "modified_at": "2025-01-03T03:04:05-05:00",
        "authors": ["A", "B"],
        "section": "World",
        "tags": ["t1", "t2"],
        "image_url": "https://x.example/l.jpg",
        "related": [
            {"url": "https://x.example/r", "title": "R", "section": "S", "summary": "Sum",
             "dateline": dateline, "caption": caption},
            {"url": "https://x.example/q", "title": "Q", "section": null, "summary": null,
             "dateline": null, "caption": null}
        ],
        "word_count": 9,
        "extraction": {"profile": "x", "sources": {"body": "selector", "published_at": "visible-text",
                       "dateline": "first-paragraph", "url": "link"},
                       "warnings": ["w"], "charset": "windows-1256 (<meta> tag)"}
    });
    let record: khabar_extract::Record =
        serde_json::from_value(literal.clone()).expect("the Rust type reads it");
    let wire = serde_json::to_value(&record).unwrap();
    assert_eq!(wire, literal, "the Rust type writes it back unchanged");
    wire
}

#[test]
fn a_record_of_every_shape_the_rust_type_writes_is_valid() {
    let schema = RecordSchema::load();
    let mut r = full_record();
    schema.assert_valid(std::slice::from_ref(&r), "the full record");
    for doc in ["markdown", "text", "html"] {
        r[doc] = json!("# H\n\nP one.\n");
    }
    schema.assert_valid(std::slice::from_ref(&r), "with --include");
    // the least a record can be: a page from standard input with nothing found
    let least = json!({
        "schema": "khabar.article/1",
        "id": "0000000000000000000000000000000000000000000000000000000000000000",
        "revision": 1, "url": "urn:sha256:00ff:1", "page_url": null,
        "source": {"kind": "stdin", "file": null, "fetched_at": null, "status": null},
        "site": "generic", "language": null, "headline": null, "title": null, "subtitle": null,
        "body": [], "blocks": [], "captions": [], "dateline": null, "published_at": null,
        "modified_at": null, "authors": [], "section": null, "tags": [], "image_url": null,
        "related": [], "word_count": 0,
        "extraction": {"profile": null, "sources": {}, "warnings": ["no headline found"], "charset": null}
    });
    let back: khabar_extract::Record = serde_json::from_value(least.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), least);
    schema.assert_valid(&[least], "the least record");
}

/// A change to the full record that breaks the contract.
type Breach = (&'static str, fn(&mut Value));

const BREACHES: &[Breach] = &[
    ("a field the schema does not know", |r| {
        r["score"] = json!(1)
    }),
    ("a field left out", |r| {
        r.as_object_mut().unwrap().remove("title");
    }),
    ("another schema", |r| {
        r["schema"] = json!("khabar.article/2")
    }),
    ("an id in capitals", |r| {
        r["id"] = json!("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
    }),
    ("revision 0", |r| r["revision"] = json!(0)),
    ("word_count as a string", |r| r["word_count"] = json!("9")),
    ("word_count negative", |r| r["word_count"] = json!(-1)),
    ("a relative url", |r| r["url"] = json!("/news/1")),
    ("a url with a space", |r| {
        r["url"] = json!("https://x.example/a b")
    }),
    ("an image that is not http", |r| {
        r["image_url"] = json!("ftp://x.example/i.jpg")
    }),
    ("site empty", |r| r["site"] = json!("")),
    ("a language that is not a tag", |r| {
        r["language"] = json!("en us")
    }),
    ("a headline with white space at its end", |r| {
        r["headline"] = json!("H ")
    }),
    ("a headline over two lines", |r| {
        r["headline"] = json!("H\nI")
    }),
    ("an empty subtitle instead of null", |r| {
        r["subtitle"] = json!("")
    }),
    ("a null paragraph in body", |r| r["body"][0] = Value::Null),
    ("an empty author", |r| r["authors"][0] = json!("")),
    ("tags as a string", |r| r["tags"] = json!("t1, t2")),
    ("a date without an offset", |r| {
        r["published_at"] = json!("2025-01-02T03:04:05")
    }),
    ("a date with fractions of a second", |r| {
        r["published_at"] = json!("2025-01-02T03:04:05.5+00:00")
    }),
    ("a date that does not exist", |r| {
        r["modified_at"] = json!("2025-02-30T03:04:05+00:00")
    }),
    ("a date as a number", |r| {
        r["published_at"] = json!(1735786800)
    }),
    ("source of an unknown kind", |r| {
        r["source"]["kind"] = json!("ftp")
    }),
    ("source with a key it does not have", |r| {
        r["source"]["host"] = json!("x")
    }),
    ("source's archive offset on a saved file", |r| {
        r["source"]["kind"] = json!("file")
    }),
    ("an archive record without its offset", |r| {
        r["source"].as_object_mut().unwrap().remove("offset");
    }),
    ("a status that is not HTTP's", |r| {
        r["source"]["status"] = json!(42)
    }),
    ("fetched_at that is not a date", |r| {
        r["source"]["fetched_at"] = json!("yesterday")
    }),
    ("a block of an unknown kind", |r| {
        r["blocks"][0]["kind"] = json!("aside")
    }),
    ("a block without text", |r| {
        r["blocks"][0].as_object_mut().unwrap().remove("text");
    }),
    ("a paragraph with a level", |r| {
        r["blocks"][0]["level"] = json!(2)
    }),
    ("a heading of level 1", |r| {
        r["blocks"][1]["level"] = json!(1)
    }),
    ("a heading of level 7", |r| {
        r["blocks"][1]["level"] = json!(7)
    }),
    ("a heading without a level", |r| {
        r["blocks"][1].as_object_mut().unwrap().remove("level");
    }),
    ("an empty list of links instead of none", |r| {
        r["blocks"][0]["links"] = json!([])
    }),
    ("a link with a key it does not have", |r| {
        r["blocks"][0]["links"][0]["title"] = json!("t")
    }),
    ("a link to mail", |r| {
        r["blocks"][0]["links"][0]["url"] = json!("mailto:a@x.example")
    }),
    ("a link starting before the text", |r| {
        r["blocks"][0]["links"][0]["start"] = json!(-1)
    }),
    ("a list that is not ordered or not", |r| {
        r["blocks"][2]["ordered"] = json!("yes")
    }),
    ("a list without items", |r| {
        r["blocks"][2]["items"] = json!([])
    }),
    ("an item with neither text nor list", |r| {
        r["blocks"][2]["items"][1]
            .as_object_mut()
            .unwrap()
            .remove("list");
    }),
    ("a nested list with a key it does not have", |r| {
        r["blocks"][2]["items"][0]["list"]["start"] = json!(3)
    }),
    ("a code listing with a language in capitals", |r| {
        r["blocks"][4]["language"] = json!("Rust")
    }),
    ("a code listing with links", |r| {
        r["blocks"][4]["links"] = json!([])
    }),
    ("a header flag written false", |r| {
        r["blocks"][5]["rows"][1][0]["header"] = json!(false)
    }),
    ("a row that is a string", |r| {
        r["blocks"][5]["rows"][0] = json!("a b")
    }),
    ("a figure with neither caption nor picture", |r| {
        r["blocks"][7].as_object_mut().unwrap().remove("image_url");
    }),
    ("a figure credit written null", |r| {
        r["blocks"][6]["credit"] = Value::Null
    }),
    ("a caption without its credit", |r| {
        r["captions"][0].as_object_mut().unwrap().remove("credit");
    }),
    ("the same caption twice", |r| {
        let c = r["captions"][0].clone();
        r["captions"].as_array_mut().unwrap().push(c);
    }),
    ("a dateline without its raw text", |r| {
        r["dateline"]["raw"] = Value::Null
    }),
    ("a related entry without a title", |r| {
        r["related"][1]["title"] = Value::Null
    }),
    ("a related entry with a key it does not have", |r| {
        r["related"][0]["image_url"] = json!("https://x.example/r.jpg")
    }),
    ("extraction with a key it does not have", |r| {
        r["extraction"]["time_ms"] = json!(3)
    }),
    ("a source for a field the record does not have", |r| {
        r["extraction"]["sources"]["score"] = json!("heuristic")
    }),
    ("a source that is not a word", |r| {
        r["extraction"]["sources"]["body"] = json!("JSON LD")
    }),
    ("warnings as a string", |r| {
        r["extraction"]["warnings"] = json!("w")
    }),
    ("markdown that is not a string", |r| {
        r["markdown"] = json!(["# H"])
    }),
];

#[test]
fn records_that_break_the_contract_are_rejected() {
    let schema = RecordSchema::load();
    let full = full_record();
    schema
        .check(&full)
        .expect("the full record is valid before it is broken");
    let accepted: Vec<&str> = BREACHES
        .iter()
        .filter(|(_, breach)| {
            let mut r = full.clone();
            breach(&mut r);
            assert_ne!(r, full);
            schema.check(&r).is_ok()
        })
        .map(|(what, _)| *what)
        .collect();
    assert!(
        accepted.is_empty(),
        "{SCHEMA} accepts records with {accepted:?}"
    );
    // a real record, broken the same ways as the simplest breaches, is rejected too
    let out = run(&["extract", "fixtures/aawsat/wire-embed.html"]);
    let real = records(&out).remove(0);
    schema.check(&real).expect("the real record is valid");
    for (what, breach) in &BREACHES[..8] {
        let mut r = real.clone();
        breach(&mut r);
        assert!(
            schema.check(&r).is_err(),
            "{what} is accepted in a real record"
        );
    }
}

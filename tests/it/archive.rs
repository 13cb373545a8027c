//! Web archives: `khabar extract` reads `.warc`/`.warc.gz` files (archives these tests write
//! themselves, with khabar-warc), and `khabar crawl --warc DIR` writes every response it
//! receives so that `extract` on the archive gives the records the crawl wrote.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use khabar_warc::{Exchange, WarcWriter, WriterOptions};
use serde_json::Value;

use crate::common::{fixture, khabar, records, stderr};
use crate::support::khabar_crawl;
use crate::support::site::{Site, SiteOptions};

const HTML: &str = "text/html; charset=utf-8";

/// Writes `pages` (url, content type, body) as response records of one archive in `dir`;
/// returns its path.
fn write_archive(dir: &Path, gzip: bool, pages: &[(&str, &str, Vec<u8>)]) -> std::path::PathBuf {
    let mut w = WarcWriter::new(
        dir,
        WriterOptions {
            gzip,
            ..WriterOptions::default()
        },
    )
    .unwrap();
    for (url, ctype, body) in pages {
        let headers = vec![("Content-Type".to_string(), ctype.to_string())];
        w.write_exchange(&Exchange::new(url, 200, &headers, body, SystemTime::now()))
            .unwrap();
    }
    let files = w.finish().unwrap();
    assert_eq!(files.len(), 1);
    files[0].clone()
}

fn aawsat(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

const SEED: &str = "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A/5083812-x";

/// Everything but where the bytes came from.
fn content(r: &Value) -> Value {
    let mut r = r.clone();
    r.as_object_mut().unwrap().remove("source");
    r
}

#[test]
fn extract_reads_the_html_responses_of_an_archive_and_says_where_each_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let page = aawsat("seed.html");
    for gzip in [true, false] {
        let sub = dir.path().join(if gzip { "gz" } else { "plain" });
        let warc = write_archive(
            &sub,
            gzip,
            &[
                (SEED, HTML, page.clone()),
                (
                    "https://aawsat.com/report.pdf",
                    "application/pdf",
                    b"%PDF-1.4 ...".to_vec(),
                ),
            ],
        );
        let out = khabar()
            .args(["extract", warc.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let recs = records(&out);
        // the saved page holds two articles; the PDF is passed over
        assert_eq!(recs.len(), 2, "{}", stderr(&out));
        let src = &recs[0]["source"];
        assert_eq!(src["kind"], "warc");
        assert_eq!(src["file"], warc.to_str().unwrap());
        assert_eq!(src["status"], 200);
        assert!(src["record_id"].as_str().unwrap().starts_with("<urn:uuid:"));
        assert!(
            src["offset"].as_u64().unwrap() > 0,
            "after the warcinfo record"
        );
        assert!(src["fetched_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(recs[0]["page_url"], SEED);
        assert!(
            stderr(&out).contains("non-HTML responses 1"),
            "{}",
            stderr(&out)
        );
        // the same records as the saved page with its address, but for `source`
        let direct = khabar()
            .args(["extract", "--url", SEED])
            .arg(fixture("seed.html"))
            .output()
            .unwrap();
        let direct = records(&direct);
        assert_eq!(direct.len(), 2);
        for (a, b) in recs.iter().zip(&direct) {
            // the archive has the HTTP header the saved file lacks: the charset is told by it
            assert_eq!(a["extraction"]["charset"], "UTF-8 (HTTP header)");
            let (mut a, mut b) = (content(a), content(b));
            a["extraction"]["charset"] = Value::Null;
            b["extraction"]["charset"] = Value::Null;
            assert_eq!(a, b);
        }
    }
}

#[test]
fn the_charset_of_the_archived_http_header_decodes_the_page() {
    let dir = tempfile::tempdir().unwrap();
    // windows-1256 bytes with no <meta> charset: only the HTTP header says what they are
    let (body, _, _) = encoding_rs::WINDOWS_1256.encode(
        "<html><head><title>خبر</title></head><body><article><h1>عنوان الخبر هنا</h1><p>هذا نص عربي طويل بما يكفي ليكون فقرة من فقرات المقال المنشور اليوم.</p><p>وهذه فقرة ثانية من المقال نفسه فيها كلام أكثر عن الموضوع ذاته.</p></article></body></html>",
    );
    let warc = write_archive(
        dir.path(),
        true,
        &[(
            "https://example.com/2025/01/02/story",
            "text/html; charset=windows-1256",
            body.to_vec(),
        )],
    );
    let out = khabar()
        .args(["extract", warc.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs[0]["headline"], "عنوان الخبر هنا");
    assert!(
        recs[0]["extraction"]["charset"]
            .as_str()
            .unwrap()
            .contains("windows-1256")
    );
}

#[test]
fn a_damaged_member_and_a_truncated_record_are_named_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let page = aawsat("seed.html");
    let urls = [
        "https://aawsat.com/a/1-one",
        "https://aawsat.com/a/2-two",
        "https://aawsat.com/a/3-three",
    ];
    let pages: Vec<_> = urls.iter().map(|u| (*u, HTML, page.clone())).collect();
    let warc = write_archive(dir.path(), true, &pages);
    // find the gzip members: warcinfo, then request + response per page
    let mut bytes = std::fs::read(&warc).unwrap();
    let starts: Vec<usize> = (0..bytes.len() - 2)
        .filter(|&i| bytes[i] == 0x1f && bytes[i + 1] == 0x8b && bytes[i + 2] == 8)
        .collect();
    assert!(starts.len() >= 7, "{starts:?}");
    // the second page's response member: damage its compressed data in the middle
    let second_response = starts[4];
    let mid = (second_response + starts[5]) / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0x5a;
    }
    // and cut the last member short
    let cut = bytes.len() - 40;
    bytes.truncate(cut);
    std::fs::write(&warc, &bytes).unwrap();
    let out = khabar()
        .args(["extract", warc.to_str().unwrap()])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{}: record at offset {second_response}",
            warc.display()
        )),
        "{err}"
    );
    assert!(err.contains("skipped, reading on"), "{err}");
    // the place is named once, not again by the reader's own message
    assert_eq!(
        err.matches(&format!("offset {second_response}")).count(),
        1,
        "{err}"
    );
    let recs = records(&out);
    let got: Vec<&str> = recs
        .iter()
        .map(|r| r["page_url"].as_str().unwrap())
        .collect();
    // the first page (two articles) is kept; the damaged and the truncated ones are not
    assert_eq!(got, [urls[0], urls[0]], "{err}");
}

#[test]
fn a_revisit_record_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WarcWriter::new(dir.path(), WriterOptions::default()).unwrap();
    let page = aawsat("seed.html");
    let headers = vec![("Content-Type".to_string(), HTML.to_string())];
    w.write_exchange(&Exchange::new(
        SEED,
        200,
        &headers,
        &page,
        SystemTime::now(),
    ))
    .unwrap();
    w.write_record(
        "revisit",
        &[
            ("WARC-Target-URI".to_string(), SEED.to_string()),
            (
                "WARC-Profile".to_string(),
                "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest".to_string(),
            ),
        ],
        b"",
        SystemTime::now(),
    )
    .unwrap();
    let warc = w.finish().unwrap().remove(0);
    let out = khabar()
        .args(["extract", warc.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(records(&out).len(), 2);
    assert!(
        stderr(&out).contains("revisit records 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_crawl_written_to_warc_replays_through_extract_to_the_same_records() {
    let site = Site::start(SiteOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let warc_dir = dir.path().join("warc");
    let crawl_out = dir.path().join("crawl.ndjson");
    let child = khabar_crawl(&[
        site.base(),
        "--rate",
        "0",
        "--warc",
        warc_dir.to_str().unwrap(),
        "-o",
        crawl_out.to_str().unwrap(),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let (status, _, err) = crate::support::process::wait_with_limit(child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "{err}");
    let crawled: Vec<Value> = std::fs::read_to_string(&crawl_out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(crawled.len() >= 5, "{}", crawled.len());
    // every request the server answered is in the archive: robots.txt, sitemaps, pages
    let files: Vec<_> = std::fs::read_dir(&warc_dir).unwrap().flatten().collect();
    assert!(!files.is_empty());
    assert!(
        err.contains(&format!("archived {} responses", site.requests().len())),
        "{err}"
    );

    let replay = khabar()
        .args(["--config"])
        .arg(crate::support::config_path())
        .arg("extract")
        .arg(&warc_dir)
        .output()
        .unwrap();
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));
    // extract writes a record for every HTML page; the crawl wrote the article pages'
    let replayed: BTreeMap<String, Value> = records(&replay)
        .into_iter()
        .map(|r| (r["url"].as_str().unwrap().to_string(), r))
        .collect();
    for r in &crawled {
        let url = r["url"].as_str().unwrap();
        let again = replayed
            .get(url)
            .unwrap_or_else(|| panic!("{url} not in the replay"));
        assert_eq!(again["source"]["kind"], "warc");
        assert_eq!(content(r), content(again), "{url}");
    }
}

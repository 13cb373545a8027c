//! Feeds and sitemaps to the letter (issue 23), through the command line against a site on
//! 127.0.0.1 whose every answer (body and media type) the test sets: JSON Feed 1.0 and 1.1,
//! RSS 1.0, `guid` and Atom `id` permalinks, text sitemaps, the protocol's 50,000-entry
//! and 50 MB limits, `hreflang` alternates, child sitemaps not read again while their
//! `<lastmod>` stays, and the dates feeds and news sitemaps give articles without one.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::pages::{article, config, config_with, read_request};
use crate::support::process::wait_with_limit;

// ---------------------------------------------------------------------------------------
// the site

/// An answer: its media type and body.
type Answer = (String, Arc<Vec<u8>>);

/// A site on 127.0.0.1 that answers each path with what the test set for it (media type
/// and body), a small HTML page under `/p/`, 404 otherwise, and logs every path asked for.
#[derive(Clone, Default)]
struct Site {
    pages: Arc<Mutex<HashMap<String, Answer>>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Site {
    fn start() -> (Site, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let site = Site::default();
        let s = site.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || s.serve(stream));
            }
        });
        (site, base)
    }

    fn set(&self, path: &str, media_type: &str, body: impl Into<Vec<u8>>) {
        self.pages
            .lock()
            .unwrap()
            .insert(path.into(), (media_type.into(), Arc::new(body.into())));
    }

    /// An article page at `/news/ID-story` (its own date in `<meta>` when `date` is given).
    fn article(&self, base: &str, id: u32, date: Option<&str>) {
        let mut page = article(base, id, &format!("نص الخبر رقم {id}"));
        if let Some(d) = date {
            page = page.replace(
                "<head>",
                &format!(r#"<head><meta property="article:published_time" content="{d}">"#),
            );
        }
        self.set(
            &format!("/news/{id}-story"),
            "text/html; charset=utf-8",
            page,
        );
    }

    fn count(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        loop {
            let Some((path, _host)) = read_request(&mut reader, "host") else {
                return;
            };
            self.log.lock().unwrap().push(path.clone());
            let page = self.pages.lock().unwrap().get(&path).cloned().or_else(|| {
                path.starts_with("/p/").then(|| {
                    let page = b"<!DOCTYPE html><html><body><p>a page</p></body></html>";
                    ("text/html".to_string(), Arc::new(page.to_vec()))
                })
            });
            let (head, body) = match page {
                Some((media_type, body)) => (
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {media_type}\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    ),
                    body,
                ),
                None => (
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 8\r\n\r\n".to_string(),
                    Arc::new(b"not here".to_vec()),
                ),
            };
            let mut out = &stream;
            if out.write_all(head.as_bytes()).is_err() || out.write_all(&body).is_err() {
                return;
            }
            let _ = out.flush();
        }
    }
}

// ---------------------------------------------------------------------------------------
// crawling it

struct Crawl {
    code: Option<i32>,
    records: Vec<serde_json::Value>,
    err: String,
}

impl Crawl {
    /// The records' addresses, by path, sorted.
    fn paths(&self) -> BTreeSet<String> {
        self.records
            .iter()
            .map(|r| {
                let url = r["url"].as_str().unwrap();
                url[url.find("/news/").unwrap()..].to_string()
            })
            .collect()
    }

    /// The record of `/news/ID-story`.
    fn record(&self, id: u32) -> &serde_json::Value {
        let path = format!("/news/{id}-story");
        self.records
            .iter()
            .find(|r| r["url"].as_str().unwrap().ends_with(&path))
            .unwrap_or_else(|| panic!("no record of {path}: {}", self.err))
    }

    /// The count the summary gives a reason for not fetching (0 when not given).
    fn skipped(&self, reason: &str) -> u64 {
        let Some(line) = self.err.lines().find(|l| l.contains("not fetched: ")) else {
            return 0;
        };
        let Some(at) = line.find(&format!("{reason} ")) else {
            return 0;
        };
        line[at + reason.len() + 1..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// `khabar --config CFG crawl --rate 0 ARGS…`, within a minute.
fn crawl(cfg: &Path, args: &[&str]) -> Crawl {
    let child = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(cfg)
        .args(["crawl", "--rate", "0", "--timeout", "10"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, out, err) = wait_with_limit(child, Duration::from_secs(90));
    let records = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    Crawl {
        code: status.code(),
        records,
        err,
    }
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

// ---------------------------------------------------------------------------------------
// feeds

/// JSON Feed 1.1 (`application/feed+json`) and 1.0 (`application/json`, slashes escaped as
/// PHP writes them): each item's `url`, else its `id` when that is an address, else its
/// `external_url`, which names a page elsewhere and is fetched only within the scope.
#[test]
fn json_feeds_lead_to_their_items_articles() {
    let (site, base) = Site::start();
    for id in 1..=5 {
        site.article(&base, id, None);
    }
    site.set(
        "/feed.json",
        "application/feed+json",
        format!(
            r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "x",
                "home_page_url": "{base}/", "feed_url": "{base}/feed.json", "items": [
                {{"id": "1", "url": "{base}/news/1-story", "content_html": "<p>one</p>",
                  "date_published": "2024-03-27T10:00:00+03:00"}},
                {{"id": "{base}/news/2-story", "content_text": "two"}},
                {{"id": 3, "external_url": "http://elsewhere.invalid/3"}},
                {{"id": "tag:x,2024:4", "content_text": "no address of its own"}}
            ]}}"#
        ),
    );
    let escaped = base.replace('/', "\\/");
    site.set(
        "/feed-1.0.json",
        "application/json",
        format!(
            r#"{{"version":"https:\/\/jsonfeed.org\/version\/1","title":"x","items":[{{"id":"5","url":"{escaped}\/news\/5-story"}}]}}"#
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let c = crawl(
        &config(dir.path()),
        &[
            "--no-state",
            &format!("{base}/feed.json"),
            &format!("{base}/feed-1.0.json"),
        ],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(
        c.paths(),
        set(&["/news/1-story", "/news/2-story", "/news/5-story"]),
        "{}",
        c.err
    );
    assert_eq!(c.skipped("off-scope host"), 1, "{}", c.err);
    assert!(!c.err.contains("not html"), "{}", c.err);
}

/// RSS 1.0 (RDF) items, an RSS 2.0 item with a `guid` and no `link` (a permalink unless
/// `isPermaLink="false"`), an Atom entry with an `id` address and no `link`.
#[test]
fn rss_1_items_and_guid_and_atom_id_permalinks_lead_to_their_articles() {
    let (site, base) = Site::start();
    for id in 1..=9 {
        site.article(&base, id, None);
    }
    site.set(
        "/rdf.xml",
        "application/rdf+xml",
        format!(
            r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{base}/"><title>x</title><link>{base}/</link><description>x</description>
    <items><rdf:Seq><rdf:li rdf:resource="{base}/news/1-story"/><rdf:li rdf:resource="{base}/news/2-story"/></rdf:Seq></items>
  </channel>
  <item rdf:about="{base}/news/1-story"><title>One</title><link>{base}/news/1-story</link><dc:date>2024-03-27T10:00:00Z</dc:date></item>
  <item rdf:about="{base}/news/2-story"><title>Two</title></item>
</rdf:RDF>"#
        ),
    );
    site.set(
        "/rss.xml",
        "application/rss+xml",
        format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><link>{base}/</link>
<item><title>Three</title><guid>{base}/news/3-story</guid></item>
<item><title>Not a permalink</title><guid isPermaLink="false">{base}/news/9-story</guid></item>
<item><title>Four</title><link>{base}/news/4-story</link><guid isPermaLink="false">a-4</guid></item>
</channel></rss>"#
        ),
    );
    site.set(
        "/atom.xml",
        "application/atom+xml",
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>x</title><id>{base}/</id><updated>2024-03-28T00:00:00Z</updated>
<entry><title>Five</title><id>{base}/news/5-story</id><updated>2024-03-28T00:00:00Z</updated></entry>
<entry><title>Six</title><id>tag:x,2024:6</id><link rel="alternate" href="{base}/news/6-story"/>
  <link rel="enclosure" href="{base}/news/7-story"/><updated>2024-03-28T00:00:00Z</updated></entry>
</feed>"#
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let c = crawl(
        &config(dir.path()),
        &[
            "--no-state",
            &format!("{base}/rdf.xml"),
            &format!("{base}/rss.xml"),
            &format!("{base}/atom.xml"),
        ],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(
        c.paths(),
        set(&[
            "/news/1-story",
            "/news/2-story",
            "/news/3-story",
            "/news/4-story",
            "/news/5-story",
            "/news/6-story"
        ]),
        "{}",
        c.err
    );
    assert_eq!(site.count("/news/9-story"), 0, "isPermaLink=\"false\"");
    assert_eq!(site.count("/news/7-story"), 0, "an enclosure is no article");
}

// ---------------------------------------------------------------------------------------
// sitemaps

/// A text sitemap (`text/plain`, one address a line), and one gzipped: a line that is no
/// address is passed over and said.
#[test]
fn text_sitemaps_lead_to_their_pages() {
    let (site, base) = Site::start();
    for id in 1..=3 {
        site.article(&base, id, None);
    }
    site.set(
        "/sitemap.txt",
        "text/plain; charset=utf-8",
        format!("{base}/news/1-story\n\n{base}/news/2-story\r\n# not an address\n"),
    );
    site.set(
        "/sitemap-2.txt.gz",
        "application/x-gzip",
        gzip(format!("{base}/news/3-story\n").as_bytes()),
    );
    let dir = tempfile::tempdir().unwrap();
    let c = crawl(
        &config(dir.path()),
        &[
            "--no-state",
            &format!("{base}/sitemap.txt"),
            &format!("{base}/sitemap-2.txt.gz"),
        ],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(
        c.paths(),
        set(&["/news/1-story", "/news/2-story", "/news/3-story"]),
        "{}",
        c.err
    );
    assert!(
        c.err.contains(&format!(
            "{base}/sitemap.txt: line 4: not an http(s) address, in a text sitemap: passed over"
        )),
        "{}",
        c.err
    );
}

/// A URL set of `n` short entries.
fn urlset(base: &str, n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for i in 0..n {
        s.push_str(&format!("<url><loc>{base}/p/{i}</loc></url>\n"));
    }
    s.push_str("</urlset>\n");
    s
}

/// 50,000 entries are the protocol's limit: all are taken (here, all but the page budget
/// counted as not fetched for it); one more is counted and said.
#[test]
fn a_sitemap_of_50000_entries_is_read_whole_and_one_more_is_counted_and_said() {
    let (site, base) = Site::start();
    site.set("/50000.xml", "application/xml", urlset(&base, 50_000));
    site.set("/50001.xml", "application/xml", urlset(&base, 50_001));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let c = crawl(
        &cfg,
        &[
            "--no-state",
            "--max-pages",
            "3",
            &format!("{base}/50000.xml"),
        ],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert!(!c.err.contains("past 50,000"), "{}", c.err);
    assert!(!c.err.contains("more entries than"), "{}", c.err);
    let fetched = site
        .take_log()
        .iter()
        .filter(|p| p.starts_with("/p/"))
        .count() as u64;
    assert_eq!(fetched + c.skipped("max-pages"), 50_000, "{}", c.err);

    let c = crawl(
        &cfg,
        &[
            "--no-state",
            "--max-pages",
            "3",
            &format!("{base}/50001.xml"),
        ],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(c.skipped("sitemap entries past 50,000"), 1, "{}", c.err);
    assert!(
        c.err.contains(&format!(
            "{base}/50001.xml: more entries than the sitemap protocol's 50,000: the first 50,000 are read, the 1 past them are not"
        )),
        "{}",
        c.err
    );
}

/// `<xhtml:link rel="alternate" hreflang="…">` pages are followed as the sitemap's own,
/// each once, and only within the crawl's scope.
#[test]
fn hreflang_alternates_are_followed_within_the_scope() {
    let (site, base) = Site::start();
    for id in 1..=5 {
        site.article(&base, id, None);
    }
    site.set(
        "/sitemap.xml",
        "application/xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url><loc>{base}/news/1-story</loc>
    <xhtml:link rel="alternate" hreflang="ar" href="{base}/news/1-story"/>
    <xhtml:link rel="alternate" hreflang="en" href="{base}/news/2-story"/>
    <xhtml:link rel="alternate" hreflang="fr" href="http://elsewhere.invalid/fr/1"/>
    <xhtml:link rel="alternate" hreflang="x-default" href="/news/4-story"/>
  </url>
  <url><loc>{base}/news/5-story</loc>
    <xhtml:link rel="alternate" hreflang="en" href="{base}/news/2-story"/>
  </url>
</urlset>"#
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let c = crawl(
        &config(dir.path()),
        &["--no-state", &format!("{base}/sitemap.xml")],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(
        c.paths(),
        set(&[
            "/news/1-story",
            "/news/2-story",
            "/news/4-story",
            "/news/5-story"
        ]),
        "{}",
        c.err
    );
    assert_eq!(site.count("/news/2-story"), 1);
    assert_eq!(c.skipped("off-scope host"), 1, "{}", c.err);
}

/// A news sitemap's entry, some 350 bytes, as a big news site writes it.
fn news_entry(base: &str, i: usize) -> String {
    format!(
        "<url><loc>{base}/p/{}</loc><lastmod>2024-03-27T10:00:00+03:00</lastmod>\
         <news:news><news:publication><news:name>Asharq Al-Awsat</news:name>\
         <news:language>ar</news:language></news:publication>\
         <news:publication_date>2024-03-27T10:00:00+03:00</news:publication_date>\
         <news:title>خبر {i}</news:title></news:news></url>\n",
        100_000 + i,
    )
}

fn news_sitemap(entries: impl Iterator<Item = String>) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for e in entries {
        s.push_str(&e);
    }
    s.push_str("</urlset>\n");
    s.into_bytes()
}

/// A 17 MB sitemap of 50,000 URLs is within the protocol's limits, and read with the
/// default `max_body_bytes` (10 MiB, for pages): as a sitemap the config names, and as a
/// seed.
#[test]
fn a_17_mb_sitemap_of_50000_urls_is_read_with_the_default_limits() {
    let (site, base) = Site::start();
    let body = news_sitemap((0..50_000).map(|i| news_entry(&base, i)));
    assert!((16 << 20..18 << 20).contains(&body.len()), "{}", body.len());
    site.set("/news-sitemap.xml", "application/xml", body);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(
        dir.path(),
        &format!("sitemaps = [\"{base}/news-sitemap.xml\"]"),
    );
    for args in [
        vec!["--no-state", "--max-pages", "2"],
        vec![
            "--no-state",
            "--max-pages",
            "2",
            &format!("{base}/news-sitemap.xml"),
        ],
    ] {
        let c = crawl(&cfg, &args);
        assert_eq!(c.code, Some(0), "{}", c.err);
        assert!(!c.err.contains("too-large"), "{}", c.err);
        let fetched = site
            .take_log()
            .iter()
            .filter(|p| p.starts_with("/p/"))
            .count() as u64;
        assert_eq!(fetched + c.skipped("max-pages"), 50_000, "{}", c.err);
    }
}

/// Past 50 MB (uncompressed) a sitemap is not read, and the summary says why; gzipped, it
/// is not inflated past 50 MB either.
#[test]
fn a_sitemap_past_50_mb_is_refused_with_the_reason() {
    let (site, base) = Site::start();
    // 40,000 entries of some 1.4 KB: within the entry limit, past the size limit
    let long = |i: usize| {
        news_entry(&base, i).replace(
            "</news:title>",
            &format!("{}</news:title>", "ـ".repeat(500)),
        )
    };
    let body = news_sitemap((0..40_000).map(long));
    assert!(
        body.len() > 52_428_800 && body.len() < 60 << 20,
        "{}",
        body.len()
    );
    site.set("/big.xml.gz", "application/x-gzip", gzip(&body));
    site.set("/big.xml", "application/xml", body);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(
        dir.path(),
        &format!(
            "seeds = [\"{base}/p/home\"]\nsitemaps = [\"{base}/big.xml\", \"{base}/big.xml.gz\"]"
        ),
    );
    let c = crawl(&cfg, &["--no-state", "--max-pages", "2"]);
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert!(c.records.is_empty());
    assert!(
        c.err.contains(
            "sitemap larger than the protocol's 50 MB (52428800 bytes uncompressed): not read"
        ),
        "{}",
        c.err
    );
    assert_eq!(
        site.take_log()
            .iter()
            .filter(|p| p.starts_with("/p/1"))
            .count(),
        0,
        "no page of it was fetched"
    );
}

/// With a crawl state, a child sitemap of an index is not fetched again while the index
/// gives it the `<lastmod>` it had when a run read it; one whose `<lastmod>` changed is.
/// Without a state (`--no-state`) every child is read.
#[test]
fn child_sitemaps_whose_lastmod_has_not_changed_are_not_fetched_again() {
    let (site, base) = Site::start();
    for id in 1..=4 {
        site.article(&base, id, None);
    }
    let index = |a: &str, b: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-a.xml</loc><lastmod>{a}</lastmod></sitemap>
  <sitemap><loc>{base}/sitemap-b.xml</loc><lastmod>{b}</lastmod></sitemap>
  <sitemap><loc>{base}/sitemap-c.xml</loc></sitemap>
</sitemapindex>"#
        )
    };
    let set_of = |ids: &[u32]| {
        let mut s = String::from("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
        for id in ids {
            s.push_str(&format!("<url><loc>{base}/news/{id}-story</loc></url>"));
        }
        s + "</urlset>"
    };
    site.set("/sitemap-a.xml", "application/xml", set_of(&[1, 2]));
    site.set("/sitemap-b.xml", "application/xml", set_of(&[3]));
    site.set("/sitemap-c.xml", "application/xml", set_of(&[4]));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let state = state.to_str().unwrap();
    let seed = format!("{base}/sitemap-index.xml");
    let children = |site: &Site| {
        let log = site.take_log();
        ["a", "b", "c"]
            .into_iter()
            .filter(|c| log.contains(&format!("/sitemap-{c}.xml")))
            .collect::<Vec<_>>()
    };

    site.set(
        "/sitemap-index.xml",
        "application/xml",
        index("2024-03-27", "2024-03-27T10:00:00+03:00"),
    );
    let c = crawl(&cfg, &["--state", state, &seed]);
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(c.records.len(), 4, "{}", c.err);
    assert_eq!(children(&site), ["a", "b", "c"]);

    // the same lastmods (b's written another way): only c, which has none, is read
    site.set(
        "/sitemap-index.xml",
        "application/xml",
        index("2024-03-27", "2024-03-27T07:00:00Z"),
    );
    let c = crawl(&cfg, &["--state", state, &seed]);
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(children(&site), ["c"], "{}", c.err);
    assert_eq!(
        c.skipped("sitemap unchanged since read (lastmod)"),
        2,
        "{}",
        c.err
    );

    // a's changed
    site.set(
        "/sitemap-index.xml",
        "application/xml",
        index("2024-03-28", "2024-03-27T07:00:00Z"),
    );
    let c = crawl(&cfg, &["--state", state, &seed]);
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(children(&site), ["a", "c"], "{}", c.err);

    // no state: everything
    let c = crawl(&cfg, &["--no-state", &seed]);
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(children(&site), ["a", "b", "c"], "{}", c.err);
}

/// An article page without a date of its own takes its feed item's (RSS `pubDate`, Atom
/// `published`, JSON Feed `date_published`) or its news sitemap entry's
/// (`news:publication_date`), and says so in `extraction.sources`; a page with its own
/// date keeps it.
#[test]
fn feed_and_news_sitemap_dates_fill_articles_without_one() {
    let (site, base) = Site::start();
    for id in 1..=4 {
        site.article(&base, id, None);
    }
    site.article(&base, 5, Some("2020-01-01T08:00:00+00:00"));
    site.set(
        "/rss.xml",
        "application/rss+xml",
        format!(
            r#"<rss version="2.0"><channel><title>x</title>
<item><link>{base}/news/1-story</link><pubDate>Wed, 27 Mar 2024 10:00:00 GMT</pubDate></item>
<item><link>{base}/news/5-story</link><pubDate>Wed, 27 Mar 2024 10:00:00 GMT</pubDate></item>
</channel></rss>"#
        ),
    );
    site.set(
        "/atom.xml",
        "application/atom+xml",
        format!(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><link href="{base}/news/2-story"/><published>2024-03-27T11:00:00+03:00</published><updated>2024-03-28T09:00:00+03:00</updated></entry>
</feed>"#
        ),
    );
    site.set(
        "/feed.json",
        "application/feed+json",
        format!(
            r#"{{"version": "https://jsonfeed.org/version/1.1", "items": [
                {{"id": "3", "url": "{base}/news/3-story", "date_published": "2024-03-27T12:00:00Z"}}]}}"#
        ),
    );
    site.set(
        "/news-sitemap.xml",
        "application/xml",
        news_sitemap(std::iter::once(
            format!(
                "<url><loc>{base}/news/4-story</loc><news:news><news:publication><news:name>x</news:name>\
                 <news:language>ar</news:language></news:publication>\
                 <news:publication_date>2024-03-27</news:publication_date><news:title>t</news:title></news:news></url>"
            ),
        )),
    );
    let dir = tempfile::tempdir().unwrap();
    let c = crawl(
        &config(dir.path()),
        &[
            "--no-state",
            &format!("{base}/rss.xml"),
            &format!("{base}/atom.xml"),
            &format!("{base}/feed.json"),
            &format!("{base}/news-sitemap.xml"),
        ],
    );
    assert_eq!(c.code, Some(0), "{}", c.err);
    assert_eq!(c.records.len(), 5, "{}", c.err);
    let dates = |id: u32| {
        let r = c.record(id);
        (
            r["published_at"].as_str().map(str::to_string),
            r["extraction"]["sources"]["published_at"]
                .as_str()
                .map(str::to_string),
        )
    };
    let some = |d: &str, from: &str| (Some(d.to_string()), Some(from.to_string()));
    assert_eq!(dates(1), some("2024-03-27T10:00:00+00:00", "feed"));
    assert_eq!(dates(2), some("2024-03-27T11:00:00+03:00", "feed"));
    assert_eq!(
        c.record(2)["modified_at"].as_str(),
        Some("2024-03-28T09:00:00+03:00")
    );
    assert_eq!(dates(3), some("2024-03-27T12:00:00+00:00", "feed"));
    // a bare date, read in the profile's zone (none: UTC)
    assert_eq!(dates(4), some("2024-03-27T00:00:00+00:00", "news-sitemap"));
    // the page's own date wins over the feed's
    assert_eq!(dates(5).0.as_deref(), Some("2020-01-01T08:00:00+00:00"));
    assert_ne!(dates(5).1.as_deref(), Some("feed"));
}

//! CC-NEWS by date range (issue 25), against a server of the tests' own on 127.0.0.1 that
//! serves a CC-NEWS-shaped tree written here with khabar-warc: two months of
//! `warc.paths.gz`, four archives (two of them in the range 2024-02-28 to 2024-03-01),
//! pages of example.com (and www.), other.org, notexample.com and one aawsat.com page the
//! built-in configuration's profile covers. The server can cut a transfer off, stall it,
//! answer 503 with Retry-After, and ignore Range requests; it logs every request.
//!
//! Nothing here talks to anything but 127.0.0.1 (never to data.commoncrawl.org).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use chrono::NaiveDate;
use khabar::config::Config;
use khabar_crawl::ccnews::{
    CcNewsOptions, CcNewsSummary, HttpOptions, NoCcNewsProgress, RemoteArchives, run_ccnews,
};
use khabar_crawl::output::{Destination, OutputFormat};
use khabar_crawl::run::{ExtractOptions, run_extract};
use khabar_crawl::source::{FileSource, InputItem};
use khabar_extract::Extractor;
use khabar_warc::{Exchange, WarcWriter, WriterOptions};
use serde_json::Value;

use crate::common::{fixture, khabar};
use crate::support::pages::read_request;
use crate::support::process::wait_with_limit;

const FEB: &str = "crawl-data/CC-NEWS/2024/02/";
const MAR: &str = "crawl-data/CC-NEWS/2024/03/";
/// 2024-02-27 23:00: before the range.
const A1: &str = "crawl-data/CC-NEWS/2024/02/CC-NEWS-20240227230000-00001.warc.gz";
/// 2024-02-28 12:00: in it.
const A2: &str = "crawl-data/CC-NEWS/2024/02/CC-NEWS-20240228120000-00002.warc.gz";
/// 2024-03-01 00:15: in it.
const A3: &str = "crawl-data/CC-NEWS/2024/03/CC-NEWS-20240301001500-00003.warc.gz";
/// 2024-03-02 00:00: after it.
const A4: &str = "crawl-data/CC-NEWS/2024/03/CC-NEWS-20240302000000-00004.warc.gz";

const AAWSAT: &str = "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A/5083812-x";

// ---------------------------------------------------------------------------------------
// the tree

/// An article page of `url`, about 12 KB of varied words (so its gzip member is a few KB).
fn article(url: &str, n: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(n);
    const WORDS: &[&str] = &[
        "council", "river", "budget", "minister", "harbour", "election", "storm", "market",
        "school", "bridge", "festival", "court", "energy", "village", "report", "science",
    ];
    let mut paras = String::new();
    for _ in 0..12 {
        let words: Vec<&str> = (0..150).map(|_| WORDS[rng.usize(..WORDS.len())]).collect();
        paras.push_str(&format!("<p>{}.</p>\n", words.join(" ")));
    }
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Story {n} | The News</title><link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-02-28T10:00:00Z"></head>
<body><header><a href="/">Home</a></header><article><h1>Story number {n}</h1>
<p class="byline">By A. Writer</p>{paras}</article><footer>(c) The News</footer></body></html>"#
    )
    .into_bytes()
}

/// The responses of one archive: (url, status, content type, body).
type Responses = Vec<(String, u16, &'static str, Vec<u8>)>;

fn responses(serial: u64, aawsat: bool) -> Responses {
    let html = "text/html; charset=utf-8";
    let mut r: Responses = Vec::new();
    let n = serial * 100;
    r.push((
        format!("https://example.com/news/{}", n + 1),
        200,
        html,
        vec![],
    ));
    r.push((
        format!("https://other.org/story/{}", n + 2),
        200,
        html,
        vec![],
    ));
    r.push((
        format!("https://www.example.com/news/{}", n + 3),
        200,
        html,
        vec![],
    ));
    r.push((
        format!("https://notexample.com/a/{}", n + 4),
        200,
        html,
        vec![],
    ));
    r.push((
        format!("https://example.com/gone/{}", n + 5),
        404,
        html,
        vec![],
    ));
    r.push((
        format!("https://example.com/logo{}.png", n + 6),
        200,
        "image/png",
        b"\x89PNG\r\n".to_vec(),
    ));
    if aawsat {
        r.push((
            AAWSAT.to_string(),
            200,
            html,
            std::fs::read(fixture("seed.html")).unwrap(),
        ));
    }
    r.push((
        format!("https://other.org/story/{}", n + 7),
        200,
        html,
        vec![],
    ));
    r.push((
        format!("https://news.example.com/live/{}", n + 8),
        200,
        html,
        vec![],
    ));
    r.push((
        format!("https://example.com/news/{}", n + 9),
        200,
        html,
        vec![],
    ));
    for (i, (url, status, _, body)) in r.iter_mut().enumerate() {
        if body.is_empty() {
            *body = if *status == 200 {
                article(url, n + i as u64)
            } else {
                b"<p>not found".to_vec()
            };
        }
    }
    r
}

/// One `.warc.gz` (a gzip member per record) of `responses`, as written by khabar-warc.
fn write_archive(responses: &Responses) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WarcWriter::new(dir.path(), WriterOptions::default()).unwrap();
    for (url, status, ctype, body) in responses {
        let headers = vec![("Content-Type".to_string(), ctype.to_string())];
        w.write_exchange(&Exchange::new(
            url,
            *status,
            &headers,
            body,
            SystemTime::now(),
        ))
        .unwrap();
    }
    let files = w.finish().unwrap();
    assert_eq!(files.len(), 1);
    std::fs::read(&files[0]).unwrap()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// The tree: path → bytes, and the pages of each archive.
struct Tree {
    files: BTreeMap<String, Vec<u8>>,
    pages: BTreeMap<&'static str, Responses>,
}

fn tree() -> Tree {
    let mut files = BTreeMap::new();
    let mut pages = BTreeMap::new();
    for (i, path) in [A1, A2, A3, A4].into_iter().enumerate() {
        let r = responses(i as u64 + 1, path == A3);
        files.insert(path.to_string(), write_archive(&r));
        pages.insert(path, r);
    }
    files.insert(
        format!("{FEB}warc.paths.gz"),
        gzip(&format!("{A2}\n{A1}\n")),
    );
    files.insert(
        format!("{MAR}warc.paths.gz"),
        gzip(&format!("{A3}\n{A4}\n")),
    );
    Tree { files, pages }
}

impl Tree {
    /// The addresses of the HTML pages of `archives` whose host passes `keep`.
    fn urls(&self, archives: &[&str], keep: impl Fn(&str) -> bool) -> BTreeSet<String> {
        archives
            .iter()
            .flat_map(|a| self.pages[a].iter())
            .filter(|(u, status, ctype, _)| {
                *status == 200 && ctype.starts_with("text/html") && keep(u)
            })
            .map(|(u, ..)| u.clone())
            .collect()
    }

    fn write_to(&self, dir: &Path) {
        for (path, bytes) in &self.files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
}

fn on_example(u: &str) -> bool {
    let host = url::Url::parse(u).unwrap().host_str().unwrap().to_string();
    host == "example.com" || host.ends_with(".example.com")
}

// ---------------------------------------------------------------------------------------
// the server

/// What the server does wrong for one path.
#[derive(Clone, Default)]
struct Faults {
    /// Cut the connection after this many bytes of the body…
    cut_after: Option<u64>,
    /// …this many times.
    cuts: usize,
    /// Answer 503 with `Retry-After: 1` to this many requests first.
    busy: usize,
    /// Answer Range requests with the whole file (200).
    ignore_range: bool,
    /// Send this many bytes of the body, then wait (until the faults are cleared).
    stall_after: Option<u64>,
}

#[derive(Clone, Debug)]
struct Hit {
    path: String,
    range: Option<String>,
    status: u16,
}

#[derive(Clone)]
struct Server {
    base: String,
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    faults: Arc<Mutex<HashMap<String, Faults>>>,
    log: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    fn start(files: BTreeMap<String, Vec<u8>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            base: format!("http://{}/", listener.local_addr().unwrap()),
            files: Arc::new(Mutex::new(files)),
            faults: Arc::default(),
            log: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || s.serve(stream));
            }
        });
        server
    }

    fn fault(&self, path: &str, f: Faults) {
        self.faults.lock().unwrap().insert(path.to_string(), f);
    }

    fn clear_faults(&self) {
        self.faults.lock().unwrap().clear();
    }

    fn hits(&self, path: &str) -> Vec<Hit> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }

    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        loop {
            let Some((target, range)) = read_request(&mut reader, "range") else {
                return;
            };
            let path = target.trim_start_matches('/').to_string();
            let body = self.files.lock().unwrap().get(&path).cloned();
            let mut faults = self
                .faults
                .lock()
                .unwrap()
                .get(&path)
                .cloned()
                .unwrap_or_default();
            let log = |status| {
                self.log.lock().unwrap().push(Hit {
                    path: path.clone(),
                    range: range.clone(),
                    status,
                })
            };
            let mut out = &stream;
            let Some(body) = body else {
                log(404);
                let _ =
                    out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot here\n");
                continue;
            };
            if faults.busy > 0 {
                faults.busy -= 1;
                self.faults
                    .lock()
                    .unwrap()
                    .insert(path.clone(), faults.clone());
                log(503);
                let _ = out.write_all(
                    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 5\r\n\r\nbusy\n",
                );
                continue;
            }
            let start = range
                .as_deref()
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|_| !faults.ignore_range);
            let total = body.len();
            let (status, head, part) = match start {
                Some(s) if s >= total => {
                    log(416);
                    let _ = out.write_all(
                        format!("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{total}\r\nContent-Length: 0\r\n\r\n")
                            .as_bytes(),
                    );
                    continue;
                }
                Some(s) => (
                    206,
                    format!(
                        "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {s}-{}/{total}\r\n",
                        total - 1
                    ),
                    &body[s..],
                ),
                None => (200, "HTTP/1.1 200 OK\r\n".to_string(), &body[..]),
            };
            log(status);
            let head = format!(
                "{head}Accept-Ranges: bytes\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
                part.len()
            );
            if out.write_all(head.as_bytes()).is_err() {
                return;
            }
            if let Some(cut) = faults.cut_after.filter(|_| faults.cuts > 0) {
                faults.cuts -= 1;
                self.faults
                    .lock()
                    .unwrap()
                    .insert(path.clone(), faults.clone());
                let n = (cut as usize).min(part.len());
                let _ = out.write_all(&part[..n]);
                let _ = out.flush();
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            if let Some(stall) = faults.stall_after {
                let n = (stall as usize).min(part.len());
                if out.write_all(&part[..n]).is_err() {
                    return;
                }
                let _ = out.flush();
                // wait for the faults to be cleared, then end the connection (the client
                // takes the transfer up again if it is still there)
                while self
                    .faults
                    .lock()
                    .unwrap()
                    .get(&path)
                    .is_some_and(|f| f.stall_after.is_some())
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            if out.write_all(part).is_err() {
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// running it

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn extractor() -> Extractor {
    Extractor::new(Config::builtin().profiles, None).unwrap()
}

/// Options for a quick run of the range 2024-02-28 to 2024-03-01 on example.com, with a
/// state in `dir`.
fn options(source: &str, dir: &Path) -> CcNewsOptions {
    let mut o = CcNewsOptions::new(date("2024-02-28"), date("2024-03-01"));
    o.source = source.to_string();
    o.hosts = vec!["example.com".into()];
    o.jobs = 2;
    o.connections = 2;
    o.state = Some(dir.join("ccnews.db"));
    o.http = HttpOptions {
        timeout: Duration::from_secs(5),
        retries: 3,
        backoff: Duration::from_millis(50),
        ..HttpOptions::default()
    };
    o
}

/// Runs with the library, appending records to `out`.
fn run(opts: &CcNewsOptions, out: &Path) -> CcNewsSummary {
    let mut sink = Destination::File(out.to_path_buf())
        .open(&OutputFormat::ndjson())
        .unwrap();
    run_ccnews(&extractor(), opts, sink.as_mut(), &mut NoCcNewsProgress).expect("the run starts")
}

fn records(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "the output ends mid-line"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn urls(recs: &[Value]) -> BTreeSet<String> {
    recs.iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

/// Fails when a record (by id) was written twice.
fn assert_once(recs: &[Value]) {
    let mut seen = BTreeSet::new();
    for r in recs {
        let id = r["id"].as_str().unwrap();
        assert!(seen.insert(id.to_string()), "written twice: {}", r["url"]);
    }
}

/// The records of a run with no fault: the reference the others are held to.
fn reference(tree: &Tree) -> Vec<Value> {
    let server = Server::start(tree.files.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    let s = run(&options(&server.base, dir.path()), &out);
    assert!(s.all_ok(), "{s:?}");
    records(&out)
}

fn ids(recs: &[Value]) -> BTreeSet<String> {
    recs.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// the tests

#[test]
fn a_date_range_across_a_month_boundary_reads_its_archives_and_keeps_the_hosts_asked_for() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    let s = run(&options(&server.base, dir.path()), &out);
    assert!(s.all_ok(), "{s:?}");
    assert_eq!((s.months, s.archives, s.archives_done), (2, 2, 2), "{s:?}");
    let recs = records(&out);
    assert_once(&recs);
    // example.com and its subdomains (www., news.), in the two archives of the range only
    let want = tree.urls(&[A2, A3], on_example);
    assert_eq!(want.len(), 8);
    assert_eq!(urls(&recs), want);
    assert_eq!(s.pages, 8);
    assert_eq!(s.records, recs.len() as u64);
    for r in &recs {
        let src = &r["source"];
        assert_eq!(src["kind"], "warc");
        let file = src["file"].as_str().unwrap();
        assert!(
            file == format!("{}{A2}", server.base) || file == format!("{}{A3}", server.base),
            "{file}"
        );
        assert!(src["offset"].as_u64().is_some() && src["record_id"].is_string());
    }
    // each archive's records in file order
    let offsets: Vec<u64> = recs
        .iter()
        .filter(|r| r["source"]["file"].as_str().unwrap().ends_with(A3))
        .map(|r| r["source"]["offset"].as_u64().unwrap())
        .collect();
    assert!(offsets.is_sorted(), "{offsets:?}");
    // the archives out of the range are not even asked for
    assert!(server.hits(A1).is_empty() && server.hits(A4).is_empty());
    assert_eq!(server.hits(A2).len(), 1);
}

#[test]
fn other_hosts_and_the_profiles_option() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    let dir = tempfile::tempdir().unwrap();

    let out = dir.path().join("other.ndjson");
    let mut o = options(&server.base, dir.path());
    o.hosts = vec!["OTHER.org".into()];
    let s = run(&o, &out);
    assert!(s.all_ok(), "{s:?}");
    let want = tree.urls(&[A2, A3], |u| u.contains("://other.org/"));
    assert_eq!(want.len(), 4);
    assert_eq!(urls(&records(&out)), want);

    // --profiles alone: the aawsat page (two articles on it), nothing else
    let out = dir.path().join("profiles.ndjson");
    let mut o = options(&server.base, dir.path());
    o.hosts = vec![];
    o.profiles_hosts = true;
    let s = run(&o, &out);
    assert!(s.all_ok(), "{s:?}");
    assert_eq!(s.pages, 1, "{s:?}");
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for r in &recs {
        assert!(
            r["url"]
                .as_str()
                .unwrap()
                .starts_with("https://aawsat.com/"),
            "{}",
            r["url"]
        );
        assert_eq!(r["extraction"]["profile"], "aawsat", "{}", r["extraction"]);
        assert!(r["source"]["offset"].as_u64().is_some());
    }

    // both: the hosts asked for and those of the profiles
    let out = dir.path().join("both.ndjson");
    let mut o = options(&server.base, dir.path());
    o.hosts = vec!["other.org".into()];
    o.profiles_hosts = true;
    let s = run(&o, &out);
    assert_eq!(s.pages, 5, "{s:?}");
}

#[test]
fn a_transfer_cut_off_mid_archive_is_taken_up_with_a_range_request_and_nothing_twice() {
    let tree = tree();
    let want = reference(&tree);
    for ignore_range in [false, true] {
        let server = Server::start(tree.files.clone());
        let cut = tree.files[A3].len() as u64 * 2 / 5;
        server.fault(
            A3,
            Faults {
                cut_after: Some(cut),
                cuts: 1,
                ignore_range,
                ..Faults::default()
            },
        );
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.ndjson");
        let s = run(&options(&server.base, dir.path()), &out);
        assert!(s.all_ok(), "{s:?}");
        let recs = records(&out);
        assert_once(&recs);
        assert_eq!(ids(&recs), ids(&want), "ignore_range: {ignore_range}");
        let hits = server.hits(A3);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].range, None);
        // taken up at the byte it stopped at
        assert_eq!(
            hits[1].range.as_deref(),
            Some(format!("bytes={cut}-").as_str())
        );
        assert_eq!(hits[1].status, if ignore_range { 200 } else { 206 });
    }
}

#[test]
fn busy_answers_are_waited_out_as_retry_after_asks() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    let listing = format!("{FEB}warc.paths.gz");
    server.fault(
        &listing,
        Faults {
            busy: 1,
            ..Faults::default()
        },
    );
    server.fault(
        A3,
        Faults {
            busy: 1,
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    let mut o = options(&server.base, dir.path());
    // the backoff alone would be 50 ms: the wait is the server's
    o.http.backoff = Duration::from_millis(50);
    let started = Instant::now();
    let s = run(&o, &out);
    assert!(s.all_ok(), "{s:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    let statuses = |p: &str| server.hits(p).iter().map(|h| h.status).collect::<Vec<_>>();
    assert_eq!(statuses(&listing), [503, 200]);
    assert_eq!(statuses(A3), [503, 200]);
    assert_eq!(urls(&records(&out)), tree.urls(&[A2, A3], on_example));

    // a server that stays busy: the archive is given up, named, and the rest goes on
    server.fault(
        A3,
        Faults {
            busy: 100,
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    let mut o = options(&server.base, dir.path());
    o.http.retries = 1;
    o.http.max_retry_after = Duration::from_millis(100);
    let s = run(&o, &out);
    assert!(!s.all_ok());
    assert_eq!(s.archives_failed.len(), 1, "{s:?}");
    assert!(s.archives_failed[0].0.ends_with(A3), "{s:?}");
    assert!(s.archives_failed[0].1.contains("503"), "{s:?}");
    assert_eq!(urls(&records(&out)), tree.urls(&[A2], on_example));
}

#[test]
fn a_run_stopped_part_way_is_taken_up_by_the_next_with_nothing_lost_or_twice() {
    let tree = tree();
    let want = reference(&tree);
    let server = Server::start(tree.files.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    // one connection and one extraction thread: the archives one after the other, in
    // order; the first run stops (as if killed: the state holds what was written, nothing
    // more) after 5 records, in the second archive
    let mut o = options(&server.base, dir.path());
    o.connections = 1;
    o.jobs = 1;
    o.max_records = Some(5);
    let first = run(&o, &out);
    assert!(first.stopped && first.records == 5, "{first:?}");
    assert_eq!(first.archives_done, 1, "{first:?}");
    o.max_records = None;
    let second = run(&o, &out);
    assert!(second.all_ok() && !second.stopped, "{second:?}");
    assert_eq!(second.archives_before, 1, "{second:?}");
    assert_eq!(second.records, want.len() as u64 - 5);
    let recs = records(&out);
    assert_once(&recs);
    assert_eq!(ids(&recs), ids(&want));
    // the second run asked for the rest of A3 only, from a record boundary (a gzip member)
    let hits = server.hits(A3);
    assert_eq!(hits.len(), 2, "{hits:?}");
    let from: usize = hits[1]
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .expect("a Range request");
    assert!(
        from > 0 && tree.files[A3][from..].starts_with(&[0x1f, 0x8b]),
        "{from}"
    );
    assert_eq!(
        server.hits(A2).len(),
        1,
        "the finished archive is not read again"
    );
    // a third run has nothing left to do
    let third = run(&o, &out);
    assert_eq!(
        (third.archives_before, third.records, third.bytes),
        (2, 0, 0),
        "{third:?}"
    );
    assert_eq!(records(&out).len(), want.len());
}

#[test]
fn a_month_without_a_listing_is_named_and_the_rest_is_read() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    let mut o = options(&server.base, dir.path());
    o.from = date("2024-01-30");
    o.to = date("2024-02-28");
    let s = run(&o, &out);
    assert_eq!(s.months, 2);
    assert_eq!(s.months_missing.len(), 1, "{s:?}");
    assert!(
        s.months_missing[0].ends_with("crawl-data/CC-NEWS/2024/01/warc.paths.gz"),
        "{s:?}"
    );
    assert!(s.all_ok(), "one month of two is there: {s:?}");
    // February's archives of the 27th and 28th
    assert_eq!(urls(&records(&out)), tree.urls(&[A1, A2], on_example));

    // no month at all: not ok
    let mut o = options(&server.base, dir.path());
    o.from = date("2023-12-01");
    o.to = date("2023-12-31");
    let s = run(&o, &dir.path().join("none.ndjson"));
    assert!(!s.all_ok() && s.archives == 0, "{s:?}");
}

#[test]
fn a_local_folder_laid_out_the_same_way_is_a_source_too() {
    let tree = tree();
    let want = reference(&tree);
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("mirror");
    tree.write_to(&mirror);
    let out = dir.path().join("out.ndjson");
    let s = run(&options(mirror.to_str().unwrap(), dir.path()), &out);
    assert!(s.all_ok(), "{s:?}");
    let recs = records(&out);
    assert_eq!(ids(&recs), ids(&want));
    let file = recs[0]["source"]["file"].as_str().unwrap();
    assert!(
        file.starts_with(mirror.to_str().unwrap()) && file.ends_with(".warc.gz"),
        "{file}"
    );
    // with a folder's listing gone, the month's folder says what is there
    std::fs::remove_file(mirror.join(FEB).join("warc.paths.gz")).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let out = dir2.path().join("out.ndjson");
    let s = run(&options(mirror.to_str().unwrap(), dir2.path()), &out);
    assert!(s.all_ok() && s.archives == 2, "{s:?}");
    assert_eq!(ids(&records(&out)), ids(&want));
}

#[test]
fn keep_writes_a_copy_of_each_archive_read() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    server.fault(
        A2,
        Faults {
            cut_after: Some(5000),
            cuts: 1,
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("keep");
    let mut o = options(&server.base, dir.path());
    o.keep = Some(keep.clone());
    let s = run(&o, &dir.path().join("out.ndjson"));
    assert!(s.all_ok(), "{s:?}");
    for a in [A2, A3] {
        assert_eq!(std::fs::read(keep.join(a)).unwrap(), tree.files[a], "{a}");
    }
    let mut names = Vec::new();
    for month in [FEB, MAR] {
        for e in std::fs::read_dir(keep.join(month)).unwrap() {
            names.push(e.unwrap().file_name().into_string().unwrap());
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "CC-NEWS-20240228120000-00002.warc.gz",
            "CC-NEWS-20240301001500-00003.warc.gz"
        ]
    );
}

#[test]
fn extract_streams_an_archive_given_by_its_address() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    server.fault(
        A3,
        Faults {
            cut_after: Some(7000),
            cuts: 1,
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("a3.warc.gz");
    std::fs::write(&local, &tree.files[A3]).unwrap();
    let extract = |source: &mut dyn khabar_crawl::source::PageSource| -> Vec<Value> {
        let out = dir.path().join("x.ndjson");
        let mut sink = Destination::Replace(out.clone())
            .open(&OutputFormat::ndjson())
            .unwrap();
        let stats = run_extract(
            source,
            &extractor(),
            sink.as_mut(),
            &ExtractOptions::default(),
            &mut std::io::sink(),
        );
        assert_eq!(stats.failed, 0);
        records(&out)
    };
    let url = format!("{}{A3}", server.base);
    let mut remote =
        RemoteArchives::new(std::slice::from_ref(&url), HttpOptions::default()).unwrap();
    let streamed = extract(&mut remote);
    let mut files = FileSource::new(vec![InputItem {
        path: Some(local),
        url: None,
    }]);
    let read = extract(&mut files);
    assert_eq!(ids(&streamed), ids(&read));
    assert!(streamed.len() > 8);
    assert_eq!(streamed[0]["source"]["file"], url.as_str());
    let offsets = |rs: &[Value]| {
        rs.iter()
            .map(|r| r["source"]["offset"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(offsets(&streamed), offsets(&read));
    assert_eq!(server.hits(A3).len(), 2, "cut once, taken up once");

    // an address with nothing at it is named
    let mut gone = RemoteArchives::new(
        &[format!("{}nothing.warc.gz", server.base)],
        HttpOptions::default(),
    )
    .unwrap();
    use khabar_crawl::source::PageSource;
    let err = gone.next_page().unwrap().unwrap_err().to_string();
    assert!(
        err.contains("nothing.warc.gz") && err.contains("404"),
        "{err}"
    );
    assert!(gone.next_page().is_none());
}

// ---------------------------------------------------------------------------------------
// the command line (`khabar ccnews`)

fn ccnews_cmd(base: &str, state: &Path, out: &Path) -> std::process::Command {
    let mut c = khabar();
    c.args([
        "ccnews",
        "--from",
        "2024-02-28",
        "--to",
        "2024-03-01",
        "--source",
        base,
    ])
    .args(["--host", "example.com", "--state"])
    .arg(state)
    .arg("-o")
    .arg(out);
    c
}

/// `khabar ccnews` started in the background, records to `out`, its standard error piped.
fn spawn_ccnews(base: &str, state: &Path, out: &Path) -> std::process::Child {
    ccnews_cmd(base, state, out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The tree's server, with A3 stalling after half its bytes: a run writes what came before
/// and waits.
fn stalling_at_a3(tree: &Tree) -> Server {
    let server = Server::start(tree.files.clone());
    server.fault(
        A3,
        Faults {
            stall_after: Some(tree.files[A3].len() as u64 / 2),
            ..Faults::default()
        },
    );
    server
}

/// The stall lifted, one more run to the end (it must exit 0); its standard error.
fn rerun_to_the_end(server: &Server, state: &Path, out: &Path) -> String {
    server.clear_faults();
    let rerun = spawn_ccnews(&server.base, state, out);
    let (status, _, err) = wait_with_limit(rerun, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "{err}");
    err
}

/// Waits until the run has written more than `floor` records and then nothing for a while
/// (it is held by a stalled transfer, everything before committed).
fn wait_until_held(out: &Path, floor: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut last, mut since) = (0, Instant::now());
    loop {
        let n = records(out).len();
        if n != last {
            (last, since) = (n, Instant::now());
        }
        if n > floor && since.elapsed() > Duration::from_millis(1500) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the run wrote {n} records and no more"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_command_reads_a_range_and_a_second_run_does_nothing() {
    let tree = tree();
    let want = reference(&tree);
    let server = Server::start(tree.files.clone());
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("s.db"), dir.path().join("out.ndjson"));
    let o = ccnews_cmd(&server.base, &state, &out).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(o.stdout.is_empty(), "records go to -o only");
    assert_eq!(ids(&records(&out)), ids(&want));
    let o = ccnews_cmd(&server.base, &state, &out).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        records(&out).len(),
        want.len(),
        "the second run wrote nothing"
    );
    // without -o, records are the only thing on stdout
    let o = khabar()
        .args([
            "ccnews",
            "--from",
            "2024-03-01",
            "--to",
            "2024-03-01",
            "--source",
            &server.base,
        ])
        .args(["--host", "example.com", "--state"])
        .arg(dir.path().join("s2.db"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), tree.urls(&[A3], on_example).len());
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );
}

#[test]
fn the_command_killed_mid_archive_is_taken_up_with_nothing_lost_or_twice() {
    let tree = tree();
    let want = reference(&tree);
    let server = stalling_at_a3(&tree);
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("s.db"), dir.path().join("out.ndjson"));
    let mut child = spawn_ccnews(&server.base, &state, &out);
    // the output holds A2's records and some of A3's
    wait_until_held(&out, tree.urls(&[A2], on_example).len());
    child.kill().unwrap(); // SIGKILL: no chance to tidy up
    let mut err = String::new();
    let _ = child.wait();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    let written = records(&out).len();
    assert!(written < want.len(), "{written}");
    let err2 = rerun_to_the_end(&server, &state, &out);
    let recs = records(&out);
    assert_once(&recs);
    assert_eq!(
        ids(&recs),
        ids(&want),
        "first run: {err}\nsecond run: {err2}"
    );
    let hits = server.hits(A3);
    assert_eq!(hits.last().unwrap().status, 206, "{hits:?}");
}

#[test]
fn extract_on_the_command_line_streams_an_archive_address() {
    let tree = tree();
    let server = Server::start(tree.files.clone());
    server.fault(
        A2,
        Faults {
            cut_after: Some(9000),
            cuts: 1,
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("a2.warc.gz");
    std::fs::write(&local, &tree.files[A2]).unwrap();
    let url = format!("{}{A2}", server.base);
    let streamed = khabar().args(["extract", &url]).output().unwrap();
    assert_eq!(
        streamed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&streamed.stderr)
    );
    let read = khabar().arg("extract").arg(&local).output().unwrap();
    let parse = |o: &std::process::Output| -> Vec<Value> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (streamed, read) = (parse(&streamed), parse(&read));
    assert_eq!(ids(&streamed), ids(&read));
    assert_eq!(streamed[0]["source"]["file"], url.as_str());
    assert_eq!(server.hits(A2).len(), 2, "cut once, taken up once");
    // nothing at the address: named, exit 1
    let gone = khabar()
        .args(["extract", &format!("{}nothing.warc.gz", server.base)])
        .output()
        .unwrap();
    assert_eq!(gone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("nothing.warc.gz"));
}

#[test]
fn sigterm_ends_the_command_as_asked_and_ctrl_c_as_interrupted() {
    let tree = tree();
    let want = reference(&tree);
    let server = stalling_at_a3(&tree);
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("s.db"), dir.path().join("out.ndjson"));
    // SIGTERM (a service manager's stop): the run ends at a record boundary, exit 0
    for (signal, code, said) in [("-TERM", 0, "terminated"), ("-INT", 130, "interrupted")] {
        let child = spawn_ccnews(&server.base, &state, &out);
        wait_until_held(&out, tree.urls(&[A2], on_example).len());
        let kill = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let (status, _, err) = wait_with_limit(child, Duration::from_secs(30));
        assert_eq!(status.code(), Some(code), "{signal}: {err}");
        assert!(err.contains(said), "{signal}: {err}");
        assert!(err.contains("stopped early"), "{signal}: {err}");
    }
    // what both runs wrote is whole and kept: a third run finishes with nothing twice
    let err = rerun_to_the_end(&server, &state, &out);
    let recs = records(&out);
    assert_once(&recs);
    assert_eq!(ids(&recs), ids(&want), "{err}");
}

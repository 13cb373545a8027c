//! The crawler against hostile servers: bodies that never end or inflate to a gigabyte,
//! servers that never answer or answer one byte a second, connections reset mid-body,
//! redirect loops, a 10 MB robots.txt, sitemaps that list themselves or a million pages.
//!
//! Each test asserts the same three things: the crawl ends by itself, within a generous
//! wall-clock bound; the failure is counted in the summary (`stats.errors`, `stats.skipped`,
//! or `stats.robots_blocked` for robots.txt); and the good pages beside the hostile one (two
//! articles, [`FINE`]) are still fetched and extracted. Tests marked ``
//! show a crawler bug; run them with `--ignored`.
//!
//! The servers are hand-written on raw tokio sockets (see [`Hostile`]) so that every byte and
//! every pause is under the test's control. They bind 127.0.0.1 on a port the OS picks, and
//! every address the crawler is given is one of theirs: nothing here sends a packet beyond
//! 127.0.0.0/8.
//!
//! Memory: a counting global allocator measures the peak heap of the whole test process while
//! a bomb is being read; those tests hold [`exclusive`] so that no other test of this file
//! allocates at the same time.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};

use khabar_crawl::internals::network::{FixedLookup, Network};
use khabar_crawl::output::Output;
use khabar_crawl::{CrawlOutcome, CrawlSettings, CrawlStats, Crawler, NoProgress};
use khabar_extract::Extractor;
use khabar_extract::Record;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use support::heap::{self, Counting};
use support::site::article_page;

const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// heap accounting

#[global_allocator]
static HEAP: Counting = Counting;

/// Every test holds this: shared by most, exclusive by those that measure the heap.
static GATE: RwLock<()> = RwLock::const_new(());

async fn shared() -> RwLockReadGuard<'static, ()> {
    GATE.read().await
}

async fn exclusive() -> RwLockWriteGuard<'static, ()> {
    GATE.write().await
}

// ---------------------------------------------------------------------------------------------
// a gzip bomb

/// How much one segment of the bomb inflates to.
const SEGMENT: usize = MIB;

/// One segment of raw deflate data: a megabyte of spaces, ending on a sync flush (byte
/// aligned, no final block), so that copies of it can follow one another in one stream (it
/// refers to nothing before itself). About 1 KiB: deflate's best ratio is near 1:1032.
static BOMB_SEGMENT: LazyLock<(Vec<u8>, flate2::Crc)> = LazyLock::new(|| {
    let input = vec![b' '; SEGMENT];
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut out = Vec::with_capacity(64 * 1024);
    c.compress_vec(&input, &mut out, flate2::FlushCompress::Sync)
        .expect("deflate");
    assert_eq!(c.total_in() as usize, SEGMENT, "the whole segment went in");
    let mut crc = flate2::Crc::new();
    crc.update(&input);
    (out, crc)
});

/// A gzip member that inflates to `segments` MiB of spaces, on the wire about 1 KiB a MiB.
fn gzip_bomb(segments: usize) -> Vec<u8> {
    let (seg, seg_crc) = &*BOMB_SEGMENT;
    let mut out = Vec::with_capacity(18 + seg.len() * segments);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut crc = flate2::Crc::new();
    for _ in 0..segments {
        out.extend_from_slice(seg);
        crc.combine(seg_crc);
    }
    // an empty final block (fixed Huffman: BFINAL, BTYPE=01, end-of-block), then the trailer
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&((segments * SEGMENT) as u32).to_le_bytes());
    out
}

/// A gigabyte (10^9 bytes, 954 MiB) once inflated, under 1 MiB on the wire.
static GIGABYTE_BOMB: LazyLock<Arc<Vec<u8>>> = LazyLock::new(|| Arc::new(gzip_bomb(954)));

#[test]
fn the_bomb_is_valid_gzip_and_inflates_a_thousandfold() {
    use std::io::Read;
    let small = gzip_bomb(3);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&small[..])
        .read_to_end(&mut out)
        .expect("valid gzip, CRC and length included");
    assert_eq!(out.len(), 3 * SEGMENT);
    assert!(out.iter().all(|&b| b == b' '));
    // under 1 MiB on the wire: a 1 MiB limit on the bytes received would let it through
    let big = GIGABYTE_BOMB.len();
    assert!(big < MIB, "1 GB inflated from {big} bytes");
    const { assert!(954 * SEGMENT >= 1_000_000_000) };
}

// ---------------------------------------------------------------------------------------------
// the hostile server

/// What the server does with one request.
enum Reply {
    /// A whole answer with its Content-Length; the connection is kept.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Arc<Vec<u8>>,
    },
    /// `Content-Encoding: gzip`, text/html, `body` with its length.
    Gzip(Arc<Vec<u8>>),
    /// A chunked HTML body that never ends: `chunk` bytes every `every`.
    Endless { chunk: usize, every: Duration },
    /// The request is read; nothing is ever written.
    Silent,
    /// A 200 head at once, then a body of `len` bytes (announced) one byte a second.
    DripBody { len: usize },
    /// The status line and headers one byte a second.
    DripHead,
    /// A head announcing `len` bytes, `sent` of them, then a TCP reset.
    ResetAfter { len: usize, sent: usize },
    /// The request is read, then a TCP reset before any answer.
    ResetAtOnce,
    /// A head announcing `len` bytes, `sent` of them, then the connection closed cleanly.
    ShortBody { len: usize, sent: usize },
}

impl Reply {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Arc::new(body.into()),
        }
    }

    fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200, "text/html; charset=utf-8", body)
    }

    fn shared(status: u16, content_type: &str, body: Arc<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    fn redirect(status: u16, location: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![
                ("Content-Type", "text/html".to_string()),
                ("Location", location.to_string()),
            ],
            body: Arc::new(Vec::new()),
        }
    }

    fn not_found() -> Reply {
        Reply::new(404, "text/plain", "not found")
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
}

/// The request a route is asked to answer.
struct Req<'a> {
    base: &'a str,
    /// Without the query.
    path: &'a str,
}

type Route = dyn Fn(&Req<'_>) -> Option<Reply> + Send + Sync;

struct State {
    base: String,
    route: Box<Route>,
    log: Mutex<Vec<Seen>>,
    /// What the server noticed: how long a client held on, how much it took.
    notes: Mutex<Vec<String>>,
    /// How long each answer that was never finished was waited for: target, time from the
    /// request to the client hanging up (or going away).
    held: Mutex<Vec<(String, Duration)>>,
}

impl State {
    fn note(&self, s: String) {
        self.notes.lock().unwrap().push(s);
    }

    fn held(&self, target: &str, since: Instant) {
        let d = since.elapsed();
        self.held.lock().unwrap().push((target.to_string(), d));
    }
}

/// A server on 127.0.0.1 answering with `route`, then with [`common`]. Stops when dropped.
struct Hostile {
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hostile {
    fn start(route: impl Fn(&Req<'_>) -> Option<Reply> + Send + Sync + 'static) -> Hostile {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        assert!(
            addr.ip().is_loopback(),
            "test servers live on loopback only"
        );
        let state = Arc::new(State {
            base: format!("http://{addr}"),
            route: Box::new(route),
            log: Mutex::new(Vec::new()),
            notes: Mutex::new(Vec::new()),
            held: Mutex::new(Vec::new()),
        });
        let st = state.clone();
        let (stop_tx, thread) =
            crate::support::spawn_server(format!("hostile-{}", addr.port()), move || async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                accept_loop(listener, st).await
            });
        Hostile {
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.state.base)
    }

    /// The host key the crawler counts this server under (`127.0.0.1:PORT`).
    fn host_key(&self) -> String {
        self.state.base.trim_start_matches("http://").to_string()
    }

    fn targets(&self) -> Vec<String> {
        self.state
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.target.clone())
            .collect()
    }

    fn count(&self, target: &str) -> usize {
        self.targets().iter().filter(|t| *t == target).count()
    }

    fn requests(&self) -> usize {
        self.state.log.lock().unwrap().len()
    }

    fn notes(&self) -> Vec<String> {
        self.state.notes.lock().unwrap().clone()
    }

    /// The unfinished answers and how long each was waited for, once `n` are known (the last
    /// hang-up may reach the server just after the crawl ends), or after 5 s.
    fn held(&self, n: usize) -> Vec<(String, Duration)> {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let held = self.state.held.lock().unwrap().clone();
            if held.len() >= n || Instant::now() > until {
                return held;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    loop {
        match listener.accept().await {
            Ok((sock, peer)) => {
                assert!(peer.ip().is_loopback(), "connection from {peer}");
                let _ = sock.set_nodelay(true);
                tokio::spawn(serve(sock, state.clone()));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Waits `d`, or less if the client hangs up first (returns false then). A crawler sends
/// nothing more on a connection while it waits for an answer, so a read ending is a hang-up.
async fn wait_or_hangup(sock: &mut TcpStream, d: Duration) -> bool {
    let mut byte = [0u8; 1];
    tokio::select! {
        _ = tokio::time::sleep(d) => true,
        r = sock.read(&mut byte) => matches!(r, Ok(n) if n > 0),
    }
}

/// Serves one connection, request after request while the answers are whole ones.
async fn serve(mut sock: TcpStream, state: Arc<State>) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > 64 * 1024 {
                return;
            }
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let at = Instant::now();
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        buf.drain(..head_end);
        let target = head
            .split("\r\n")
            .next()
            .unwrap_or("")
            .split(' ')
            .nth(1)
            .unwrap_or("")
            .to_string();
        state.log.lock().unwrap().push(Seen {
            target: target.clone(),
        });
        let req = Req {
            base: &state.base,
            path: target.split('?').next().unwrap_or(""),
        };
        let reply = (state.route)(&req).unwrap_or_else(|| common(&req));
        let keep = match reply {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let ok = write_full(&mut sock, status, &headers, &body).await.is_ok();
                if body.len() > MIB {
                    state.note(format!(
                        "{target}: {} bytes {} in {:?}",
                        body.len(),
                        if ok {
                            "written"
                        } else {
                            "offered, then the client went away"
                        },
                        at.elapsed()
                    ));
                }
                ok
            }
            Reply::Gzip(body) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let mut sent = 0usize;
                let mut ok = sock.write_all(head.as_bytes()).await.is_ok();
                for piece in body.chunks(16 * 1024) {
                    if !ok {
                        break;
                    }
                    ok = sock.write_all(piece).await.is_ok();
                    if ok {
                        sent += piece.len();
                    }
                }
                state.note(format!(
                    "{target}: {sent} of {} gzip bytes written in {:?}{}",
                    body.len(),
                    at.elapsed(),
                    if ok {
                        ""
                    } else {
                        ", then the client went away"
                    }
                ));
                false
            }
            Reply::Endless { chunk, every } => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
                let mut piece = format!("{chunk:x}\r\n").into_bytes();
                let para = "<p>لا نهاية لهذا النص.</p>\n";
                let mut text = String::from("<!DOCTYPE html><html><body>");
                while text.len() < chunk {
                    text.push_str(para);
                }
                piece.extend_from_slice(&text.as_bytes()[..chunk]);
                piece.extend_from_slice(b"\r\n");
                let mut sent = 0u64;
                if sock.write_all(head.as_bytes()).await.is_ok() {
                    loop {
                        if sock.write_all(&piece).await.is_err() {
                            break;
                        }
                        sent += chunk as u64;
                        if !every.is_zero() && !wait_or_hangup(&mut sock, every).await {
                            break;
                        }
                        if at.elapsed() > Duration::from_secs(60) {
                            break;
                        }
                    }
                }
                state.held(&target, at);
                state.note(format!(
                    "{target}: {sent} body bytes written in {:?}, then the client went away",
                    at.elapsed()
                ));
                false
            }
            Reply::Silent => {
                let held = wait_or_hangup(&mut sock, Duration::from_secs(60)).await;
                state.held(&target, at);
                state.note(format!(
                    "{target}: nothing answered; the client {} after {:?}",
                    if held { "was still there" } else { "hung up" },
                    at.elapsed()
                ));
                false
            }
            Reply::DripBody { len } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len}\r\n\r\n"
                );
                let mut sent = 0;
                if sock.write_all(head.as_bytes()).await.is_ok() {
                    while sent < len {
                        if sock.write_all(b" ").await.is_err() {
                            break;
                        }
                        sent += 1;
                        if !wait_or_hangup(&mut sock, Duration::from_secs(1)).await {
                            break;
                        }
                    }
                }
                state.held(&target, at);
                state.note(format!(
                    "{target}: {sent} of {len} body bytes dripped in {:?}, then the client hung up",
                    at.elapsed()
                ));
                false
            }
            Reply::DripHead => {
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi";
                let mut sent = 0;
                for b in head.as_bytes() {
                    if sock.write_all(std::slice::from_ref(b)).await.is_err() {
                        break;
                    }
                    sent += 1;
                    if !wait_or_hangup(&mut sock, Duration::from_secs(1)).await {
                        break;
                    }
                }
                state.held(&target, at);
                state.note(format!(
                    "{target}: {sent} bytes of the head dripped in {:?}, then the client hung up",
                    at.elapsed()
                ));
                false
            }
            Reply::ResetAtOnce => {
                let _ = sock.set_zero_linger();
                state.note(format!("{target}: reset before any answer"));
                drop(sock);
                return;
            }
            Reply::ShortBody { len, sent } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len}\r\n\r\n"
                );
                let mut out = head.into_bytes();
                let page = article_page(&state.base, 7002, "/world/7002-short");
                let mut body = page.into_bytes();
                body.resize(len, b' ');
                out.extend_from_slice(&body[..sent]);
                let _ = sock.write_all(&out).await;
                let _ = sock.shutdown().await;
                state.note(format!("{target}: {sent} of {len} bytes, then closed"));
                return;
            }
            Reply::ResetAfter { len, sent } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len}\r\n\r\n"
                );
                let mut out = head.into_bytes();
                let page = article_page(&state.base, 7001, "/world/7001-reset");
                let mut body = page.into_bytes();
                body.resize(len, b' ');
                out.extend_from_slice(&body[..sent]);
                let _ = sock.write_all(&out).await;
                let _ = sock.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = sock.set_zero_linger();
                state.note(format!("{target}: {sent} of {len} bytes, then a reset"));
                drop(sock);
                return;
            }
        };
        if !keep {
            return;
        }
    }
}

async fn write_full(
    sock: &mut TcpStream,
    status: u16,
    headers: &[(&'static str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Whatever\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body).await?;
    sock.flush().await
}

/// What every server answers unless its own route says otherwise: a short robots.txt,
/// articles at `/world/N-slug` (one record each), 404 for the rest.
fn common(req: &Req<'_>) -> Reply {
    if req.path == "/robots.txt" {
        return Reply::new(200, "text/plain", "User-agent: *\nDisallow: /private/\n");
    }
    if let Some(rest) = req.path.strip_prefix("/world/")
        && let Some(id) = rest.split('-').next().and_then(|n| n.parse::<u32>().ok())
    {
        return Reply::html(article_page(req.base, id, req.path));
    }
    Reply::not_found()
}

/// A page of links: no article metadata, so no record of its own.
fn link_page(links: &[&str]) -> Reply {
    let mut s = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>hub</title></head><body><ul>\n",
    );
    for l in links {
        s.push_str(&format!("<li><a href=\"{l}\">{l}</a></li>\n"));
    }
    s.push_str("</ul></body></html>\n");
    Reply::html(s)
}

// ---------------------------------------------------------------------------------------------
// crawling

/// Settings for a hostile crawl: no pacing, short timeouts (1 s a request), one retry with a
/// short backoff, bodies capped at 1 MiB.
fn hostile_settings(seeds: &[String]) -> CrawlSettings {
    let mut s = support::settings(seeds);
    s.timeout = Duration::from_secs(1);
    s.connect_timeout = Duration::from_secs(1);
    s.robots_timeout = Duration::from_secs(1);
    s.idle_timeout = Duration::from_secs(10);
    s.retries = 1;
    s.backoff_base = Duration::from_millis(50);
    s.max_body_bytes = MIB as u64;
    s
}

struct Crawled {
    out: CrawlOutcome,
    records: Vec<Record>,
    took: Duration,
}

impl Crawled {
    fn stats(&self) -> &CrawlStats {
        &self.out.stats
    }

    fn errors(&self, kind: &str) -> u64 {
        self.out.stats.errors.get(kind).copied().unwrap_or(0)
    }

    fn skipped(&self, why: &str) -> u64 {
        self.out.stats.skipped.get(why).copied().unwrap_or(0)
    }

    fn error_total(&self) -> u64 {
        self.out.stats.errors.values().sum()
    }

    /// The paths of the records, sorted.
    fn record_paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .records
            .iter()
            .map(|r| {
                url::Url::parse(&r.url)
                    .map(|u| u.path().to_string())
                    .unwrap_or_else(|_| r.url.clone())
            })
            .collect();
        v.sort();
        v
    }
}

/// Crawls with the library; Err(how long it waited) if the crawl does not end within
/// `limit` (the crawl is dropped then: its requests are aborted).
async fn try_crawl(settings: CrawlSettings, limit: Duration) -> Result<Crawled, Duration> {
    try_crawl_on(settings, Network::default(), limit).await
}

/// [`try_crawl`] with a given name table and connect check.
async fn try_crawl_on(
    settings: CrawlSettings,
    network: Network,
    limit: Duration,
) -> Result<Crawled, Duration> {
    let extractor =
        Arc::new(Extractor::new(support::test_config().profiles, None).expect("extractor"));
    let crawler = Crawler::with_network(settings, extractor, network)
        .await
        .expect("crawler set up");
    let (tx, rx) = std::sync::mpsc::sync_channel::<Output>(1 << 16);
    // kept alive for the whole crawl: a dropped sender reads as Ctrl-C
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let mut progress = NoProgress;
    let run = crawler.run(tx, stop_rx, &mut progress);
    let out = tokio::time::timeout(limit, run)
        .await
        .map_err(|_| started.elapsed())?;
    let took = started.elapsed();
    drop(stop_tx);
    let records = rx
        .try_iter()
        .filter_map(|o| match o {
            Output::Record(r, _) => Some(*r),
            Output::Fetch(_) | Output::Done(_) => None,
        })
        .collect();
    Ok(Crawled { out, records, took })
}

/// [`try_crawl`] that fails the test, with what the servers saw, when the crawl hangs.
async fn crawl(settings: CrawlSettings, limit: Duration, servers: &[&Hostile]) -> Crawled {
    match try_crawl(settings, limit).await {
        Ok(c) => c,
        Err(waited) => panic!(
            "the crawl did not end within {waited:?}; the servers saw {} requests: {:?}…; notes: {:?}",
            servers.iter().map(|s| s.requests()).sum::<usize>(),
            servers
                .iter()
                .flat_map(|s| s.targets().into_iter().take(30))
                .collect::<Vec<_>>(),
            servers.iter().flat_map(|s| s.notes()).collect::<Vec<_>>(),
        ),
    }
}

/// The generous wall-clock bound every crawl here must end within.
fn assert_bounded(c: &Crawled, bound: Duration) {
    assert!(
        c.took < bound,
        "the crawl took {:?} (bound {bound:?}): {:?}",
        c.took,
        c.stats()
    );
    assert!(
        !c.out.timed_out && !c.out.interrupted && !c.out.output_closed,
        "ended by itself: {:?}",
        c.out
    );
}

/// The crawler's own request count is what `servers` received: nothing went anywhere else.
fn assert_only(c: &Crawled, servers: &[&Hostile]) {
    let seen: usize = servers.iter().map(|s| s.requests()).sum();
    assert_eq!(
        c.stats().requests as usize,
        seen,
        "requests counted by the crawler vs received by the servers"
    );
}

const FINE: [&str; 2] = ["/world/5001-fine", "/world/5002-fine"];

fn fine_records() -> Vec<String> {
    FINE.iter().map(|s| s.to_string()).collect()
}

/// A server whose `/` links to `hostile` paths and to the [`FINE`] articles, answering the
/// hostile paths with `route`.
fn hub_server(
    hostile: &'static [&'static str],
    route: impl Fn(&Req<'_>) -> Option<Reply> + Send + Sync + 'static,
) -> Hostile {
    Hostile::start(move |req| {
        if req.path == "/" {
            let links: Vec<&str> = hostile.iter().chain(FINE.iter()).copied().collect();
            return Some(link_page(&links));
        }
        route(req)
    })
}

// ---------------------------------------------------------------------------------------------
// bodies that do not end

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_is_cut_at_max_body_bytes_after_inflating_and_the_heap_stays_small() {
    let _gate = exclusive().await;
    let bomb = GIGABYTE_BOMB.clone();
    let server = hub_server(&["/bomb"], move |req| {
        (req.path == "/bomb").then(|| Reply::Gzip(bomb.clone()))
    });
    let s = hostile_settings(&[server.url("/")]);
    assert_eq!(s.max_body_bytes, MIB as u64);
    assert!(
        (GIGABYTE_BOMB.len() as u64) < s.max_body_bytes,
        "the bytes on the wire alone are under the limit: only the inflated size is over it"
    );
    let baseline = heap::baseline();
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let grew = heap::growth(baseline);
    eprintln!(
        "gzip bomb: {:?}; heap grew {} KiB; server: {:?}",
        c.took,
        grew / 1024,
        server.notes()
    );

    assert_eq!(c.errors("too-large"), 1, "{:?}", c.stats().errors);
    assert_eq!(c.error_total(), 1, "{:?}", c.stats().errors);
    assert_eq!(
        server.count("/bomb"),
        1,
        "not retried: {:?}",
        server.targets()
    );
    // the limit is on the inflated bytes: some 1 MiB of the 1 GB is inflated, no more
    assert!(
        grew < 64 * MIB,
        "the heap grew {} MiB while reading a 1 GB bomb with a 1 MiB limit",
        grew / MIB
    );
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(30));
    assert_only(&c, &[&server]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_chunked_body_is_cut_at_the_limit_and_a_slow_one_by_the_timeout() {
    let _gate = exclusive().await;
    let server = hub_server(&["/endless", "/endless-slow"], |req| match req.path {
        "/endless" => Some(Reply::Endless {
            chunk: 16 * 1024,
            every: Duration::ZERO,
        }),
        // never reaching the size limit within the timeout
        "/endless-slow" => Some(Reply::Endless {
            chunk: 100,
            every: Duration::from_millis(100),
        }),
        _ => None,
    });
    let s = hostile_settings(&[server.url("/")]);
    let baseline = heap::baseline();
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let grew = heap::growth(baseline);
    eprintln!(
        "endless: {:?}; heap grew {} KiB; server: {:?}",
        c.took,
        grew / 1024,
        server.notes()
    );

    assert_eq!(c.errors("too-large"), 1, "{:?}", c.stats().errors);
    assert_eq!(server.count("/endless"), 1, "too-large is not retried");
    assert_eq!(c.errors("timeout"), 1, "{:?}", c.stats().errors);
    assert_eq!(
        server.count("/endless-slow"),
        2,
        "a timeout is retried once"
    );
    assert_eq!(c.error_total(), 2, "{:?}", c.stats().errors);
    assert!(grew < 64 * MIB, "the heap grew {} MiB", grew / MIB);
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(30));
    assert_only(&c, &[&server]);
}

// ---------------------------------------------------------------------------------------------
// servers that do not answer, or barely

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_times_out() {
    let _gate = shared().await;
    // a page that never answers, on a host that otherwise does
    let server = hub_server(&["/silent"], |req| {
        (req.path == "/silent").then_some(Reply::Silent)
    });
    // a host that never answers anything, robots.txt included
    let mute = Hostile::start(|_| Some(Reply::Silent));
    let s = hostile_settings(&[server.url("/"), mute.url("/world/5003-mute")]);
    let c = crawl(s, Duration::from_secs(40), &[&server, &mute]).await;
    eprintln!(
        "silent: {:?}; server: {:?}; mute host: {:?}",
        c.took,
        server.notes(),
        mute.notes()
    );

    assert_eq!(c.errors("timeout"), 1, "{:?}", c.stats().errors);
    assert_eq!(server.count("/silent"), 2, "a timeout is retried once");
    // the mute host: its robots.txt is tried twice too, then the host is unreachable
    assert_eq!(c.errors("unreachable"), 1, "{:?}", c.stats().errors);
    assert_eq!(c.error_total(), 2, "{:?}", c.stats().errors);
    // each try was given up at the request timeout (robots.txt: at robots_timeout), not
    // held for the server's 60 s
    let held = [server.held(2), mute.held(2)].concat();
    assert_eq!(held.len(), 4, "{held:?}");
    for (target, d) in &held {
        assert!(*d < Duration::from_secs(3), "{target}: held {d:?}");
    }
    assert!(
        server
            .notes()
            .iter()
            .chain(mute.notes().iter())
            .all(|n| n.contains("hung up")),
        "{:?}",
        server.notes()
    );
    // robots.txt timed out twice, so nothing of the host is fetched this run (RFC 9309: an
    // unreachable robots.txt means complete disallow), and its seed is counted as not
    // fetched for that: unreachable, not blocked by robots.txt
    assert_eq!(mute.targets(), ["/robots.txt", "/robots.txt"]);
    assert_eq!(c.stats().robots_blocked, 0, "{:?}", c.stats());
    assert_eq!(c.skipped("host unreachable"), 1, "{:?}", c.stats());
    assert!(c.stats().unreachable.contains_key(&mute.host_key()));
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(30));
    assert_only(&c, &[&server, &mute]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_sends_one_byte_a_second_is_cut_by_the_request_timeout() {
    let _gate = shared().await;
    let server = hub_server(&["/drip", "/drip-head"], |req| match req.path {
        "/drip" => Some(Reply::DripBody { len: 10_000 }),
        "/drip-head" => Some(Reply::DripHead),
        _ => None,
    });
    let s = hostile_settings(&[server.url("/")]);
    let timeout = s.timeout;
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let held = server.held(4);
    let notes = server.notes();
    eprintln!("drip: {:?}; server: {notes:?}", c.took);

    assert_eq!(c.errors("timeout"), 2, "{:?}", c.stats().errors);
    assert_eq!(c.error_total(), 2, "{:?}", c.stats().errors);
    assert_eq!(server.count("/drip"), 2, "a timeout is retried once");
    assert_eq!(server.count("/drip-head"), 2, "a timeout is retried once");
    // every try was given up at the request timeout: a byte or two each, not 10,000
    assert_eq!(held.len(), 4, "{notes:?}");
    for (target, d) in &held {
        assert!(
            *d < timeout + Duration::from_secs(2),
            "{target}: the client held on {d:?} with a {timeout:?} timeout: {notes:?}"
        );
    }
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(30));
    assert_only(&c, &[&server]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_reset_mid_body_is_counted_and_the_crawl_goes_on() {
    let _gate = shared().await;
    let server = hub_server(&["/reset"], |req| {
        (req.path == "/reset").then_some(Reply::ResetAfter {
            len: 40_000,
            sent: 5_000,
        })
    });
    let s = hostile_settings(&[server.url("/")]);
    let retries = s.retries as usize;
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    eprintln!(
        "reset: {:?}; errors {:?}; server: {:?}",
        c.took,
        c.stats().errors,
        server.notes()
    );

    assert_eq!(c.error_total(), 1, "one failure: {:?}", c.stats().errors);
    // a reset is tried again, like any connection error
    assert_eq!(
        server.count("/reset"),
        1 + retries,
        "{:?}",
        server.targets()
    );
    // the summary names the failure with its URL
    let (kind, example) = c.stats().error_examples.iter().next().unwrap();
    assert!(
        matches!(
            kind.as_str(),
            "connection-reset" | "interrupted" | "truncated-body"
        ),
        "{kind}"
    );
    assert!(example.contains("/reset"), "{example}");
    assert!(
        c.stats()
            .summary("finished", c.took)
            .contains(&format!("    {kind}: "))
    );
    assert!(
        c.records
            .iter()
            .all(|r| !r.url.ends_with("/world/7001-reset")),
        "nothing extracted from half a page"
    );
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(30));
    assert_only(&c, &[&server]);
}

/// A connection reset before any answer and a body shorter than its Content-Length are tried
/// again (they used to be counted as `other`, not retried, and the page lost).
#[tokio::test(flavor = "multi_thread")]
async fn a_reset_connection_and_a_body_cut_short_are_tried_again() {
    let _gate = shared().await;
    let tries: Arc<Mutex<std::collections::HashMap<String, usize>>> = Default::default();
    let seen = tries.clone();
    let server = hub_server(&["/world/7001-reset", "/world/7002-short"], move |req| {
        let n = {
            let mut t = seen.lock().unwrap();
            let n = t.entry(req.path.to_string()).or_default();
            *n += 1;
            *n
        };
        match (req.path, n) {
            ("/world/7001-reset", 1) => Some(Reply::ResetAtOnce),
            ("/world/7002-short", 1) => Some(Reply::ShortBody {
                len: 40_000,
                sent: 5_000,
            }),
            ("/world/7001-reset", _) => Some(Reply::html(article_page(
                req.base,
                7001,
                "/world/7001-reset",
            ))),
            ("/world/7002-short", _) => Some(Reply::html(article_page(
                req.base,
                7002,
                "/world/7002-short",
            ))),
            _ => None,
        }
    });
    let s = hostile_settings(&[server.url("/")]);
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    eprintln!(
        "flaky: {:?}; {:?}; {:?}",
        c.took,
        c.stats().errors,
        server.notes()
    );
    assert_eq!(c.error_total(), 0, "{:?}", c.stats().errors);
    assert!(c.stats().retries >= 2, "{:?}", c.stats());
    assert_eq!(server.count("/world/7001-reset"), 2);
    assert_eq!(server.count("/world/7002-short"), 2);
    let mut want = fine_records();
    want.extend([
        "/world/7001-reset".to_string(),
        "/world/7002-short".to_string(),
    ]);
    want.sort();
    assert_eq!(c.record_paths(), want);
    assert_bounded(&c, Duration::from_secs(30));
}

// ---------------------------------------------------------------------------------------------
// redirect loops

#[tokio::test(flavor = "multi_thread")]
async fn redirect_loops_and_self_redirects_end_and_are_counted() {
    let _gate = shared().await;
    let server = hub_server(
        &["/loop-a", "/self", "/self-tracked", "/self-fragment"],
        |req| match req.path {
            "/loop-a" => Some(Reply::redirect(302, "/loop-b")),
            "/loop-b" => Some(Reply::redirect(301, "/loop-a")),
            "/self" => Some(Reply::redirect(307, "/self")),
            // the same address once tracking parameters and fragments are dropped
            "/self-tracked" => Some(Reply::redirect(302, "/self-tracked?utm_source=loop")),
            "/self-fragment" => Some(Reply::redirect(308, "/self-fragment#again")),
            _ => None,
        },
    );
    let mut s = hostile_settings(&[server.url("/")]);
    s.max_redirects = 5;
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let targets = server.targets();

    for path in [
        "/loop-a",
        "/loop-b",
        "/self",
        "/self-tracked",
        "/self-fragment",
    ] {
        assert_eq!(server.count(path), 1, "{path}: {targets:?}");
    }
    assert_eq!(
        targets.iter().filter(|t| t.contains("utm_source")).count(),
        0,
        "{targets:?}"
    );
    // each loop ends at an address already seen, and is counted there
    assert_eq!(c.skipped("duplicate"), 4, "{:?}", c.stats().skipped);
    assert!(c.stats().errors.is_empty(), "{:?}", c.stats().errors);
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(20));
    assert_only(&c, &[&server]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_robots_txt_that_redirects_to_itself_ends() {
    let _gate = shared().await;
    let server = Hostile::start(|req| {
        (req.path == "/robots.txt").then(|| Reply::redirect(302, "/robots.txt"))
    });
    let s = hostile_settings(&[
        server.url("/world/5001-fine"),
        server.url("/world/5002-fine"),
    ]);
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let robots = server.count("/robots.txt");
    eprintln!("robots loop: {:?}; {robots} robots.txt requests", c.took);

    assert!(
        (5..=6).contains(&robots),
        "RFC 9309: five redirects followed, then given up: {:?}",
        server.targets()
    );
    // then taken as unavailable (RFC 9309, 2.3.1.2), which allows everything: both seeds
    // are fetched
    assert_eq!(c.stats().pages, 2, "{:?}", c.stats());
    assert_eq!(c.stats().robots_blocked, 0, "{:?}", c.stats());
    assert_bounded(&c, Duration::from_secs(20));
    // the crawler counts one request for robots.txt however many hops it took
    assert!(c.stats().requests as usize <= server.requests());
}

/// RFC 9309, 2.3.1.2: "crawlers SHOULD follow at least five consecutive redirects". A
/// robots.txt behind exactly five is read.
#[tokio::test(flavor = "multi_thread")]

async fn a_robots_txt_behind_five_redirects_is_read() {
    let _gate = shared().await;
    let server = Hostile::start(|req| match req.path {
        "/robots.txt" => Some(Reply::redirect(301, "/r/1")),
        "/r/1" => Some(Reply::redirect(301, "/r/2")),
        "/r/2" => Some(Reply::redirect(301, "/r/3")),
        "/r/3" => Some(Reply::redirect(301, "/r/4")),
        "/r/4" => Some(Reply::redirect(301, "/r/5")),
        "/r/5" => Some(Reply::new(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /private/\n",
        )),
        _ => None,
    });
    let s = hostile_settings(&[server.url("/world/5001-fine"), server.url("/private/5004")]);
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let targets = server.targets();
    assert_eq!(server.count("/r/5"), 1, "{targets:?}");
    assert_eq!(server.count("/world/5001-fine"), 1, "{targets:?}");
    assert_eq!(server.count("/private/5004"), 0, "{targets:?}");
    assert_eq!(c.stats().robots_blocked, 1, "{:?}", c.stats());
}

// ---------------------------------------------------------------------------------------------
// robots.txt of 10 MB

/// 10 MB of robots.txt: `Disallow: /private/` at the top, comments, and past the 512 KiB that
/// are read a group that would disallow everything.
fn big_robots() -> Vec<u8> {
    let mut s = String::from("User-agent: *\nDisallow: /private/\n");
    let mut n = 0u64;
    while s.len() < 600 * 1024 {
        n += 1;
        s.push_str(&format!("# padding line {n:08}, nothing to see here\n"));
    }
    s.push_str("User-agent: *\nDisallow: /\n");
    while s.len() < 10 * MIB {
        n += 1;
        s.push_str(&format!("Disallow: /deep/{n:08}/\n"));
    }
    s.into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ten_megabyte_robots_txt_is_read_up_to_its_limit_and_the_host_crawled() {
    let _gate = shared().await;
    let robots = Arc::new(big_robots());
    let server = hub_server(&["/private/5004"], move |req| {
        (req.path == "/robots.txt").then(|| Reply::shared(200, "text/plain", robots.clone()))
    });
    let s = hostile_settings(&[server.url("/")]);
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let targets = server.targets();
    eprintln!("10 MB robots.txt: {:?}", c.took);

    assert_eq!(server.count("/robots.txt"), 1, "{targets:?}");
    // the rule at the top applies
    assert_eq!(server.count("/private/5004"), 0, "{targets:?}");
    assert_eq!(c.stats().robots_blocked, 1, "{:?}", c.stats());
    // the rules past 512 KiB do not: the host is crawled
    assert_eq!(server.count("/"), 1, "{targets:?}");
    assert_eq!(c.record_paths(), fine_records());
    assert!(c.stats().errors.is_empty(), "{:?}", c.stats().errors);
    assert_bounded(&c, Duration::from_secs(20));
    assert_only(&c, &[&server]);
}

/// A robots.txt whose 512 KiB limit falls inside a line: `Disallow: /later/` cut after its
/// `/` must not become `Disallow: /`.
#[tokio::test(flavor = "multi_thread")]

async fn a_robots_rule_cut_at_the_limit_is_not_read_short() {
    let _gate = shared().await;
    const LIMIT: usize = 512 * 1024;
    let mut s = String::from("User-agent: *\nDisallow: /private/\n");
    let rule = "Disallow: /";
    while s.len() + 40 < LIMIT - rule.len() {
        s.push_str("# padding, nothing to see here........\n");
    }
    s.push('#');
    while s.len() < LIMIT - rule.len() - 1 {
        s.push('.');
    }
    s.push('\n');
    s.push_str(rule);
    assert_eq!(s.len(), LIMIT, "the limit falls right after `Disallow: /`");
    s.push_str("later/\n");
    s.push_str(&"# more padding\n".repeat(1000));
    let robots = Arc::new(s.into_bytes());
    let server = hub_server(&[], move |req| {
        (req.path == "/robots.txt").then(|| Reply::shared(200, "text/plain", robots.clone()))
    });
    let s = hostile_settings(&[server.url("/")]);
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    assert_eq!(
        c.stats().robots_blocked,
        0,
        "the host was disallowed; the server saw {:?}",
        server.targets()
    );
    assert_eq!(c.record_paths(), fine_records());
}

// ---------------------------------------------------------------------------------------------
// sitemap bombs

fn urlset(base: &str, paths: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        s.push_str(&format!("<url><loc>{base}{p}</loc></url>\n"));
    }
    s.push_str("</urlset>\n");
    s
}

fn sitemap_index(locs: &[String]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for l in locs {
        s.push_str(&format!("<sitemap><loc>{l}</loc></sitemap>\n"));
    }
    s.push_str("</sitemapindex>\n");
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sitemap_index_listing_itself_is_read_once() {
    let _gate = shared().await;
    let server = Hostile::start(|req| match req.path {
        "/sitemap-self.xml" => Some(Reply::new(
            200,
            "application/xml",
            sitemap_index(&[
                format!("{}/sitemap-self.xml", req.base),
                "/sitemap-self.xml".to_string(),
                format!("{}/sitemap-self.xml?utm_source=x", req.base),
                "/sitemap-pages.xml".to_string(),
            ]),
        )),
        "/sitemap-pages.xml" => Some(Reply::new(200, "application/xml", urlset(req.base, &FINE))),
        _ => None,
    });
    let mut s = hostile_settings(&[]);
    s.sitemaps = vec![server.url("/sitemap-self.xml")];
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let targets = server.targets();

    assert_eq!(server.count("/sitemap-self.xml"), 1, "{targets:?}");
    assert_eq!(server.count("/sitemap-pages.xml"), 1, "{targets:?}");
    assert_eq!(c.skipped("duplicate"), 3, "{:?}", c.stats().skipped);
    assert!(c.stats().errors.is_empty(), "{:?}", c.stats().errors);
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(20));
    assert_only(&c, &[&server]);
}

const MILLION: usize = 1_000_000;

/// A URL set of a million pages (some 50 MB).
fn million_urlset(base: &str) -> Vec<u8> {
    let mut s = String::with_capacity(MILLION * 60);
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for i in 0..MILLION {
        use std::fmt::Write as _;
        let _ = writeln!(s, "<url><loc>{base}/world/{}-m</loc></url>", 100_000 + i);
    }
    s.push_str("</urlset>\n");
    s.into_bytes()
}

/// A server whose `/sitemap-million.xml` is [`million_urlset`] (made before any request), and
/// settings that crawl it with `max_pages` 5 and room enough to read it whole: the bomb is the
/// number of entries, not the bytes.
fn million_server() -> (Hostile, CrawlSettings) {
    let body: Arc<OnceLock<Arc<Vec<u8>>>> = Arc::new(OnceLock::new());
    let cell = body.clone();
    let server = Hostile::start(move |req| {
        (req.path == "/sitemap-million.xml").then(|| {
            let b = cell.get().expect("made before the crawl").clone();
            Reply::shared(200, "application/xml", b)
        })
    });
    body.set(Arc::new(million_urlset(&server.url(""))))
        .expect("set once");
    let mut s = hostile_settings(&[]);
    s.sitemaps = vec![server.url("/sitemap-million.xml")];
    s.max_pages = 5;
    s.max_body_bytes = 64 * MIB as u64;
    // reading a million entries takes seconds in a debug build (5 s here, all of it in
    // parse_sitemap), more on a busy machine: the watchdog must not be what ends the crawl
    s.idle_timeout = Duration::from_secs(60);
    (server, s)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sitemap_of_a_million_urls_ends_quickly_with_the_pages_capped() {
    let _gate = exclusive().await;
    let (server, s) = million_server();
    let baseline = heap::baseline();
    let c = crawl(s, Duration::from_secs(50), &[&server]).await;
    let grew = heap::growth(baseline);
    let targets = server.targets();
    let pages = targets.iter().filter(|t| t.starts_with("/world/")).count();
    eprintln!(
        "million-URL sitemap: {:?}; heap grew {} MiB; {pages} pages; skipped {:?}; server: {:?}",
        c.took,
        grew / MIB,
        c.stats().skipped,
        server.notes()
    );

    assert_eq!(
        server.count("/sitemap-million.xml"),
        1,
        "{:?}",
        &targets[..targets.len().min(20)]
    );
    assert_eq!(
        pages,
        5,
        "max_pages caps the pages: {:?}",
        &targets[..targets.len().min(20)]
    );
    assert_eq!(c.records.len(), 5);
    // the entries past the cap are counted as not fetched (at most 50,000 are taken from one
    // document, the sitemap protocol's own limit)
    assert!(
        c.skipped("max-pages") >= 50_000 - 5,
        "{:?}",
        c.stats().skipped
    );
    assert!(c.stats().errors.is_empty(), "{:?}", c.stats().errors);
    assert!(grew < 1024 * MIB, "the heap grew {} MiB", grew / MIB);
    assert_bounded(&c, Duration::from_secs(40));
    assert_only(&c, &[&server]);
}

/// Every URL of a sitemap is either fetched or counted as not fetched, with a reason.
#[tokio::test(flavor = "multi_thread")]

async fn every_entry_of_a_million_url_sitemap_is_accounted_for() {
    let _gate = exclusive().await;
    let (server, s) = million_server();
    let c = crawl(s, Duration::from_secs(50), &[&server]).await;
    let skipped: u64 = c.stats().skipped.values().sum();
    assert_eq!(
        c.stats().pages + skipped,
        MILLION as u64,
        "{:?}",
        c.stats().skipped
    );
}

/// Sitemap indexes that each name a new one: sitemaps do not count against `max_pages`, and a
/// child sitemap is at the depth of its parent, so nothing but a nesting or count limit can
/// end this.
#[tokio::test(flavor = "multi_thread")]

async fn an_endless_chain_of_sitemap_indexes_ends() {
    let _gate = shared().await;
    let server = Hostile::start(|req| {
        let n: u64 = req.path.strip_prefix("/smap/")?.parse().ok()?;
        Some(Reply::new(
            200,
            "application/xml",
            sitemap_index(&[format!("/smap/{}", n + 1)]),
        ))
    });
    let mut s = hostile_settings(&[]);
    s.sitemaps = vec![server.url("/smap/1")];
    s.max_pages = 5;
    s.max_depth = 3;
    let c = crawl(s, Duration::from_secs(15), &[&server]).await;
    let fetched = server
        .targets()
        .iter()
        .filter(|t| t.starts_with("/smap/"))
        .count();
    assert!(fetched <= 100, "{fetched} sitemap indexes fetched");
    assert!(!c.stats().skipped.is_empty() || !c.stats().errors.is_empty());
    assert_bounded(&c, Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzipped_sitemap_that_inflates_past_the_limit_is_counted_and_the_heap_stays_small() {
    let _gate = exclusive().await;
    // 64 KiB on the wire (under max_body_bytes), 64 MiB once inflated (over it)
    let bomb = Arc::new(gzip_bomb(64));
    let server = Hostile::start(move |req| match req.path {
        "/sitemap-bomb.xml.gz" => Some(Reply::shared(200, "application/x-gzip", bomb.clone())),
        "/sitemap-pages.xml" => Some(Reply::new(200, "application/xml", urlset(req.base, &FINE))),
        _ => None,
    });
    let mut s = hostile_settings(&[]);
    s.sitemaps = vec![
        server.url("/sitemap-bomb.xml.gz"),
        server.url("/sitemap-pages.xml"),
    ];
    let baseline = heap::baseline();
    let c = crawl(s, Duration::from_secs(40), &[&server]).await;
    let grew = heap::growth(baseline);
    eprintln!(
        "gzipped sitemap bomb: {:?}; heap grew {} KiB; errors {:?}",
        c.took,
        grew / 1024,
        c.stats().errors
    );

    assert_eq!(
        server.count("/sitemap-bomb.xml.gz"),
        1,
        "{:?}",
        server.targets()
    );
    assert_eq!(c.error_total(), 1, "{:?}", c.stats().errors);
    assert!(grew < 32 * MIB, "the heap grew {} MiB", grew / MIB);
    assert_eq!(c.record_paths(), fine_records());
    assert_bounded(&c, Duration::from_secs(20));
    assert_only(&c, &[&server]);
}

// ---------------------------------------------------------------------------------------------
// the internal-address guard, end to end: nothing leaves 127.0.0.0/8

/// Links and redirects to the cloud metadata address, IPv6 loopback, private ranges, and to
/// names that resolve to internal addresses. Names are looked up in a fixed table (no DNS
/// query leaves the machine) and every address the crawler is about to connect to passes a
/// check that records, and refuses, anything outside 127.0.0.0/8: the test fails if the
/// check ever fired, so a guard that let one through could not have sent a packet anyway.
#[tokio::test(flavor = "multi_thread")]
async fn internal_addresses_by_link_redirect_or_name_are_refused_and_nothing_leaves_loopback() {
    let _gate = shared().await;
    let server = Hostile::start(|req| {
        let port = req.base.rsplit(':').next().unwrap_or("80");
        match req.path {
            "/" => {
                let links: Vec<String> = [
                    "http://169.254.169.254/latest/meta-data/".to_string(),
                    format!("http://[::1]:{port}/world/1-v6"),
                    "http://10.0.0.1/world/2-ten".to_string(),
                    "http://192.168.1.1/world/3-home".to_string(),
                    format!("http://internal.test:{port}/world/4-by-name"),
                    format!("http://metadata.test:{port}/world/5-by-name"),
                    format!("http://loopback.test:{port}/world/6-by-name"),
                    "/to-literal".to_string(),
                    "/to-name".to_string(),
                ]
                .into_iter()
                .chain(FINE.iter().map(|p| p.to_string()))
                .collect();
                let refs: Vec<&str> = links.iter().map(String::as_str).collect();
                Some(link_page(&refs))
            }
            "/to-literal" => Some(Reply::redirect(302, "http://169.254.169.254/latest/")),
            "/to-name" => Some(Reply::redirect(
                302,
                &format!("http://home-router.test:{port}/world/7-by-redirect"),
            )),
            _ => None,
        }
    });
    let names = FixedLookup::new([
        ("internal.test", "10.0.0.1".parse().unwrap()),
        ("metadata.test", "169.254.169.254".parse().unwrap()),
        ("loopback.test", "127.0.0.1".parse().unwrap()),
        ("home-router.test", "192.168.1.1".parse().unwrap()),
    ]);
    let outside: Arc<Mutex<Vec<SocketAddr>>> = Arc::default();
    let seen = outside.clone();
    let network = Network {
        lookup: Arc::new(names),
        connect_check: Some(Arc::new(move |addr: SocketAddr| {
            let loopback_v4 =
                matches!(addr.ip(), std::net::IpAddr::V4(v4) if v4.octets()[0] == 127);
            if loopback_v4 {
                Ok(())
            } else {
                seen.lock().unwrap().push(addr);
                Err(format!("the test refuses to connect to {addr}"))
            }
        })),
    };
    let mut s = hostile_settings(&[server.url("/")]);
    // every host in scope, so that the guard, not the scope, is what refuses them
    s.allowed_hosts = [
        "127.0.0.1",
        "169.254.169.254",
        "[::1]",
        "::1",
        "10.0.0.1",
        "192.168.1.1",
        "internal.test",
        "metadata.test",
        "loopback.test",
        "home-router.test",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let c = match try_crawl_on(s, network, Duration::from_secs(30)).await {
        Ok(c) => c,
        Err(waited) => panic!("the crawl did not end within {waited:?}"),
    };
    assert_bounded(&c, Duration::from_secs(30));
    assert!(
        outside.lock().unwrap().is_empty(),
        "the crawler tried to connect outside loopback: {:?}",
        outside.lock().unwrap()
    );
    // literal addresses are refused before any request; a name is refused when it
    // resolves (its robots.txt request is the first to fail, once per host), and the
    // pages queued for it are counted as refused, not as blocked by robots
    assert_eq!(
        c.skipped("private address refused"),
        9,
        "4 literal links, 1 literal redirect, 3 named links, 1 named redirect: {:?}",
        c.stats()
    );
    assert_eq!(
        c.errors("refused-address"),
        4,
        "one per named host: {:?}",
        c.stats()
    );
    assert_eq!(c.stats().robots_blocked, 0);
    assert_eq!(c.record_paths(), fine_records());
    // what reached the server is all the crawler sent to 127.0.0.1; the requests counted
    // for the named hosts ended at the lookup
    let local = server.url("/");
    let local = url::Url::parse(&local).unwrap();
    let key = format!("{}:{}", local.host_str().unwrap(), local.port().unwrap());
    assert_eq!(c.stats().hosts[&key].requests as usize, server.requests());
}

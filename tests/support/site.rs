//! A small news site on the aawsat template, served over HTTP/1.1 by hand on 127.0.0.1 (port
//! chosen by the OS), with every request it receives logged: when, method, target, headers.
//! (One test also starts one on 127.0.0.2, a loopback address the crawler was not allowed.)
//!
//! The server is written on raw tokio sockets so that the tests control every byte and every
//! delay: keep-alive connections (reqwest reuses them), `Content-Length` or chunked bodies,
//! answers held back past the crawler's timeout, status codes that change on the next try.
//!
//! Articles reuse the saved pages of `fixtures/aawsat/` (the three UTF-8 single-article ones,
//! picked by article number). Each is rewritten so that it names its address on this server:
//! the canonical link, `og:url` and the container's `data-url` point at
//! `http://127.0.0.1:PORT/...`, so records carry the test server's addresses (not aawsat.com
//! ones) and the tests can compare them with what was requested. Every link the fixture itself
//! carries (menus, related cards, embeds) gets `rel="nofollow"`: the crawl's link graph is
//! exactly the one this module draws, so request counts can be asserted precisely.
//!
//! Routes (`BASE` is `http://127.0.0.1:PORT`):
//!
//! | path | answer |
//! | --- | --- |
//! | `/robots.txt` | `User-agent: *`, `Disallow: /private/`, `Disallow: /أرشيف/`, optional `Crawl-delay`, optional `Sitemap: BASE/sitemap-index.xml`; or an error status |
//! | | or a 302 to an address of the test's choosing |
//! | `/sitemap-index.xml` | sitemap index → `BASE/sitemap-articles.xml.gz` |
//! | `/sitemap-articles.xml.gz` | gzipped URL set (`application/x-gzip`, no Content-Encoding): 3001, 3002 (sitemap only), 1102 |
//! | `/feed` | RSS 2.0: 2001, 2002 (feed only), 1101 |
//! | `/` | home: section page 1, the feed, `/private/secret`, article 1001 |
//! | `/section/world?page=N` | N = 1..3, prev/next links, articles N101..N103 |
//! | `/world/NNNN-slug` | an article whose canonical is itself |
//! | `/amp/world/NNNN-slug` | the same article, canonical `/world/NNNN-slug` |
//! | `/private/...` | an article (disallowed by robots.txt) |
//! | `/sneaky` | 302 → `/private/other` |
//! | `/moved` | 301 → `/world/4001-moved-target` |
//! | `/offsite` | 302 → `http://other.invalid/x` |
//! | `/loop-a`, `/loop-b` | 302 to each other |
//! | `/chain/N` | 302 → `/chain/N+1`, for ever |
//! | `/busy` | 429 with `Retry-After: 2` the first time, then an article |
//! | `/flaky` | 503 the first time, then an article |
//! | `/slow` | an article after [`SLOW_DELAY`] |
//! | `/slow-body` | an article's head and first half at once, the rest after [`SLOW_DELAY`] |
//! | `/huge` | [`HUGE_BYTES`] of HTML with a Content-Length |
//! | `/huge-chunked` | the same, chunked (no length announced) |
//! | `/bomb` | the same, `Content-Encoding: gzip` (a few KiB on the wire) |
//! | `/gzipped` | an article, `Content-Encoding: gzip` |
//! | `/report.pdf` | `application/pdf` |
//! | `/hub/NAME` | a page of links for one test (see [`hub_links`]) |
//! | anything else | 404 |

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use regex::Regex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long `/slow` holds its answer back.
pub const SLOW_DELAY: Duration = Duration::from_secs(3);
/// The size of `/huge` and `/huge-chunked`.
pub const HUGE_BYTES: usize = 200 * 1024;
/// The `Retry-After` of `/busy`'s first answer, in seconds.
pub const BUSY_RETRY_AFTER: u64 = 2;

/// The discovery documents: requests for these are not pages.
pub const DISCOVERY: &[&str] = &[
    "/robots.txt",
    "/sitemap-index.xml",
    "/sitemap-articles.xml.gz",
    "/feed",
];

/// The feed's articles, and the sitemap's, that no page links to.
pub const FEED_ONLY: &[&str] = &["/world/2001-feed-only", "/world/2002-feed-only"];
pub const SITEMAP_ONLY: &[&str] = &["/world/3001-sitemap-only", "/world/3002-sitemap-only"];

#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// `Crawl-delay` in robots.txt, seconds.
    pub crawl_delay: Option<f64>,
    /// Whether robots.txt names the sitemap index.
    pub sitemap_in_robots: bool,
    /// Answer robots.txt with this status (and no rules) instead of 200.
    pub robots_status: Option<u16>,
    /// Hold every `/world/…` article back this long (so that requests overlap).
    pub article_delay: Option<Duration>,
    /// Answer robots.txt with a 302 to this address.
    pub robots_redirect: Option<String>,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When its head was read whole.
    pub at: Instant,
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The status the server answered with.
    pub status: u16,
    /// Which connection it came on (numbered from 0 in accept order).
    pub conn: u64,
    /// When the answer, ready, started going out (None: not reached).
    pub done: Option<Instant>,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is a page request (robots.txt, sitemaps and the feed are not).
    pub fn is_page(&self) -> bool {
        !DISCOVERY.contains(&self.path())
    }
}

struct State {
    opts: SiteOptions,
    base: String,
    log: Mutex<Vec<Seen>>,
    hits: Mutex<HashMap<String, u32>>,
    connections: std::sync::atomic::AtomicU64,
}

/// A running site. Stops when dropped.
pub struct Site {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Site {
    /// Starts the server on 127.0.0.1, on a port the OS picks, on a thread and runtime of its
    /// own (so it works the same under a `#[tokio::test]` and around a child process).
    pub fn start(opts: SiteOptions) -> Site {
        Self::start_at("127.0.0.1", opts)
    }

    /// Starts the server on `ip`, which must be in 127.0.0.0/8 (Linux answers on all of it).
    pub fn start_at(ip: &str, opts: SiteOptions) -> Site {
        let ip: std::net::Ipv4Addr = ip.parse().expect("an IPv4 address");
        assert_eq!(ip.octets()[0], 127, "test servers live in 127.0.0.0/8 only");
        let listener = std::net::TcpListener::bind((ip, 0)).expect("bind a loopback address");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let state = Arc::new(State {
            opts,
            base: format!("http://{addr}"),
            log: Mutex::new(Vec::new()),
            hits: Mutex::new(HashMap::new()),
            connections: std::sync::atomic::AtomicU64::new(0),
        });
        let st = state.clone();
        let (stop_tx, thread) =
            super::spawn_server(format!("site-{}", addr.port()), move || async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                accept_loop(listener, st).await
            });
        Site {
            addr,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> &str {
        &self.state.base
    }

    /// `http://127.0.0.1:PORT` + `path`
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.state.base)
    }

    /// The key the crawler paces this host under (and reports it in its stats as).
    pub fn host_key(&self) -> String {
        self.addr.to_string()
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state.log.lock().unwrap().clone()
    }

    pub fn targets(&self) -> Vec<String> {
        self.requests().into_iter().map(|s| s.target).collect()
    }

    /// Requests whose target (path and query) is exactly `target`.
    pub fn count(&self, target: &str) -> usize {
        self.requests()
            .iter()
            .filter(|s| s.target == target)
            .count()
    }

    /// Requests for `path`, whatever their query.
    pub fn count_path(&self, path: &str) -> usize {
        self.requests().iter().filter(|s| s.path() == path).count()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.state
            .connections
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Times at which `target` was requested.
    pub fn times(&self, target: &str) -> Vec<Instant> {
        self.requests()
            .iter()
            .filter(|s| s.target == target)
            .map(|s| s.at)
            .collect()
    }
}

impl Drop for Site {
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
                let conn = state
                    .connections
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(serve_connection(sock, state.clone(), conn));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

enum Body {
    Full(Vec<u8>),
    Chunked(Vec<u8>),
    /// With its Content-Length: the first half at once, the rest after the pause.
    Trickle(Vec<u8>, Duration),
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
    /// Held back this long before anything is written.
    delay: Option<Duration>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Full(body.into()),
            delay: None,
        }
    }

    fn html(body: String) -> Self {
        Self::new(200, "text/html; charset=utf-8", body)
    }

    fn redirect(status: u16, location: &str) -> Self {
        let mut r = Self::new(status, "text/html; charset=utf-8", Vec::new());
        r.headers.push(("Location", location.to_string()));
        r
    }

    fn not_found() -> Self {
        Self::new(
            404,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><title>404</title><p>not found</p>",
        )
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Serves one connection: requests one after another for as long as the client keeps it.
async fn serve_connection(mut sock: TcpStream, state: Arc<State>, conn: u64) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
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
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_string();
        let target = first.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        // a request body (none expected from a crawler): read and ignored
        let body_len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < body_len {
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..body_len);
        let close = headers
            .iter()
            .any(|(k, v)| k == "connection" && v.eq_ignore_ascii_case("close"));

        let response = route(&state, &method, &target);
        let index = {
            let mut log = state.log.lock().unwrap();
            log.push(Seen {
                at,
                method,
                target,
                headers,
                status: response.status,
                conn,
                done: None,
            });
            log.len() - 1
        };
        if let Some(d) = response.delay {
            tokio::time::sleep(d).await;
        }
        // stamped before the answer goes out, not after: the client cannot have the whole
        // answer (and start its next request) before this instant, so counting requests
        // open at once never depends on how fast this thread gets back from the write
        state.log.lock().unwrap()[index].done = Some(Instant::now());
        if write_response(&mut sock, response, close).await.is_err() {
            return;
        }
        if close {
            return;
        }
    }
}

async fn write_response(sock: &mut TcpStream, r: Response, close: bool) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    match r.body {
        Body::Full(body) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            let mut out = head.into_bytes();
            out.extend_from_slice(&body);
            sock.write_all(&out).await?;
        }
        Body::Chunked(body) => {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            sock.write_all(head.as_bytes()).await?;
            for piece in body.chunks(8 * 1024) {
                let mut c = format!("{:x}\r\n", piece.len()).into_bytes();
                c.extend_from_slice(piece);
                c.extend_from_slice(b"\r\n");
                sock.write_all(&c).await?;
            }
            sock.write_all(b"0\r\n\r\n").await?;
        }
        Body::Trickle(body, pause) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            let (first, rest) = body.split_at(body.len() / 2);
            let mut out = head.into_bytes();
            out.extend_from_slice(first);
            sock.write_all(&out).await?;
            sock.flush().await?;
            tokio::time::sleep(pause).await;
            sock.write_all(rest).await?;
        }
    }
    sock.flush().await
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn hit(state: &State, path: &str) -> u32 {
    let mut hits = state.hits.lock().unwrap();
    let n = hits.entry(path.to_string()).or_default();
    *n += 1;
    *n
}

static ARTICLE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^/world/(\d+)-[a-z0-9-]+$").unwrap());
static AMP_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^/amp(/world/(\d+)-[a-z0-9-]+)$").unwrap());

fn route(state: &State, method: &str, target: &str) -> Response {
    if method != "GET" {
        return Response::new(405, "text/plain", "GET only");
    }
    let base = state.base.as_str();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if let Some(c) = ARTICLE_PATH.captures(path) {
        let id: u32 = c[1].parse().unwrap();
        let mut r = Response::html(article_page(base, id, path));
        r.delay = state.opts.article_delay;
        return r;
    }
    if let Some(c) = AMP_PATH.captures(path) {
        let id: u32 = c[2].parse().unwrap();
        return Response::html(article_page(base, id, &c[1]));
    }
    if let Some(rest) = path.strip_prefix("/private/") {
        return Response::html(article_page(base, 9000 + rest.len() as u32, path));
    }
    if let Some(name) = path.strip_prefix("/hub/") {
        return match hub_links(name, query) {
            Some(links) => Response::html(link_page(&format!("hub {name}"), &links)),
            None => Response::not_found(),
        };
    }
    if let Some(n) = path
        .strip_prefix("/chain/")
        .and_then(|n| n.parse::<u32>().ok())
    {
        return Response::redirect(302, &format!("/chain/{}", n + 1));
    }
    match path {
        "/robots.txt" if state.opts.robots_redirect.is_some() => {
            Response::redirect(302, state.opts.robots_redirect.as_deref().unwrap())
        }
        "/robots.txt" if state.opts.robots_status.is_some() => {
            let status = state.opts.robots_status.unwrap();
            Response::new(status, "text/plain", format!("status {status}"))
        }
        "/robots.txt" => {
            // the archive rule in UTF-8, as people write it; RFC 9309 compares it encoded
            let mut body = String::from(
                "# robots.txt of the khabar crawl tests\nUser-agent: *\nDisallow: /private/\nDisallow: /أرشيف/\n",
            );
            if let Some(d) = state.opts.crawl_delay {
                body.push_str(&format!("Crawl-delay: {d}\n"));
            }
            if state.opts.sitemap_in_robots {
                body.push_str(&format!("\nSitemap: {base}/sitemap-index.xml\n"));
            }
            Response::new(200, "text/plain; charset=utf-8", body)
        }
        "/sitemap-index.xml" => Response::new(
            200,
            "application/xml; charset=utf-8",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-articles.xml.gz</loc><lastmod>2024-03-27T10:00:00+00:00</lastmod></sitemap>
</sitemapindex>
"#
            ),
        ),
        "/sitemap-articles.xml.gz" => {
            let mut set = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
            );
            for p in SITEMAP_ONLY
                .iter()
                .chain(["/world/1102-section-story"].iter())
            {
                set.push_str(&format!(
                    "  <url><loc>{base}{p}</loc><lastmod>2024-03-27T10:00:00+00:00</lastmod><news:news><news:title>t</news:title></news:news></url>\n"
                ));
            }
            set.push_str("</urlset>\n");
            Response::new(200, "application/x-gzip", gzip(set.as_bytes()))
        }
        "/feed" => {
            let mut rss = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>الشرق الأوسط</title><link>{base}/</link><description>test feed</description>\n"
            );
            for p in FEED_ONLY.iter().chain(["/world/1101-section-story"].iter()) {
                rss.push_str(&format!(
                    "<item><title>{p}</title><link>{base}{p}</link><guid>{base}{p}</guid></item>\n"
                ));
            }
            rss.push_str("</channel></rss>\n");
            Response::new(200, "application/rss+xml; charset=utf-8", rss)
        }
        "/" => Response::html(link_page(
            "home",
            &[
                "/section/world?page=1",
                "/feed",
                "/private/secret",
                "/world/1001-home-story",
            ]
            .map(String::from),
        )),
        "/section/world" => {
            let page: u32 = query_param(query, "page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            if !(1..=3).contains(&page) {
                return Response::not_found();
            }
            let mut links: Vec<String> = (1..=3)
                .map(|k| format!("/world/{page}10{k}-section-story"))
                .collect();
            if page > 1 {
                links.push(format!("?page={}", page - 1));
            }
            if page < 3 {
                links.push(format!("?page={}", page + 1));
            }
            Response::html(link_page(&format!("world, page {page}"), &links))
        }
        "/sneaky" => Response::redirect(302, "/private/other"),
        "/moved" => Response::redirect(301, "/world/4001-moved-target"),
        "/offsite" => Response::redirect(302, "http://other.invalid/x"),
        "/loop-a" => Response::redirect(302, "/loop-b"),
        "/loop-b" => Response::redirect(302, "/loop-a"),
        "/busy" => {
            if hit(state, path) == 1 {
                let mut r = Response::new(429, "text/plain", "slow down");
                r.headers
                    .push(("Retry-After", BUSY_RETRY_AFTER.to_string()));
                r
            } else {
                Response::html(article_page(base, 4101, path))
            }
        }
        "/flaky" => {
            if hit(state, path) == 1 {
                Response::new(503, "text/plain", "try again")
            } else {
                Response::html(article_page(base, 4102, path))
            }
        }
        "/slow" => {
            let mut r = Response::html(article_page(base, 4103, path));
            r.delay = Some(SLOW_DELAY);
            r
        }
        "/slow-body" => {
            let mut r = Response::html(String::new());
            r.body = Body::Trickle(article_page(base, 4104, path).into_bytes(), SLOW_DELAY);
            r
        }
        "/huge" => Response::html(huge_page()),
        "/gzipped" => {
            let mut r = Response::new(
                200,
                "text/html; charset=utf-8",
                gzip(article_page(base, 4105, path).as_bytes()),
            );
            r.headers.push(("Content-Encoding", "gzip".into()));
            r
        }
        "/bomb" => {
            // a few KiB on the wire, over HUGE_BYTES once inflated
            let mut r = Response::new(
                200,
                "text/html; charset=utf-8",
                gzip(huge_page().as_bytes()),
            );
            r.headers.push(("Content-Encoding", "gzip".into()));
            r
        }
        "/huge-chunked" => {
            let mut r = Response::html(String::new());
            r.body = Body::Chunked(huge_page().into_bytes());
            r
        }
        "/report.pdf" => Response::new(
            200,
            "application/pdf",
            b"%PDF-1.4\n% not really a PDF\n%%EOF\n".to_vec(),
        ),
        _ => Response::not_found(),
    }
}

/// The links of `/hub/NAME` (relative to the site), or None for an unknown hub.
pub fn hub_links(name: &str, query: &str) -> Option<Vec<String>> {
    let from: u32 = query_param(query, "from")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let links: Vec<String> = match name {
        // robots.txt: a disallowed page, a redirect into the disallowed path, two open ones
        "robots" => vec![
            "/private/secret".into(),
            "/sneaky".into(),
            format!("/world/{}-open-story", from + 1),
            format!("/world/{}-open-story", from + 2),
        ],
        // the two rules reached through other spellings of their paths: the UTF-8 one through
        // a link (requested percent-encoded, as every non-ASCII path is), the ASCII one through
        // a percent-encoded unreserved character
        "robots-utf8" => vec![
            "/أرشيف/2024".into(),
            format!("/world/{}-open-story", from + 1),
        ],
        "robots-escaped" => vec![
            "/%70rivate/encoded".into(),
            format!("/world/{}-open-story", from + 1),
        ],
        "small" => vec![
            "/world/9201-small-story".into(),
            "/world/9202-small-story".into(),
        ],
        "redirects" => ["/moved", "/offsite", "/loop-a", "/chain/1"]
            .map(String::from)
            .to_vec(),
        "retry" => ["/busy", "/flaky"].map(String::from).to_vec(),
        "errors" => [
            "/slow",
            "/slow-body",
            "/huge",
            "/huge-chunked",
            "/bomb",
            "/report.pdf",
            "/gzipped",
            "/world/5001-still-fine",
        ]
        .map(String::from)
        .to_vec(),
        "dedupe" => [
            "/world/6001-tracked?utm_source=x",
            "/world/6001-tracked#comments",
            "/world/6001-tracked?utm_medium=email&fbclid=abc",
            "/world/6001-tracked",
            "/world/6002-twin",
            "/amp/world/6002-twin",
            "/amp/world/6003-twin",
            "/hub/dedupe-later",
        ]
        .map(String::from)
        .to_vec(),
        "dedupe-later" => vec!["/world/6003-twin".into()],
        "private" => [
            "http://10.0.0.1/x",
            "http://169.254.169.254/latest/meta-data/",
            "/world/7001-public-story",
        ]
        .map(String::from)
        .to_vec(),
        "many" => {
            let n: u32 = query_param(query, "n")
                .and_then(|v| v.parse().ok())
                .unwrap_or(40);
            let from = if from == 0 { 8000 } else { from };
            (1..=n)
                .map(|i| format!("/world/{}-many-story", from + i))
                .collect()
        }
        _ => return None,
    };
    Some(links)
}

/// The most requests any server of `logs` had open at once: received, answer not yet written
/// whole. Each such request was in flight for the crawler too, so this never overstates it.
pub fn most_at_once(logs: &[Vec<Seen>]) -> usize {
    let all: Vec<&Seen> = logs.iter().flatten().collect();
    assert!(
        all.iter().all(|s| s.done.is_some()),
        "every answer went out"
    );
    all.iter()
        .map(|s| {
            all.iter()
                .filter(|o| o.at <= s.at && s.at < o.done.unwrap())
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// A plain page of links (home, sections, hubs): no article metadata, so no record.
fn link_page(title: &str, links: &[String]) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head><meta charset=\"utf-8\"><title>{title} | الشرق الأوسط</title></head>\n<body>\n<ul class=\"links\">\n"
    );
    for l in links {
        let l = escape_attr(l);
        s.push_str(&format!("  <li><a href=\"{l}\">{l}</a></li>\n"));
    }
    s.push_str("</ul>\n</body>\n</html>\n");
    s
}

const FIXTURES: [&str; 3] = [
    include_str!("../../fixtures/aawsat/levantine-dates.html"),
    include_str!("../../fixtures/aawsat/byline-visible-date.html"),
    include_str!("../../fixtures/aawsat/wire-embed.html"),
];

static CANONICAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<link rel="canonical" href="[^"]*">"#).unwrap());
static OG_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<meta property="og:url" content="[^"]*">"#).unwrap());
static DATA_URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"data-url="[^"]*""#).unwrap());
static LINK_OPEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<a\s").unwrap());
static H1: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<h1>([^<]*)</h1>").unwrap());

/// The fixture article number `id` is served from.
fn fixture_for(id: u32) -> &'static str {
    FIXTURES[id as usize % FIXTURES.len()]
}

/// The headline of article number `id` (its fixture's `<h1>`).
pub fn headline_for(id: u32) -> String {
    H1.captures(fixture_for(id)).expect("fixture has an <h1>")[1]
        .trim()
        .to_string()
}

/// Article number `id` on the aawsat template, whose canonical address is `base` +
/// `canonical_path`.
pub fn article_page(base: &str, id: u32, canonical_path: &str) -> String {
    let own = format!("{base}{canonical_path}");
    let html = fixture_for(id);
    for (re, what) in [
        (&*CANONICAL, "canonical link"),
        (&*OG_URL, "og:url"),
        (&*DATA_URL, "data-url"),
    ] {
        assert_eq!(re.find_iter(html).count(), 1, "the fixture has one {what}");
    }
    let html = CANONICAL.replace(html, format!(r#"<link rel="canonical" href="{own}">"#));
    let html = OG_URL.replace(
        &html,
        format!(r#"<meta property="og:url" content="{own}">"#),
    );
    let html = DATA_URL.replace(&html, format!(r#"data-url="{canonical_path}""#));
    LINK_OPEN
        .replace_all(&html, r#"<a rel="nofollow" "#)
        .into_owned()
}

/// Over [`HUGE_BYTES`] of valid HTML.
fn huge_page() -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>huge</title></head><body>\n",
    );
    let para = "<p>نص طويل جداً لصفحة كبيرة لا ينبغي أن تُقرأ كلها.</p>\n";
    while s.len() < HUGE_BYTES {
        s.push_str(para);
    }
    s.push_str("</body></html>\n");
    s
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

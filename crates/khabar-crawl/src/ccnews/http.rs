//! Archives over HTTP(S), read as they arrive: a blocking [`Read`] over the body of a GET,
//! for the WARC reader. The body is pulled a chunk at a time from the client's runtime, so
//! at most a chunk or two is in memory. A transfer that breaks off (a reset, a read that
//! waits past the time limit, a body shorter than announced) is taken up again where it
//! stopped with a `Range: bytes=N-` request; a server that answers `200` to it instead of
//! `206` is read from the start and the bytes before `N` are passed over. Requests that
//! fail, and `429`/`5xx` answers, are tried again after a wait that doubles each time, or
//! the one `Retry-After` asks for.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header;
use url::Url;

use crate::fetch::parse_retry_after;

/// How archives and listings are requested.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// The User-Agent header.
    pub user_agent: String,
    /// The longest wait for a connection, for an answer's head, and between two pieces of
    /// a body.
    pub timeout: Duration,
    /// How many times a failed request, or a transfer that broke off, is tried again.
    pub retries: u32,
    /// The first wait before trying again; it doubles with each try (at most a minute),
    /// unless the server asks for a wait with `Retry-After`.
    pub backoff: Duration,
    /// The longest `Retry-After` obeyed; a longer one is cut to this.
    pub max_retry_after: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            user_agent: crate::settings::DEFAULT_USER_AGENT.to_string(),
            timeout: Duration::from_secs(60),
            retries: 5,
            backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(600),
        }
    }
}

/// Why a request got no usable answer.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// 404 or 410: there is nothing at the address.
    NotFound,
    /// It failed, every try (what the last one got).
    Failed(String),
    /// The run was asked to stop.
    Stopped,
}

/// The HTTP client and the runtime it runs on; cheap to clone.
#[derive(Clone)]
pub(crate) struct Http {
    rt: Arc<tokio::runtime::Runtime>,
    client: reqwest::Client,
    opts: HttpOptions,
}

/// A response whose body is about to be read.
struct Opened {
    resp: Option<reqwest::Response>,
    /// Bytes at the start of the body to pass over (a `200` to a Range request).
    skip: u64,
    /// The whole file's size, when the answer tells it.
    total: Option<u64>,
}

impl Http {
    /// A client with its own small runtime. Call from outside an async runtime.
    pub(crate) fn new(opts: HttpOptions) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("khabar-ccnews-http")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        let client = {
            let _guard = rt.enter();
            reqwest::Client::builder()
                .user_agent(opts.user_agent.clone())
                .connect_timeout(opts.timeout)
                .no_proxy()
                // archives are read byte for byte as stored: offsets must be the file's
                .no_gzip()
                .no_brotli()
                .no_zstd()
                .build()
                .map_err(|e| format!("cannot set up the HTTP client: {e}"))?
        };
        Ok(Self {
            rt: Arc::new(rt),
            client,
            opts,
        })
    }

    /// The wait before try `attempt` (1 for the first retry): the server's Retry-After if
    /// it sent one, else the backoff doubled each time, at most a minute, with ±20% jitter.
    fn wait_for(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(w) = retry_after {
            return w.min(self.opts.max_retry_after);
        }
        let base = self
            .opts
            .backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(Duration::from_secs(60));
        base.mul_f64(0.8 + 0.4 * fastrand::f64())
    }

    /// Sends a GET (from `offset` on, with a Range request, when it is not 0) and waits for
    /// the answer's head; tries again on failures and on `429` and `5xx` answers.
    fn request(&self, url: &Url, offset: u64, stop: &AtomicBool) -> Result<Opened, OpenError> {
        let mut attempt = 0;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Err(OpenError::Stopped);
            }
            let (problem, retry_after) = match self.try_request(url, offset) {
                Ok(Ok(opened)) => return Ok(opened),
                Ok(Err(e @ (OpenError::NotFound | OpenError::Stopped))) => return Err(e),
                Ok(Err(OpenError::Failed(m))) => return Err(OpenError::Failed(m)),
                Err(retry) => retry,
            };
            attempt += 1;
            if attempt > self.opts.retries {
                let tries = self.opts.retries + 1;
                return Err(OpenError::Failed(format!(
                    "{problem} ({tries} {})",
                    if tries == 1 { "try" } else { "tries" }
                )));
            }
            let wait = self.wait_for(attempt, retry_after);
            tracing::warn!(
                "{url}: {problem}; trying again in {:.1} s (retry {attempt} of {})",
                wait.as_secs_f64(),
                self.opts.retries
            );
            if !sleep_unless_stopped(wait, stop) {
                return Err(OpenError::Stopped);
            }
        }
    }

    /// One GET. `Err` is worth trying again: what went wrong and the wait the server asked
    /// for.
    #[allow(clippy::type_complexity)]
    fn try_request(
        &self,
        url: &Url,
        offset: u64,
    ) -> Result<Result<Opened, OpenError>, (String, Option<Duration>)> {
        let mut req = self.client.get(url.clone());
        if offset > 0 {
            req = req.header(header::RANGE, format!("bytes={offset}-"));
        }
        let timeout = self.opts.timeout;
        let sent = self.rt.block_on(async move {
            match tokio::time::timeout(timeout, req.send()).await {
                Ok(r) => r.map_err(|e| error_chain(&e)),
                Err(_) => Err(format!(
                    "no answer within {} s",
                    timeout.as_secs_f64().round()
                )),
            }
        });
        let resp = match sent {
            Ok(r) => r,
            Err(e) => return Err((e, None)),
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        match status {
            StatusCode::OK => {
                let total = resp.content_length();
                Ok(Ok(Opened {
                    resp: Some(resp),
                    skip: offset,
                    total,
                }))
            }
            StatusCode::PARTIAL_CONTENT => {
                let range = resp
                    .headers()
                    .get(header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(content_range);
                match range {
                    Some((start, total)) if start == offset => Ok(Ok(Opened {
                        resp: Some(resp),
                        skip: 0,
                        total,
                    })),
                    _ => Ok(Err(OpenError::Failed(format!(
                        "asked for bytes from {offset} on, the server sent `Content-Range: {}`",
                        resp.headers()
                            .get(header::CONTENT_RANGE)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                    )))),
                }
            }
            StatusCode::RANGE_NOT_SATISFIABLE if offset > 0 => {
                // nothing from `offset` on: the file ends there (or shrank: then the size
                // in `bytes */SIZE` is smaller)
                let total = resp
                    .headers()
                    .get(header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("bytes */"))
                    .and_then(|v| v.trim().parse::<u64>().ok());
                match total {
                    Some(t) if t < offset => Ok(Err(OpenError::Failed(format!(
                        "the file has {t} bytes, fewer than the {offset} already read: it changed on the server"
                    )))),
                    _ => Ok(Ok(Opened {
                        resp: None,
                        skip: 0,
                        total: Some(offset),
                    })),
                }
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(Err(OpenError::NotFound)),
            s if s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error() => {
                Err((format!("HTTP {}", status_text(s)), retry_after))
            }
            s => Ok(Err(OpenError::Failed(format!("HTTP {}", status_text(s))))),
        }
    }

    /// A whole small file (a listing), or `None` when there is none (404, 410).
    pub(crate) fn get_small(
        &self,
        url: &Url,
        limit: u64,
        stop: &Arc<AtomicBool>,
    ) -> Result<Option<Vec<u8>>, OpenError> {
        let mut body = match self.open(url.clone(), 0, stop.clone()) {
            Ok(b) => b,
            Err(OpenError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        match (&mut body).take(limit + 1).read_to_end(&mut out) {
            Ok(_) if out.len() as u64 > limit => Err(OpenError::Failed(format!(
                "larger than {limit} bytes: not a listing"
            ))),
            Ok(_) => Ok(Some(out)),
            Err(_) if stop.load(Ordering::Relaxed) => Err(OpenError::Stopped),
            Err(e) => Err(OpenError::Failed(e.to_string())),
        }
    }

    /// The body at `url` from byte `offset` on, as a blocking reader that takes up a
    /// broken transfer where it stopped.
    pub(crate) fn open(
        &self,
        url: Url,
        offset: u64,
        stop: Arc<AtomicBool>,
    ) -> Result<RemoteBody, OpenError> {
        let opened = self.request(&url, offset, &stop)?;
        let mut body = RemoteBody {
            http: self.clone(),
            url,
            pos: offset,
            total: opened.total,
            resp: None,
            skip: 0,
            ended: false,
            leftover: Vec::new(),
            leftover_pos: 0,
            failures: 0,
            resumes: 0,
            stop: Some(stop),
            counter: None,
            told_no_range: false,
        };
        body.take_opened(opened);
        Ok(body)
    }
}

/// `bytes START-END/TOTAL` (TOTAL may be `*`): START and TOTAL.
fn content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, _end) = range.split_once('-')?;
    let start = start.trim().parse().ok()?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start, total))
}

fn status_text(s: StatusCode) -> String {
    match s.canonical_reason() {
        Some(r) => format!("{} {r}", s.as_u16()),
        None => s.as_u16().to_string(),
    }
}

/// An error and its causes, on one line.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        src = s.source();
    }
    text
}

/// Sleeps `wait`, in short steps; false if asked to stop meanwhile.
pub(crate) fn sleep_unless_stopped(wait: Duration, stop: &AtomicBool) -> bool {
    let until = Instant::now() + wait;
    loop {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let now = Instant::now();
        if now >= until {
            return true;
        }
        std::thread::sleep((until - now).min(Duration::from_millis(100)));
    }
}

/// The body of one GET, read as it arrives (see the module's notes).
pub(crate) struct RemoteBody {
    http: Http,
    url: Url,
    /// The offset in the file of the next byte handed to the reader.
    pos: u64,
    total: Option<u64>,
    resp: Option<reqwest::Response>,
    skip: u64,
    /// The body was read to its end.
    ended: bool,
    leftover: Vec<u8>,
    leftover_pos: usize,
    /// Breaks in a row with no byte read since.
    failures: u32,
    resumes: u32,
    stop: Option<Arc<AtomicBool>>,
    /// Bytes read, added up for the progress line.
    counter: Option<Arc<AtomicU64>>,
    told_no_range: bool,
}

/// What waiting for the next piece of a body gave.
enum Piece {
    Data(usize),
    End,
    Broken(String),
    Stopped,
}

impl RemoteBody {
    /// The file's size, when the server told it.
    pub(crate) fn size(&self) -> Option<u64> {
        self.total
    }

    /// Adds the bytes read to `counter` as they come.
    pub(crate) fn count_into(&mut self, counter: Arc<AtomicU64>) {
        self.counter = Some(counter);
    }

    /// How many times a broken transfer was taken up again.
    #[allow(dead_code)]
    pub(crate) fn resumes(&self) -> u32 {
        self.resumes
    }

    fn take_opened(&mut self, opened: Opened) {
        self.ended = opened.resp.is_none();
        self.resp = opened.resp;
        self.skip = opened.skip;
        // a 200 tells the whole size in Content-Length, a 206 in Content-Range
        if opened.total.is_some() {
            self.total = opened.total;
        }
        if self.skip > 0 && !self.told_no_range {
            self.told_no_range = true;
            tracing::warn!(
                "{}: the server does not answer Range requests; reading from the start and passing over the first {} bytes",
                self.url,
                self.skip
            );
        }
    }

    fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// Waits for the next piece of the body and copies what fits into `buf` (the rest is
    /// kept for the next read); bytes to pass over are dropped here.
    fn next_piece(&mut self, buf: &mut [u8]) -> Piece {
        let Some(resp) = self.resp.as_mut() else {
            return Piece::End;
        };
        let timeout = self.http.opts.timeout;
        let stop = self.stop.clone();
        let started = Instant::now();
        let got = self.http.rt.block_on(async {
            loop {
                match tokio::time::timeout(Duration::from_millis(200), resp.chunk()).await {
                    Ok(Ok(chunk)) => return Ok(chunk),
                    Ok(Err(e)) => return Err(Some(error_chain(&e))),
                    Err(_) => {
                        if stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
                            return Err(None);
                        }
                        if started.elapsed() >= timeout {
                            return Err(Some(format!(
                                "no data for {} s",
                                timeout.as_secs_f64().round()
                            )));
                        }
                    }
                }
            }
        });
        match got {
            Ok(None) => Piece::End,
            Ok(Some(chunk)) => {
                let mut data: &[u8] = &chunk;
                if self.skip > 0 {
                    let n = (self.skip.min(data.len() as u64)) as usize;
                    self.skip -= n as u64;
                    data = &data[n..];
                }
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                if n < data.len() {
                    self.leftover.clear();
                    self.leftover.extend_from_slice(&data[n..]);
                    self.leftover_pos = 0;
                }
                Piece::Data(n)
            }
            Err(None) => Piece::Stopped,
            Err(Some(e)) => Piece::Broken(e),
        }
    }

    fn deliver(&mut self, n: usize) -> usize {
        self.pos += n as u64;
        if let Some(c) = &self.counter {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        n
    }

    /// Takes the transfer up again at `pos`, after a wait; `Err` when it cannot be.
    fn resume(&mut self, why: &str) -> io::Result<()> {
        self.failures += 1;
        {
            let _guard = self.http.rt.enter();
            self.resp = None;
        }
        let retries = self.http.opts.retries;
        if self.failures > retries {
            return Err(io::Error::other(format!(
                "{}: the transfer broke off at byte {} ({why}) and could not be taken up again after {retries} {}",
                self.url,
                self.pos,
                if retries == 1 { "retry" } else { "retries" }
            )));
        }
        let wait = self.http.wait_for(self.failures, None);
        tracing::warn!(
            "{}: the transfer broke off at byte {} ({why}); taking it up there in {:.1} s (retry {} of {retries})",
            self.url,
            self.pos,
            wait.as_secs_f64(),
            self.failures
        );
        let stop = self.stop.clone().unwrap_or_default();
        if !sleep_unless_stopped(wait, &stop) {
            return Err(stopped());
        }
        match self.http.request(&self.url, self.pos, &stop) {
            Ok(opened) => {
                self.resumes += 1;
                self.take_opened(opened);
                Ok(())
            }
            Err(OpenError::Stopped) => Err(stopped()),
            Err(OpenError::NotFound) => Err(io::Error::other(format!(
                "{}: gone (404) when taking the transfer up again at byte {}",
                self.url, self.pos
            ))),
            Err(OpenError::Failed(m)) => Err(io::Error::other(format!(
                "{}: the transfer broke off at byte {} and could not be taken up again: {m}",
                self.url, self.pos
            ))),
        }
    }
}

fn stopped() -> io::Error {
    io::Error::other("stopped")
}

impl Read for RemoteBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.leftover_pos < self.leftover.len() {
                let rest = &self.leftover[self.leftover_pos..];
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                self.leftover_pos += n;
                return Ok(self.deliver(n));
            }
            if self.stopped() {
                return Err(stopped());
            }
            if self.ended {
                return Ok(0);
            }
            match self.next_piece(buf) {
                Piece::Data(0) => continue,
                Piece::Data(n) => {
                    self.failures = 0;
                    return Ok(self.deliver(n));
                }
                Piece::End => match self.total {
                    Some(t) if self.pos < t => {
                        let why = format!("the body ended {} bytes short", t - self.pos);
                        self.resume(&why)?;
                    }
                    _ => {
                        self.ended = true;
                        let _guard = self.http.rt.enter();
                        self.resp = None;
                        return Ok(0);
                    }
                },
                Piece::Broken(why) => {
                    if self.total.is_some_and(|t| self.pos >= t) {
                        // all of it came; the connection closed badly after
                        self.ended = true;
                        continue;
                    }
                    self.resume(&why)?;
                }
                Piece::Stopped => return Err(stopped()),
            }
        }
    }
}

impl Drop for RemoteBody {
    fn drop(&mut self) {
        let _guard = self.http.rt.enter();
        self.resp = None;
    }
}

/// Whether an input names an archive to stream: an `http://` or `https://` address.
pub fn is_remote(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(content_range("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(content_range("items 1-2/3"), None);
        assert!(is_remote("HTTPS://x/a.warc.gz"));
        assert!(!is_remote("/tmp/a.warc.gz"));
    }

    #[test]
    fn waits_double_and_obey_retry_after_up_to_a_limit() {
        let opts = HttpOptions {
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(30),
            ..HttpOptions::default()
        };
        let http = Http::new(opts).unwrap();
        let w3 = http.wait_for(3, None);
        assert!(w3 >= Duration::from_millis(3200) && w3 <= Duration::from_millis(4800));
        assert!(http.wait_for(40, None) <= Duration::from_secs(72));
        assert_eq!(
            http.wait_for(1, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            http.wait_for(1, Some(Duration::from_secs(7000))),
            Duration::from_secs(30)
        );
    }
}

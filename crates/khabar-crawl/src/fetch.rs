//! The downloader: one HTTP GET with timeouts, a body size limit enforced on the
//! decompressed bytes as they stream in, no automatic redirects (each hop goes back
//! through the scheduler to be checked against scope and robots), and a resolver that
//! refuses internal addresses.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::dns::{Name, Resolve, Resolving};
use reqwest::header::{self, HeaderMap};
use url::Url;

use crate::network::Network;
use crate::scope::is_internal_ip;
use crate::settings::CrawlSettings;

/// One response, read whole.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    /// The URL asked for (a redirect is not followed: see `location`).
    pub url: Url,
    /// The HTTP status code.
    pub status: u16,
    /// The Content-Type header's media type, lower-cased, without parameters.
    pub content_type: Option<String>,
    /// The Content-Type header's `charset` parameter.
    pub charset: Option<String>,
    /// The Location header, as sent (it may be relative).
    pub location: Option<String>,
    /// The Retry-After header as a wait (a date already past: zero).
    pub retry_after: Option<Duration>,
    /// The ETag header.
    pub etag: Option<String>,
    /// The Last-Modified header.
    pub last_modified: Option<String>,
    /// The body, decompressed, within the size limit.
    pub body: Vec<u8>,
    /// When the answer was read: RFC 3339, UTC, to the second.
    pub fetched_at: String,
    /// Every response header as received, in order (values read as text).
    pub headers: Vec<(String, String)>,
    /// The server's address, if the client knew it.
    pub remote_ip: Option<std::net::IpAddr>,
    /// When the answer was read, for archives.
    pub received_at: std::time::SystemTime,
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FetchError {
    /// The request or its connection took longer than its time limit.
    #[error("timed out")]
    Timeout,
    /// No connection could be opened (the error and its causes).
    #[error("connection failed: {0}")]
    Connect(String),
    /// The connection broke off while the body was read (the error and its causes).
    #[error("connection broke off mid-answer: {0}")]
    Interrupted(String),
    /// The connection was reset or closed before a whole answer came.
    #[error("connection reset: {0}")]
    Reset(String),
    /// The body ended before the length its head announced.
    #[error("body shorter than announced: {0}")]
    Truncated(String),
    /// An HTTP/2 stream was reset, or the connection went away (GOAWAY).
    #[error("HTTP/2 stream failed: {0}")]
    Stream(String),
    /// An internal address the guard does not allow, or one the connect check refused.
    #[error("refused: {0}")]
    Refused(String),
    /// The body (decompressed) is larger than the limit, in bytes.
    #[error("body larger than {0} bytes")]
    TooLarge(u64),
    /// A sitemap larger than the protocol's 50 MB (or `max_body_bytes` when more), as
    /// fetched or once inflated (the limit, in bytes).
    #[error("{}", crate::discover::sitemap_too_large(*.0))]
    SitemapTooLarge(u64),
    /// Anything else (the error and its causes).
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// The name errors are counted under in the summary.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Connect(_) => "connect",
            Self::Interrupted(_) => "interrupted",
            Self::Reset(_) => "connection-reset",
            Self::Truncated(_) => "truncated-body",
            Self::Stream(_) => "http2-stream",
            Self::Refused(_) => "refused-address",
            Self::TooLarge(_) | Self::SitemapTooLarge(_) => "too-large",
            Self::Other(_) => "other",
        }
    }

    /// Whether trying again may help.
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Timeout
                | Self::Connect(_)
                | Self::Interrupted(_)
                | Self::Reset(_)
                | Self::Truncated(_)
                | Self::Stream(_)
        )
    }
}

/// Resolves host names and drops internal addresses unless allowed for that host.
struct GuardedResolver {
    allow_private: bool,
    internal_ok: Arc<std::collections::HashSet<String>>,
    network: Network,
}

/// The guard's decision on what a host name resolved to: internal addresses are dropped
/// unless the host may be internal; a name that resolves to nothing else is refused.
pub(crate) fn screen_addresses(
    host: &str,
    addrs: Vec<SocketAddr>,
    may_be_internal: bool,
) -> Result<Vec<SocketAddr>, String> {
    let total = addrs.len();
    let kept: Vec<SocketAddr> = addrs
        .into_iter()
        .filter(|a| may_be_internal || !is_internal_ip(a.ip()))
        .collect();
    if kept.is_empty() && total > 0 {
        return Err(format!(
            "{host} resolves to an internal address (set allow_private to crawl it)"
        ));
    }
    Ok(kept)
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allowed = self.allow_private || self.internal_ok.contains(&host);
        let network = self.network.clone();
        Box::pin(async move {
            let addrs = network.lookup.lookup(&host, 0).await?;
            let kept = screen_addresses(&host, addrs, allowed)?;
            // reqwest connects to these, with the URL's port
            for a in &kept {
                network.check(*a)?;
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// What to do with a body past its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyLimit {
    /// Fail with [`FetchError::TooLarge`] (pages).
    Fail,
    /// Keep the first N bytes (robots.txt: the first 512 KiB are what counts).
    Truncate(u64),
    /// Fail with [`FetchError::TooLarge`] past N bytes rather than `max_body_bytes`
    /// (sitemaps: the protocol's 50 MB).
    FailPast(u64),
}

/// A crawl's HTTP client: its timeouts and User-Agent, no automatic redirects, no proxy,
/// the body size limit, and the internal-address guard on every lookup and connection.
#[derive(Clone)]
pub(crate) struct Fetcher {
    client: reqwest::Client,
    max_body: u64,
    network: Network,
}

impl Fetcher {
    /// Sets up the client from `settings`. Hosts in `internal_ok` may resolve to internal
    /// addresses (a seed names them); `network` looks names up and checks each address.
    /// Fails, with the reason, when the client cannot be built.
    pub(crate) fn new(
        settings: &CrawlSettings,
        internal_ok: Arc<std::collections::HashSet<String>>,
        network: Network,
    ) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .no_proxy()
            .pool_max_idle_per_host(settings.per_host.max(1))
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: settings.allow_private,
                internal_ok,
                network: network.clone(),
            }))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Self {
            client,
            max_body: settings.max_body_bytes,
            network,
        })
    }

    /// GETs `url`, with `extra` headers, and reads the body up to the size limit; `limit`
    /// says what happens past it.
    pub(crate) async fn get_limited(
        &self,
        url: &Url,
        extra: &[(&'static str, String)],
        timeout: Option<Duration>,
        limit: BodyLimit,
    ) -> Result<Fetched, FetchError> {
        // an address written in the URL is connected to without a lookup: checked here
        if let Some(ip) = url
            .host_str()
            .and_then(|h| h.trim_matches(['[', ']']).parse::<std::net::IpAddr>().ok())
        {
            let port = url.port_or_known_default().unwrap_or(80);
            self.network
                .check(SocketAddr::new(ip, port))
                .map_err(FetchError::Refused)?;
        }
        let mut req = self.client.get(url.clone());
        for (k, v) in extra {
            req = req.header(*k, v);
        }
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let mut resp = req.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let remote_ip = resp.remote_addr().map(|a| a.ip());
        let max = match limit {
            BodyLimit::Fail => self.max_body,
            BodyLimit::Truncate(n) => n.min(self.max_body),
            BodyLimit::FailPast(n) => n,
        };
        if !matches!(limit, BodyLimit::Truncate(_))
            && resp.content_length().is_some_and(|n| n > max)
        {
            return Err(FetchError::TooLarge(max));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            if body.len() as u64 + chunk.len() as u64 > max {
                if let BodyLimit::Truncate(_) = limit {
                    let room = usize::try_from(max)
                        .unwrap_or(usize::MAX)
                        .saturating_sub(body.len());
                    body.extend_from_slice(&chunk[..room.min(chunk.len())]);
                    break;
                }
                return Err(FetchError::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        let (content_type, charset) = content_type(&headers);
        Ok(Fetched {
            url: url.clone(),
            status,
            content_type,
            charset,
            location: headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            etag: header_text(&headers, header::ETAG),
            last_modified: header_text(&headers, header::LAST_MODIFIED),
            retry_after: headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, Utc::now())),
            body,
            fetched_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, false),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            remote_ip,
            received_at: std::time::SystemTime::now(),
        })
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn classify(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout;
    }
    classify_chain(&e, e.is_connect(), e.is_body() || e.is_decode())
}

/// What went wrong, from an error and its causes: a connection reset or closed early, a
/// body cut short, an HTTP/2 stream reset are told apart (each may be tried again).
fn classify_chain(
    e: &(dyn std::error::Error + 'static),
    connecting: bool,
    reading_body: bool,
) -> FetchError {
    let mut chain = String::new();
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut found: Option<fn(String) -> FetchError> = None;
    while let Some(s) = src {
        if !chain.is_empty() {
            chain.push_str(": ");
        }
        chain.push_str(&s.to_string());
        found = found.or_else(|| cause_kind(s, reading_body));
        src = s.source();
    }
    if chain.contains("internal address") {
        return FetchError::Refused(chain);
    }
    if connecting {
        return FetchError::Connect(chain);
    }
    match found {
        Some(make) => make(chain),
        None if reading_body => FetchError::Interrupted(chain),
        None => FetchError::Other(chain),
    }
}

/// The kind of failure one link of an error chain shows, if it shows one.
fn cause_kind(
    s: &(dyn std::error::Error + 'static),
    reading_body: bool,
) -> Option<fn(String) -> FetchError> {
    if let Some(h) = s.downcast_ref::<h2::Error>() {
        let failed = h.is_reset() || h.is_go_away() || h.is_remote() || h.reason().is_some();
        return failed.then_some(FetchError::Stream);
    }
    if let Some(h) = s.downcast_ref::<hyper::Error>() {
        if h.is_incomplete_message() {
            return Some(if reading_body {
                FetchError::Truncated
            } else {
                FetchError::Reset
            });
        }
        if h.is_closed() || h.is_canceled() {
            return Some(FetchError::Reset);
        }
    }
    if let Some(io) = s.downcast_ref::<std::io::Error>() {
        use std::io::ErrorKind::*;
        return match io.kind() {
            ConnectionReset | ConnectionAborted | BrokenPipe | NotConnected => {
                Some(FetchError::Reset)
            }
            UnexpectedEof => Some(FetchError::Truncated),
            _ => None,
        };
    }
    None
}

/// The media type (lower-cased, without parameters) and charset of a Content-Type header.
fn content_type(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let Some(v) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return (None, None);
    };
    let mut parts = v.split(';');
    let media = parts
        .next()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    });
    (media, charset)
}

/// `Retry-After`: delay seconds or an HTTP date, in any of the three forms a recipient
/// must accept (RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form, asctime).
pub(crate) fn parse_retry_after(v: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when: DateTime<Utc> = httpdate::parse_http_date(v).ok()?.into();
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = DateTime::parse_from_rfc3339("2024-03-27T13:52:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 27 Mar 2024 13:52:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 27 Mar 2024 13:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        // the obsolete forms a recipient must still accept
        assert_eq!(
            parse_retry_after("Wednesday, 27-Mar-24 13:52:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed Mar 27 13:53:00 2024", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("Wed, 32 Mar 2024 13:00:00 GMT", now),
            None
        );
    }

    /// The guard's decision for names a test resolver maps to addresses: nothing is looked
    /// up and nothing is sent.
    #[test]
    fn names_that_resolve_to_internal_addresses_are_refused() {
        let resolver: std::collections::HashMap<&str, Vec<&str>> = [
            ("metadata.test", vec!["169.254.169.254:0"]),
            ("loopback.test", vec!["[::1]:0"]),
            ("intranet.test", vec!["10.0.0.1:0"]),
            ("router.test", vec!["192.168.1.1:0"]),
            ("mixed.test", vec!["10.0.0.1:0", "93.184.216.34:0"]),
            ("public.test", vec!["93.184.216.34:0"]),
        ]
        .into_iter()
        .collect();
        let lookup = |h: &str| -> Vec<SocketAddr> {
            resolver[h].iter().map(|a| a.parse().unwrap()).collect()
        };
        for host in [
            "metadata.test",
            "loopback.test",
            "intranet.test",
            "router.test",
        ] {
            let err = screen_addresses(host, lookup(host), false).unwrap_err();
            assert!(err.contains("internal address"), "{host}: {err}");
            assert_eq!(
                screen_addresses(host, lookup(host), true).unwrap().len(),
                1,
                "allowed when asked"
            );
        }
        let kept = screen_addresses("mixed.test", lookup("mixed.test"), false).unwrap();
        assert_eq!(
            kept,
            vec!["93.184.216.34:0".parse::<SocketAddr>().unwrap()],
            "only the public address is tried"
        );
        assert_eq!(
            screen_addresses("public.test", lookup("public.test"), false)
                .unwrap()
                .len(),
            1
        );
    }

    /// An error with a cause, as reqwest's errors wrap hyper's and h2's.
    #[derive(Debug)]
    struct Wrapped(Box<dyn std::error::Error + Send + Sync>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&*self.0)
        }
    }

    #[test]
    fn resets_truncations_and_stream_errors_are_told_apart_and_tried_again() {
        let reset = Wrapped(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        let e = classify_chain(&reset, false, false);
        assert_eq!(e.kind(), "connection-reset");
        assert!(e.is_transient());
        let eof = Wrapped(Box::new(std::io::Error::from(
            std::io::ErrorKind::UnexpectedEof,
        )));
        assert_eq!(classify_chain(&eof, false, true).kind(), "truncated-body");
        let stream = Wrapped(Box::new(h2::Error::from(h2::Reason::REFUSED_STREAM)));
        let e = classify_chain(&stream, false, false);
        assert_eq!(e.kind(), "http2-stream", "{e}");
        assert!(e.is_transient());
        let other = Wrapped(Box::new(std::io::Error::other("odd")));
        assert_eq!(classify_chain(&other, false, false).kind(), "other");
        assert_eq!(classify_chain(&other, false, true).kind(), "interrupted");
        assert_eq!(classify_chain(&reset, true, false).kind(), "connect");
    }

    #[test]
    fn content_type_and_charset() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "Text/HTML; Charset=\"windows-1256\"".parse().unwrap(),
        );
        assert_eq!(
            content_type(&h),
            (Some("text/html".into()), Some("windows-1256".into()))
        );
    }
}

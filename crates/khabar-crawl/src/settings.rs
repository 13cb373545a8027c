//! The `[crawl]` section of the config: seeds, scope, limits and politeness. Command-line
//! flags override it field by field.

// a ConfigError is made once, when the config is read: boxing it would only change the API
#![allow(clippy::result_large_err)]

use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use khabar_extract::config::{ConfigError, ConfigText};

use crate::policy::UrlLimits;

/// The `[crawl]` section as written in the config, before it is checked and its defaults
/// filled in (see [`CrawlSettings::from_raw`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCrawl {
    #[serde(default)]
    seeds: Vec<Spanned<String>>,
    #[serde(default)]
    sitemaps: Vec<Spanned<String>>,
    #[serde(default)]
    feeds: Vec<Spanned<String>>,
    #[serde(default)]
    allowed_hosts: Vec<String>,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    strip_params: Option<Vec<String>>,
    rate: Option<Spanned<f64>>,
    burst: Option<Spanned<u32>>,
    concurrency: Option<Spanned<usize>>,
    per_host: Option<Spanned<usize>>,
    max_pages: Option<u64>,
    max_depth: Option<u32>,
    max_duration_secs: Option<u64>,
    idle_timeout_secs: Option<Spanned<u64>>,
    timeout_secs: Option<Spanned<u64>>,
    connect_timeout_secs: Option<Spanned<u64>>,
    max_body_bytes: Option<Spanned<u64>>,
    max_redirects: Option<u32>,
    retries: Option<u32>,
    backoff_base_ms: Option<u64>,
    max_retry_after_secs: Option<u64>,
    max_crawl_delay_secs: Option<u64>,
    robots: Option<bool>,
    robots_timeout_secs: Option<u64>,
    user_agent: Option<Spanned<String>>,
    allow_private: Option<bool>,
    max_links_per_page: Option<usize>,
    max_queued_per_host: Option<u64>,
    max_url_bytes: Option<usize>,
    max_query_params: Option<usize>,
    max_path_segments: Option<usize>,
    max_segment_repeats: Option<usize>,
    frontier: Option<Spanned<String>>,
    frontier_ca_file: Option<String>,
    lease_timeout_secs: Option<Spanned<u64>>,
}

/// Crawl settings with their defaults filled in.
#[derive(Debug, Clone)]
pub struct CrawlSettings {
    /// Start addresses: pages, feeds or sitemaps (told apart by what they return).
    pub seeds: Vec<String>,
    /// Sitemaps or sitemap indexes whose pages are crawled (one hop from the seeds).
    pub sitemaps: Vec<String>,
    /// RSS or Atom feeds whose item links are crawled (one hop from the seeds).
    pub feeds: Vec<String>,
    /// Hosts the crawl stays on (subdomains included); empty: the seeds' hosts.
    pub allowed_hosts: Vec<String>,
    /// When not empty, a URL must match one of these.
    pub allow: Vec<Regex>,
    /// A URL matching one of these is never fetched.
    pub deny: Vec<Regex>,
    /// Query parameters removed before URLs are compared (`utm_*` style prefixes allowed);
    /// default [`DEFAULT_STRIP_PARAMS`].
    pub strip_params: Vec<String>,
    /// Requests per second per host; 0 means no limit. Default 1.
    pub rate: f64,
    /// Requests a host may get at once after a quiet spell, on top of the rate. Default 1.
    pub burst: u32,
    /// Requests in flight at once, all hosts together. Default 16.
    pub concurrency: usize,
    /// Requests in flight at once to one host. Default 2.
    pub per_host: usize,
    /// Pages fetched at most (sitemaps, feeds and robots.txt not counted); 0: no limit.
    /// Default 1000.
    pub max_pages: u64,
    /// Links followed from a seed at most. Default 3.
    pub max_depth: u32,
    /// The whole crawl's time limit (`max_duration_secs`, in seconds); zero: none, the
    /// default.
    pub max_duration: Duration,
    /// The crawl ends when nothing has completed for this long (`idle_timeout_secs`, in
    /// seconds). Default 120 s.
    pub idle_timeout: Duration,
    /// The time limit of one request, from sending it to the body's last byte
    /// (`timeout_secs`, in seconds); also how long requests in flight may take to finish
    /// once the crawl is stopping. Default 30 s.
    pub timeout: Duration,
    /// The time limit for opening a connection (`connect_timeout_secs`, in seconds).
    /// Default 10 s.
    pub connect_timeout: Duration,
    /// The largest body read, in bytes, counted after decompression: a larger page fails as
    /// too large, a gzipped sitemap is not inflated past it. At least 1024; default 10 MiB.
    pub max_body_bytes: u64,
    /// Redirect hops followed from one request at most; one more is an error. Default 5.
    pub max_redirects: u32,
    /// Tries after the first when a request times out, cannot connect, breaks off, or is
    /// answered 408, 429, 500, 502, 503 or 504. Default 3.
    pub retries: u32,
    /// The wait before the first retry, doubled for each later one, plus a random jitter
    /// of up to half of it (`backoff_base_ms`, in milliseconds). Default 500 ms.
    pub backoff_base: Duration,
    /// The longest `Retry-After` wait honoured; a longer one is cut to this
    /// (`max_retry_after_secs`, in seconds). Default 120 s.
    pub max_retry_after: Duration,
    /// The longest robots.txt `Crawl-delay` honoured; a longer one is cut to this
    /// (`max_crawl_delay_secs`, in seconds). Default 30 s.
    pub max_crawl_delay: Duration,
    /// Whether robots.txt is read and obeyed (`--ignore-robots` turns it off). Default true.
    pub robots: bool,
    /// The time limit of a request for a host's robots.txt, each redirect hop on its own
    /// (`robots_timeout_secs`, in seconds). Default 10 s.
    pub robots_timeout: Duration,
    /// The User-Agent header sent; its product token (the part before the first `/` or
    /// space) is the name robots.txt groups are matched against. Default
    /// [`DEFAULT_USER_AGENT`].
    pub user_agent: String,
    /// Whether hosts that resolve to loopback, private or link-local addresses may be
    /// fetched (a host a seed names may always be). Default false.
    pub allow_private: bool,
    /// Links read from one page at most (the first, in page order, after dedupe).
    pub max_links_per_page: usize,
    /// URLs found in page links queued for one host at most; 0: ten times `max_pages`
    /// when that is set, else [`HARD_MAX_QUEUED_PER_HOST`].
    pub max_queued_per_host: u64,
    /// Bounds on the addresses queued (spider traps).
    pub url_limits: UrlLimits,
    /// A frontier and crawl state many workers share (`redis://HOST:PORT/DB`); `None`: the
    /// embedded state of one machine, the default.
    pub frontier: Option<String>,
    /// For a shared frontier over TLS (`rediss://`): the PEM file of the authority that signed
    /// the server's certificate, when it is not one the system trusts (`frontier_ca_file`,
    /// relative to the config file's folder).
    pub frontier_ca_file: Option<std::path::PathBuf>,
    /// On a shared frontier, how long after a worker's last heartbeat what it took goes to
    /// others (`lease_timeout_secs`, in seconds; it beats four times as often). Default 30 s.
    pub lease_timeout: Duration,
}

/// Whether `address` names a shared frontier this build can use (a Redis server).
pub fn is_frontier_address(address: &str) -> bool {
    ["redis://", "rediss://", "redis+unix://", "unix://"]
        .iter()
        .any(|p| address.starts_with(p))
}

/// The cap on URLs queued for one host when neither `max_queued_per_host` nor `max_pages`
/// sets one.
pub const HARD_MAX_QUEUED_PER_HOST: u64 = 1_000_000;

impl CrawlSettings {
    /// The cap on URLs queued for one host from page links.
    pub fn queued_per_host_cap(&self) -> u64 {
        match (self.max_queued_per_host, self.max_pages) {
            (0, 0) => HARD_MAX_QUEUED_PER_HOST,
            (0, pages) => pages.saturating_mul(10).min(HARD_MAX_QUEUED_PER_HOST),
            (n, _) => n,
        }
    }
}

/// The User-Agent sent when none is configured:
/// `khabar/VERSION (news archiver; +https://crates.io/crates/khabar)`.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "khabar/",
    env!("CARGO_PKG_VERSION"),
    " (news archiver; +https://crates.io/crates/khabar)"
);

/// Tracking parameters removed from URLs unless the config names others (`utm_*`: every
/// parameter whose name starts with `utm_`).
pub const DEFAULT_STRIP_PARAMS: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "igshid",
    "ocid",
    "cmpid",
    "at_medium",
    "at_campaign",
    "ref_src",
];

impl Default for CrawlSettings {
    fn default() -> Self {
        Self {
            seeds: Vec::new(),
            sitemaps: Vec::new(),
            feeds: Vec::new(),
            allowed_hosts: Vec::new(),
            allow: Vec::new(),
            deny: Vec::new(),
            strip_params: DEFAULT_STRIP_PARAMS.iter().map(|s| s.to_string()).collect(),
            rate: 1.0,
            burst: 1,
            concurrency: 16,
            per_host: 2,
            max_pages: 1000,
            max_depth: 3,
            max_duration: Duration::ZERO,
            idle_timeout: Duration::from_secs(120),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            retries: 3,
            backoff_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            max_crawl_delay: Duration::from_secs(30),
            robots: true,
            robots_timeout: Duration::from_secs(10),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            allow_private: false,
            max_links_per_page: 10_000,
            max_queued_per_host: 0,
            url_limits: UrlLimits::default(),
            frontier: None,
            frontier_ca_file: None,
            lease_timeout: Duration::from_secs(30),
        }
    }
}

/// Command-line overrides of the `[crawl]` section; `None` keeps the config's value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Seed URLs; when not empty they replace the config's seeds, sitemaps and feeds.
    pub seeds: Vec<String>,
    /// `--rate`: requests per second per host, 0 or more (0: no limit).
    pub rate: Option<f64>,
    /// `--burst`: requests a host may get at once, 1 or more.
    pub burst: Option<u32>,
    /// `--concurrency`: requests in flight at once, 1 or more.
    pub concurrency: Option<usize>,
    /// `--per-host`: requests in flight at once to one host, 1 or more.
    pub per_host: Option<usize>,
    /// `--max-pages`: pages fetched at most (0: no limit).
    pub max_pages: Option<u64>,
    /// `--max-depth`: link hops from a seed at most.
    pub max_depth: Option<u32>,
    /// `--max-time`: the whole crawl's time limit.
    pub max_duration: Option<Duration>,
    /// `--timeout`: the time limit of one request, 1 second or more.
    pub timeout: Option<Duration>,
    /// `--user-agent`: the User-Agent header, one non-empty line.
    pub user_agent: Option<String>,
    /// `--allow-private`: internal addresses may be fetched (false keeps the config's value).
    pub allow_private: bool,
    /// `--ignore-robots`: robots.txt is neither read nor obeyed (false keeps the config's
    /// value).
    pub ignore_robots: bool,
}

/// A flag with a value that cannot work.
#[derive(Debug, thiserror::Error)]
#[error("--{flag}: {message}")]
pub struct BadOverride {
    /// The flag, without its leading `--`.
    pub flag: &'static str,
    /// What its value must be.
    pub message: &'static str,
}

impl CrawlSettings {
    /// Applies command-line overrides. Seeds given there replace the config's seeds,
    /// sitemaps and feeds.
    pub fn apply(&mut self, o: Overrides) -> Result<(), BadOverride> {
        let bad = |flag, message| Err(BadOverride { flag, message });
        if !o.seeds.is_empty() {
            self.seeds = o.seeds;
            self.sitemaps.clear();
            self.feeds.clear();
        }
        if let Some(r) = o.rate {
            if !(r.is_finite() && r >= 0.0) {
                return bad("rate", "must be 0 or more (0: no limit)");
            }
            self.rate = r;
        }
        match o.burst {
            Some(0) => return bad("burst", "must be 1 or more"),
            Some(b) => self.burst = b,
            None => {}
        }
        match o.concurrency {
            Some(0) => return bad("concurrency", "must be 1 or more"),
            Some(c) => self.concurrency = c,
            None => {}
        }
        match o.per_host {
            Some(0) => return bad("per-host", "must be 1 or more"),
            Some(c) => self.per_host = c,
            None => {}
        }
        if let Some(n) = o.max_pages {
            self.max_pages = n;
        }
        if let Some(n) = o.max_depth {
            self.max_depth = n;
        }
        if let Some(d) = o.max_duration {
            self.max_duration = d;
        }
        match o.timeout {
            Some(t) if t.is_zero() => return bad("timeout", "must be 1 second or more"),
            Some(t) => self.timeout = t,
            None => {}
        }
        if let Some(ua) = o.user_agent {
            if ua.trim().is_empty() || ua.contains(['\r', '\n']) {
                return bad("user-agent", "must be one non-empty line");
            }
            self.user_agent = ua;
        }
        self.allow_private |= o.allow_private;
        if o.ignore_robots {
            self.robots = false;
        }
        Ok(())
    }

    /// Checks the `[crawl]` section read from the config and fills in the defaults; a bad
    /// value is reported at its place in `ctx`, the config's text.
    pub fn from_raw(raw: RawCrawl, ctx: &ConfigText<'_>) -> Result<Self, ConfigError> {
        let d = Self::default();
        let err = |span: &std::ops::Range<usize>, field: &str, msg: String| {
            ctx.value_error(span, "crawl", field, msg)
        };
        let urls = |field: &str, list: Vec<Spanned<String>>| -> Result<Vec<String>, ConfigError> {
            list.into_iter()
                .map(|u| match url::Url::parse(u.get_ref()) {
                    Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(u.into_inner()),
                    _ => Err(err(
                        &u.span(),
                        field,
                        format!("`{}` is not an absolute http(s) address", u.get_ref()),
                    )),
                })
                .collect()
        };
        let rate = match raw.rate {
            Some(r) if !(r.get_ref().is_finite() && *r.get_ref() >= 0.0) => {
                return Err(err(
                    &r.span(),
                    "rate",
                    "must be a number of requests per second, 0 or more (0: no limit)".into(),
                ));
            }
            Some(r) => r.into_inner(),
            None => d.rate,
        };
        let positive = |v: Option<Spanned<usize>>, field: &str, default: usize| match v {
            Some(v) if *v.get_ref() == 0 => Err(err(&v.span(), field, "must be 1 or more".into())),
            Some(v) => Ok(v.into_inner()),
            None => Ok(default),
        };
        let positive_secs = |v: Option<Spanned<u64>>, field: &str, default: Duration| match v {
            Some(v) if *v.get_ref() == 0 => {
                Err(err(&v.span(), field, "must be 1 second or more".into()))
            }
            Some(v) => Ok(Duration::from_secs(v.into_inner())),
            None => Ok(default),
        };
        let burst = match raw.burst {
            Some(b) if *b.get_ref() == 0 => {
                return Err(err(&b.span(), "burst", "must be 1 or more".into()));
            }
            Some(b) => b.into_inner(),
            None => d.burst,
        };
        let frontier = match raw.frontier {
            Some(f) if !is_frontier_address(f.get_ref()) => {
                return Err(err(
                    &f.span(),
                    "frontier",
                    "must be a Redis address: redis://HOST:PORT/DB (rediss:// for TLS)".into(),
                ));
            }
            Some(f) => Some(f.into_inner()),
            None => None,
        };
        let max_body_bytes = match raw.max_body_bytes {
            Some(b) if *b.get_ref() < 1024 => {
                return Err(err(
                    &b.span(),
                    "max_body_bytes",
                    "must be at least 1024".into(),
                ));
            }
            Some(b) => b.into_inner(),
            None => d.max_body_bytes,
        };
        let user_agent = match raw.user_agent {
            Some(ua) if ua.get_ref().trim().is_empty() || ua.get_ref().contains(['\r', '\n']) => {
                return Err(err(
                    &ua.span(),
                    "user_agent",
                    "must be one non-empty line".into(),
                ));
            }
            Some(ua) => ua.into_inner(),
            None => d.user_agent,
        };
        Ok(Self {
            seeds: urls("seeds", raw.seeds)?,
            sitemaps: urls("sitemaps", raw.sitemaps)?,
            feeds: urls("feeds", raw.feeds)?,
            allowed_hosts: raw
                .allowed_hosts
                .iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .collect(),
            allow: ctx.regexes("crawl", "allow", raw.allow)?,
            deny: ctx.regexes("crawl", "deny", raw.deny)?,
            strip_params: raw.strip_params.unwrap_or(d.strip_params),
            rate,
            burst,
            concurrency: positive(raw.concurrency, "concurrency", d.concurrency)?,
            per_host: positive(raw.per_host, "per_host", d.per_host)?,
            max_pages: raw.max_pages.unwrap_or(d.max_pages),
            max_depth: raw.max_depth.unwrap_or(d.max_depth),
            max_duration: raw
                .max_duration_secs
                .map_or(d.max_duration, Duration::from_secs),
            idle_timeout: positive_secs(
                raw.idle_timeout_secs,
                "idle_timeout_secs",
                d.idle_timeout,
            )?,
            timeout: positive_secs(raw.timeout_secs, "timeout_secs", d.timeout)?,
            connect_timeout: positive_secs(
                raw.connect_timeout_secs,
                "connect_timeout_secs",
                d.connect_timeout,
            )?,
            max_body_bytes,
            max_redirects: raw.max_redirects.unwrap_or(d.max_redirects),
            retries: raw.retries.unwrap_or(d.retries),
            backoff_base: raw
                .backoff_base_ms
                .map_or(d.backoff_base, Duration::from_millis),
            max_retry_after: raw
                .max_retry_after_secs
                .map_or(d.max_retry_after, Duration::from_secs),
            max_crawl_delay: raw
                .max_crawl_delay_secs
                .map_or(d.max_crawl_delay, Duration::from_secs),
            robots: raw.robots.unwrap_or(d.robots),
            robots_timeout: raw
                .robots_timeout_secs
                .map_or(d.robots_timeout, Duration::from_secs),
            user_agent,
            allow_private: raw.allow_private.unwrap_or(d.allow_private),
            max_links_per_page: raw.max_links_per_page.unwrap_or(d.max_links_per_page),
            max_queued_per_host: raw.max_queued_per_host.unwrap_or(d.max_queued_per_host),
            url_limits: UrlLimits {
                max_url_bytes: raw.max_url_bytes.unwrap_or(d.url_limits.max_url_bytes),
                max_query_params: raw
                    .max_query_params
                    .unwrap_or(d.url_limits.max_query_params),
                max_path_segments: raw
                    .max_path_segments
                    .unwrap_or(d.url_limits.max_path_segments),
                max_segment_repeats: raw
                    .max_segment_repeats
                    .unwrap_or(d.url_limits.max_segment_repeats),
            },
            frontier,
            frontier_ca_file: raw.frontier_ca_file.map(|f| {
                let path = std::path::Path::new(&f);
                match ctx.origin.parent() {
                    Some(dir) if ctx.origin.is_file() && path.is_relative() => dir.join(path),
                    _ => path.to_path_buf(),
                }
            }),
            lease_timeout: positive_secs(
                raw.lease_timeout_secs,
                "lease_timeout_secs",
                d.lease_timeout,
            )?,
        })
    }
}

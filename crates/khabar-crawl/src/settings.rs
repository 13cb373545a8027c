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
    max_duration_secs: Option<Spanned<u64>>,
    idle_timeout_secs: Option<Spanned<u64>>,
    timeout_secs: Option<Spanned<u64>>,
    connect_timeout_secs: Option<Spanned<u64>>,
    stop_grace_secs: Option<Spanned<u64>>,
    max_body_bytes: Option<Spanned<u64>>,
    max_redirects: Option<Spanned<u32>>,
    retries: Option<Spanned<u32>>,
    backoff_base_ms: Option<Spanned<u64>>,
    max_retry_after_secs: Option<Spanned<u64>>,
    max_crawl_delay_secs: Option<Spanned<u64>>,
    recrawl_after_secs: Option<Spanned<u64>>,
    robots: Option<bool>,
    robots_timeout_secs: Option<Spanned<u64>>,
    user_agent: Option<Spanned<String>>,
    allow_private: Option<bool>,
    max_links_per_page: Option<usize>,
    max_queued_per_host: Option<u64>,
    max_url_bytes: Option<usize>,
    max_query_params: Option<usize>,
    max_path_segments: Option<usize>,
    max_segment_repeats: Option<usize>,
    max_sitemaps_per_host: Option<u64>,
    max_sitemaps_per_run: Option<u64>,
    max_sitemap_urls_per_host: Option<u64>,
    max_sitemap_urls_per_run: Option<u64>,
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
    /// Addresses fetched and extracted as articles, whatever their markup says
    /// (`khabar fetch`); not a config key.
    pub pages: Vec<String>,
    /// Whether links, feed entries and sitemaps are followed; false: only the start
    /// addresses are fetched (`khabar fetch`; redirects are still followed). Not a config
    /// key. Default true.
    pub follow: bool,
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
    /// (`timeout_secs`, in seconds). Default 30 s.
    pub timeout: Duration,
    /// The time limit for opening a connection (`connect_timeout_secs`, in seconds).
    /// Default 10 s.
    pub connect_timeout: Duration,
    /// Once the crawl is stopping (Ctrl-C, SIGTERM, `max_duration`), how long requests in
    /// flight may take to finish before they are abandoned (`stop_grace_secs`, in
    /// seconds; never more than `timeout`). Default 5 s.
    pub stop_grace: Duration,
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
    /// With a crawl state, an article page of a site no profile covers, fetched by an
    /// earlier run less than this long ago, is not fetched again; after it, it is asked
    /// for conditionally (`recrawl_after_secs`; a profile's own key wins on its hosts).
    /// Default 3600 s.
    pub recrawl_after: Duration,
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
    /// Bounds on what sitemaps (and feeds) bring into one run.
    pub sitemap_limits: SitemapLimits,
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

/// Bounds on the sitemaps (and feeds) read in one run and the page addresses taken from
/// them, per host and for the whole run. Past a bound, the rest is counted, not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapLimits {
    /// Sitemap documents read from one host (`max_sitemaps_per_host`). Default 1,000.
    pub sitemaps_per_host: u64,
    /// Sitemap documents read in all (`max_sitemaps_per_run`). Default 10,000.
    pub sitemaps_per_run: u64,
    /// Page addresses taken from one host's sitemaps and feeds
    /// (`max_sitemap_urls_per_host`). Default 1,000,000.
    pub urls_per_host: u64,
    /// Page addresses taken from sitemaps and feeds in all (`max_sitemap_urls_per_run`).
    /// Default 2,000,000.
    pub urls_per_run: u64,
}

impl Default for SitemapLimits {
    fn default() -> Self {
        Self {
            sitemaps_per_host: 1_000,
            sitemaps_per_run: 10_000,
            urls_per_host: 1_000_000,
            urls_per_run: 2_000_000,
        }
    }
}

/// The values a setting may take: `min..=max`, in the unit its key is written in.
#[derive(Debug, Clone, Copy)]
pub struct Bounds<T> {
    /// The least value.
    pub min: T,
    /// The greatest value.
    pub max: T,
    /// The unit, as the message names it (`seconds`, `requests per second`).
    pub unit: &'static str,
}

impl<T: PartialOrd + Copy + std::fmt::Display> Bounds<T> {
    /// `value`, or the sentence saying what it must be.
    pub fn check(&self, value: T) -> Result<T, String> {
        if value >= self.min && value <= self.max {
            Ok(value)
        } else {
            Err(format!(
                "must be from {} to {} {} (it is {value})",
                self.min, self.max, self.unit
            ))
        }
    }
}

const fn secs(min: u64, max: u64) -> Bounds<u64> {
    Bounds {
        min,
        max,
        unit: "seconds",
    }
}

/// `timeout_secs`, `--timeout`: an hour at most for one request.
pub const TIMEOUT_SECS: Bounds<u64> = secs(1, 3_600);
/// `connect_timeout_secs`, `robots_timeout_secs`.
pub const CONNECT_TIMEOUT_SECS: Bounds<u64> = secs(1, 600);
/// `idle_timeout_secs`: a day at most.
pub const IDLE_TIMEOUT_SECS: Bounds<u64> = secs(1, 86_400);
/// `max_duration_secs`, `--max-time`: 0 (no limit) to a year.
pub const MAX_DURATION_SECS: Bounds<u64> = secs(0, 31_536_000);
/// `stop_grace_secs`.
pub const STOP_GRACE_SECS: Bounds<u64> = secs(0, 600);
/// `max_retry_after_secs`, `max_crawl_delay_secs`: a day at most.
pub const WAIT_SECS: Bounds<u64> = secs(0, 86_400);
/// `lease_timeout_secs`.
pub const LEASE_TIMEOUT_SECS: Bounds<u64> = secs(1, 3_600);
/// `backoff_base_ms`: ten minutes at most.
pub const BACKOFF_BASE_MS: Bounds<u64> = Bounds {
    min: 0,
    max: 600_000,
    unit: "milliseconds",
};
/// `rate`, `--rate` (0, no limit, is allowed besides): one request a day to 10,000 a
/// second.
pub const RATE: Bounds<f64> = Bounds {
    min: 1.0 / 86_400.0,
    max: 10_000.0,
    unit: "requests per second (or 0: no limit)",
};
/// `burst`, `--burst`.
pub const BURST: Bounds<u32> = Bounds {
    min: 1,
    max: 10_000,
    unit: "requests",
};
/// `concurrency`, `per_host` and their flags.
pub const SLOTS: Bounds<usize> = Bounds {
    min: 1,
    max: 10_000,
    unit: "requests",
};
/// `retries`, `max_redirects`.
pub const TRIES: Bounds<u32> = Bounds {
    min: 0,
    max: 100,
    unit: "",
};
/// `max_body_bytes`: 1 KiB to 4 GiB.
pub const BODY_BYTES: Bounds<u64> = Bounds {
    min: 1024,
    max: 4 << 30,
    unit: "bytes",
};

/// Checks a rate: 0 (no limit) or within [`RATE`].
pub fn check_rate(r: f64) -> Result<f64, String> {
    if r == 0.0 || (RATE.min..=RATE.max).contains(&r) {
        return Ok(r);
    }
    Err(format!(
        "must be 0 (no limit) or from 0.0000116 (one request a day) to {} requests per second (it is {r})",
        RATE.max
    ))
}

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
            pages: Vec::new(),
            follow: true,
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
            stop_grace: Duration::from_secs(5),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            retries: 3,
            backoff_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            max_crawl_delay: Duration::from_secs(30),
            recrawl_after: khabar_extract::config::DEFAULT_RECRAWL_AFTER,
            robots: true,
            robots_timeout: Duration::from_secs(10),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            allow_private: false,
            max_links_per_page: 10_000,
            max_queued_per_host: 0,
            url_limits: UrlLimits::default(),
            sitemap_limits: SitemapLimits::default(),
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
    pub message: String,
}

impl CrawlSettings {
    /// Applies command-line overrides. Seeds given there replace the config's seeds,
    /// sitemaps and feeds. Every value is checked against the same bounds as the config's.
    pub fn apply(&mut self, o: Overrides) -> Result<(), BadOverride> {
        let bad = |flag| move |message| BadOverride { flag, message };
        if !o.seeds.is_empty() {
            self.seeds = o.seeds;
            self.sitemaps.clear();
            self.feeds.clear();
        }
        if let Some(r) = o.rate {
            self.rate = check_rate(r).map_err(bad("rate"))?;
        }
        if let Some(b) = o.burst {
            self.burst = BURST.check(b).map_err(bad("burst"))?;
        }
        if let Some(c) = o.concurrency {
            self.concurrency = SLOTS.check(c).map_err(bad("concurrency"))?;
        }
        if let Some(c) = o.per_host {
            self.per_host = SLOTS.check(c).map_err(bad("per-host"))?;
        }
        if let Some(n) = o.max_pages {
            self.max_pages = n;
        }
        if let Some(n) = o.max_depth {
            self.max_depth = n;
        }
        if let Some(d) = o.max_duration {
            let secs = MAX_DURATION_SECS
                .check(d.as_secs())
                .map_err(bad("max-time"))?;
            self.max_duration = Duration::from_secs(secs);
        }
        if let Some(t) = o.timeout {
            let secs = TIMEOUT_SECS.check(t.as_secs()).map_err(bad("timeout"))?;
            self.timeout = Duration::from_secs(secs);
        }
        if let Some(ua) = o.user_agent {
            if ua.trim().is_empty() || ua.contains(['\r', '\n']) {
                return Err(bad("user-agent")("must be one non-empty line".into()));
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
        // a number checked against its bounds, or the default
        fn within<T: PartialOrd + Copy + std::fmt::Display>(
            v: Option<Spanned<T>>,
            bounds: Bounds<T>,
            default: T,
            err: impl Fn(&std::ops::Range<usize>, String) -> ConfigError,
        ) -> Result<T, ConfigError> {
            match v {
                Some(v) => bounds.check(*v.get_ref()).map_err(|m| err(&v.span(), m)),
                None => Ok(default),
            }
        }
        let secs =
            |v: Option<Spanned<u64>>, field: &str, bounds: Bounds<u64>, default: Duration| {
                within(v, bounds, default.as_secs(), |span, m| err(span, field, m))
                    .map(Duration::from_secs)
            };
        let rate = match raw.rate {
            Some(r) => check_rate(*r.get_ref()).map_err(|m| err(&r.span(), "rate", m))?,
            None => d.rate,
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
        let backoff_ms = within(
            raw.backoff_base_ms,
            BACKOFF_BASE_MS,
            d.backoff_base.as_millis() as u64,
            |span, m| err(span, "backoff_base_ms", m),
        )?;
        let sitemaps = SitemapLimits {
            sitemaps_per_host: raw
                .max_sitemaps_per_host
                .unwrap_or(d.sitemap_limits.sitemaps_per_host),
            sitemaps_per_run: raw
                .max_sitemaps_per_run
                .unwrap_or(d.sitemap_limits.sitemaps_per_run),
            urls_per_host: raw
                .max_sitemap_urls_per_host
                .unwrap_or(d.sitemap_limits.urls_per_host),
            urls_per_run: raw
                .max_sitemap_urls_per_run
                .unwrap_or(d.sitemap_limits.urls_per_run),
        };
        Ok(Self {
            seeds: urls("seeds", raw.seeds)?,
            sitemaps: urls("sitemaps", raw.sitemaps)?,
            feeds: urls("feeds", raw.feeds)?,
            pages: Vec::new(),
            follow: true,
            allowed_hosts: raw
                .allowed_hosts
                .iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .collect(),
            allow: ctx.regexes("crawl", "allow", raw.allow)?,
            deny: ctx.regexes("crawl", "deny", raw.deny)?,
            strip_params: raw.strip_params.unwrap_or(d.strip_params),
            rate,
            burst: within(raw.burst, BURST, d.burst, |span, m| err(span, "burst", m))?,
            concurrency: within(raw.concurrency, SLOTS, d.concurrency, |span, m| {
                err(span, "concurrency", m)
            })?,
            per_host: within(raw.per_host, SLOTS, d.per_host, |span, m| {
                err(span, "per_host", m)
            })?,
            max_pages: raw.max_pages.unwrap_or(d.max_pages),
            max_depth: raw.max_depth.unwrap_or(d.max_depth),
            max_duration: secs(
                raw.max_duration_secs,
                "max_duration_secs",
                MAX_DURATION_SECS,
                d.max_duration,
            )?,
            idle_timeout: secs(
                raw.idle_timeout_secs,
                "idle_timeout_secs",
                IDLE_TIMEOUT_SECS,
                d.idle_timeout,
            )?,
            timeout: secs(raw.timeout_secs, "timeout_secs", TIMEOUT_SECS, d.timeout)?,
            connect_timeout: secs(
                raw.connect_timeout_secs,
                "connect_timeout_secs",
                CONNECT_TIMEOUT_SECS,
                d.connect_timeout,
            )?,
            stop_grace: secs(
                raw.stop_grace_secs,
                "stop_grace_secs",
                STOP_GRACE_SECS,
                d.stop_grace,
            )?,
            max_body_bytes: within(
                raw.max_body_bytes,
                BODY_BYTES,
                d.max_body_bytes,
                |span, m| err(span, "max_body_bytes", m),
            )?,
            max_redirects: within(raw.max_redirects, TRIES, d.max_redirects, |span, m| {
                err(span, "max_redirects", m)
            })?,
            retries: within(raw.retries, TRIES, d.retries, |span, m| {
                err(span, "retries", m)
            })?,
            backoff_base: Duration::from_millis(backoff_ms),
            max_retry_after: secs(
                raw.max_retry_after_secs,
                "max_retry_after_secs",
                WAIT_SECS,
                d.max_retry_after,
            )?,
            max_crawl_delay: secs(
                raw.max_crawl_delay_secs,
                "max_crawl_delay_secs",
                WAIT_SECS,
                d.max_crawl_delay,
            )?,
            recrawl_after: secs(
                raw.recrawl_after_secs,
                "recrawl_after_secs",
                MAX_DURATION_SECS,
                d.recrawl_after,
            )?,
            robots: raw.robots.unwrap_or(d.robots),
            robots_timeout: secs(
                raw.robots_timeout_secs,
                "robots_timeout_secs",
                CONNECT_TIMEOUT_SECS,
                d.robots_timeout,
            )?,
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
            sitemap_limits: sitemaps,
            frontier,
            frontier_ca_file: raw.frontier_ca_file.map(|f| {
                let path = std::path::Path::new(&f);
                match ctx.origin.parent() {
                    Some(dir) if ctx.origin.is_file() && path.is_relative() => dir.join(path),
                    _ => path.to_path_buf(),
                }
            }),
            lease_timeout: secs(
                raw.lease_timeout_secs,
                "lease_timeout_secs",
                LEASE_TIMEOUT_SECS,
                d.lease_timeout,
            )?,
        })
    }

    /// How long requests in flight may take to finish once the crawl is stopping.
    pub fn grace(&self) -> Duration {
        self.stop_grace.min(self.timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pacing::Pacer;
    use crate::policy::RetryPolicy;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<CrawlSettings, ConfigError> {
        let origin = std::path::Path::new("test.toml");
        let ctx = ConfigText { text, origin };
        let raw: RawCrawl = toml::from_str(text).map_err(|e| ctx.syntax_error(&e))?;
        CrawlSettings::from_raw(raw, &ctx)
    }

    /// What a crawl computes from its settings: paces, backoffs, deadlines, leases.
    fn exercise(s: &CrawlSettings) {
        let _rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let _guard = _rt.enter();
        let mut pacer = Pacer::new(s.rate, s.burst);
        let _ = pacer.rule();
        let _ = pacer.try_take();
        pacer.slow_to(s.max_crawl_delay);
        let _ = pacer.rule();
        let policy = RetryPolicy {
            retries: s.retries,
            backoff_base: s.backoff_base,
            max_retry_after: s.max_retry_after,
        };
        for attempt in 0..=s.retries.min(40) {
            if let Some(wait) = policy.wait(attempt, Some(s.max_retry_after), 1.0) {
                let _ = tokio::time::Instant::now() + wait;
            }
            if let Some(wait) = policy.wait(attempt, None, 1.0) {
                let _ = tokio::time::Instant::now() + wait;
            }
        }
        let now = tokio::time::Instant::now();
        for d in [
            s.timeout,
            s.connect_timeout,
            s.robots_timeout,
            s.idle_timeout,
            s.max_duration,
            s.grace(),
            s.lease_timeout,
        ] {
            let _ = now + d;
            let _ = std::time::Instant::now() + d;
        }
        let _ = s.lease_timeout.as_millis().max(1000) as u64 / 4;
        let _ = s.queued_per_host_cap();
    }

    /// The numbers a key may be given: ordinary ones and the extremes.
    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u64..100).prop_map(|n| n.to_string()),
            (0u64..10_000_000).prop_map(|n| n.to_string()),
            Just(i64::MAX.to_string()),
            Just("-1".to_string()),
            Just("0".to_string()),
            Just("1e-300".to_string()),
            Just("1e-20".to_string()),
            Just("0.5".to_string()),
            Just("1e300".to_string()),
            Just("nan".to_string()),
            Just("inf".to_string()),
        ]
    }

    const KEYS: &[&str] = &[
        "rate",
        "burst",
        "concurrency",
        "per_host",
        "max_pages",
        "max_depth",
        "max_duration_secs",
        "idle_timeout_secs",
        "timeout_secs",
        "connect_timeout_secs",
        "stop_grace_secs",
        "max_body_bytes",
        "max_redirects",
        "retries",
        "backoff_base_ms",
        "max_retry_after_secs",
        "max_crawl_delay_secs",
        "recrawl_after_secs",
        "robots_timeout_secs",
        "lease_timeout_secs",
        "max_links_per_page",
        "max_queued_per_host",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Whatever numbers the config gives its keys, reading it either refuses one with a
        /// message naming the key, or gives settings a crawl can compute with, no panic.
        #[test]
        fn every_setting_is_in_range_or_refused(values in proptest::collection::vec(number(), KEYS.len())) {
            for (key, value) in KEYS.iter().zip(&values) {
                let text = format!("{key} = {value}\n");
                match parse(&text) {
                    Ok(s) => exercise(&s),
                    Err(e) => {
                        let msg = e.to_string();
                        prop_assert!(msg.contains("test.toml:1"), "{key} = {value}: {msg}");
                    }
                }
            }
            let all: String = KEYS
                .iter()
                .zip(&values)
                .map(|(k, v)| format!("{k} = {v}\n"))
                .collect();
            if let Ok(s) = parse(&all) {
                exercise(&s);
            }
        }

        /// The same for the command line's flags.
        #[test]
        fn every_flag_is_in_range_or_refused(
            rate in prop_oneof![Just(f64::NAN), Just(1e-300), Just(1e-20), 0.0f64..1e6, Just(f64::INFINITY)],
            burst in any::<u32>(),
            timeout in any::<u64>(),
            max_time in any::<u64>(),
            slots in any::<usize>(),
        ) {
            let mut s = CrawlSettings::default();
            let applied = s.apply(Overrides {
                rate: Some(rate),
                burst: Some(burst),
                concurrency: Some(slots),
                per_host: Some(slots),
                timeout: Some(Duration::from_secs(timeout)),
                max_duration: Some(Duration::from_secs(max_time)),
                ..Overrides::default()
            });
            match applied {
                Ok(()) => exercise(&s),
                Err(e) => prop_assert!(e.to_string().starts_with("--"), "{e}"),
            }
        }
    }

    #[test]
    fn the_bounds_are_said_in_the_message() {
        let e = parse("timeout_secs = 18446744073709551615")
            .unwrap_err()
            .to_string();
        assert!(e.contains("test.toml:1"), "{e}");
        let e = parse("timeout_secs = 7200").unwrap_err().to_string();
        assert!(
            e.contains("must be from 1 to 3600 seconds (it is 7200)"),
            "{e}"
        );
        let e = parse("rate = 1e-300").unwrap_err().to_string();
        assert!(e.contains("requests per second"), "{e}");
        assert!(parse("rate = 0").is_ok());
        assert!(parse("rate = 0.0001").is_ok());
        let mut s = CrawlSettings::default();
        let e = s
            .apply(Overrides {
                rate: Some(1e-20),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--rate: must be 0 (no limit) or from"), "{e}");
    }
}

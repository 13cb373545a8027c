//! The `[crawl]` section of the config: seeds, scope, limits and politeness. Command-line
//! flags override it field by field. Every key is defined once, in [`KEYS`]: its name,
//! what it does, its flag; the config reader, the flags and their help are made from it.
//!
//! ```
//! use khabar_crawl::CrawlSettings;
//! use khabar_crawl::settings::{KEYS, RawCrawl};
//! use khabar_extract::config::ConfigText;
//!
//! // the `[crawl]` table of a config file
//! let text = r#"
//! seeds = ["https://news.example.com/"]
//! rate = 0.5
//! max_pages = 500
//! "#;
//! let raw: RawCrawl = toml::from_str(text)?;
//! let origin = "config.toml".as_ref(); // for messages: `config.toml:3: …`
//! let mut settings = CrawlSettings::from_raw(raw, &ConfigText { text, origin })?;
//! assert_eq!((settings.rate, settings.max_pages), (0.5, 500));
//! assert_eq!(settings.burst, CrawlSettings::default().burst);
//!
//! // a flag overrides its key, checked the same way
//! let rate = KEYS.iter().find(|k| k.name == "rate").unwrap();
//! assert_eq!(rate.flag.as_ref().unwrap().long, "rate");
//! settings.apply_flag(rate, "2")?;
//! assert_eq!(settings.rate, 2.0);
//! assert!(settings.apply_flag(rate, "-1").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// a ConfigError is made once, when the config is read: boxing it would only change the API
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use khabar_extract::config::{ConfigError, ConfigText};

mod keys;
mod value;
pub(crate) use keys::key;
pub use keys::{Flag, KEYS, Key, Scope};
#[cfg(test)]
pub(crate) use value::reference_table;

pub use crate::policy::UrlLimits;

/// The `[crawl]` section as written in the config: each key with its value and where
/// it stands, before [`CrawlSettings::from_raw`] checks them against [`KEYS`].
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct RawCrawl(BTreeMap<Spanned<String>, Spanned<value::ConfigValue>>);

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
    /// when that is set, else 1,000,000.
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
pub(crate) const HARD_MAX_QUEUED_PER_HOST: u64 = 1_000_000;

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
pub(crate) struct Bounds<T> {
    /// The least value.
    pub(crate) min: T,
    /// The greatest value.
    pub(crate) max: T,
    /// The unit, as the message names it (`seconds`, `requests per second`).
    pub(crate) unit: &'static str,
}

impl<T: PartialOrd + Copy + std::fmt::Display> Bounds<T> {
    /// `value`, or the sentence saying what it must be.
    pub(crate) fn check(&self, value: T) -> Result<T, String> {
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
pub(crate) const TIMEOUT_SECS: Bounds<u64> = secs(1, 3_600);
/// `connect_timeout_secs`, `robots_timeout_secs`.
pub(crate) const CONNECT_TIMEOUT_SECS: Bounds<u64> = secs(1, 600);
/// `idle_timeout_secs`: a day at most.
pub(crate) const IDLE_TIMEOUT_SECS: Bounds<u64> = secs(1, 86_400);
/// `max_duration_secs`, `--max-time`: 0 (no limit) to a year.
pub(crate) const MAX_DURATION_SECS: Bounds<u64> = secs(0, 31_536_000);
/// `stop_grace_secs`.
pub(crate) const STOP_GRACE_SECS: Bounds<u64> = secs(0, 600);
/// `max_retry_after_secs`, `max_crawl_delay_secs`: a day at most.
pub(crate) const WAIT_SECS: Bounds<u64> = secs(0, 86_400);
/// `lease_timeout_secs`.
pub(crate) const LEASE_TIMEOUT_SECS: Bounds<u64> = secs(1, 3_600);
/// `backoff_base_ms`: ten minutes at most.
pub(crate) const BACKOFF_BASE_MS: Bounds<u64> = Bounds {
    min: 0,
    max: 600_000,
    unit: "milliseconds",
};
/// `rate`, `--rate` (0, no limit, is allowed besides): one request a day to 10,000 a
/// second.
pub(crate) const RATE: Bounds<f64> = Bounds {
    min: 1.0 / 86_400.0,
    max: 10_000.0,
    unit: "requests per second (or 0: no limit)",
};
/// `burst`, `--burst`.
pub(crate) const BURST: Bounds<u64> = Bounds {
    min: 1,
    max: 10_000,
    unit: "requests",
};
/// `concurrency`, `per_host` and their flags.
pub(crate) const SLOTS: Bounds<u64> = Bounds {
    min: 1,
    max: 10_000,
    unit: "requests",
};
/// `retries`, `max_redirects`.
pub(crate) const TRIES: Bounds<u64> = Bounds {
    min: 0,
    max: 100,
    unit: "",
};
/// `max_body_bytes`: 1 KiB to 4 GiB.
pub(crate) const BODY_BYTES: Bounds<u64> = Bounds {
    min: 1024,
    max: 4 << 30,
    unit: "bytes",
};

/// Checks a rate: 0 (no limit) or within [`RATE`].
pub(crate) fn check_rate(r: f64) -> Result<f64, String> {
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
    pub(crate) fn queued_per_host_cap(&self) -> u64 {
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
    /// Seeds given on the command line: they replace the config's seeds, sitemaps and
    /// feeds (none given: the config's stay).
    pub fn replace_seeds(&mut self, seeds: Vec<String>) {
        if !seeds.is_empty() {
            self.seeds = seeds;
            self.sitemaps.clear();
            self.feeds.clear();
        }
    }

    /// Applies a command-line flag of `key` (a switch's `text` is ignored): checked
    /// against the same bounds, and refused in the same words, as the config's value.
    pub fn apply_flag(&mut self, key: &Key, text: &str) -> Result<(), BadOverride> {
        let flag = key.flag.as_ref().map_or(key.name, |f| f.long);
        let raw = match key.flag.as_ref() {
            Some(f) if f.value.is_empty() => {
                if f.switch_sets {
                    "true"
                } else {
                    "false"
                }
            }
            _ => text,
        };
        key.set(self, &value::Raw::Flag(raw), None)
            .map_err(|message| BadOverride { flag, message })
    }

    /// Checks the `[crawl]` section read from the config and fills in the defaults; a bad
    /// value is reported at its place in `ctx`, the config's text, and an unknown key
    /// with the keys there are.
    pub fn from_raw(raw: RawCrawl, ctx: &ConfigText<'_>) -> Result<Self, ConfigError> {
        let mut settings = Self::default();
        let dir = ctx
            .origin
            .parent()
            .filter(|_| ctx.origin.is_file())
            .map(std::path::Path::to_path_buf);
        for (name, v) in raw.0 {
            let Some(key) = key(name.get_ref()) else {
                let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                return Err(ctx.unknown_key(&name.span(), name.get_ref(), &names));
            };
            key.set(
                &mut settings,
                &value::Raw::Toml(v.get_ref()),
                dir.as_deref(),
            )
            .map_err(|m| ctx.value_error(&v.span(), "crawl", key.name, m))?;
        }
        Ok(settings)
    }

    /// How long requests in flight may take to finish once the crawl is stopping.
    pub(crate) fn grace(&self) -> Duration {
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

        /// The same for every flag, whatever its text.
        #[test]
        fn every_flag_is_in_range_or_refused(
            texts in proptest::collection::vec(
                prop_oneof![number(), Just("x".to_string()), Just(String::new())],
                keys::KEYS.len(),
            ),
        ) {
            let mut s = CrawlSettings::default();
            for (key, text) in keys::KEYS.iter().zip(&texts) {
                if key.flag.is_none() {
                    continue;
                }
                if let Err(e) = s.apply_flag(key, text) {
                    prop_assert!(e.to_string().starts_with("--"), "{e}");
                }
            }
            exercise(&s);
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
            .apply_flag(key("rate").unwrap(), "1e-20")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--rate: must be 0 (no limit) or from"), "{e}");
        // one check, one wording, from the config and from the flag
        let e = s
            .apply_flag(key("timeout_secs").unwrap(), "7200")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "--timeout: must be from 1 to 3600 seconds (it is 7200)");
        let e = parse("max_depth = -1").unwrap_err().to_string();
        assert!(e.contains("must be 0 or more (it is -1)"), "{e}");
        let e = parse("max_pages = \"ten\"").unwrap_err().to_string();
        assert!(e.contains("must be a whole number"), "{e}");
    }

    #[test]
    fn an_unknown_key_gets_a_did_you_mean() {
        let e = parse("concurency = 4").unwrap_err().to_string();
        assert!(e.contains("test.toml:1"), "{e}");
        assert!(e.contains("did you mean `concurrency`?"), "{e}");
    }

    #[test]
    fn switches_set_what_their_flag_says() {
        let mut s = CrawlSettings::default();
        s.apply_flag(key("robots").unwrap(), "").unwrap();
        s.apply_flag(key("allow_private").unwrap(), "").unwrap();
        assert!(!s.robots && s.allow_private);
    }

    /// docs/crawl.md carries the reference table made from [`KEYS`]; `KHABAR_BLESS=1`
    /// writes it there when a key changes.
    #[test]
    fn the_docs_carry_the_reference_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/crawl.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let (begin, end) = ("<!-- settings:begin -->\n", "<!-- settings:end -->");
        let start = doc
            .find(begin)
            .expect("docs/crawl.md has the settings markers")
            + begin.len();
        let stop = doc
            .find(end)
            .expect("docs/crawl.md has the settings markers");
        let table = reference_table();
        if doc[start..stop] != table {
            if std::env::var_os("KHABAR_BLESS").is_some() {
                let new = format!("{}{table}{}", &doc[..start], &doc[stop..]);
                std::fs::write(path, new).unwrap();
            } else {
                panic!(
                    "docs/crawl.md's settings table is out of date: run KHABAR_BLESS=1 cargo test -p khabar-crawl the_docs_carry"
                );
            }
        }
    }
}

//! Every `[crawl]` key, defined once: its name, what it means, the values it takes, how
//! it is set and read, and its command-line flag. The config reader, the flags, their
//! help and the reference table in the docs are all made from [`KEYS`]; the defaults are
//! [`CrawlSettings::default`]'s.

use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;

use super::{
    BACKOFF_BASE_MS, BODY_BYTES, BURST, Bounds, CONNECT_TIMEOUT_SECS, CrawlSettings,
    IDLE_TIMEOUT_SECS, LEASE_TIMEOUT_SECS, MAX_DURATION_SECS, SLOTS, STOP_GRACE_SECS, TIMEOUT_SECS,
    TRIES, WAIT_SECS,
};

type S = CrawlSettings;

/// What a key holds, how it is checked, and where it goes in [`CrawlSettings`].
pub(crate) enum Kind {
    /// Whole seconds, within bounds.
    Secs(Bounds<u64>, fn(&mut S, Duration), fn(&S) -> Duration),
    /// Whole milliseconds, within bounds.
    Millis(Bounds<u64>, fn(&mut S, Duration), fn(&S) -> Duration),
    /// A whole number, within bounds.
    Count(Bounds<u64>, fn(&mut S, u64), fn(&S) -> u64),
    /// Requests per second: 0 (no limit) or within [`super::RATE`].
    Rate(fn(&mut S, f64), fn(&S) -> f64),
    /// True or false.
    Switch(fn(&mut S, bool), fn(&S) -> bool),
    /// One non-empty line of text.
    Line(fn(&mut S, String), fn(&S) -> String),
    /// Absolute http(s) addresses.
    Urls(fn(&mut S, Vec<String>)),
    /// Names (hosts, query parameters).
    Names(fn(&mut S, Vec<String>), fn(&S) -> Vec<String>),
    /// Regular expressions.
    Regexes(fn(&mut S, Vec<Regex>)),
    /// A shared frontier's address.
    Frontier(fn(&mut S, String)),
    /// A file, relative to the config's folder.
    File(fn(&mut S, PathBuf)),
}

/// Which commands have a key's flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// How requests are sent: `crawl` and `fetch`.
    Request,
    /// What is crawled: `crawl` only.
    Crawl,
}

/// A key's command-line flag.
pub struct Flag {
    /// The long name, without `--`.
    pub long: &'static str,
    /// The value's name in the help (`SECS`); empty for a switch.
    pub value: &'static str,
    /// For a switch: the value the key takes when it is given.
    pub switch_sets: bool,
    /// Which commands have it.
    pub scope: Scope,
    /// Its help, when the key's own words do not fit a flag (a switch that turns a key
    /// off); empty: the key's [`Key::doc`].
    pub says: &'static str,
}

/// One `[crawl]` key.
pub struct Key {
    /// Its name in the config.
    pub name: &'static str,
    /// What it does, one sentence.
    pub doc: &'static str,
    /// What it holds.
    pub(crate) kind: Kind,
    /// Its flag, if it has one.
    pub flag: Option<Flag>,
}

const fn flag(long: &'static str, value: &'static str, scope: Scope) -> Option<Flag> {
    Some(Flag {
        long,
        value,
        switch_sets: false,
        scope,
        says: "",
    })
}

const fn switch(long: &'static str, sets: bool, scope: Scope, says: &'static str) -> Option<Flag> {
    Some(Flag {
        long,
        value: "",
        switch_sets: sets,
        scope,
        says,
    })
}

/// Any count a `u64` holds.
const ANY: Bounds<u64> = Bounds {
    min: 0,
    max: u64::MAX,
    unit: "",
};
/// Any count a `u32` holds.
const ANY32: Bounds<u64> = Bounds {
    min: 0,
    max: u32::MAX as u64,
    unit: "",
};

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

use Kind::*;
use Scope::{Crawl, Request};

/// Every `[crawl]` key, in the order the docs list them.
pub static KEYS: &[Key] = &[
    Key {
        name: "seeds",
        doc: "start addresses: pages, feeds or sitemaps, told apart by what they return; seeds on the command line replace `seeds`, `sitemaps` and `feeds`",
        kind: Urls(|s, v| s.seeds = v),
        flag: None,
    },
    Key {
        name: "sitemaps",
        doc: "sitemaps or sitemap indexes whose pages are crawled (one hop from the seeds)",
        kind: Urls(|s, v| s.sitemaps = v),
        flag: None,
    },
    Key {
        name: "feeds",
        doc: "RSS, Atom or JSON feeds whose items are crawled (one hop from the seeds)",
        kind: Urls(|s, v| s.feeds = v),
        flag: None,
    },
    Key {
        name: "allowed_hosts",
        doc: "hosts to stay on, subdomains included; empty: the seeds' hosts (`www.` of a seed dropped)",
        kind: Names(
            |s, v| {
                s.allowed_hosts = v
                    .iter()
                    .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                    .collect()
            },
            |s| s.allowed_hosts.clone(),
        ),
        flag: None,
    },
    Key {
        name: "allow",
        doc: "regexes on the URL: when any is given, a URL must match one",
        kind: Regexes(|s, v| s.allow = v),
        flag: None,
    },
    Key {
        name: "deny",
        doc: "regexes on the URL: a URL matching one is never fetched",
        kind: Regexes(|s, v| s.deny = v),
        flag: None,
    },
    Key {
        name: "strip_params",
        doc: "query parameters removed before URLs are compared (`utm_*`: every name starting `utm_`)",
        kind: Names(|s, v| s.strip_params = v, |s| s.strip_params.clone()),
        flag: None,
    },
    Key {
        name: "rate",
        doc: "requests per second per host; 0: no limit",
        kind: Rate(|s, v| s.rate = v, |s| s.rate),
        flag: flag("rate", "R", Request),
    },
    Key {
        name: "burst",
        doc: "requests a host may get at once after a quiet spell, on top of the rate",
        kind: Count(BURST, |s, v| s.burst = to_u32(v), |s| s.burst.into()),
        flag: flag("burst", "N", Crawl),
    },
    Key {
        name: "concurrency",
        doc: "requests in flight at once, all hosts together",
        kind: Count(
            SLOTS,
            |s, v| s.concurrency = to_usize(v),
            |s| s.concurrency as u64,
        ),
        flag: flag("concurrency", "N", Crawl),
    },
    Key {
        name: "per_host",
        doc: "requests in flight at once to one host",
        kind: Count(
            SLOTS,
            |s, v| s.per_host = to_usize(v),
            |s| s.per_host as u64,
        ),
        flag: flag("per-host", "N", Crawl),
    },
    Key {
        name: "max_pages",
        doc: "pages fetched at most (sitemaps, feeds and robots.txt not counted); 0: no limit",
        kind: Count(ANY, |s, v| s.max_pages = v, |s| s.max_pages),
        flag: flag("max-pages", "N", Crawl),
    },
    Key {
        name: "max_depth",
        doc: "link hops from a seed at most (sitemap and feed entries are one hop)",
        kind: Count(
            ANY32,
            |s, v| s.max_depth = to_u32(v),
            |s| s.max_depth.into(),
        ),
        flag: flag("max-depth", "N", Crawl),
    },
    Key {
        name: "max_duration_secs",
        doc: "the whole crawl's time limit; 0: none",
        kind: Secs(
            MAX_DURATION_SECS,
            |s, v| s.max_duration = v,
            |s| s.max_duration,
        ),
        flag: flag("max-time", "SECS", Crawl),
    },
    Key {
        name: "idle_timeout_secs",
        doc: "the crawl ends when no request has finished for this long",
        kind: Secs(
            IDLE_TIMEOUT_SECS,
            |s, v| s.idle_timeout = v,
            |s| s.idle_timeout,
        ),
        flag: flag("idle-timeout", "SECS", Crawl),
    },
    Key {
        name: "timeout_secs",
        doc: "one request, from sending it to the body's last byte",
        kind: Secs(TIMEOUT_SECS, |s, v| s.timeout = v, |s| s.timeout),
        flag: flag("timeout", "SECS", Request),
    },
    Key {
        name: "connect_timeout_secs",
        doc: "opening a connection",
        kind: Secs(
            CONNECT_TIMEOUT_SECS,
            |s, v| s.connect_timeout = v,
            |s| s.connect_timeout,
        ),
        flag: flag("connect-timeout", "SECS", Request),
    },
    Key {
        name: "stop_grace_secs",
        doc: "once the crawl is stopping, how long requests in flight may take to finish (never more than the timeout)",
        kind: Secs(STOP_GRACE_SECS, |s, v| s.stop_grace = v, |s| s.stop_grace),
        flag: None,
    },
    Key {
        name: "max_body_bytes",
        doc: "the largest body read, counted after decompression (sitemaps: at least the protocol's 50 MB)",
        kind: Count(
            BODY_BYTES,
            |s, v| s.max_body_bytes = v,
            |s| s.max_body_bytes,
        ),
        flag: flag("max-body-bytes", "N", Request),
    },
    Key {
        name: "max_redirects",
        doc: "redirect hops followed from one request; each goes back through scope, robots and dedupe",
        kind: Count(
            TRIES,
            |s, v| s.max_redirects = to_u32(v),
            |s| s.max_redirects.into(),
        ),
        flag: flag("max-redirects", "N", Request),
    },
    Key {
        name: "retries",
        doc: "tries after the first for timeouts, broken connections and 408, 429, 500, 502, 503, 504 answers",
        kind: Count(TRIES, |s, v| s.retries = to_u32(v), |s| s.retries.into()),
        flag: flag("retries", "N", Request),
    },
    Key {
        name: "backoff_base_ms",
        doc: "the wait before the first retry, doubled for each later one, plus up to half again of jitter",
        kind: Millis(
            BACKOFF_BASE_MS,
            |s, v| s.backoff_base = v,
            |s| s.backoff_base,
        ),
        flag: None,
    },
    Key {
        name: "max_retry_after_secs",
        doc: "the longest `Retry-After` honoured (seconds or an HTTP date in any of its three forms)",
        kind: Secs(
            WAIT_SECS,
            |s, v| s.max_retry_after = v,
            |s| s.max_retry_after,
        ),
        flag: None,
    },
    Key {
        name: "max_crawl_delay_secs",
        doc: "the longest robots.txt `Crawl-delay` honoured",
        kind: Secs(
            WAIT_SECS,
            |s, v| s.max_crawl_delay = v,
            |s| s.max_crawl_delay,
        ),
        flag: None,
    },
    Key {
        name: "recrawl_after_secs",
        doc: "with a state: an article page of a site no profile covers is not fetched again sooner; later, conditionally (a profile's own key wins on its hosts)",
        kind: Secs(
            MAX_DURATION_SECS,
            |s, v| s.recrawl_after = v,
            |s| s.recrawl_after,
        ),
        flag: flag("recrawl-after", "SECS", Crawl),
    },
    Key {
        name: "robots",
        doc: "read and obey robots.txt",
        kind: Switch(|s, v| s.robots = v, |s| s.robots),
        flag: switch(
            "ignore-robots",
            false,
            Request,
            "do not read or obey robots.txt (be sure you may)",
        ),
    },
    Key {
        name: "robots_timeout_secs",
        doc: "a request for robots.txt, each redirect hop on its own",
        kind: Secs(
            CONNECT_TIMEOUT_SECS,
            |s, v| s.robots_timeout = v,
            |s| s.robots_timeout,
        ),
        flag: None,
    },
    Key {
        name: "user_agent",
        doc: "the User-Agent header; its first word is the name robots.txt groups are matched against",
        kind: Line(|s, v| s.user_agent = v, |s| s.user_agent.clone()),
        flag: flag("user-agent", "UA", Request),
    },
    Key {
        name: "allow_private",
        doc: "allow hosts on loopback, private and link-local addresses (a host a seed names always is)",
        kind: Switch(|s, v| s.allow_private = v, |s| s.allow_private),
        flag: switch("allow-private", true, Request, ""),
    },
    Key {
        name: "max_links_per_page",
        doc: "links read from one page (the first ones, in page order, after dedupe)",
        kind: Count(
            ANY,
            |s, v| s.max_links_per_page = to_usize(v),
            |s| s.max_links_per_page as u64,
        ),
        flag: None,
    },
    Key {
        name: "max_queued_per_host",
        doc: "URLs from page links queued for one host; 0: ten times `max_pages`, or 1,000,000",
        kind: Count(
            ANY,
            |s, v| s.max_queued_per_host = v,
            |s| s.max_queued_per_host,
        ),
        flag: None,
    },
    Key {
        name: "max_url_bytes",
        doc: "a longer URL is a trap",
        kind: Count(
            ANY,
            |s, v| s.url_limits.max_url_bytes = to_usize(v),
            |s| s.url_limits.max_url_bytes as u64,
        ),
        flag: None,
    },
    Key {
        name: "max_query_params",
        doc: "a URL with more query parameters is a trap",
        kind: Count(
            ANY,
            |s, v| s.url_limits.max_query_params = to_usize(v),
            |s| s.url_limits.max_query_params as u64,
        ),
        flag: None,
    },
    Key {
        name: "max_path_segments",
        doc: "a deeper path is a trap",
        kind: Count(
            ANY,
            |s, v| s.url_limits.max_path_segments = to_usize(v),
            |s| s.url_limits.max_path_segments as u64,
        ),
        flag: None,
    },
    Key {
        name: "max_segment_repeats",
        doc: "a path repeating one segment more often (`/a/b/a/b/a/b/a`) is a trap",
        kind: Count(
            ANY,
            |s, v| s.url_limits.max_segment_repeats = to_usize(v),
            |s| s.url_limits.max_segment_repeats as u64,
        ),
        flag: None,
    },
    Key {
        name: "max_sitemaps_per_host",
        doc: "sitemap documents read from one host",
        kind: Count(
            ANY,
            |s, v| s.sitemap_limits.sitemaps_per_host = v,
            |s| s.sitemap_limits.sitemaps_per_host,
        ),
        flag: None,
    },
    Key {
        name: "max_sitemaps_per_run",
        doc: "sitemap documents read in all",
        kind: Count(
            ANY,
            |s, v| s.sitemap_limits.sitemaps_per_run = v,
            |s| s.sitemap_limits.sitemaps_per_run,
        ),
        flag: None,
    },
    Key {
        name: "max_sitemap_urls_per_host",
        doc: "page addresses taken from one host's sitemaps and feeds",
        kind: Count(
            ANY,
            |s, v| s.sitemap_limits.urls_per_host = v,
            |s| s.sitemap_limits.urls_per_host,
        ),
        flag: None,
    },
    Key {
        name: "max_sitemap_urls_per_run",
        doc: "page addresses taken from sitemaps and feeds in all",
        kind: Count(
            ANY,
            |s, v| s.sitemap_limits.urls_per_run = v,
            |s| s.sitemap_limits.urls_per_run,
        ),
        flag: None,
    },
    Key {
        name: "frontier",
        doc: "share one frontier and crawl state with other workers on a Redis server: `redis://HOST:PORT/DB` (`rediss://` for TLS)",
        kind: Frontier(|s, v| s.frontier = Some(v)),
        flag: None,
    },
    Key {
        name: "frontier_ca_file",
        doc: "for `rediss://`: the PEM file of a private authority that signed the server's certificate (relative to the config's folder)",
        kind: File(|s, v| s.frontier_ca_file = Some(v)),
        flag: None,
    },
    Key {
        name: "lease_timeout_secs",
        doc: "on a shared frontier: a worker silent this long is taken for dead, and what it held goes to the others",
        kind: Secs(
            LEASE_TIMEOUT_SECS,
            |s, v| s.lease_timeout = v,
            |s| s.lease_timeout,
        ),
        flag: None,
    },
];

/// The key of this name.
pub(crate) fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

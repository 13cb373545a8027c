//! Crawl statistics: what was fetched, skipped and failed, the pace each host got, and how
//! often each field was filled per profile (a field that drops to 0% means its selectors
//! broke).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use tokio::time::Instant;

use crate::discover::ReadProblems;
use crate::policy::SkipReason;
use khabar_extract::Record;

/// Feeds and sitemaps whose repairs are listed in the summary at most (the rest counted).
const LENIENT_LISTED: usize = 5;

/// What one host got in a crawl.
#[derive(Debug, Default, Clone)]
pub struct HostStats {
    /// Requests sent to it (robots.txt, retries and redirect hops included).
    pub requests: u64,
    first: Option<Instant>,
    last: Option<Instant>,
    /// What its robots.txt said, in a few words (None: never read).
    pub robots: Option<String>,
}

impl HostStats {
    /// Requests per second between this host's first and last request.
    pub fn achieved_rate(&self) -> Option<f64> {
        let span = self.last?.duration_since(self.first?).as_secs_f64();
        (self.requests > 1 && span > 0.0).then(|| (self.requests - 1) as f64 / span)
    }
}

/// Fields whose fill rate is reported: the record's article fields.
pub(crate) const FILLED_FIELDS: &[&str] = khabar_extract::ARTICLE_FIELDS;

/// How often each field was filled in one site's records.
#[derive(Debug, Default, Clone)]
pub struct FieldFill {
    /// Records counted.
    pub records: u64,
    /// Per article field ([`khabar_extract::ARTICLE_FIELDS`]), the records that had it
    /// filled.
    pub filled: BTreeMap<&'static str, u64>,
}

/// A crawl's counts, kept as it runs and summed up at its end ([`CrawlStats::summary`]).
#[derive(Debug, Default, Clone)]
pub struct CrawlStats {
    /// Requests sent (robots.txt, sitemaps, feeds, pages, retries, redirect hops).
    pub requests: u64,
    /// HTML pages fetched with a 2xx answer.
    pub pages: u64,
    /// Records handed to the output (duplicates and unchanged articles not counted).
    pub records: u64,
    /// Records the output wrote, when it stopped short of `records` (a full disk).
    pub written: Option<u64>,
    /// Body bytes received.
    pub bytes: u64,
    /// Retries scheduled (after a transient failure or a 408, 429 or 5xx answer).
    pub retries: u64,
    /// URLs not fetched because robots.txt disallows them.
    pub robots_blocked: u64,
    /// Failures by kind: timeout, connect, http-404, too-large, …
    pub errors: BTreeMap<String, u64>,
    /// Per failure kind, the first time it happened: the URL, and what happened.
    pub error_examples: BTreeMap<String, String>,
    /// Hosts that could not be reached (their robots.txt, after retries), with why.
    pub unreachable: BTreeMap<String, String>,
    /// Feeds and sitemaps that had to be read leniently: how many.
    pub lenient_documents: u64,
    /// … what was repaired or lost in them, all together.
    pub lenient_problems: u64,
    /// … and the first few, each with its URL and what reading it noted.
    pub lenient_listed: Vec<(String, ReadProblems)>,
    /// URLs not fetched, or fetched and not written, by reason: off-scope host,
    /// duplicate, max-depth, max-pages, not modified (304), non-html…
    pub skipped: BTreeMap<String, u64>,
    /// The reasons of `skipped` that come after a fetch (a 304, unchanged content, a
    /// page that is not HTML): the summary lists them apart.
    pub answered: std::collections::BTreeSet<String>,
    /// Per host key (host, and port when not the default), what the host got.
    pub hosts: BTreeMap<String, HostStats>,
    /// Per site (the record's `site`: its profile, or `generic`), how often each field was
    /// filled.
    pub fill: BTreeMap<String, FieldFill>,
}

impl CrawlStats {
    /// Counts a request sent to host `host` at `at`.
    pub(crate) fn request_sent(&mut self, host: &str, at: Instant) {
        self.requests += 1;
        let h = self.hosts.entry(host.to_string()).or_default();
        h.requests += 1;
        h.first.get_or_insert(at);
        h.last = Some(at);
    }

    /// Counts a failure of kind `kind`, of `url`, with what happened.
    pub(crate) fn error(
        &mut self,
        kind: impl Into<String>,
        url: &str,
        detail: impl std::fmt::Display,
    ) {
        let kind = kind.into();
        self.error_examples.entry(kind.clone()).or_insert_with(|| {
            let detail = detail.to_string();
            match (url.is_empty(), detail.is_empty()) {
                (_, true) => url.to_string(),
                (true, false) => detail,
                (false, false) => format!("{url} ({detail})"),
            }
        });
        *self.errors.entry(kind).or_default() += 1;
    }

    /// Notes a feed or sitemap that had to be read leniently.
    pub(crate) fn read_leniently(&mut self, url: &str, problems: ReadProblems) {
        if problems.is_empty() {
            return;
        }
        self.lenient_documents += 1;
        self.lenient_problems += problems.count;
        if self.lenient_listed.len() < LENIENT_LISTED {
            self.lenient_listed.push((url.to_string(), problems));
        }
    }

    /// Counts a URL not fetched (or a page not written), by why.
    pub(crate) fn skip(&mut self, reason: &SkipReason) {
        self.skip_n(reason, 1);
    }

    /// Counts `n` URLs not fetched for the same reason.
    pub(crate) fn skip_n(&mut self, reason: &SkipReason, n: u64) {
        if n > 0 {
            let key = reason.to_string();
            if matches!(
                reason,
                SkipReason::NotModified
                    | SkipReason::UnchangedContent
                    | SkipReason::DuplicateArticle
                    | SkipReason::NotHtml(_)
            ) {
                self.answered.insert(key.clone());
            }
            *self.skipped.entry(key).or_default() += n;
        }
    }

    /// Failures of every kind together.
    pub fn errors_total(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Counts a record, and which of [`FILLED_FIELDS`] it has filled.
    pub(crate) fn record(&mut self, r: &Record) {
        self.records += 1;
        let fill = self.fill.entry(r.site.clone()).or_default();
        fill.records += 1;
        for (f, filled) in r.filled() {
            if filled {
                *fill.filled.entry(f).or_default() += 1;
            }
        }
    }

    /// `skipped` in two: what was fetched and not written (a 304, unchanged content…),
    /// and what was not fetched at all.
    fn skipped_split(&self) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        self.skipped
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .partition(|(k, _)| self.answered.contains(k))
    }

    /// The run's statistics as one JSON object, for `--stats FILE` (the shape is
    /// `khabar.crawl-stats/1`, described in the crawl guide).
    pub fn to_json(
        &self,
        ending: &str,
        started_at: chrono::DateTime<chrono::Utc>,
        elapsed: Duration,
    ) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let (answered, not_fetched) = self.skipped_split();
        let hosts: Map<String, Value> = self
            .hosts
            .iter()
            .map(|(k, h)| {
                let v = json!({
                    "requests": h.requests,
                    "achieved_rate": h.achieved_rate(),
                    "robots": h.robots,
                });
                (k.clone(), v)
            })
            .collect();
        let fill: Map<String, Value> = self
            .fill
            .iter()
            .map(|(site, f)| {
                let filled: Map<String, Value> = f
                    .filled
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect();
                (
                    site.clone(),
                    json!({"records": f.records, "filled": filled}),
                )
            })
            .collect();
        json!({
            "schema": "khabar.crawl-stats/1",
            "ending": ending,
            "started_at": started_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "elapsed_secs": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "requests": self.requests,
            "pages": self.pages,
            "records": self.records,
            "records_written": self.written.unwrap_or(self.records),
            "bytes": self.bytes,
            "retries": self.retries,
            "robots_blocked": self.robots_blocked,
            "errors": self.errors,
            "error_examples": self.error_examples,
            "unreachable": self.unreachable,
            "not_fetched": not_fetched,
            "fetched_not_written": answered,
            "read_leniently": {
                "documents": self.lenient_documents,
                "problems": self.lenient_problems,
            },
            "hosts": hosts,
            "fields_filled": fill,
        })
    }

    /// The end-of-crawl summary, several lines; `ending` says how the crawl ended
    /// (`finished`, `interrupted`, …).
    pub fn summary(&self, ending: &str, elapsed: Duration) -> String {
        let mut s = String::new();
        let records = match self.written {
            Some(w) if w < self.records => format!("{} records ({w} written)", self.records),
            _ => format!("{} records", self.records),
        };
        let _ = writeln!(
            s,
            "crawl {ending} after {:.1} s: {} requests, {} pages, {records}, {:.1} MiB, {} retries, {} blocked by robots.txt",
            elapsed.as_secs_f64(),
            self.requests,
            self.pages,
            self.bytes as f64 / (1024.0 * 1024.0),
            self.retries,
            self.robots_blocked
        );
        let list = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.errors.is_empty() {
            let _ = writeln!(s, "  errors: {}", list(&self.errors));
            for (kind, example) in &self.error_examples {
                let _ = writeln!(s, "    {kind}: {example}");
            }
        }
        for (host, why) in &self.unreachable {
            let _ = writeln!(s, "  unreachable: {host}: {why}");
        }
        if self.lenient_documents > 0 {
            let _ = writeln!(
                s,
                "  read leniently: {} feeds or sitemaps, {} problems repaired or skipped",
                self.lenient_documents, self.lenient_problems
            );
            for (url, problems) in &self.lenient_listed {
                let more = problems.count - problems.noted.len() as u64;
                let more = if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                };
                let _ = writeln!(s, "    {url}: {}{more}", problems.noted.join("; "));
            }
        }
        let (answered, not_fetched) = self.skipped_split();
        if !answered.is_empty() {
            let _ = writeln!(s, "  fetched, nothing written: {}", list(&answered));
        }
        if !not_fetched.is_empty() {
            let _ = writeln!(s, "  not fetched: {}", list(&not_fetched));
        }
        for (host, h) in &self.hosts {
            let rate = h
                .achieved_rate()
                .map_or("-".to_string(), |r| format!("{r:.2}/s"));
            let _ = writeln!(
                s,
                "  host {host}: {} requests, achieved rate {rate}",
                h.requests
            );
        }
        for (profile, f) in &self.fill {
            let fields = FILLED_FIELDS
                .iter()
                .map(|name| {
                    let n = f.filled.get(name).copied().unwrap_or(0);
                    format!("{name} {:.0}%", 100.0 * n as f64 / f.records.max(1) as f64)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                s,
                "  fields filled ({profile}, {} records): {fields}",
                f.records
            );
        }
        s.trim_end().to_string()
    }
}

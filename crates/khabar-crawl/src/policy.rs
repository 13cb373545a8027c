//! The crawl's decisions, as small functions of their inputs: whether a discovered page is
//! queued (depth, the profile's article and follow patterns, the page budget), whether and
//! when a failed request is tried again, where a redirect goes, and why a URL was not
//! fetched. The engine applies them; each is tested here on its own.

use std::fmt;
use std::time::Duration;

use khabar_extract::config::Profile;
use url::Url;

use crate::scope::OutOfScope;

/// Why a URL was not fetched (or a page not written): the crawl summary's "not fetched"
/// line counts them by their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SkipReason {
    /// Outside the crawl's scope.
    OutOfScope(OutOfScope),
    /// More link hops from a seed than `max_depth`.
    MaxDepth,
    /// A link from a page that the profile's `follow` patterns do not match.
    NotFollowed,
    /// The page budget (`max_pages`) is spent.
    MaxPages,
    /// Seen before in this crawl.
    Duplicate,
    /// An article already written in this crawl under another address (its canonical).
    DuplicateArticle,
    /// Fetched again, and its content is what was written last time.
    UnchangedContent,
    /// Fetched by an earlier run less than the profile's `recrawl_after` ago.
    NotDue,
    /// Its sitemap `<lastmod>` is older than the last fetch.
    UnchangedSinceLastFetch,
    /// A child sitemap whose `<lastmod>` is the one it had when an earlier run read it.
    SitemapUnchanged,
    /// A sitemap index nested deeper than khabar follows.
    SitemapNesting,
    /// An address that does not parse.
    BadUrl,
    /// Sitemap entries past the first 50,000 of a document.
    SitemapEntriesOver,
    /// Feed entries past the first 50,000.
    FeedEntriesOver,
    /// The server said 304 Not Modified to a conditional request.
    NotModified,
    /// Not an HTML page (its content type).
    NotHtml(String),
    /// An address that looks like a spider trap (too long, too many parameters, too deep,
    /// a path segment repeated).
    Trap(TrapKind),
    /// Links of one page past `max_links_per_page`.
    LinksPerPage,
    /// The host already has `max_queued_per_host` URLs queued.
    HostQueueFull,
    /// The host could not be reached (its robots.txt, after every try).
    HostUnreachable,
    /// A sitemap past `max_sitemaps_per_host` or `max_sitemaps_per_run`.
    SitemapsOver,
    /// A sitemap or feed entry past `max_sitemap_urls_per_host` or
    /// `max_sitemap_urls_per_run`.
    SitemapUrlsOver,
    /// A sitemap or feed not read: enough pages are queued to spend `max_pages`.
    PageBudgetQueued,
    /// A request taken from a frontier store that could not be read (the reason).
    Malformed(String),
}

/// What made an address look like a trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrapKind {
    /// Longer than `max_url_bytes`.
    Length,
    /// More query parameters than `max_query_params`.
    QueryParams,
    /// More path segments than `max_path_segments`.
    PathDepth,
    /// One path segment more than `max_segment_repeats` times (`/a/b/a/b/a/b`).
    RepeatedSegment,
}

/// Bounds on the addresses a crawl queues, against link floods and spider traps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlLimits {
    /// The longest URL queued, in bytes.
    pub max_url_bytes: usize,
    /// The most query parameters.
    pub max_query_params: usize,
    /// The most path segments.
    pub max_path_segments: usize,
    /// How often one path segment may appear in a path.
    pub max_segment_repeats: usize,
}

impl Default for UrlLimits {
    fn default() -> Self {
        Self {
            max_url_bytes: 2048,
            max_query_params: 16,
            max_path_segments: 24,
            max_segment_repeats: 3,
        }
    }
}

/// Whether `url` is within `limits`.
pub(crate) fn check_url(url: &Url, limits: &UrlLimits) -> Result<(), SkipReason> {
    if url.as_str().len() > limits.max_url_bytes {
        return Err(SkipReason::Trap(TrapKind::Length));
    }
    if url.query_pairs().count() > limits.max_query_params {
        return Err(SkipReason::Trap(TrapKind::QueryParams));
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if segments.len() > limits.max_path_segments {
        return Err(SkipReason::Trap(TrapKind::PathDepth));
    }
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for s in &segments {
        let n = counts.entry(s).or_default();
        *n += 1;
        if *n > limits.max_segment_repeats {
            return Err(SkipReason::Trap(TrapKind::RepeatedSegment));
        }
    }
    Ok(())
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OutOfScope(why) => why.as_str(),
            Self::MaxDepth => "max-depth",
            Self::NotFollowed => "not followed (profile)",
            Self::MaxPages => "max-pages",
            Self::Duplicate => "duplicate",
            Self::DuplicateArticle => "duplicate article (canonical)",
            Self::UnchangedContent => "unchanged content",
            Self::NotDue => "not due (recrawl_after)",
            Self::UnchangedSinceLastFetch => "unchanged since last fetch (sitemap lastmod)",
            Self::SitemapUnchanged => "sitemap unchanged since read (lastmod)",
            Self::SitemapNesting => "sitemap nesting",
            Self::BadUrl => "bad URL",
            Self::SitemapEntriesOver => "sitemap entries past 50,000",
            Self::FeedEntriesOver => "feed entries past 50,000",
            Self::NotModified => "not modified (304)",
            Self::NotHtml(ctype) => return write!(f, "not html ({ctype})"),
            Self::Trap(TrapKind::Length) => "URL trap: too long (max_url_bytes)",
            Self::Trap(TrapKind::QueryParams) => {
                "URL trap: too many query parameters (max_query_params)"
            }
            Self::Trap(TrapKind::PathDepth) => "URL trap: path too deep (max_path_segments)",
            Self::Trap(TrapKind::RepeatedSegment) => {
                "URL trap: a path segment repeated (max_segment_repeats)"
            }
            Self::LinksPerPage => "links past max_links_per_page",
            Self::HostQueueFull => "host queue full (max_queued_per_host)",
            Self::HostUnreachable => "host unreachable",
            Self::SitemapsOver => "sitemaps past max_sitemaps_per_host or _per_run",
            Self::SitemapUrlsOver => {
                "sitemap and feed entries past max_sitemap_urls_per_host or _per_run"
            }
            Self::PageBudgetQueued => "sitemaps and feeds not read (max_pages already queued)",
            Self::Malformed(why) => return write!(f, "malformed stored request ({why})"),
        })
    }
}

/// Whether a discovered page is queued, and as what: `Ok(true)` an article page (its
/// profile's `article_urls` match), `Ok(false)` a page read for links. A page too deep is
/// not; a link (`from_links`) that is no article and that the profile's `follow` patterns
/// (when it has any) do not match is not.
pub(crate) fn admit_page(
    url: &Url,
    depth: u32,
    max_depth: u32,
    from_links: bool,
    profile: Option<&Profile>,
) -> Result<bool, SkipReason> {
    if depth > max_depth {
        return Err(SkipReason::MaxDepth);
    }
    let article = profile.is_some_and(|p| p.article_urls.iter().any(|r| r.is_match(url.as_str())));
    if from_links
        && !article
        && let Some(p) = profile.filter(|p| !p.follow.is_empty())
        && !p.follow.iter().any(|r| r.is_match(url.as_str()))
    {
        return Err(SkipReason::NotFollowed);
    }
    Ok(article)
}

/// Whether `max_pages` (0: no limit) is spent after `dispatched` pages.
pub(crate) fn budget_spent(dispatched: u64, max_pages: u64) -> bool {
    max_pages > 0 && dispatched >= max_pages
}

/// Whether the pages queued already spend what is left of `max_pages` (0: no limit), so
/// that what another sitemap or feed adds would never be fetched.
pub(crate) fn budget_queued(dispatched: u64, queued_pages: u64, max_pages: u64) -> bool {
    max_pages > 0 && dispatched.saturating_add(queued_pages) >= max_pages
}

/// HTTP statuses worth another try: the server may answer next time.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// How retries are paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Tries after the first.
    pub retries: u32,
    /// The first backoff; each later one doubles.
    pub backoff_base: Duration,
    /// The most a server's `Retry-After` is waited.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// How long to wait before try number `attempt + 1` (`attempt` tries were made), or
    /// `None` when the tries are used up. A server's `Retry-After` is obeyed up to the cap;
    /// otherwise the backoff doubles per try, plus `jitter` (0 to 1) of half of it.
    pub(crate) fn wait(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt >= self.retries {
            return None;
        }
        Some(match retry_after {
            Some(ra) => ra.min(self.max_retry_after),
            None => {
                let backoff = self.backoff_base.saturating_mul(1 << attempt.min(16));
                backoff + backoff.mul_f64(jitter.clamp(0.0, 1.0) * 0.5)
            }
        })
    }
}

/// Sitemaps queued (not yet read) for one host at most, and for a whole run: what keeps
/// the queue's memory bounded (about 200 bytes each) while indexes list more than may be
/// read.
pub(crate) const MAX_SITEMAPS_QUEUED_PER_HOST: u64 = 100_000;
/// See [`MAX_SITEMAPS_QUEUED_PER_HOST`].
pub(crate) const MAX_SITEMAPS_QUEUED_PER_RUN: u64 = 200_000;

/// What one run has taken from sitemaps and feeds so far, per host and in all: sitemaps
/// read and page addresses taken (against [`crate::settings::SitemapLimits`]), sitemaps
/// queued (against [`MAX_SITEMAPS_QUEUED_PER_HOST`]).
#[derive(Debug, Default)]
pub(crate) struct SitemapCounts {
    read: Counts,
    queued: Counts,
    urls: Counts,
}

#[derive(Debug, Default)]
struct Counts {
    per_host: std::collections::HashMap<String, u64>,
    total: u64,
}

impl Counts {
    fn room(&self, host: &str, host_max: u64, run_max: u64) -> bool {
        self.per_host.get(host).copied().unwrap_or(0) < host_max && self.total < run_max
    }

    fn take(&mut self, host: &str, host_max: u64, run_max: u64) -> bool {
        let n = self.per_host.get(host).copied().unwrap_or(0);
        if !self.room(host, host_max, run_max) {
            return false;
        }
        self.per_host.insert(host.to_string(), n + 1);
        self.total += 1;
        true
    }
}

impl SitemapCounts {
    /// Whether one more sitemap of `host` may be read.
    pub(crate) fn may_read(&self, host: &str, limits: &crate::settings::SitemapLimits) -> bool {
        self.read
            .room(host, limits.sitemaps_per_host, limits.sitemaps_per_run)
    }

    /// Takes one more sitemap of `host` to read; false past the limits.
    pub(crate) fn take_read(
        &mut self,
        host: &str,
        limits: &crate::settings::SitemapLimits,
    ) -> bool {
        self.read
            .take(host, limits.sitemaps_per_host, limits.sitemaps_per_run)
    }

    /// Takes one more sitemap of `host` to queue; false past the queue's bounds.
    pub(crate) fn take_queued(&mut self, host: &str) -> bool {
        self.queued.take(
            host,
            MAX_SITEMAPS_QUEUED_PER_HOST,
            MAX_SITEMAPS_QUEUED_PER_RUN,
        )
    }

    /// Takes one more page address from `host`'s sitemaps and feeds; false past the limits.
    pub(crate) fn take_url(&mut self, host: &str, limits: &crate::settings::SitemapLimits) -> bool {
        self.urls
            .take(host, limits.urls_per_host, limits.urls_per_run)
    }
}

/// Where a 3xx answer leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Redirect {
    /// Queue this address (it goes back through scope, robots and dedupe).
    Follow(Url),
    /// `max_redirects` hops already.
    TooMany,
    /// No usable `Location` header.
    NoLocation,
}

/// Where the redirect from `from`, `hops` redirects deep, with `location` leads.
pub(crate) fn redirect(
    from: &Url,
    location: Option<&str>,
    hops: u32,
    max_redirects: u32,
) -> Redirect {
    match location.and_then(|l| from.join(l).ok()) {
        None => Redirect::NoLocation,
        Some(_) if hops >= max_redirects => Redirect::TooMany,
        Some(target) => Redirect::Follow(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_extract::Profiles;

    fn profile(extra: &str) -> Profiles {
        Profiles::parse(
            &format!(
                "[profiles.news]\nhosts = [\"news.example\"]\narticle_urls = ['/story/\\d+$']\n{extra}"
            ),
            std::path::Path::new("test.toml"),
        )
        .unwrap()
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn sitemap_counts_hold_per_host_and_per_run() {
        let limits = crate::settings::SitemapLimits {
            sitemaps_per_host: 2,
            sitemaps_per_run: 3,
            urls_per_host: 1,
            urls_per_run: 10,
        };
        let mut c = SitemapCounts::default();
        assert!(c.take_read("a", &limits) && c.take_read("a", &limits));
        assert!(!c.take_read("a", &limits), "per host");
        assert!(c.take_read("b", &limits));
        assert!(!c.take_read("c", &limits), "per run");
        assert!(c.take_url("a", &limits) && !c.take_url("a", &limits));
        assert!(c.take_url("b", &limits));
        assert!((0..MAX_SITEMAPS_QUEUED_PER_HOST).all(|_| c.take_queued("a")));
        assert!(!c.take_queued("a"), "the queue's bound");
    }

    #[test]
    fn pages_are_admitted_by_depth_articles_and_follow_patterns() {
        let p = profile("follow = ['/section/']");
        let p = p.profile("news");
        let story = url("https://news.example/story/12");
        let section = url("https://news.example/section/world");
        let other = url("https://news.example/about");
        assert_eq!(admit_page(&story, 2, 3, true, p), Ok(true));
        assert_eq!(admit_page(&section, 2, 3, true, p), Ok(false));
        assert_eq!(
            admit_page(&other, 2, 3, true, p),
            Err(SkipReason::NotFollowed)
        );
        // a seed, sitemap or feed entry is not a link: follow patterns do not apply
        assert_eq!(admit_page(&other, 1, 3, false, p), Ok(false));
        assert_eq!(admit_page(&story, 4, 3, true, p), Err(SkipReason::MaxDepth));
        // no profile: every in-scope page is read, none is an article by pattern
        assert_eq!(admit_page(&other, 1, 3, true, None), Ok(false));
        // a profile without follow patterns follows every link
        let q = profile("");
        assert_eq!(admit_page(&other, 1, 3, true, q.profile("news")), Ok(false));
    }

    #[test]
    fn the_budget() {
        assert!(!budget_spent(10, 0));
        assert!(!budget_spent(9, 10));
        assert!(budget_spent(10, 10));
    }

    #[test]
    fn retries_back_off_and_obey_retry_after_up_to_the_cap() {
        let p = RetryPolicy {
            retries: 3,
            backoff_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
        };
        assert_eq!(p.wait(0, None, 0.0), Some(Duration::from_millis(500)));
        assert_eq!(p.wait(1, None, 0.0), Some(Duration::from_millis(1000)));
        assert_eq!(p.wait(2, None, 1.0), Some(Duration::from_millis(3000)));
        assert_eq!(p.wait(3, None, 0.0), None);
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(5)), 0.9),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(3600)), 0.0),
            Some(Duration::from_secs(120))
        );
        assert!(is_retryable_status(503) && is_retryable_status(429));
        assert!(!is_retryable_status(404) && !is_retryable_status(301));
    }

    #[test]
    fn redirects_resolve_and_stop_at_the_limit() {
        let from = url("https://news.example/a/b");
        assert_eq!(
            redirect(&from, Some("../c"), 0, 5),
            Redirect::Follow(url("https://news.example/c"))
        );
        assert_eq!(redirect(&from, Some("/x"), 5, 5), Redirect::TooMany);
        assert_eq!(redirect(&from, None, 0, 5), Redirect::NoLocation);
        assert_eq!(
            redirect(&from, Some("http://[::1"), 0, 5),
            Redirect::NoLocation
        );
    }

    #[test]
    fn trap_addresses_are_told_apart_from_ordinary_ones() {
        let l = UrlLimits::default();
        assert_eq!(
            check_url(&url("https://news.example/2025/01/02/story?page=2"), &l),
            Ok(())
        );
        let long = format!("https://news.example/{}", "x".repeat(3000));
        assert_eq!(
            check_url(&url(&long), &l),
            Err(SkipReason::Trap(TrapKind::Length))
        );
        let params: Vec<String> = (0..20).map(|i| format!("p{i}=1")).collect();
        let many = format!("https://news.example/s?{}", params.join("&"));
        assert_eq!(
            check_url(&url(&many), &l),
            Err(SkipReason::Trap(TrapKind::QueryParams))
        );
        let deep = format!(
            "https://news.example/{}",
            (0..30).map(|i| i.to_string()).collect::<Vec<_>>().join("/")
        );
        assert_eq!(
            check_url(&url(&deep), &l),
            Err(SkipReason::Trap(TrapKind::PathDepth))
        );
        assert_eq!(
            check_url(&url("https://news.example/a/b/a/b/a/b/a/b"), &l),
            Err(SkipReason::Trap(TrapKind::RepeatedSegment))
        );
        // three times is still an address some sites use
        assert_eq!(
            check_url(&url("https://news.example/a/b/a/b/a/c"), &l),
            Ok(())
        );
    }

    #[test]
    fn skip_reasons_read_as_the_summary_prints_them() {
        assert_eq!(SkipReason::MaxPages.to_string(), "max-pages");
        assert_eq!(
            SkipReason::OutOfScope(OutOfScope::Host).to_string(),
            "off-scope host"
        );
        assert_eq!(
            SkipReason::NotHtml("application/pdf".into()).to_string(),
            "not html (application/pdf)"
        );
    }
}

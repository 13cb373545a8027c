//! What the crawl does with what it finds and what comes back: a discovered URL goes through
//! scope, the trap bounds, the host cap, the profile's patterns, the budget and the state's
//! revisit rules before it is queued; a finished request is folded back in (robots.txt,
//! retries, redirects, records, links, sitemap and feed entries).

use std::collections::HashSet;
use std::time::Duration;

use url::Url;

use crate::discover::{DateHint, SitemapEntries};
use crate::incremental::{Revisit, revision_of, revisit};
use crate::robots::Robots;
use crate::task::{Done, Outcome, RobotsAnswer};

use crate::frontier::{Kind, Request, RobotsState, host_key};
use crate::output::{FetchUpdate, Output};
use crate::policy::{
    Redirect, RetryPolicy, SkipReason, admit_page, check_url, is_retryable_status, redirect,
};
use crate::scope::normalize;
use khabar_extract::urls::same_article_key;

use super::{MAX_ENTRIES_PER_DOCUMENT, MAX_SITEMAP_NESTING, Run};

/// Date hints kept at most while their pages wait (some 200 bytes each).
const MAX_DATE_HINTS: usize = 100_000;

impl Run<'_> {
    /// Queues a discovered URL if it is in scope, new and within the limits.
    pub(super) fn enqueue(
        &mut self,
        url: &Url,
        kind: Kind,
        depth: u32,
        redirects: u32,
        from_links: bool,
    ) {
        self.enqueue_with(url, kind, depth, redirects, from_links, None, false);
    }

    /// [`Run::enqueue`] of a sitemap or feed's entry (with its `<lastmod>`), at the end of
    /// its lane or (`front`) ahead of what waits there.
    fn enqueue_at(
        &mut self,
        url: &Url,
        kind: Kind,
        depth: u32,
        lastmod: Option<&str>,
        front: bool,
    ) {
        self.enqueue_with(url, kind, depth, 0, false, lastmod, front);
    }

    /// [`Run::enqueue`] with all it may be given.
    #[allow(clippy::too_many_arguments)]
    fn enqueue_with(
        &mut self,
        url: &Url,
        kind: Kind,
        depth: u32,
        redirects: u32,
        from_links: bool,
        lastmod: Option<&str>,
        front: bool,
    ) {
        let url = normalize(url, &self.settings.strip_params);
        if let Err(why) = self.crawler.scope.check(&url) {
            self.stats.skip(&SkipReason::OutOfScope(why));
            return;
        }
        if let Err(why) = check_url(&url, &self.settings.url_limits) {
            self.stats.skip(&why);
            return;
        }
        // page links are bounded per host; seeds, sitemap and feed entries are not
        if from_links
            && self.frontier.queued_for(&url) as u64 >= self.settings.queued_per_host_cap()
        {
            self.stats.skip(&SkipReason::HostQueueFull);
            return;
        }
        let profile = url
            .host_str()
            .and_then(|h| self.crawler.extractor.profiles().profile_for_host(h));
        let kind = match kind {
            Kind::Page { .. } => {
                match admit_page(&url, depth, self.settings.max_depth, from_links, profile) {
                    Ok(article) => Kind::Page { article },
                    Err(why) => {
                        self.stats.skip(&why);
                        return;
                    }
                }
            }
            other => other,
        };
        if kind.is_page() && self.page_budget_spent() {
            self.stats.skip(&SkipReason::MaxPages);
            return;
        }
        let mut validators = None;
        if let (Kind::Page { article }, Some(state)) = (kind, self.crawler.state.as_deref()) {
            // seen in this crawl already: a duplicate, whatever an earlier run says of it
            if self.frontier.seen(&url) {
                self.stats.skip(&SkipReason::Duplicate);
                return;
            }
            // a profile's `recrawl_after` for its hosts, the crawl's for the others
            let recrawl_after = profile.map_or(self.settings.recrawl_after, |p| p.recrawl_after);
            match revisit(state, &url, article, recrawl_after, lastmod) {
                Revisit::Skip(why) => {
                    self.stats.skip(&why);
                    self.frontier.mark_seen(&url);
                    return;
                }
                Revisit::Conditional(v) => validators = Some(v),
                Revisit::New => {}
            }
        }
        let request = Request {
            url,
            kind,
            depth,
            attempt: 0,
            redirects,
            validators,
        };
        let added = if front {
            self.frontier.add_front(request)
        } else {
            self.frontier.add(request)
        };
        if !added {
            self.stats.skip(&SkipReason::Duplicate);
        }
    }

    /// Schedules another try, after Retry-After (capped) or an exponential backoff with
    /// jitter. Returns false when the tries are used up.
    pub(super) fn retry(
        &mut self,
        mut req: Request,
        host: &str,
        retry_after: Option<Duration>,
    ) -> bool {
        let policy = RetryPolicy {
            retries: self.settings.retries,
            backoff_base: self.settings.backoff_base,
            max_retry_after: self.settings.max_retry_after,
        };
        let Some(wait) = policy.wait(req.attempt, retry_after, fastrand::f64()) else {
            return false;
        };
        req.attempt += 1;
        self.stats.retries += 1;
        self.frontier.hold(host, wait);
        self.frontier
            .hosts
            .get_mut(host)
            .expect("host of a finished request")
            .push_front(req);
        true
    }

    /// Folds one finished request back in. Returns what goes to the output thread, in
    /// order: records first, then what the state should remember of the fetch.
    pub(super) fn handle(&mut self, done: Done) -> Vec<Output> {
        let mut outbox = Vec::new();
        let Done {
            req,
            host,
            bytes,
            outcome,
            fetch,
        } = done;
        self.stats.bytes += bytes;
        // remembered with the fetch: a page that gave a record is an article page, revisited
        // as one by later runs, profile or not
        let gave_record = matches!(&outcome, Outcome::Html { records, .. } if !records.is_empty());
        if let Some(h) = self.frontier.hosts.get_mut(&host) {
            h.in_flight = h.in_flight.saturating_sub(1);
        }
        match outcome {
            Outcome::Robots(RobotsAnswer::Rules(robots)) => self.robots_read(&req, &host, robots),
            Outcome::Robots(RobotsAnswer::Failed { why, retry_after }) => {
                self.robots_failed(&req, &host, why, retry_after)
            }
            Outcome::Failed(e) => {
                if e.is_transient() && self.retry(req.clone(), &host, None) {
                    return outbox;
                }
                tracing::debug!("{}: {e}", req.url);
                self.stats.error(e.kind(), req.url.as_str(), &e);
            }
            Outcome::Status {
                status,
                retry_after,
                location,
            } => {
                if (300..400).contains(&status) {
                    let hops = req.redirects;
                    match redirect(
                        &req.url,
                        location.as_deref(),
                        hops,
                        self.settings.max_redirects,
                    ) {
                        Redirect::TooMany => self.stats.error(
                            "too-many-redirects",
                            req.url.as_str(),
                            format!("{hops} hops"),
                        ),
                        Redirect::Follow(target) => {
                            self.enqueue(&target, req.kind, req.depth, hops + 1, false)
                        }
                        Redirect::NoLocation => self.stats.error(
                            format!("http-{status}-without-location"),
                            req.url.as_str(),
                            "",
                        ),
                    }
                } else if is_retryable_status(status) && self.retry(req.clone(), &host, retry_after)
                {
                    return outbox;
                } else {
                    tracing::debug!("{}: HTTP {status}", req.url);
                    self.stats
                        .error(format!("http-{status}"), req.url.as_str(), "");
                }
            }
            Outcome::Html {
                records,
                links,
                problems,
            } => {
                self.stats.pages += 1;
                for p in problems {
                    tracing::warn!("{}: {p}", req.url);
                }
                let hint = self.date_hints.remove(req.url.as_str());
                let hint = hint.filter(|_| records.len() == 1);
                for mut record in records {
                    let key = Url::parse(&record.url)
                        .map_or(record.url.clone(), |u| same_article_key(&u));
                    if !self.emitted.insert(key) {
                        self.stats.skip(&SkipReason::DuplicateArticle);
                        continue;
                    }
                    if let Ok(u) = Url::parse(&record.url) {
                        self.frontier
                            .mark_seen(&normalize(&u, &self.settings.strip_params));
                    }
                    let update = match revision_of(self.crawler.state.as_deref(), &mut record) {
                        Some(Some(update)) => Some(update),
                        Some(None) => {
                            self.stats.skip(&SkipReason::UnchangedContent);
                            continue;
                        }
                        None => None,
                    };
                    // a feed's or news sitemap's date, for a page that gives none (after
                    // the content hash: the same article reached another way is the same)
                    if let Some(hint) = hint.as_ref() {
                        let zone = Url::parse(&record.url)
                            .ok()
                            .and_then(|u| {
                                let host = u.host_str()?.to_string();
                                self.crawler
                                    .extractor
                                    .profiles()
                                    .profile_for_host(&host)
                                    .map(|p| p.timezone)
                            })
                            .unwrap_or_else(khabar_extract::Zone::utc);
                        hint.fill(&mut record, zone);
                    }
                    self.stats.record(&record);
                    outbox.push(Output::Record(Box::new(record), update));
                }
                if !self.settings.follow {
                    // only the given addresses: nothing to count
                } else if req.depth < self.settings.max_depth {
                    let mut distinct = HashSet::new();
                    let mut over = 0u64;
                    for link in links {
                        if !distinct.insert(link.as_str().to_string()) {
                            continue;
                        }
                        if distinct.len() > self.settings.max_links_per_page {
                            over += 1;
                            continue;
                        }
                        self.enqueue(&link, Kind::Page { article: false }, req.depth + 1, 0, true);
                    }
                    self.stats.skip_n(&SkipReason::LinksPerPage, over);
                } else if !links.is_empty() {
                    self.stats.skip(&SkipReason::MaxDepth);
                }
            }
            Outcome::Sitemap(_) | Outcome::Feed(_) if !self.settings.follow => {
                tracing::warn!(
                    "{}: a feed or sitemap, not a page: its entries are not followed here (crawl it to follow them)",
                    req.url
                );
            }
            Outcome::Sitemap(entries) => self.sitemap_read(&req, &host, entries),
            Outcome::Feed(entries) => {
                self.stats
                    .read_leniently(req.url.as_str(), entries.problems.clone());
                let links = entries
                    .entries()
                    .filter_map(|(l, hint)| Some((req.url.join(l).ok()?, None, hint)));
                self.take_entries(&host, links);
                let over = entries.links.len().saturating_sub(MAX_ENTRIES_PER_DOCUMENT);
                self.stats.skip_n(&SkipReason::FeedEntriesOver, over as u64);
            }
            Outcome::NotModified => self.stats.skip(&SkipReason::NotModified),
            Outcome::Skipped(why) => self.stats.skip(&why),
        }
        // remembered after the page's records: a crash in between fetches it again
        if self.crawler.state.is_some() && req.kind != Kind::Robots {
            outbox.push(Output::Done(req.url.to_string()));
        }
        if let (Some(_), Some(f)) = (&self.crawler.state, fetch) {
            let update = FetchUpdate {
                url: req.url.to_string(),
                host,
                status: f.status,
                etag: f.etag,
                last_modified: f.last_modified,
                error: f.error,
                article: gave_record,
            };
            outbox.push(Output::Fetch(update));
        }
        outbox
    }

    /// A host's robots.txt read: its pace slowed to its Crawl-delay, its sitemaps queued.
    fn robots_read(&mut self, req: &Request, host: &str, robots: Robots) {
        if robots.refused_address {
            self.stats.error(
                "refused-address",
                req.url.as_str(),
                "the host resolves to an internal address",
            );
        }
        let h = self.frontier.hosts.get_mut(host).expect("host");
        if let Some(delay) = robots.crawl_delay {
            h.pacer.slow_to(delay.min(self.settings.max_crawl_delay));
        }
        let sitemaps: Vec<Url> = robots
            .sitemaps
            .iter()
            .filter_map(|s| Url::parse(s).ok())
            .collect();
        h.robots = RobotsState::Ready(robots);
        if self.settings.follow {
            self.enqueue_sitemaps(sitemaps, 0);
        }
    }

    /// A host's robots.txt got no answer worth reading: asked again after a backoff (or the
    /// server's Retry-After), and after the last try the host is unreachable for this run:
    /// nothing on it is fetched (RFC 9309), and the summary says so.
    fn robots_failed(
        &mut self,
        req: &Request,
        host: &str,
        why: String,
        retry_after: Option<Duration>,
    ) {
        let policy = RetryPolicy {
            retries: self.settings.retries,
            backoff_base: self.settings.backoff_base,
            max_retry_after: self.settings.max_retry_after,
        };
        let h = self.frontier.hosts.get_mut(host).expect("host");
        match policy.wait(h.robots_failures, retry_after, fastrand::f64()) {
            Some(wait) => {
                h.robots_failures += 1;
                h.robots = RobotsState::Unknown;
                tracing::debug!("{}: {why}; asking again in {wait:.1?}", req.url);
                self.stats.retries += 1;
                self.frontier.hold(host, wait);
            }
            None => {
                tracing::warn!("{host} is unreachable ({why}): nothing on it is fetched this run");
                self.stats.error("unreachable", req.url.as_str(), &why);
                self.stats.unreachable.insert(host.to_string(), why.clone());
                h.robots = RobotsState::Ready(Robots::unreachable(why));
            }
        }
    }

    /// Queues sitemaps within the sitemap bounds, ahead of what waits: a sitemap index's
    /// children are read before its siblings, so its pages are reached first.
    fn enqueue_sitemaps(&mut self, urls: Vec<Url>, depth: u32) {
        let mut taken = Vec::with_capacity(urls.len());
        for url in urls {
            if self.sitemap_counts.take_queued(&host_key(&url)) {
                taken.push(url);
            } else {
                self.stats.skip(&SkipReason::SitemapsOver);
            }
        }
        // queued at the front, last first, so that they come in their listed order
        for url in taken.iter().rev() {
            self.enqueue_at(url, Kind::Sitemap, depth, None, true);
        }
    }

    /// What a sitemap lists: child sitemaps (one level deeper) and pages.
    fn sitemap_read(&mut self, req: &Request, host: &str, entries: SitemapEntries) {
        self.stats
            .read_leniently(req.url.as_str(), entries.problems.clone());
        // a sitemap's depth counts the indexes above it: a chain of indexes ends
        let nested = req.depth + 1;
        let mut children = Vec::new();
        for (s, lastmod) in entries.children().take(MAX_ENTRIES_PER_DOCUMENT) {
            match req.url.join(s) {
                Ok(_) if nested > MAX_SITEMAP_NESTING => {
                    self.stats.skip(&SkipReason::SitemapNesting)
                }
                Ok(u) => {
                    // one an earlier run read at this lastmod is not read again
                    let u = normalize(&u, &self.settings.strip_params);
                    let unchanged = self.crawler.state.as_deref().is_some_and(|s| {
                        s.sitemap_listed(u.as_str(), lastmod).unwrap_or_else(|e| {
                            tracing::warn!("{e}");
                            false
                        })
                    });
                    if unchanged {
                        self.stats.skip(&SkipReason::SitemapUnchanged);
                    } else {
                        children.push(u);
                    }
                }
                Err(_) => self.stats.skip(&SkipReason::BadUrl),
            }
        }
        self.enqueue_sitemaps(children, nested);
        let pages = entries
            .entries()
            .take(MAX_ENTRIES_PER_DOCUMENT)
            .filter_map(|p| Some((req.url.join(p.url).ok()?, p.lastmod, p.hint)));
        let whole = self.take_entries(host, pages);
        // read whole: every page taken (none left for a later run's budget)
        if whole
            && let Some(state) = self.crawler.state.as_deref()
            && let Err(e) = state.sitemap_read(req.url.as_str())
        {
            tracing::warn!("{e}");
        }
        let over = entries
            .sitemaps
            .len()
            .saturating_sub(MAX_ENTRIES_PER_DOCUMENT)
            + entries.pages.len().saturating_sub(MAX_ENTRIES_PER_DOCUMENT);
        self.stats
            .skip_n(&SkipReason::SitemapEntriesOver, over as u64 + entries.more);
    }

    /// Queues the pages a sitemap or feed of `host` lists, one hop from the seeds, within
    /// the sitemap bounds, keeping what a feed or news sitemap says of their dates until
    /// they are read. Whether every one was taken: none was left out by a bound of this
    /// run (the sitemap bounds, the page budget).
    fn take_entries<'e>(
        &mut self,
        host: &str,
        pages: impl Iterator<Item = (Url, Option<&'e str>, Option<&'e DateHint>)>,
    ) -> bool {
        let budget = SkipReason::MaxPages.to_string();
        let spent_before = self.stats.skipped.get(&budget).copied().unwrap_or(0);
        let mut over = 0u64;
        for (url, lastmod, hint) in pages {
            if over > 0
                || !self
                    .sitemap_counts
                    .take_url(host, &self.settings.sitemap_limits)
            {
                over += 1;
                continue;
            }
            if let Some(hint) = hint
                && self.date_hints.len() < MAX_DATE_HINTS
            {
                let key = normalize(&url, &self.settings.strip_params);
                self.date_hints.insert(key.to_string(), hint.clone());
            }
            self.enqueue_at(&url, Kind::Page { article: false }, 1, lastmod, false);
        }
        self.stats.skip_n(&SkipReason::SitemapUrlsOver, over);
        over == 0 && self.stats.skipped.get(&budget).copied().unwrap_or(0) == spent_before
    }
}

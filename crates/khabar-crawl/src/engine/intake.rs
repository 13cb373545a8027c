//! What the crawl does with what it finds and what comes back: a discovered URL goes through
//! scope, the trap bounds, the host cap, the profile's patterns, the budget and the state's
//! revisit rules before it is queued; a finished request is folded back in (robots.txt,
//! retries, redirects, records, links, sitemap and feed entries).

use std::collections::HashSet;
use std::time::Duration;

use url::Url;

use crate::incremental::{Revisit, revision_of, revisit};
use crate::task::{Done, Outcome};

use crate::frontier::{Kind, Request, RobotsState};
use crate::output::{FetchUpdate, Output};
use crate::policy::{
    Redirect, RetryPolicy, SkipReason, admit_page, check_url, is_retryable_status, redirect,
};
use crate::scope::normalize;
use khabar_extract::urls::same_article_key;

use super::{MAX_ENTRIES_PER_DOCUMENT, MAX_SITEMAP_NESTING, Run};

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
        self.enqueue_with(url, kind, depth, redirects, from_links, None);
    }

    /// [`Run::enqueue`] for a sitemap entry with its `<lastmod>`.
    pub(super) fn enqueue_with(
        &mut self,
        url: &Url,
        kind: Kind,
        depth: u32,
        redirects: u32,
        from_links: bool,
        lastmod: Option<&str>,
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
        if let (Kind::Page { article: true }, Some(p)) = (kind, profile) {
            // seen in this crawl already: a duplicate, whatever an earlier run says of it
            if self.crawler.state.is_some() && self.frontier.seen(&url) {
                self.stats.skip(&SkipReason::Duplicate);
                return;
            }
            match revisit(
                self.crawler.state.as_deref(),
                &url,
                p.recrawl_after,
                lastmod,
            ) {
                Revisit::Skip(why) => {
                    self.stats.skip(&why);
                    self.frontier.mark_seen(&url);
                    return;
                }
                Revisit::Conditional(v) => validators = Some(v),
                Revisit::New => {}
            }
        }
        if !self.frontier.add(Request {
            url,
            kind,
            depth,
            attempt: 0,
            redirects,
            validators,
        }) {
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
        if let Some(h) = self.frontier.hosts.get_mut(&host) {
            h.in_flight = h.in_flight.saturating_sub(1);
        }
        match outcome {
            Outcome::Robots(robots) => {
                if robots.refused_address {
                    self.stats.error("refused-address");
                }
                if let Some(delay) = robots.crawl_delay {
                    let delay = delay.min(self.settings.max_crawl_delay);
                    self.frontier
                        .hosts
                        .get_mut(&host)
                        .expect("host")
                        .pacer
                        .slow_to(delay);
                }
                let sitemaps: Vec<Url> = robots
                    .sitemaps
                    .iter()
                    .filter_map(|s| Url::parse(s).ok())
                    .collect();
                self.frontier.hosts.get_mut(&host).expect("host").robots =
                    RobotsState::Ready(robots);
                for s in sitemaps {
                    self.enqueue(&s, Kind::Sitemap, 0, 0, false);
                }
            }
            Outcome::Failed(e) => {
                if e.is_transient() && self.retry(req.clone(), &host, None) {
                    return outbox;
                }
                tracing::debug!("{}: {e}", req.url);
                self.stats.error(e.kind());
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
                        Redirect::TooMany => self.stats.error("too-many-redirects"),
                        Redirect::Follow(target) => {
                            self.enqueue(&target, req.kind, req.depth, hops + 1, false)
                        }
                        Redirect::NoLocation => {
                            self.stats.error(format!("http-{status}-without-location"))
                        }
                    }
                } else if is_retryable_status(status) && self.retry(req.clone(), &host, retry_after)
                {
                    return outbox;
                } else {
                    tracing::debug!("{}: HTTP {status}", req.url);
                    self.stats.error(format!("http-{status}"));
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
                    self.stats.record(&record);
                    outbox.push(Output::Record(Box::new(record), update));
                }
                if req.depth < self.settings.max_depth {
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
            Outcome::Sitemap(entries) => {
                // a sitemap's depth counts the indexes above it: a chain of indexes ends
                let nested = req.depth + 1;
                for s in entries.sitemaps.iter().take(MAX_ENTRIES_PER_DOCUMENT) {
                    match req.url.join(s) {
                        Ok(_) if nested > MAX_SITEMAP_NESTING => {
                            self.stats.skip(&SkipReason::SitemapNesting)
                        }
                        Ok(u) => self.enqueue(&u, Kind::Sitemap, nested, 0, false),
                        Err(_) => self.stats.skip(&SkipReason::BadUrl),
                    }
                }
                // what a sitemap lists is one hop from the seeds
                for (p, lastmod) in entries.pages.iter().take(MAX_ENTRIES_PER_DOCUMENT) {
                    if let Ok(u) = req.url.join(p) {
                        let kind = Kind::Page { article: false };
                        self.enqueue_with(&u, kind, 1, 0, false, lastmod.as_deref());
                    }
                }
                let over = entries
                    .sitemaps
                    .len()
                    .saturating_sub(MAX_ENTRIES_PER_DOCUMENT)
                    + entries.pages.len().saturating_sub(MAX_ENTRIES_PER_DOCUMENT);
                self.stats
                    .skip_n(&SkipReason::SitemapEntriesOver, over as u64 + entries.more);
            }
            Outcome::Feed(links) => {
                for l in links.iter().take(MAX_ENTRIES_PER_DOCUMENT) {
                    if let Ok(u) = req.url.join(l) {
                        self.enqueue(&u, Kind::Page { article: false }, 1, 0, false);
                    }
                }
                let over = links.len().saturating_sub(MAX_ENTRIES_PER_DOCUMENT);
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
            };
            outbox.push(Output::Fetch(update));
        }
        outbox
    }
}

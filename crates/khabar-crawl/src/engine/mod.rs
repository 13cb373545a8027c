//! The crawl loop: dispatches requests host by host within the global and per-host slots
//! and each host's pace, runs each one (fetch, then parse and extract on a blocking
//! thread), and folds the results back into the frontier and the statistics.

mod intake;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::task::{Done, TaskCtx, run_request};

use crate::archive::ArchiveSender;
use crate::fetch::Fetcher;
use crate::frontier::FrontierStore;
use crate::frontier::{Frontier, Kind, Request, RobotsState, SHARED_SYNC};
use crate::incremental::known_validators;
use crate::network::Network;
use crate::output::Output;
use crate::policy::{SitemapCounts, SkipReason, budget_queued, budget_spent, check_url};
use crate::progress::CrawlProgress;
use crate::robots::product_token;
use crate::scope::OutOfScope;
use crate::scope::{Scope, is_internal_ip, normalize};
use crate::settings::CrawlSettings;
use crate::state::CrawlState;
use crate::stats::CrawlStats;
use khabar_extract::Extractor;

/// Most URLs taken from one sitemap or feed (the sitemap protocol's own limit).
const MAX_ENTRIES_PER_DOCUMENT: usize = 50_000;
/// Sitemap indexes nested deeper than this are not read (the protocol has one level).
const MAX_SITEMAP_NESTING: u32 = 4;

/// Why a crawl cannot start.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// No seed, sitemap or feed was given.
    #[error(
        "nothing to crawl: give seed URLs on the command line or in the [crawl] section of the config"
    )]
    NoSeeds,
    /// A seed, sitemap or feed (as given) that is not an absolute http(s) address.
    #[error("`{0}` is not an absolute http(s) address")]
    BadSeed(String),
    /// The HTTP client could not be set up (the reason).
    #[error("{0}")]
    Client(String),
}

/// How a crawl ended.
#[derive(Debug, Default)]
pub struct CrawlOutcome {
    /// What was fetched, skipped and failed.
    pub stats: CrawlStats,
    /// Stopped by the shutdown signal (Ctrl-C).
    pub interrupted: bool,
    /// Stopped because the record sink went away (a closed pipe, a write error).
    pub output_closed: bool,
    /// Stopped by `max_duration` or the idle watchdog.
    pub timed_out: bool,
    /// Stopped because the shared frontier lost the crawl (its server flushed or restarted
    /// empty): why.
    pub frontier_lost: Option<String>,
}

/// A crawl set up to run: its settings, seeds, scope and HTTP client, and the crawl state
/// when it has one (see [`Crawler::run`]).
///
/// One crawl, its records handed over as they come (the `crawl` command runs it through
/// [`crate::job::run_job`], which adds the crawl state, the output and the signals):
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Instant;
///
/// use khabar_crawl::output::Output;
/// use khabar_crawl::{CrawlSettings, Crawler, NoProgress};
/// use khabar_extract::{Extractor, Profiles};
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let mut settings = CrawlSettings::default();
///     settings.seeds = vec!["https://news.example.com/".to_string()];
///     settings.max_pages = 50;
///     let extractor = Extractor::new(Profiles::parse("", "<none>".as_ref())?, None)?;
///     let crawler = Crawler::new(settings, Arc::new(extractor)).await?;
///
///     // records arrive on a channel, read here on a thread of their own
///     let (tx, rx) = std::sync::mpsc::sync_channel(1024);
///     let reader = std::thread::spawn(move || {
///         for out in rx {
///             if let Output::Record(record, _) = out {
///                 println!("{}\t{}", record.url, record.headline.unwrap_or_default());
///             }
///         }
///     });
///     // `true` sent here stops the crawl (requests in flight finish); kept alive until then
///     let (_stop, stop_rx) = tokio::sync::watch::channel(false);
///     let started = Instant::now();
///     let outcome = crawler.run(tx, stop_rx, &mut NoProgress).await;
///     reader.join().expect("the reader ends with the crawl");
///     eprintln!("{}", outcome.stats.summary("finished", started.elapsed()));
///     Ok(())
/// }
/// ```
pub struct Crawler {
    settings: CrawlSettings,
    extractor: Arc<Extractor>,
    scope: Scope,
    ctx: Arc<TaskCtx>,
    seeds: Vec<(Url, Kind)>,
    /// The crawl state of earlier runs, when there is one.
    state: Option<Arc<dyn CrawlState>>,
    /// Where the frontier lives; in memory when `None`.
    frontier: Option<Arc<dyn FrontierStore>>,
}

impl Crawler {
    /// Checks the seeds, works out the scope and sets up the HTTP client.
    pub async fn new(
        settings: CrawlSettings,
        extractor: Arc<Extractor>,
    ) -> Result<Self, CrawlError> {
        Self::with_network(settings, extractor, Network::default()).await
    }

    /// [`Crawler::new`] with a given way to look names up and a check on every address
    /// connected to (tests use a fixed table and refuse anything outside 127.0.0.0/8).
    #[doc(hidden)]
    pub async fn with_network(
        settings: CrawlSettings,
        extractor: Arc<Extractor>,
        network: Network,
    ) -> Result<Self, CrawlError> {
        let mut seeds = Vec::new();
        for (list, kind) in [
            (&settings.seeds, Kind::Seed),
            (&settings.sitemaps, Kind::Sitemap),
            (&settings.feeds, Kind::Feed),
            (&settings.pages, Kind::Page { article: true }),
        ] {
            for s in list {
                let url = Url::parse(s)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
                let url = url.ok_or_else(|| CrawlError::BadSeed(s.clone()))?;
                seeds.push((normalize(&url, &settings.strip_params), kind));
            }
        }
        if seeds.is_empty() {
            return Err(CrawlError::NoSeeds);
        }
        let hosts = if settings.allowed_hosts.is_empty() {
            let mut h: Vec<String> = seeds
                .iter()
                .filter_map(|(u, _)| u.host_str())
                .map(|h| h.strip_prefix("www.").unwrap_or(h).to_string())
                .collect();
            h.sort();
            h.dedup();
            h
        } else {
            settings.allowed_hosts.clone()
        };
        // a seed that is itself an internal address may be crawled: the user asked for it
        let mut internal_ok = HashSet::new();
        for (u, _) in &seeds {
            let Some(host) = u.host_str() else { continue };
            let port = u.port_or_known_default().unwrap_or(80);
            let internal = match network
                .lookup
                .lookup(host.trim_matches(['[', ']']), port)
                .await
            {
                Ok(addrs) => addrs.iter().any(|a| is_internal_ip(a.ip())),
                Err(_) => false,
            };
            if internal {
                internal_ok.insert(host.to_string());
            }
        }
        let internal_ok = Arc::new(internal_ok);
        let scope = Scope {
            hosts,
            allow: settings.allow.clone(),
            deny: settings.deny.clone(),
            allow_private: settings.allow_private,
            internal_ok: (*internal_ok).clone(),
        };
        let fetcher = Fetcher::new(&settings, internal_ok, network).map_err(CrawlError::Client)?;
        let ctx = Arc::new(TaskCtx {
            fetcher,
            scope: scope.clone(),
            extractor: extractor.clone(),
            agent: product_token(&settings.user_agent).to_string(),
            robots_timeout: settings.robots_timeout,
            max_body: settings.max_body_bytes,
            user_agent: settings.user_agent.clone(),
            archive: None,
        });
        Ok(Self {
            settings,
            extractor,
            scope,
            ctx,
            seeds,
            state: None,
            frontier: None,
        })
    }

    /// Remembers and consults `state` across runs: article pages fetched before are left
    /// alone until due, then asked for conditionally; a record is written again only when
    /// its content changed, with its revision counted up. The frontier and its seen set
    /// live in `frontier`, so a crawl that stops early resumes where it stopped. The output
    /// thread commits to the same two (see [`crate::output::Committer`]).
    pub(crate) fn with_state(
        mut self,
        state: Arc<dyn CrawlState>,
        frontier: Arc<dyn FrontierStore>,
    ) -> Self {
        self.state = Some(state);
        self.frontier = Some(frontier);
        self
    }

    /// Also writes every response received to `archive` (`--warc`).
    pub(crate) fn with_archive(mut self, archive: ArchiveSender) -> Self {
        Arc::get_mut(&mut self.ctx)
            .expect("the request context is shared only once the crawl runs")
            .archive = Some(archive);
        self
    }

    /// Runs the crawl to its end. Records go to `sink` as soon as they are extracted;
    /// `shutdown` turning true stops scheduling and lets requests in flight finish.
    pub async fn run(
        self,
        sink: SyncSender<Output>,
        mut shutdown: watch::Receiver<bool>,
        progress: &mut dyn CrawlProgress,
    ) -> CrawlOutcome {
        let mut run = Run::new(&self);
        run.frontier.begin();
        for (url, kind) in &self.seeds {
            let req = Request {
                url: url.clone(),
                kind: *kind,
                depth: 0,
                attempt: 0,
                redirects: 0,
                validators: None,
            };
            run.frontier.add(req);
        }
        run.frontier.commit();
        let started = Instant::now();
        let deadline =
            (!self.settings.max_duration.is_zero()).then(|| started + self.settings.max_duration);
        let mut tasks: JoinSet<Done> = JoinSet::new();
        let mut last_completion = Instant::now();
        let mut stop_at: Option<Instant> = None;
        loop {
            let idle_before = tasks.is_empty();
            let wake = if stop_at.is_none() {
                run.dispatch(&mut tasks, &self.ctx)
            } else {
                None
            };
            if idle_before && !tasks.is_empty() {
                // the watchdog measures silence while requests are out, not waits between them
                last_completion = Instant::now();
            }
            if stop_at.is_none()
                && let Some(lost) = run.frontier.lost()
            {
                tracing::error!("{lost}: stopping this worker");
                run.outcome.frontier_lost = Some(lost.to_string());
                stop_at = Some(Instant::now() + self.settings.grace());
            }
            progress.update(&run.stats, run.frontier.queued(), tasks.len());
            if tasks.is_empty()
                && (stop_at.is_some() || (wake.is_none() && run.frontier.queued() == 0))
            {
                break;
            }
            let idle_deadline = last_completion + self.settings.idle_timeout;
            let mut next = idle_deadline;
            for t in [wake, deadline, stop_at].into_iter().flatten() {
                next = next.min(t);
            }
            tokio::select! {
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    last_completion = Instant::now();
                    if let Ok(done) = joined {
                        // the frontier's writes in one transaction, closed before anything
                        // goes to the output thread (which writes to the same store)
                        run.frontier.begin();
                        let outbox = run.handle(done);
                        run.frontier.commit();
                        if !outbox.into_iter().all(|o| sink.send(o).is_ok()) {
                            run.outcome.output_closed = true;
                            stop_at.get_or_insert_with(Instant::now);
                        }
                    }
                }
                changed = shutdown.changed(), if stop_at.is_none() => {
                    if changed.is_err() || *shutdown.borrow() {
                        run.outcome.interrupted = true;
                        stop_at = Some(Instant::now() + self.settings.grace());
                        if !tasks.is_empty() {
                            tracing::info!(
                                "stopping: {} requests in flight get {:.0} s to finish",
                                tasks.len(),
                                self.settings.grace().as_secs_f64()
                            );
                        }
                    }
                }
                _ = tokio::time::sleep_until(next) => {
                    let now = Instant::now();
                    if deadline.is_some_and(|d| now >= d) && stop_at.is_none() {
                        tracing::warn!("max_duration reached: stopping the crawl");
                        run.outcome.timed_out = true;
                        stop_at = Some(now + self.settings.grace());
                    }
                    if stop_at.is_some_and(|s| now >= s) || (now >= idle_deadline && !tasks.is_empty()) {
                        if now >= idle_deadline && stop_at.is_none() {
                            tracing::warn!("no request finished for {:?}: stopping the crawl", self.settings.idle_timeout);
                            run.outcome.timed_out = true;
                        }
                        if !tasks.is_empty() {
                            tracing::warn!("{} requests still in flight abandoned", tasks.len());
                            for _ in 0..tasks.len() {
                                run.stats.error("abandoned-at-stop", "", "still in flight when the crawl stopped");
                            }
                        }
                        tasks.abort_all();
                        break;
                    }
                }
            }
        }
        progress.finish();
        for (key, host) in &run.frontier.hosts {
            if let (Some(h), RobotsState::Ready(r)) = (run.stats.hosts.get_mut(key), &host.robots) {
                h.robots = Some(if self.settings.robots {
                    r.describe()
                } else {
                    "not read (--ignore-robots)".into()
                });
            }
        }
        let mut outcome = run.outcome;
        outcome.stats = run.stats;
        outcome
    }
}

/// The mutable state of one crawl.
struct Run<'a> {
    crawler: &'a Crawler,
    settings: &'a CrawlSettings,
    frontier: Frontier,
    stats: CrawlStats,
    outcome: CrawlOutcome,
    pages_dispatched: u64,
    emitted: HashSet<String>,
    round_robin: usize,
    /// What sitemaps and feeds brought in so far, against their bounds.
    sitemap_counts: SitemapCounts,
    /// What feeds and news sitemaps said of the pages they listed (their dates), by
    /// normalised URL, until the page is read.
    date_hints: std::collections::HashMap<String, crate::discover::DateHint>,
}

impl<'a> Run<'a> {
    fn new(crawler: &'a Crawler) -> Self {
        let s = &crawler.settings;
        let mut frontier = Frontier::in_memory(s.rate, s.burst, s.robots);
        if let Some(store) = &crawler.frontier {
            match Frontier::new(s.rate, s.burst, s.robots, store.clone()) {
                Ok(stored) => {
                    if stored.resumed() > 0 {
                        tracing::info!(
                            "resuming {} requests left by a crawl that stopped early",
                            stored.resumed()
                        );
                    }
                    frontier = stored;
                }
                Err(e) => tracing::warn!("{e}; the frontier is kept in memory only"),
            }
        }
        Self {
            crawler,
            settings: s,
            frontier,
            stats: CrawlStats::default(),
            outcome: CrawlOutcome::default(),
            pages_dispatched: 0,
            emitted: HashSet::new(),
            round_robin: 0,
            sitemap_counts: SitemapCounts::default(),
            date_hints: std::collections::HashMap::new(),
        }
    }

    fn page_budget_spent(&self) -> bool {
        budget_spent(self.pages_dispatched, self.settings.max_pages)
    }

    /// Why a sitemap or feed about to be fetched is not: the pages queued already spend the
    /// page budget (what it adds would wait behind them, never fetched), or the host or the
    /// run has read as many sitemaps as it may.
    fn sitemap_not_read(&mut self, head: &Request, key: &str) -> Option<SkipReason> {
        if !matches!(head.kind, Kind::Sitemap | Kind::Feed) {
            return None;
        }
        if budget_queued(
            self.pages_dispatched,
            self.frontier.queued_pages(),
            self.settings.max_pages,
        ) {
            return Some(SkipReason::PageBudgetQueued);
        }
        (head.kind == Kind::Sitemap
            && !self
                .sitemap_counts
                .may_read(key, &self.settings.sitemap_limits))
        .then_some(SkipReason::SitemapsOver)
    }

    /// Starts every request that may start now; returns when the next one may.
    fn dispatch(&mut self, tasks: &mut JoinSet<Done>, ctx: &Arc<TaskCtx>) -> Option<Instant> {
        let now = Instant::now();
        let mut wake: Option<Instant> = None;
        let soonest =
            |t: Instant, wake: &mut Option<Instant>| *wake = Some(wake.map_or(t, |w| w.min(t)));
        let n = self.frontier.order.len();
        let mut progressed = true;
        let mut blocked: Vec<Url> = Vec::new();
        self.frontier.sync(false);
        self.pages_dispatched = self.pages_dispatched.max(self.frontier.shared_pages());
        self.frontier.begin();
        while progressed && tasks.len() < self.settings.concurrency {
            progressed = false;
            for i in 0..n {
                if tasks.len() >= self.settings.concurrency {
                    break;
                }
                let key = self.frontier.order[(self.round_robin + i) % n].clone();
                let budget_spent = self.page_budget_spent();
                let rejected = {
                    let (scope, settings) = (&self.crawler.scope, self.settings);
                    let admit = |url: &Url, kind: Kind, depth: u32| {
                        admit_stored(scope, settings, url, kind, depth)
                    };
                    self.frontier.refill(&key, self.settings.per_host, &admit)
                };
                for (_, why) in rejected {
                    self.stats.skip(&why);
                }
                let host = self
                    .frontier
                    .hosts
                    .get_mut(&key)
                    .expect("ordered hosts exist");
                if host.in_flight >= self.settings.per_host || host.queued() == 0 {
                    continue;
                }
                if let Some(until) = host.blocked_until {
                    if until > now {
                        soonest(until, &mut wake);
                        continue;
                    }
                    host.blocked_until = None;
                }
                if budget_spent {
                    self.frontier.close();
                    let dropped = self.frontier.drop_host(&key);
                    if dropped > 0 {
                        self.stats.skip_n(&SkipReason::MaxPages, dropped as u64);
                    }
                    continue;
                }
                if host.peek().is_none() {
                    // what it has waits in a shared store, not taken yet (no free slot, or
                    // its pace says wait)
                    continue;
                }
                let request = match &host.robots {
                    RobotsState::Fetching => continue,
                    RobotsState::Unknown => {
                        let head = host.peek().expect("queued");
                        let mut robots_url = head.url.clone();
                        robots_url.set_path("/robots.txt");
                        robots_url.set_query(None);
                        Request {
                            url: robots_url,
                            kind: Kind::Robots,
                            depth: 0,
                            attempt: 0,
                            redirects: 0,
                            validators: None,
                        }
                    }
                    RobotsState::Ready(robots) => {
                        let head = host.peek().expect("queued");
                        let path = match head.url.query() {
                            Some(q) => format!("{}?{q}", head.url.path()),
                            None => head.url.path().to_string(),
                        };
                        if !robots.allows(&path) {
                            let refused = robots.refused_address;
                            let unreachable = robots.unreachable.is_some();
                            if let Some(r) = host.pop() {
                                blocked.push(r.url);
                            }
                            if refused {
                                self.stats
                                    .skip(&SkipReason::OutOfScope(OutOfScope::PrivateAddress));
                            } else if unreachable {
                                self.stats.skip(&SkipReason::HostUnreachable);
                            } else {
                                self.stats.robots_blocked += 1;
                            }
                            progressed = true;
                            continue;
                        }
                        let head = host.peek().expect("queued").clone();
                        if let Some(why) = self.sitemap_not_read(&head, &key) {
                            let host = self.frontier.hosts.get_mut(&key).expect("host");
                            if let Some(r) = host.pop() {
                                blocked.push(r.url);
                            }
                            self.stats.skip(&why);
                            progressed = true;
                            continue;
                        }
                        head
                    }
                };
                if let Err(wait) = self.frontier.take_slot(&key) {
                    soonest(now + wait, &mut wake);
                    continue;
                }
                // a request that waited in a store lost its validators: looked up again, once
                // it is sure to go
                let mut request = request;
                if let (None, Kind::Page { article }) = (&request.validators, request.kind) {
                    request.validators =
                        known_validators(self.crawler.state.as_deref(), &request.url, article);
                }
                let host = self
                    .frontier
                    .hosts
                    .get_mut(&key)
                    .expect("ordered hosts exist");
                if request.kind == Kind::Robots {
                    host.robots = RobotsState::Fetching;
                } else {
                    host.pop();
                }
                host.in_flight += 1;
                if request.kind == Kind::Sitemap && request.attempt == 0 {
                    self.sitemap_counts
                        .take_read(&key, &self.settings.sitemap_limits);
                }
                if request.kind.is_page() && request.attempt == 0 {
                    self.pages_dispatched += 1;
                    if let Some(all) = self.frontier.count_page() {
                        self.pages_dispatched = self.pages_dispatched.max(all);
                    }
                }
                self.stats.request_sent(&key, now);
                tasks.spawn(run_request(ctx.clone(), request, key));
                progressed = true;
            }
        }
        for url in &blocked {
            self.frontier.forget(url);
        }
        self.frontier.commit();
        if self.frontier.is_shared() {
            // before this worker ends, a fresh look: others may have queued more since
            if self.frontier.queued() == 0 && tasks.is_empty() {
                self.frontier.sync(true);
            }
            if self.frontier.queued() > 0 || !tasks.is_empty() || self.frontier.others_busy() {
                soonest(now + SHARED_SYNC, &mut wake);
            }
        }
        self.round_robin = self.round_robin.wrapping_add(1);
        wake
    }
}

/// The checks a request taken from a frontier store passes, as a link found on a page does:
/// scope (hosts, patterns, literal internal addresses), the trap bounds, the depth.
fn admit_stored(
    scope: &Scope,
    settings: &CrawlSettings,
    url: &Url,
    kind: Kind,
    depth: u32,
) -> Result<(), SkipReason> {
    scope.check(url).map_err(SkipReason::OutOfScope)?;
    check_url(url, &settings.url_limits)?;
    if kind.is_page() && depth > settings.max_depth {
        return Err(SkipReason::MaxDepth);
    }
    Ok(())
}

//! The scheduler's state: one queue per host (discovery documents first, then article
//! pages, then other pages), each host with its pace, its robots.txt and its slots. Each
//! lane keeps a window of requests in memory; the seen set and the rest wait in a
//! [`FrontierStore`] (in memory, in the crawl state, or shared by many workers).

mod store;

pub(crate) use store::MemoryFrontier;
pub(crate) use store::fingerprint;
#[cfg(test)]
pub(crate) use store::q;
pub use store::{FrontierStore, Lane, MalformedRequest, QueuedUrl, SharedFrontier, SharedSnapshot};

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use url::Url;

use crate::pacing::Pacer;
use crate::policy::SkipReason;
use crate::robots::Robots;
use crate::state::StateError;

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A host's robots.txt.
    Robots,
    /// A sitemap or sitemap index.
    Sitemap,
    /// An RSS or Atom feed.
    Feed,
    /// A seed: page, feed or sitemap, told apart by what comes back.
    Seed,
    /// An HTML page.
    Page {
        /// Whether a profile says it is an article page (it is extracted).
        article: bool,
    },
}

impl Kind {
    /// The name a queued request is stored under in the crawl state (robots.txt requests
    /// are not stored).
    pub(crate) fn stored_name(self) -> Option<&'static str> {
        Some(match self {
            Kind::Robots => return None,
            Kind::Sitemap => "sitemap",
            Kind::Feed => "feed",
            Kind::Seed => "seed",
            Kind::Page { article: false } => "page",
            Kind::Page { article: true } => "article",
        })
    }

    /// The kind stored under `name`.
    pub(crate) fn from_stored_name(name: &str) -> Option<Kind> {
        Some(match name {
            "sitemap" => Kind::Sitemap,
            "feed" => Kind::Feed,
            "seed" => Kind::Seed,
            "page" => Kind::Page { article: false },
            "article" => Kind::Page { article: true },
            _ => return None,
        })
    }

    /// Whether fetching it counts against `max_pages`.
    pub(crate) fn is_page(self) -> bool {
        matches!(self, Kind::Seed | Kind::Page { .. })
    }

    /// The lane it waits in.
    pub(crate) fn lane(self) -> Lane {
        match self {
            Kind::Robots | Kind::Sitemap | Kind::Feed | Kind::Seed => Lane::Discovery,
            Kind::Page { article: true } => Lane::Articles,
            Kind::Page { article: false } => Lane::Pages,
        }
    }
}

/// One request the scheduler may dispatch.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The normalised URL.
    pub url: Url,
    /// What it is for.
    pub kind: Kind,
    /// Link hops from a seed.
    pub depth: u32,
    /// Tries made before this one.
    pub attempt: u32,
    /// Redirect hops behind this request.
    pub redirects: u32,
    /// Validators from the last fetch (crawl state): the request is conditional.
    pub validators: Option<Validators>,
}

/// What makes a request conditional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Validators {
    /// The last answer's `ETag` (sent as If-None-Match).
    pub etag: Option<String>,
    /// The last answer's `Last-Modified` (sent as If-Modified-Since).
    pub last_modified: Option<String>,
}

/// What the scheduler knows of a host's robots.txt.
#[derive(Debug)]
pub(crate) enum RobotsState {
    /// Not asked for yet: the host's first request is its robots.txt.
    Unknown,
    /// Asked for; nothing else goes to the host until it is read.
    Fetching,
    /// Read (or not needed): what it allows.
    Ready(Robots),
}

/// One host: its lanes in memory, its pace, its robots.txt and its slots.
pub(crate) struct HostQueue {
    lanes: [VecDeque<Request>; 3],
    /// Requests of each lane waiting in the frontier store, not in memory.
    stored: [u64; 3],
    /// Requests under way.
    pub in_flight: usize,
    /// Its pace.
    pub pacer: Pacer,
    /// Its robots.txt.
    pub robots: RobotsState,
    /// Tries of its robots.txt that got no answer worth reading.
    pub robots_failures: u32,
    /// No request before this (Retry-After, backoff).
    pub blocked_until: Option<Instant>,
    /// A shared pace said to wait until then: not asked again before.
    pace_wait_until: Option<Instant>,
}

impl HostQueue {
    fn new(rate: f64, burst: u32, robots: RobotsState) -> Self {
        Self {
            lanes: Default::default(),
            stored: [0; 3],
            in_flight: 0,
            pacer: Pacer::new(rate, burst),
            robots,
            robots_failures: 0,
            blocked_until: None,
            pace_wait_until: None,
        }
    }

    /// The lane, in priority order, that has nothing in memory to serve next but requests
    /// waiting in the store.
    fn lane_to_refill(&self) -> Option<Lane> {
        for lane in Lane::ALL {
            if !self.lanes[lane.index()].is_empty() {
                return None;
            }
            if self.stored[lane.index()] > 0 {
                return Some(lane);
            }
        }
        None
    }

    /// Whether a new request of `lane` can be kept in memory: the lane's window has room
    /// and nothing older of it waits in the store.
    fn has_room(&self, lane: Lane) -> bool {
        self.stored[lane.index()] == 0 && self.lanes[lane.index()].len() < WINDOW
    }

    /// Queues a request at the end of its lane, in memory.
    pub(crate) fn push(&mut self, r: Request) {
        self.lanes[r.kind.lane().index()].push_back(r);
    }

    /// Puts a request back at the head of its lane (a retry).
    pub(crate) fn push_front(&mut self, r: Request) {
        self.lanes[r.kind.lane().index()].push_front(r);
    }

    /// The request that would be dispatched next.
    pub(crate) fn peek(&self) -> Option<&Request> {
        self.lanes.iter().find_map(VecDeque::front)
    }

    /// Takes the request that is next.
    pub(crate) fn pop(&mut self) -> Option<Request> {
        self.lanes.iter_mut().find_map(VecDeque::pop_front)
    }

    /// Requests queued, in memory and in the store.
    pub(crate) fn queued(&self) -> usize {
        let stored: u64 = self.stored.iter().sum();
        self.lanes.iter().map(VecDeque::len).sum::<usize>() + stored as usize
    }

    /// Drops everything queued: the page budget is spent, and sitemaps and feeds would
    /// only lead to more pages.
    pub(crate) fn drop_all(&mut self) -> usize {
        let n = self.queued();
        self.lanes.iter_mut().for_each(VecDeque::clear);
        // what waits in a lasting store stays there, for the next crawl to resume
        self.stored = [0; 3];
        n
    }
}

/// A stored request read back: an http(s) URL of the host it was queued for, in the lane
/// its kind belongs to.
fn stored_request(q: &QueuedUrl, key: &str, lane: Lane) -> Result<(Url, Kind), SkipReason> {
    let malformed = |why: String| SkipReason::Malformed(why);
    let url = Url::parse(&q.url).map_err(|e| malformed(format!("not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(malformed("not an http(s) address".into()));
    }
    let kind = Kind::from_stored_name(&q.kind)
        .ok_or_else(|| malformed(format!("unknown kind {:?}", shorten(&q.kind))))?;
    if host_key(&url) != key {
        return Err(malformed(format!("queued for host {key}, not its own")));
    }
    if kind.lane() != lane {
        return Err(malformed(format!("a {} in the wrong lane", q.kind)));
    }
    Ok((url, kind))
}

/// A URL as a message shows it: at most 200 bytes.
pub(crate) fn shorten(s: &str) -> String {
    if s.len() <= 200 {
        return s.to_string();
    }
    let mut end = 200;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// The key hosts are paced under: host and port.
pub(crate) fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(p) if Some(p) != default_port(url.scheme()) => format!("{host}:{p}"),
        _ => host.to_string(),
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Requests of one lane of one host kept in memory; the rest wait in the frontier store,
/// so memory stays flat however many URLs a crawl finds (with a store that is not memory).
pub(crate) const WINDOW: usize = 256;

/// Requests taken from a shared frontier at a time at most (and never more than the host's
/// free slots): few, so that the workers share a host's queue evenly, and a worker that dies
/// held little.
pub(crate) const SHARED_TAKE: usize = 16;

/// How often a worker on a shared frontier looks at what the others queued.
pub(crate) const SHARED_SYNC: Duration = Duration::from_millis(200);

/// The scheduler's queues, one per host, in front of a [`FrontierStore`].
pub(crate) struct Frontier {
    /// The hosts, by [`host_key`].
    pub hosts: HashMap<String, HostQueue>,
    /// Host keys in the order they were first seen: dispatch goes round them.
    pub order: Vec<String>,
    store: Arc<dyn FrontierStore>,
    rate: f64,
    burst: u32,
    robots_enabled: bool,
    resumed: u64,
    /// Many workers share the store.
    shared: bool,
    /// A shared store: when it was last looked at, what others hold, the pages all took.
    last_sync: Option<Instant>,
    held_by_others: u64,
    shared_pages: u64,
    /// Nothing more is taken from a shared store (the page budget is spent).
    closed: bool,
    /// The shared store lost this crawl (flushed, restarted empty): why.
    lost: Option<String>,
}

impl Frontier {
    /// A frontier on `store`, paced at `rate` per second per host with `burst`, and
    /// reading robots.txt first when `robots_enabled`. Takes back what an earlier crawl on
    /// the same store left to do.
    pub(crate) fn new(
        rate: f64,
        burst: u32,
        robots_enabled: bool,
        store: Arc<dyn FrontierStore>,
    ) -> Result<Self, StateError> {
        let mut frontier = Self {
            hosts: HashMap::new(),
            order: Vec::new(),
            store,
            rate,
            burst,
            robots_enabled,
            resumed: 0,
            shared: false,
            last_sync: None,
            held_by_others: 0,
            shared_pages: 0,
            closed: false,
            lost: None,
        };
        frontier.shared = frontier.store.shared().is_some();
        for (key, lane, n) in frontier.store.resume()? {
            frontier.host_by_key(&key).stored[lane.index()] += n;
            frontier.resumed += n;
        }
        Ok(frontier)
    }

    /// A frontier in memory only.
    pub(crate) fn in_memory(rate: f64, burst: u32, robots_enabled: bool) -> Self {
        Self::new(rate, burst, robots_enabled, Arc::new(MemoryFrontier::new()))
            .expect("a memory frontier has nothing to resume")
    }

    /// Requests a crawl that stopped early left, waiting in the store.
    pub(crate) fn resumed(&self) -> u64 {
        self.resumed
    }

    /// Whether `url` was seen in this crawl (queued or marked).
    pub(crate) fn seen(&self, url: &Url) -> bool {
        self.store.seen(url.as_str()).unwrap_or_else(|e| {
            tracing::warn!("{e}");
            false
        })
    }

    /// Queues a request unless its (normalised) URL was seen before. Returns whether it
    /// was queued.
    pub(crate) fn add(&mut self, r: Request) -> bool {
        let Some(kind_name) = r.kind.stored_name() else {
            return false;
        };
        let key = host_key(&r.url);
        let lane = r.kind.lane();
        // on a shared store every request waits there, for whichever worker is free first
        let in_memory = !self.shared && self.hosts.get(&key).is_none_or(|h| h.has_room(lane));
        let q = QueuedUrl {
            url: r.url.to_string(),
            kind: kind_name.to_string(),
            depth: r.depth,
            redirects: r.redirects,
        };
        match self.store.add(&q, &key, lane, in_memory) {
            Ok(false) => false,
            Ok(true) => {
                let host = self.host_by_key(&key);
                if in_memory {
                    host.push(r);
                } else {
                    host.stored[lane.index()] += 1;
                }
                true
            }
            Err(e) => {
                tracing::warn!("{e}");
                false
            }
        }
    }

    /// Queues a request ahead of what waits in its lane (kept in memory; on a shared store,
    /// where every request waits in the store, at the end as any other). Returns whether it
    /// was queued.
    pub(crate) fn add_front(&mut self, r: Request) -> bool {
        if self.shared {
            return self.add(r);
        }
        let Some(kind_name) = r.kind.stored_name() else {
            return false;
        };
        let key = host_key(&r.url);
        let q = QueuedUrl {
            url: r.url.to_string(),
            kind: kind_name.to_string(),
            depth: r.depth,
            redirects: r.redirects,
        };
        match self.store.add(&q, &key, r.kind.lane(), true) {
            Ok(true) => {
                self.host_by_key(&key).push_front(r);
                true
            }
            Ok(false) => false,
            Err(e) => {
                tracing::warn!("{e}");
                false
            }
        }
    }

    /// Marks a URL as seen without queueing it (an article's canonical address).
    pub(crate) fn mark_seen(&mut self, url: &Url) -> bool {
        self.store
            .mark_seen(url.as_str(), &host_key(url))
            .unwrap_or_else(|e| {
                tracing::warn!("{e}");
                false
            })
    }

    /// Takes a request that will never be fetched off the frontier.
    pub(crate) fn forget(&mut self, url: &Url) {
        if let Err(e) = self.store.done(url.as_str()) {
            tracing::warn!("{e}");
        }
    }

    /// Brings the next requests of a host from the store into memory when its lanes in
    /// memory have run dry. From a shared store, only as many as the host's free slots
    /// (`per_host` less those in flight), and none while its shared pace says wait.
    ///
    /// Nothing from a store is trusted: each request must be readable, of this host, and
    /// pass `admit` (the checks a link found on a page passes); the others are dropped off
    /// the store and returned with why.
    pub(crate) fn refill(
        &mut self,
        key: &str,
        per_host: usize,
        admit: &dyn Fn(&Url, Kind, u32) -> Result<(), SkipReason>,
    ) -> Vec<(String, SkipReason)> {
        let Some(host) = self.hosts.get_mut(key) else {
            return Vec::new();
        };
        let Some(lane) = host.lane_to_refill() else {
            return Vec::new();
        };
        let n = if self.shared {
            let waiting = host.pace_wait_until.is_some_and(|t| t > Instant::now());
            let free = per_host.saturating_sub(host.in_flight);
            if waiting || free == 0 {
                return Vec::new();
            }
            free.min(SHARED_TAKE)
        } else {
            WINDOW
        };
        let rows = match self.store.take(key, lane, n) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!("{e}");
                host.stored[lane.index()] = 0;
                return Vec::new();
            }
        };
        let mut rejected: Vec<(String, SkipReason)> = self
            .store
            .take_malformed()
            .into_iter()
            .map(|m| (m.url, SkipReason::Malformed(m.why)))
            .collect();
        let loaded = (rows.len() + rejected.len()) as u64;
        for q in rows {
            match stored_request(&q, key, lane).and_then(|(url, kind)| {
                admit(&url, kind, q.depth)?;
                Ok((url, kind))
            }) {
                Ok((url, kind)) => host.lanes[lane.index()].push_back(Request {
                    url,
                    kind,
                    depth: q.depth,
                    attempt: 0,
                    redirects: q.redirects,
                    validators: None,
                }),
                Err(why) => rejected.push((q.url, why)),
            }
        }
        let left = &mut host.stored[lane.index()];
        *left = if loaded == 0 {
            0
        } else {
            left.saturating_sub(loaded)
        };
        for (url, why) in &rejected {
            tracing::warn!(
                "a stored request for {key} was dropped ({why}): {}",
                shorten(url)
            );
            if let Err(e) = self.store.done(url) {
                tracing::warn!("{e}");
            }
        }
        rejected
    }

    /// Drops everything queued for a host (its page budget is spent); returns how many.
    pub(crate) fn drop_host(&mut self, key: &str) -> usize {
        let Some(host) = self.hosts.get_mut(key) else {
            return 0;
        };
        let n = host.drop_all();
        self.store.abandon(key);
        n
    }

    /// Whether many workers share the store.
    pub(crate) fn is_shared(&self) -> bool {
        self.shared
    }

    /// On a shared store: learns what waits there (what other workers queued) unless it
    /// looked less than [`SHARED_SYNC`] ago (`force`: now). Does nothing on a store of
    /// this crawl's own, or once [`Frontier::close`] was called.
    pub(crate) fn sync(&mut self, force: bool) {
        let Some(shared) = self.store.shared() else {
            return;
        };
        if self.closed {
            return;
        }
        let now = Instant::now();
        if !force && self.last_sync.is_some_and(|t| now < t + SHARED_SYNC) {
            return;
        }
        self.last_sync = Some(now);
        let snap = match shared.snapshot() {
            Ok(s) => s,
            Err(e @ StateError::FrontierLost { .. }) => {
                self.lost = Some(e.to_string());
                return;
            }
            Err(e) => {
                tracing::warn!("{e}");
                return;
            }
        };
        for host in self.hosts.values_mut() {
            host.stored = [0; 3];
        }
        for (key, lane, n) in snap.waiting {
            self.host_by_key(&key).stored[lane.index()] = n;
        }
        self.held_by_others = snap.held_by_others;
        self.shared_pages = snap.pages;
    }

    /// On a shared store: why it no longer holds this crawl, if it does not (its server was
    /// flushed or restarted empty under the crawl).
    pub(crate) fn lost(&self) -> Option<&str> {
        self.lost.as_deref()
    }

    /// On a shared store: whether other workers hold requests (that may queue more).
    pub(crate) fn others_busy(&self) -> bool {
        self.shared && !self.closed && self.held_by_others > 0
    }

    /// Pages dispatched by every worker of a shared store, as last seen (0 otherwise).
    pub(crate) fn shared_pages(&self) -> u64 {
        self.shared_pages
    }

    /// Counts a page dispatched on a shared store; returns the count of all workers.
    pub(crate) fn count_page(&mut self) -> Option<u64> {
        let shared = self.store.shared()?;
        match shared.count_page() {
            Ok(n) => {
                self.shared_pages = self.shared_pages.max(n);
                Some(n)
            }
            Err(e) => {
                tracing::warn!("{e}");
                None
            }
        }
    }

    /// Takes nothing more from a shared store (the page budget is spent): what waits there
    /// stays for the next crawl.
    pub(crate) fn close(&mut self) {
        self.closed = true;
    }

    /// Takes a slot of the host's pace: its own, or on a shared store the one every worker
    /// shares. Otherwise says how long to wait.
    pub(crate) fn take_slot(&mut self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let shared = self.store.shared();
        let Some(host) = self.hosts.get_mut(key) else {
            return Ok(());
        };
        let Some(shared) = shared else {
            return host.pacer.try_take();
        };
        if let Some(until) = host.pace_wait_until {
            if until > now {
                return Err(until - now);
            }
            host.pace_wait_until = None;
        }
        match shared.pace(key, host.pacer.rule()) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(wait)) => {
                host.pace_wait_until = Some(now + wait);
                Err(wait)
            }
            Err(e) => {
                // the shared pace cannot be read: fall back on this worker's own
                tracing::warn!("{e}");
                host.pacer.try_take()
            }
        }
    }

    /// Holds a host for `wait` (Retry-After, a backoff): here, and on a shared store for
    /// every worker.
    pub(crate) fn hold(&mut self, key: &str, wait: Duration) {
        let until = Instant::now() + wait;
        if let Some(h) = self.hosts.get_mut(key) {
            h.blocked_until = Some(h.blocked_until.map_or(until, |b| b.max(until)));
        }
        if let Some(shared) = self.store.shared()
            && let Err(e) = shared.hold(key, wait)
        {
            tracing::warn!("{e}");
        }
    }

    /// Many small writes to the store go faster in one batch.
    pub(crate) fn begin(&mut self) {
        self.store.begin_batch();
    }

    /// The end of a batch.
    pub(crate) fn commit(&mut self) {
        self.store.end_batch();
    }

    fn host_by_key(&mut self, key: &str) -> &mut HostQueue {
        if !self.hosts.contains_key(key) {
            self.order.push(key.to_string());
            let robots = if self.robots_enabled {
                RobotsState::Unknown
            } else {
                RobotsState::Ready(Robots::allow_all())
            };
            self.hosts.insert(
                key.to_string(),
                HostQueue::new(self.rate, self.burst, robots),
            );
        }
        self.hosts.get_mut(key).expect("just inserted")
    }

    /// Requests queued for `url`'s host.
    pub(crate) fn queued_for(&self, url: &Url) -> usize {
        self.hosts.get(&host_key(url)).map_or(0, HostQueue::queued)
    }

    /// Requests queued on every host.
    pub(crate) fn queued(&self) -> usize {
        self.hosts.values().map(HostQueue::queued).sum()
    }

    /// Page requests (articles and other pages) queued on every host.
    pub(crate) fn queued_pages(&self) -> u64 {
        self.hosts
            .values()
            .map(|h| {
                [Lane::Articles, Lane::Pages]
                    .iter()
                    .map(|l| h.lanes[l.index()].len() as u64 + h.stored[l.index()])
                    .sum::<u64>()
            })
            .sum()
    }
}

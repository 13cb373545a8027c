//! The scheduler's state: one queue per host (discovery documents first, then article
//! pages, then other pages), each host with its pace, its robots.txt and its slots, and
//! the set of URLs already seen.

use std::collections::{HashMap, HashSet, VecDeque};

use tokio::time::Instant;
use url::Url;

use crate::pacing::Pacer;
use crate::robots::Robots;
use crate::state::{QueuedUrl, StateError, StateStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Robots,
    Sitemap,
    Feed,
    /// A seed: page, feed or sitemap, told apart by what comes back.
    Seed,
    Page {
        article: bool,
    },
}

impl Kind {
    /// The name a queued request is stored under in the crawl state (robots.txt requests
    /// are not stored).
    pub fn stored_name(self) -> Option<&'static str> {
        Some(match self {
            Kind::Robots => return None,
            Kind::Sitemap => "sitemap",
            Kind::Feed => "feed",
            Kind::Seed => "seed",
            Kind::Page { article: false } => "page",
            Kind::Page { article: true } => "article",
        })
    }

    pub fn from_stored_name(name: &str) -> Option<Kind> {
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
    pub fn is_page(self) -> bool {
        matches!(self, Kind::Seed | Kind::Page { .. })
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
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
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum RobotsState {
    Unknown,
    Fetching,
    Ready(Robots),
}

pub struct HostQueue {
    discovery: VecDeque<Request>,
    articles: VecDeque<Request>,
    pages: VecDeque<Request>,
    /// Requests of each lane waiting in the crawl state, not in memory.
    stored: [u64; 3],
    pub in_flight: usize,
    pub pacer: Pacer,
    pub robots: RobotsState,
    /// No request before this (Retry-After, backoff).
    pub blocked_until: Option<Instant>,
}

impl HostQueue {
    fn new(rate: f64, burst: u32, robots: RobotsState) -> Self {
        Self {
            discovery: VecDeque::new(),
            articles: VecDeque::new(),
            pages: VecDeque::new(),
            stored: [0; 3],
            in_flight: 0,
            pacer: Pacer::new(rate, burst),
            robots,
            blocked_until: None,
        }
    }

    fn lane_mut(&mut self, lane: u8) -> &mut VecDeque<Request> {
        match lane {
            0 => &mut self.discovery,
            1 => &mut self.articles,
            _ => &mut self.pages,
        }
    }

    fn lane_len(&self, lane: u8) -> usize {
        match lane {
            0 => self.discovery.len(),
            1 => self.articles.len(),
            _ => self.pages.len(),
        }
    }

    /// The lane, in priority order, that has nothing in memory to serve next but requests
    /// waiting in the crawl state.
    fn lane_to_refill(&self) -> Option<u8> {
        for lane in 0..3u8 {
            if self.lane_len(lane) > 0 {
                return None;
            }
            if self.stored[lane as usize] > 0 {
                return Some(lane);
            }
        }
        None
    }

    fn lane(&mut self, kind: Kind) -> &mut VecDeque<Request> {
        match kind {
            Kind::Robots | Kind::Sitemap | Kind::Feed | Kind::Seed => &mut self.discovery,
            Kind::Page { article: true } => &mut self.articles,
            Kind::Page { article: false } => &mut self.pages,
        }
    }

    pub fn push(&mut self, r: Request) {
        self.lane(r.kind).push_back(r);
    }

    /// Puts a request back at the head of its lane (a retry).
    pub fn push_front(&mut self, r: Request) {
        self.lane(r.kind).push_front(r);
    }

    pub fn peek(&self) -> Option<&Request> {
        self.discovery
            .front()
            .or(self.articles.front())
            .or(self.pages.front())
    }

    pub fn pop(&mut self) -> Option<Request> {
        self.discovery
            .pop_front()
            .or_else(|| self.articles.pop_front())
            .or_else(|| self.pages.pop_front())
    }

    pub fn queued(&self) -> usize {
        let stored: u64 = self.stored.iter().sum();
        self.discovery.len() + self.articles.len() + self.pages.len() + stored as usize
    }

    /// Drops everything queued: the page budget is spent, and sitemaps and feeds would
    /// only lead to more pages.
    pub fn drop_all(&mut self) -> usize {
        let n = self.queued();
        self.discovery.clear();
        self.articles.clear();
        self.pages.clear();
        // what waits in the crawl state stays there, for the next crawl to resume
        self.stored = [0; 3];
        n
    }
}

/// The key hosts are paced under: host and port.
pub fn host_key(url: &Url) -> String {
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

/// Requests of one lane of one host kept in memory when a crawl state holds the rest: the
/// frontier and the seen set of a crawl with a state live in the store, so memory stays
/// flat however many URLs a crawl finds.
pub const WINDOW: usize = 256;

fn lane_of(kind: Kind) -> u8 {
    match kind {
        Kind::Robots | Kind::Sitemap | Kind::Feed | Kind::Seed => 0,
        Kind::Page { article: true } => 1,
        Kind::Page { article: false } => 2,
    }
}

pub struct Frontier {
    pub hosts: HashMap<String, HostQueue>,
    /// Host keys in the order they were first seen: dispatch goes round them.
    pub order: Vec<String>,
    /// Without a crawl state: the URLs seen in this crawl.
    seen: HashSet<String>,
    /// With one: the frontier and the seen set, in the store.
    store: Option<StateStore>,
    rate: f64,
    burst: u32,
    robots_enabled: bool,
}

impl Frontier {
    pub fn new(rate: f64, burst: u32, robots_enabled: bool) -> Self {
        Self {
            hosts: HashMap::new(),
            order: Vec::new(),
            seen: HashSet::new(),
            store: None,
            rate,
            burst,
            robots_enabled,
        }
    }

    /// Keeps the frontier and the seen set in `store` (a connection of the frontier's own),
    /// and takes back what the last crawl left to do.
    pub fn with_store(mut self, mut store: StateStore) -> Result<Self, StateError> {
        for (key, lane, n) in store.frontier_resume()? {
            if (lane as usize) < 3 {
                self.host_by_key(&key).stored[lane as usize] += n;
            }
        }
        self.store = Some(store);
        Ok(self)
    }

    /// Requests a crawl that stopped early left, waiting in the store.
    pub fn resumed(&self) -> u64 {
        self.hosts
            .values()
            .map(|h| h.stored.iter().sum::<u64>())
            .sum()
    }

    /// Queues a request unless its (normalised) URL was seen before. Returns whether it
    /// was queued.
    pub fn add(&mut self, r: Request) -> bool {
        let Some(store) = self.store.as_mut() else {
            if !self.seen.insert(r.url.as_str().to_string()) {
                return false;
            }
            self.host_mut(&r.url).push(r);
            return true;
        };
        let Some(kind_name) = r.kind.stored_name() else {
            return false;
        };
        let key = host_key(&r.url);
        let lane = lane_of(r.kind);
        let in_memory = self
            .hosts
            .get(&key)
            .is_none_or(|h| h.stored[lane as usize] == 0 && h.lane_len(lane) < WINDOW);
        let q = QueuedUrl {
            url: r.url.to_string(),
            kind: kind_name.to_string(),
            depth: r.depth,
            redirects: r.redirects,
        };
        match store.frontier_insert(&q, &key, lane, in_memory) {
            Ok(false) => false,
            Ok(true) => {
                let host = self.host_by_key(&key);
                if in_memory {
                    host.push(r);
                } else {
                    host.stored[lane as usize] += 1;
                }
                true
            }
            Err(e) => {
                tracing::warn!("{e}");
                false
            }
        }
    }

    /// Marks a URL as seen without queueing it (an article's canonical address).
    pub fn mark_seen(&mut self, url: &Url) -> bool {
        match self.store.as_mut() {
            None => self.seen.insert(url.as_str().to_string()),
            Some(store) => {
                let q = QueuedUrl {
                    url: url.to_string(),
                    kind: "page".into(),
                    depth: 0,
                    redirects: 0,
                };
                let new = store
                    .frontier_insert(&q, &host_key(url), 2, true)
                    .unwrap_or(false);
                if new {
                    let _ = store.frontier_done(url.as_str());
                }
                new
            }
        }
    }

    /// Takes a request that will never be fetched off the stored frontier.
    pub fn forget(&mut self, url: &Url) {
        if let Some(store) = self.store.as_mut() {
            if let Err(e) = store.frontier_done(url.as_str()) {
                tracing::warn!("{e}");
            }
        }
    }

    /// Brings the next requests of a host from the store into memory when its lanes in
    /// memory have run dry.
    pub fn refill(&mut self, key: &str) {
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let Some(host) = self.hosts.get_mut(key) else {
            return;
        };
        let Some(lane) = host.lane_to_refill() else {
            return;
        };
        let rows = match store.frontier_load(key, lane, WINDOW) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!("{e}");
                host.stored[lane as usize] = 0;
                return;
            }
        };
        let loaded = rows.len() as u64;
        for q in rows {
            let (Ok(url), Some(kind)) = (Url::parse(&q.url), Kind::from_stored_name(&q.kind))
            else {
                continue;
            };
            host.lane_mut(lane).push_back(Request {
                url,
                kind,
                depth: q.depth,
                attempt: 0,
                redirects: q.redirects,
                validators: None,
            });
        }
        let left = &mut host.stored[lane as usize];
        *left = if loaded == 0 {
            0
        } else {
            left.saturating_sub(loaded)
        };
    }

    /// Many small writes to the store go faster in one transaction.
    pub fn begin(&mut self) {
        if let Some(s) = self.store.as_mut() {
            let _ = s.begin();
        }
    }

    pub fn commit(&mut self) {
        if let Some(s) = self.store.as_mut() {
            if let Err(e) = s.commit() {
                tracing::warn!("{e}");
            }
        }
    }

    pub fn host_mut(&mut self, url: &Url) -> &mut HostQueue {
        let key = host_key(url);
        self.host_by_key(&key)
    }

    fn host_by_key(&mut self, key: &str) -> &mut HostQueue {
        let key = key.to_string();
        if !self.hosts.contains_key(&key) {
            self.order.push(key.clone());
            let robots = if self.robots_enabled {
                RobotsState::Unknown
            } else {
                RobotsState::Ready(Robots::allow_all())
            };
            self.hosts
                .insert(key.clone(), HostQueue::new(self.rate, self.burst, robots));
        }
        self.hosts.get_mut(&key).expect("just inserted")
    }

    pub fn queued(&self) -> usize {
        self.hosts.values().map(HostQueue::queued).sum()
    }
}

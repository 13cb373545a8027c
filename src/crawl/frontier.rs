//! The scheduler's state: one queue per host (discovery documents first, then article
//! pages, then other pages), each host with its pace, its robots.txt and its slots, and
//! the set of URLs already seen.

use std::collections::{HashMap, HashSet, VecDeque};

use tokio::time::Instant;
use url::Url;

use crate::crawl::pacing::Pacer;
use crate::crawl::robots::Robots;

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
            in_flight: 0,
            pacer: Pacer::new(rate, burst),
            robots,
            blocked_until: None,
        }
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
        self.discovery.len() + self.articles.len() + self.pages.len()
    }

    /// Drops everything queued: the page budget is spent, and sitemaps and feeds would
    /// only lead to more pages.
    pub fn drop_all(&mut self) -> usize {
        let n = self.queued();
        self.discovery.clear();
        self.articles.clear();
        self.pages.clear();
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

pub struct Frontier {
    pub hosts: HashMap<String, HostQueue>,
    /// Host keys in the order they were first seen: dispatch goes round them.
    pub order: Vec<String>,
    seen: HashSet<String>,
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
            rate,
            burst,
            robots_enabled,
        }
    }

    /// Queues a request unless its (normalised) URL was seen before. Returns whether it
    /// was queued.
    pub fn add(&mut self, r: Request) -> bool {
        if !self.seen.insert(r.url.as_str().to_string()) {
            return false;
        }
        self.host_mut(&r.url).push(r);
        true
    }

    /// Marks a URL as seen without queueing it (an article's canonical address).
    pub fn mark_seen(&mut self, url: &Url) -> bool {
        self.seen.insert(url.as_str().to_string())
    }

    pub fn host_mut(&mut self, url: &Url) -> &mut HostQueue {
        let key = host_key(url);
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

    pub fn in_flight(&self) -> usize {
        self.hosts.values().map(|h| h.in_flight).sum()
    }
}

//! Where the frontier's URLs live: the seen set and the requests waiting beyond what the
//! scheduler keeps in memory. The scheduler ([`super::Frontier`]) keeps a window of each
//! host's lanes in memory and asks a [`FrontierStore`] for the rest, so one scheduler serves
//! every backend: [`MemoryFrontier`] (a one-shot crawl), the SQLite store of the crawl state
//! ([`crate::state::SqliteFrontier`]), or a shared one that many workers use.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use std::time::Duration;

use crate::pacing::PaceRule;
use crate::state::StateError;

/// A host's queues, in the order they are served: discovery documents (robots.txt,
/// sitemaps, feeds, seeds), then article pages, then other pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// Seeds, sitemaps and feeds.
    Discovery,
    /// Pages a profile says are articles.
    Articles,
    /// Every other page.
    Pages,
}

impl Lane {
    /// Every lane, in the order they are served.
    pub const ALL: [Lane; 3] = [Lane::Discovery, Lane::Articles, Lane::Pages];

    /// The lane's position in [`Lane::ALL`] (and its number in a stored frontier).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lane stored under `n`, if any.
    pub fn from_index(n: u8) -> Option<Lane> {
        Lane::ALL.get(usize::from(n)).copied()
    }
}

/// A request as a frontier store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedUrl {
    /// The normalised URL.
    pub url: String,
    /// `seed`, `sitemap`, `feed`, `page` or `article`.
    pub kind: String,
    /// Link hops from a seed.
    pub depth: u32,
    /// Redirect hops behind it.
    pub redirects: u32,
}

/// A stored entry that could not be read as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedRequest {
    /// The URL it is kept under (what [`FrontierStore::done`] takes).
    pub url: String,
    /// What is wrong with it.
    pub why: String,
}

/// What a frontier keeps: the URLs seen in this crawl and the requests waiting to be
/// fetched, by host and lane, oldest first. Every call may be made from the scheduler and
/// from the output thread at once, so implementations take `&self`.
pub trait FrontierStore: Send + Sync {
    /// Marks `request`'s URL seen and keeps the request: in the scheduler's memory
    /// (`in_memory`: the store only remembers that it is under way) or waiting here. Returns
    /// false when the URL was seen before in this crawl (nothing is changed then).
    fn add(
        &self,
        request: &QueuedUrl,
        host: &str,
        lane: Lane,
        in_memory: bool,
    ) -> Result<bool, StateError>;

    /// Whether `url` was seen in this crawl.
    fn seen(&self, url: &str) -> Result<bool, StateError>;

    /// Marks `url` seen without queueing it (an article's canonical address, a page left
    /// alone). Returns whether it was new.
    fn mark_seen(&self, url: &str, host: &str) -> Result<bool, StateError>;

    /// Takes up to `n` waiting requests of a host's lane, oldest first, into the scheduler's
    /// memory (a lease: they stay in the store until [`FrontierStore::done`]).
    fn take(&self, host: &str, lane: Lane, n: usize) -> Result<Vec<QueuedUrl>, StateError>;

    /// Entries [`FrontierStore::take`] found and could not read since it was last asked:
    /// they are leased like the others (the caller drops them with
    /// [`FrontierStore::done`]). A store whose entries are always readable has none.
    fn take_malformed(&self) -> Vec<MalformedRequest> {
        Vec::new()
    }

    /// A request is finished (its records written) or will never be fetched.
    fn done(&self, url: &str) -> Result<(), StateError>;

    /// At the start of a crawl: what an earlier crawl that stopped early left to do, per
    /// host and lane, all of it waiting in the store again.
    fn resume(&self) -> Result<Vec<(String, Lane, u64)>, StateError>;

    /// Many small writes follow: a store may group them (one transaction).
    fn begin_batch(&self) {}

    /// The end of what [`FrontierStore::begin_batch`] started.
    fn end_batch(&self) {}

    /// The crawl will not fetch what waits for `host` (its page budget is spent). A store
    /// that outlives the crawl keeps it for the next one; one that does not may drop it.
    fn abandon(&self, _host: &str) {}

    /// What the store adds when many workers share it; `None` for a store of one crawl's.
    fn shared(&self) -> Option<&dyn SharedFrontier> {
        None
    }
}

/// A frontier many workers take work from at once (possibly on other machines). The
/// scheduler then queues every request in the store (none only in its own memory), learns
/// from it what others queued, and asks it for each host's pace, so that a host's rate,
/// Crawl-delay and Retry-After hold for all the workers together.
pub trait SharedFrontier: Send + Sync {
    /// What waits in the store now, per host and lane; how many requests other workers
    /// hold (taken, not yet done: they may still queue more); pages dispatched so far by
    /// all workers. Requests held by a worker that died are given back first.
    fn snapshot(&self) -> Result<SharedSnapshot, StateError>;

    /// Takes a slot of `host`'s pace under `rule` for this worker, or says how long to wait
    /// (the pace and any hold are the same for every worker).
    fn pace(&self, host: &str, rule: Option<PaceRule>) -> Result<Result<(), Duration>, StateError>;

    /// Holds `host` for every worker for `wait` (Retry-After, a backoff).
    fn hold(&self, host: &str, wait: Duration) -> Result<(), StateError>;

    /// Counts a page dispatched by this worker; returns the count of all workers.
    fn count_page(&self) -> Result<u64, StateError>;

    /// This worker leaves: what it took and did not finish goes back for the others.
    fn leave(&self) -> Result<(), StateError>;
}

/// What a shared frontier holds at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedSnapshot {
    /// Requests waiting, per host and lane.
    pub waiting: Vec<(String, Lane, u64)>,
    /// Requests other workers have taken and not finished.
    pub held_by_others: u64,
    /// Pages dispatched by every worker in this crawl.
    pub pages: u64,
}

/// A frontier in memory: for a crawl without a state. Its seen set keeps a 64-bit
/// fingerprint of each URL (8 bytes, not the URL): two URLs share one with a chance of about
/// n²/2⁶⁵ in a crawl of n URLs (1 in 370,000 for 10 million), and the later one would be
/// taken for seen. What it holds is gone when the crawl ends.
#[derive(Debug, Default)]
pub(crate) struct MemoryFrontier {
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    seen: HashSet<u64>,
    waiting: HashMap<(String, Lane), VecDeque<QueuedUrl>>,
}

impl MemoryFrontier {
    /// An empty frontier.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        // a panic elsewhere cannot leave these sets half-changed: every change is one call
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FrontierStore for MemoryFrontier {
    fn add(
        &self,
        request: &QueuedUrl,
        host: &str,
        lane: Lane,
        in_memory: bool,
    ) -> Result<bool, StateError> {
        let mut inner = self.inner();
        if !inner.seen.insert(fingerprint(&request.url)) {
            return Ok(false);
        }
        if !in_memory {
            inner
                .waiting
                .entry((host.to_string(), lane))
                .or_default()
                .push_back(request.clone());
        }
        Ok(true)
    }

    fn seen(&self, url: &str) -> Result<bool, StateError> {
        Ok(self.inner().seen.contains(&fingerprint(url)))
    }

    fn mark_seen(&self, url: &str, _host: &str) -> Result<bool, StateError> {
        Ok(self.inner().seen.insert(fingerprint(url)))
    }

    fn take(&self, host: &str, lane: Lane, n: usize) -> Result<Vec<QueuedUrl>, StateError> {
        let mut inner = self.inner();
        let Some(q) = inner.waiting.get_mut(&(host.to_string(), lane)) else {
            return Ok(Vec::new());
        };
        let n = n.min(q.len());
        Ok(q.drain(..n).collect())
    }

    fn done(&self, _url: &str) -> Result<(), StateError> {
        Ok(())
    }

    fn resume(&self) -> Result<Vec<(String, Lane, u64)>, StateError> {
        Ok(Vec::new())
    }

    fn abandon(&self, host: &str) {
        let mut inner = self.inner();
        for lane in Lane::ALL {
            inner.waiting.remove(&(host.to_string(), lane));
        }
    }
}

/// A URL's 64-bit fingerprint (SipHash with fixed keys: the same in every run).
pub(crate) fn fingerprint(url: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    url.hash(&mut h);
    h.finish()
}

/// A page one hop from a seed, as queued: for the stores' tests.
#[cfg(test)]
pub(crate) fn q(url: &str) -> QueuedUrl {
    QueuedUrl {
        url: url.into(),
        kind: "page".into(),
        depth: 1,
        redirects: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_frontier_dedupes_and_serves_waiting_requests_oldest_first() {
        let f = MemoryFrontier::new();
        assert!(
            f.add(&q("https://a.com/1"), "a.com", Lane::Pages, true)
                .unwrap()
        );
        assert!(
            !f.add(&q("https://a.com/1"), "a.com", Lane::Pages, false)
                .unwrap()
        );
        assert!(
            f.add(&q("https://a.com/2"), "a.com", Lane::Pages, false)
                .unwrap()
        );
        assert!(
            f.add(&q("https://a.com/3"), "a.com", Lane::Pages, false)
                .unwrap()
        );
        assert!(f.seen("https://a.com/1").unwrap());
        assert!(!f.seen("https://a.com/9").unwrap());
        // the in-memory one is not waiting here
        let got: Vec<_> = f
            .take("a.com", Lane::Pages, 10)
            .unwrap()
            .into_iter()
            .map(|q| q.url)
            .collect();
        assert_eq!(got, ["https://a.com/2", "https://a.com/3"]);
        assert!(f.take("a.com", Lane::Pages, 10).unwrap().is_empty());
        assert!(f.mark_seen("https://a.com/c", "a.com").unwrap());
        assert!(!f.mark_seen("https://a.com/c", "a.com").unwrap());
    }

    #[test]
    fn abandoning_a_host_drops_what_waits_for_it() {
        let f = MemoryFrontier::new();
        f.add(&q("https://a.com/1"), "a.com", Lane::Articles, false)
            .unwrap();
        f.add(&q("https://b.com/1"), "b.com", Lane::Articles, false)
            .unwrap();
        f.abandon("a.com");
        assert!(f.take("a.com", Lane::Articles, 5).unwrap().is_empty());
        assert_eq!(f.take("b.com", Lane::Articles, 5).unwrap().len(), 1);
        // still seen: the same URL is not queued again
        assert!(
            !f.add(&q("https://a.com/1"), "a.com", Lane::Articles, true)
                .unwrap()
        );
    }

    #[test]
    fn lanes_round_trip_through_their_numbers() {
        for lane in Lane::ALL {
            assert_eq!(Lane::from_index(lane.index() as u8), Some(lane));
        }
        assert_eq!(Lane::from_index(3), None);
    }
}

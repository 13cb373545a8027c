//! The stored frontier: the requests a crawl has queued and the URLs it has seen, so that a
//! crawl that stops early resumes where it stopped and memory stays flat however many URLs
//! a crawl finds.

use std::sync::{Arc, Mutex, MutexGuard};

use super::shared::SharedStore;

use rusqlite::{OptionalExtension, params};

use super::{StateError, StateStore};
use crate::frontier::{FrontierStore, Lane, QueuedUrl};

/// Frontier rows: waiting in the store, loaded into a crawl's memory, done.
const FRONTIER_WAITING: i64 = 0;
const FRONTIER_LOADED: i64 = 1;

impl StateStore {
    /// Adds a request to the stored frontier, `in_memory` or waiting in the store. Returns
    /// false when the URL was there already (seen in this crawl).
    pub(crate) fn frontier_insert(
        &mut self,
        q: &QueuedUrl,
        host: &str,
        lane: u8,
        in_memory: bool,
    ) -> Result<bool, StateError> {
        let state = if in_memory {
            FRONTIER_LOADED
        } else {
            FRONTIER_WAITING
        };
        let n = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO frontier (url, kind, depth, redirects, host, lane, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    q.url,
                    q.kind,
                    q.depth,
                    q.redirects,
                    host,
                    lane,
                    state
                ])
            })
            .map_err(|e| self.sql(e))?;
        Ok(n == 1)
    }

    /// Takes up to `n` waiting requests of a host's lane, oldest first, into memory.
    pub(crate) fn frontier_load(
        &mut self,
        host: &str,
        lane: u8,
        n: usize,
    ) -> Result<Vec<QueuedUrl>, StateError> {
        let rows: Vec<(i64, QueuedUrl)> = {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT rowid, url, kind, depth, redirects FROM frontier
                     WHERE host = ?1 AND lane = ?2 AND state = 0 ORDER BY rowid LIMIT ?3",
                )
                .map_err(|e| self.sql(e))?;
            let it = stmt
                .query_map(params![host, lane, n as i64], |r| {
                    Ok((
                        r.get(0)?,
                        QueuedUrl {
                            url: r.get(1)?,
                            kind: r.get(2)?,
                            depth: r.get(3)?,
                            redirects: r.get(4)?,
                        },
                    ))
                })
                .map_err(|e| self.sql(e))?;
            it.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))?
        };
        for (rowid, _) in &rows {
            self.conn
                .prepare_cached("UPDATE frontier SET state = 1 WHERE rowid = ?1")
                .and_then(|mut st| st.execute(params![rowid]))
                .map_err(|e| self.sql(e))?;
        }
        Ok(rows.into_iter().map(|(_, q)| q).collect())
    }

    /// Whether `url` is in the stored frontier (seen in this crawl).
    pub(crate) fn frontier_contains(&self, url: &str) -> Result<bool, StateError> {
        self.conn
            .prepare_cached("SELECT 1 FROM frontier WHERE url = ?1")
            .and_then(|mut st| st.query_row(params![url], |_| Ok(())).optional())
            .map(|r| r.is_some())
            .map_err(|e| self.sql(e))
    }

    /// Marks a request done (fetched, or never to be): it stays as seen for this crawl.
    pub(crate) fn frontier_done(&mut self, url: &str) -> Result<(), StateError> {
        self.conn
            .prepare_cached("UPDATE frontier SET state = 2 WHERE url = ?1")
            .and_then(|mut st| st.execute(params![url]))
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// At the start of a crawl: forgets what the last one finished, and returns what it
    /// left to do, per (host, lane), all of it waiting in the store again.
    pub(crate) fn frontier_resume(&mut self) -> Result<Vec<(String, u8, u64)>, StateError> {
        self.conn
            .execute_batch("DELETE FROM frontier WHERE state = 2; UPDATE frontier SET state = 0 WHERE state = 1;")
            .map_err(|e| self.sql(e))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT host, lane, count(*) FROM frontier GROUP BY host, lane ORDER BY min(rowid)",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }
}

/// The frontier of a crawl with a state: its seen set and waiting requests are rows of the
/// store, shared with the crawl's other writer (the output thread) through one connection.
/// A fixed-size cache of URL fingerprints answers "seen" for the links every page repeats
/// (navigation, related cards) without asking SQLite.
pub(crate) struct SqliteFrontier {
    store: Arc<SharedStore>,
    seen: Mutex<SeenCache>,
}

impl SqliteFrontier {
    /// The frontier kept in `store` (the crawl state's connection, shared).
    pub(crate) fn new(store: Arc<SharedStore>) -> Self {
        Self {
            store,
            seen: Mutex::new(SeenCache::new()),
        }
    }

    fn cache(&self) -> MutexGuard<'_, SeenCache> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FrontierStore for SqliteFrontier {
    fn add(
        &self,
        request: &QueuedUrl,
        host: &str,
        lane: Lane,
        in_memory: bool,
    ) -> Result<bool, StateError> {
        if self.cache().contains(&request.url) {
            return Ok(false);
        }
        let new = self
            .store
            .write(|s| s.frontier_insert(request, host, lane.index() as u8, in_memory))?;
        self.cache().insert(&request.url);
        Ok(new)
    }

    fn seen(&self, url: &str) -> Result<bool, StateError> {
        if self.cache().contains(url) {
            return Ok(true);
        }
        let known = self.store.read(|s| s.frontier_contains(url))?;
        if known {
            self.cache().insert(url);
        }
        Ok(known)
    }

    fn mark_seen(&self, url: &str, host: &str) -> Result<bool, StateError> {
        if self.cache().contains(url) {
            return Ok(false);
        }
        let q = QueuedUrl {
            url: url.to_string(),
            kind: "page".into(),
            depth: 0,
            redirects: 0,
        };
        let new = self.store.write(|s| {
            let new = s.frontier_insert(&q, host, Lane::Pages.index() as u8, true)?;
            if new {
                s.frontier_done(url)?;
            }
            Ok(new)
        })?;
        self.cache().insert(url);
        Ok(new)
    }

    fn take(&self, host: &str, lane: Lane, n: usize) -> Result<Vec<QueuedUrl>, StateError> {
        self.store
            .write(|s| s.frontier_load(host, lane.index() as u8, n))
    }

    fn done(&self, url: &str) -> Result<(), StateError> {
        self.store.write(|s| s.frontier_done(url))
    }

    fn resume(&self) -> Result<Vec<(String, Lane, u64)>, StateError> {
        self.cache().clear();
        let resumed = self.store.write(StateStore::frontier_resume)?;
        self.store.flush()?;
        Ok(resumed
            .into_iter()
            .filter_map(|(host, lane, n)| Some((host, Lane::from_index(lane)?, n)))
            .collect())
    }
}

/// URLs known to be seen, as 64-bit fingerprints in a direct-mapped table of fixed size
/// (2 MiB). A hit means seen (a false hit needs two URLs with the same 64-bit hash); a miss
/// means "ask the store". Memory does not grow with the crawl.
struct SeenCache {
    slots: Vec<u64>,
}

const SEEN_CACHE_SLOTS: usize = 1 << 18;

impl SeenCache {
    fn new() -> Self {
        Self {
            slots: vec![0; SEEN_CACHE_SLOTS],
        }
    }

    fn fingerprint(url: &str) -> u64 {
        // 0 marks an empty slot
        crate::frontier::fingerprint(url).max(1)
    }

    fn slot(fp: u64) -> usize {
        (fp as usize) & (SEEN_CACHE_SLOTS - 1)
    }

    fn contains(&self, url: &str) -> bool {
        let fp = Self::fingerprint(url);
        self.slots[Self::slot(fp)] == fp
    }

    fn insert(&mut self, url: &str) {
        let fp = Self::fingerprint(url);
        self.slots[Self::slot(fp)] = fp;
    }

    fn clear(&mut self) {
        self.slots.fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontier::q;

    #[test]
    fn the_sqlite_frontier_dedupes_through_its_cache_and_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SharedStore::new(
            StateStore::open(&dir.path().join("s.db")).unwrap(),
        ));
        let f = SqliteFrontier::new(store.clone());
        assert!(f.resume().unwrap().is_empty());
        assert!(
            f.add(&q("https://a.com/1"), "a.com", Lane::Pages, false)
                .unwrap()
        );
        assert!(
            !f.add(&q("https://a.com/1"), "a.com", Lane::Pages, false)
                .unwrap()
        );
        // a second frontier on the same store has an empty cache: the store answers
        let g = SqliteFrontier::new(store);
        assert!(g.seen("https://a.com/1").unwrap());
        assert!(
            !g.add(&q("https://a.com/1"), "a.com", Lane::Pages, true)
                .unwrap()
        );
        assert!(!g.seen("https://a.com/2").unwrap());
        assert!(g.mark_seen("https://a.com/2", "a.com").unwrap());
        assert!(!g.mark_seen("https://a.com/2", "a.com").unwrap());
        let taken = g.take("a.com", Lane::Pages, 10).unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].url, "https://a.com/1");
    }

    #[test]
    fn the_seen_cache_has_no_false_misses_for_what_it_holds() {
        let mut c = SeenCache::new();
        assert!(!c.contains("https://a.com/x"));
        c.insert("https://a.com/x");
        assert!(c.contains("https://a.com/x"));
        assert!(!c.contains("https://a.com/y"));
        c.clear();
        assert!(!c.contains("https://a.com/x"));
    }
}

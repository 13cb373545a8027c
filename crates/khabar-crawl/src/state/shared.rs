//! The crawl state as a crawl uses it, behind one trait: what earlier runs fetched (for
//! conditional requests and revisits), the articles they wrote (for revisions), and the
//! runs themselves. [`SqliteState`] keeps it in the embedded store; another backend (a
//! server many workers share) implements the same trait.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{ArticleState, ArticleUpdate, FetchUpdate, HostRun, StateError, StateStore, UrlState};

/// What a crawl reads and records across runs. Called from the scheduler and the output
/// thread at once, so implementations take `&self`.
pub(crate) trait CrawlState: Send + Sync {
    /// What the last fetch of `url` gave, if it was fetched before.
    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StateError>;
    /// Records a fetch: its status and validators, or its error.
    fn record_fetch(&self, fetch: &FetchUpdate) -> Result<(), StateError>;
    /// The article with this id, if one was written before.
    fn article(&self, id: &str) -> Result<Option<ArticleState>, StateError>;
    /// Records an article as written (called only once its record is on disk).
    fn record_article(&self, article: &ArticleUpdate) -> Result<(), StateError>;
    /// Starts a run; returns its number.
    fn begin_run(&self) -> Result<i64, StateError>;
    /// Ends run `run` with its summary line.
    fn end_run(&self, run: i64, summary: &str) -> Result<(), StateError>;
    /// Records how the run went on each host.
    fn record_hosts(&self, hosts: &[HostRun]) -> Result<(), StateError>;
    /// A sitemap index lists the child sitemap `url` with `lastmod`: whether it is
    /// unchanged since a run read it whole (then it is not fetched). A backend that keeps
    /// no sitemaps says no: every child is read.
    fn sitemap_listed(&self, _url: &str, _lastmod: Option<&str>) -> Result<bool, StateError> {
        Ok(false)
    }
    /// The sitemap `url` was read whole: its pages were all taken.
    fn sitemap_read(&self, _url: &str) -> Result<(), StateError> {
        Ok(())
    }
}

/// Writes grouped into one transaction at most: a crash loses at most the last group, a
/// suffix of what was done in order, which the next run does again (records are written
/// before their commit is even made, so none is ever lost).
const BATCH_WRITES: u32 = 2_000;
/// ... and at most this old.
const BATCH_AGE: Duration = Duration::from_millis(200);

/// One connection to the store, shared by the crawl's scheduler and its output thread: no
/// lock waits between two writers. Writes are grouped into transactions in the order they
/// are made (a transaction per write would cost a WAL frame and a lock each).
pub(crate) struct SharedStore {
    inner: Mutex<Batched>,
}

struct Batched {
    store: StateStore,
    /// When the open transaction began, and the writes in it.
    open: Option<(Instant, u32)>,
}

impl Batched {
    fn commit(&mut self) -> Result<(), StateError> {
        if self.open.take().is_some() {
            self.store.commit()?;
        }
        Ok(())
    }
}

impl Drop for Batched {
    fn drop(&mut self) {
        if let Err(e) = self.commit() {
            tracing::warn!("{e}");
        }
    }
}

impl SharedStore {
    /// Shares `store`.
    pub(crate) fn new(store: StateStore) -> Self {
        Self {
            inner: Mutex::new(Batched { store, open: None }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Batched> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A read (it sees the writes not yet committed).
    pub(crate) fn read<R>(
        &self,
        f: impl FnOnce(&StateStore) -> Result<R, StateError>,
    ) -> Result<R, StateError> {
        f(&self.lock().store)
    }

    /// A write, in the open transaction (one is begun if none is); the transaction is
    /// committed once it holds enough writes or is old enough.
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&mut StateStore) -> Result<R, StateError>,
    ) -> Result<R, StateError> {
        let mut b = self.lock();
        if b.open.is_none() {
            b.store.begin()?;
            b.open = Some((Instant::now(), 0));
        }
        let result = f(&mut b.store);
        let (began, writes) = b.open.as_mut().expect("just begun");
        *writes += 1;
        if *writes >= BATCH_WRITES || began.elapsed() >= BATCH_AGE {
            b.commit()?;
        }
        result
    }

    /// Commits what was written.
    pub(crate) fn flush(&self) -> Result<(), StateError> {
        self.lock().commit()
    }
}

/// The crawl state in the embedded SQLite store (see [`SharedStore`]).
#[derive(Clone)]
pub(crate) struct SqliteState {
    store: Arc<SharedStore>,
}

impl SqliteState {
    /// The state kept in `store` (opened for a crawl: it holds the store's lock).
    pub(crate) fn new(store: StateStore) -> Self {
        Self {
            store: Arc::new(SharedStore::new(store)),
        }
    }

    /// The shared connection, for the frontier kept in the same store.
    pub(crate) fn connection(&self) -> Arc<SharedStore> {
        self.store.clone()
    }
}

impl CrawlState for SqliteState {
    fn sitemap_listed(&self, url: &str, lastmod: Option<&str>) -> Result<bool, StateError> {
        SqliteState::sitemap_listed(self, url, lastmod)
    }

    fn sitemap_read(&self, url: &str) -> Result<(), StateError> {
        SqliteState::sitemap_read(self, url)
    }

    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StateError> {
        self.store.read(|s| s.url_state(url))
    }

    fn record_fetch(&self, f: &FetchUpdate) -> Result<(), StateError> {
        self.store.write(|s| s.record_fetch(f))
    }

    fn article(&self, id: &str) -> Result<Option<ArticleState>, StateError> {
        self.store.read(|s| s.article(id))
    }

    fn record_article(&self, a: &ArticleUpdate) -> Result<(), StateError> {
        self.store
            .write(|s| s.record_article(&a.id, &a.url, &a.content_hash, a.revision))
    }

    fn begin_run(&self) -> Result<i64, StateError> {
        let run = self.store.write(StateStore::begin_run)?;
        self.store.flush()?;
        Ok(run)
    }

    fn end_run(&self, run: i64, summary: &str) -> Result<(), StateError> {
        self.store.write(|s| s.end_run(run, summary))?;
        self.store.flush()
    }

    fn record_hosts(&self, hosts: &[HostRun]) -> Result<(), StateError> {
        self.store.write(|s| s.record_hosts(hosts))?;
        self.store.flush()
    }
}

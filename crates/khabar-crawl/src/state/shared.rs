//! The crawl state as a crawl uses it, behind one trait: what earlier runs fetched (for
//! conditional requests and revisits), the articles they wrote (for revisions), and the
//! runs themselves. [`SqliteState`] keeps it in the embedded store; another backend (a
//! server many workers share) implements the same trait.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{ArticleState, ArticleUpdate, FetchUpdate, HostRun, StateError, StateStore, UrlState};

/// What a crawl reads and records across runs. Called from the scheduler and the output
/// thread at once, so implementations take `&self`.
pub trait CrawlState: Send + Sync {
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
}

/// The crawl state in the embedded SQLite store, one connection shared by the scheduler and
/// the output thread (no lock waits between two writers).
#[derive(Clone)]
pub struct SqliteState {
    store: Arc<Mutex<StateStore>>,
}

impl SqliteState {
    /// The state kept in `store` (opened for a crawl: it holds the store's lock).
    pub fn new(store: StateStore) -> Self {
        Self {
            store: Arc::new(Mutex::new(store)),
        }
    }

    /// The shared connection, for the frontier kept in the same store.
    pub fn connection(&self) -> Arc<Mutex<StateStore>> {
        self.store.clone()
    }

    fn store(&self) -> MutexGuard<'_, StateStore> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl CrawlState for SqliteState {
    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StateError> {
        self.store().url_state(url)
    }

    fn record_fetch(&self, f: &FetchUpdate) -> Result<(), StateError> {
        self.store().record_fetch(
            &f.url,
            &f.host,
            f.status,
            f.etag.as_deref(),
            f.last_modified.as_deref(),
            f.error.as_deref(),
        )
    }

    fn article(&self, id: &str) -> Result<Option<ArticleState>, StateError> {
        self.store().article(id)
    }

    fn record_article(&self, a: &ArticleUpdate) -> Result<(), StateError> {
        self.store()
            .record_article(&a.id, &a.url, &a.content_hash, a.revision)
    }

    fn begin_run(&self) -> Result<i64, StateError> {
        self.store().begin_run()
    }

    fn end_run(&self, run: i64, summary: &str) -> Result<(), StateError> {
        self.store().end_run(run, summary)
    }

    fn record_hosts(&self, hosts: &[HostRun]) -> Result<(), StateError> {
        self.store().record_hosts(hosts)
    }
}

//! What a crawl remembers between runs, in an embedded SQLite database (rusqlite with the
//! bundled library: one file, no server, transactions that survive a crash, readable with
//! any SQLite tool). Per fetched URL its last status, fetch time and HTTP validators; per
//! article its content hash and revision; per run its start, end and counts.
//!
//! One crawl at a time: opening a store for writing takes an exclusive lock on a file
//! beside it, so a second crawl on the same store fails at once with a clear message,
//! whether it was started by hand or by cron.

mod articles;
mod fetch_log;
mod frontier;
mod runs;
mod schema;
mod shared;
mod sitemaps;

pub(crate) use frontier::SqliteFrontier;
pub(crate) use shared::{CrawlState, SqliteState};

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};

/// The schema this build writes. Older stores are migrated on open.
pub(crate) const SCHEMA_VERSION: i64 = 4;

/// What went wrong with the crawl state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The store's folder could not be created.
    #[error("cannot create the folder {dir} for the crawl state: {source}")]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The error from creating it.
        source: std::io::Error,
    },
    /// The lock file beside the store could not be opened or locked.
    #[error("cannot lock {lock}: {source}")]
    LockFile {
        /// The lock file.
        lock: PathBuf,
        /// The error from opening or locking it.
        source: std::io::Error,
    },
    /// Another crawl holds the store's lock.
    #[error(
        "the crawl state {path} is in use by another khabar crawl (lock {lock}); wait for it to end, or give --state PATH to use another store"
    )]
    Locked {
        /// The store.
        path: PathBuf,
        /// Its lock file.
        lock: PathBuf,
    },
    /// The store's file is damaged (or is no SQLite database at all).
    #[error(
        "the crawl state {path} is damaged ({detail}), so nothing was crawled: move it aside to start afresh (mv {path} {path}.damaged), or crawl with --no-state; `sqlite3 {path} .recover` may save what it holds"
    )]
    Damaged {
        /// The store.
        path: PathBuf,
        /// What SQLite found.
        detail: String,
    },
    /// SQLite failed on the store.
    #[error("crawl state {path}: {source}")]
    Sql {
        /// The store.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The store's schema is newer than this build knows.
    #[error(
        "crawl state {path} was written by a newer khabar (schema {found}; this one knows up to {SCHEMA_VERSION}): upgrade khabar"
    )]
    TooNew {
        /// The store.
        path: PathBuf,
        /// Its schema version.
        found: i64,
    },
    /// There is no store at this path to read.
    #[error("no crawl state at {0}: run a crawl first, or give --state PATH")]
    Missing(PathBuf),
    /// A shared frontier's address that is not one.
    #[error(
        "`{address}` is not a shared frontier address: {reason} (write it as redis://HOST:PORT/DB, or rediss:// for TLS, with user:password@ before the host when the server asks for one)"
    )]
    BadAddress {
        /// The address as given (its password hidden).
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The shared frontier's server failed, or could not be reached.
    #[error("shared frontier {server}: {cause}{hint}")]
    Redis {
        /// The server (its password hidden).
        server: String,
        /// The client's error (in the message; not a separate source, so it is said once).
        cause: redis::RedisError,
        /// What to do about it, when something can be said.
        hint: &'static str,
    },
    /// The CA file given for a shared frontier's TLS cannot be read.
    #[error("frontier_ca_file {path}: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// The shared frontier no longer holds the crawl this worker is in.
    #[error(
        "shared frontier {server}: {what} (was the server flushed, or restarted without its data?); what this worker wrote is kept: run the crawl again to start afresh"
    )]
    FrontierLost {
        /// The server (its password hidden).
        server: String,
        /// What is missing.
        what: String,
    },
    /// The shared frontier holds something this build cannot read.
    #[error("shared frontier {server}: {what}")]
    Corrupt {
        /// The server (its password hidden).
        server: String,
        /// What could not be read.
        what: String,
    },
}

/// What the store knows of one fetched URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlState {
    /// When it was last fetched.
    pub fetched_at: Option<DateTime<Utc>>,
    /// The last answer's HTTP status; `None` when the last fetch failed.
    pub status: Option<u16>,
    /// The last answer's `ETag` (kept over a 304 answer that sends none).
    pub etag: Option<String>,
    /// The last answer's `Last-Modified` (kept over a 304 answer that sends none).
    pub last_modified: Option<String>,
    /// The page gave a record when it was last read (kept over a 304): an article page,
    /// revisited as one whether or not a profile covers its site.
    pub article: bool,
}

/// What the store knows of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArticleState {
    /// [`khabar_extract::content_hash`] of the record last written.
    pub content_hash: String,
    /// The revision last written (1 for the first).
    pub revision: u32,
}

/// A fetch as the crawl state keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchUpdate {
    /// The URL fetched.
    pub url: String,
    /// Its host key.
    pub host: String,
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    /// The answer's `ETag`.
    pub etag: Option<String>,
    /// The answer's `Last-Modified`.
    pub last_modified: Option<String>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// The page gave at least one record.
    pub article: bool,
}

/// An article as the crawl state keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleUpdate {
    /// The record's id.
    pub id: String,
    /// The article's URL.
    pub url: String,
    /// [`khabar_extract::content_hash`] of the record written.
    pub content_hash: String,
    /// The revision written.
    pub revision: u32,
}

/// How a run went on one host.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HostRun {
    /// The host key.
    pub host: String,
    /// Requests sent.
    pub requests: u64,
    /// The rate they achieved, per second.
    pub rate: Option<f64>,
    /// What its robots.txt said.
    pub robots: Option<String>,
}

/// Counts for `khabar state`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// URLs in the fetch log.
    pub urls: u64,
    /// URLs whose last fetch was answered 2xx or 3xx.
    pub fetched_ok: u64,
    /// URLs whose last fetch failed or was answered 4xx or 5xx.
    pub errors: u64,
    /// Articles written.
    pub articles: u64,
    /// Articles written in more than one revision.
    pub revised: u64,
    /// Requests a crawl that stopped early left to do.
    pub queued: u64,
}

/// One crawl run as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// The run's number.
    pub id: i64,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// When it ended; `None` while it runs, or when it was killed.
    pub ended_at: Option<String>,
    /// Its end-of-crawl summary ([`crate::CrawlStats::summary`]).
    pub summary: Option<String>,
}

/// One host as `khabar state` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct HostRow {
    /// The host key (host, and port when not the default).
    pub host: String,
    /// Its URLs in the fetch log.
    pub urls: u64,
    /// When one of them was last fetched (RFC 3339, UTC).
    pub last_fetch: Option<String>,
    /// Requests the last run sent it, and the rate they achieved.
    pub last_run_requests: Option<u64>,
    /// The rate the last run achieved on it, in requests per second.
    pub last_run_rate: Option<f64>,
    /// What its robots.txt said on the last run.
    pub robots: Option<String>,
}

/// An open store. The one that holds the lock (see [`StateStore::open`]) is the crawl's.
pub struct StateStore {
    conn: Connection,
    path: PathBuf,
    _lock: Option<File>,
}

pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, false)
}
impl StateStore {
    /// Opens (creating if need be) the store at `path` for a crawl: takes the lock (on the
    /// store's real path, links followed), checks the file, migrates the schema.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| StateError::Folder {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        let lock_path = lock_path(&real_path(path));
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| StateError::LockFile {
                lock: lock_path.clone(),
                source,
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StateError::Locked {
                    path: path.to_path_buf(),
                    lock: lock_path,
                });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(StateError::LockFile {
                    lock: lock_path,
                    source,
                });
            }
        }
        let conn = Connection::open(path).map_err(|source| sql_error(path, source))?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            _lock: Some(lock),
        };
        store.check()?;
        store.setup()?;
        Ok(store)
    }

    /// Opens an existing store to read it, without the lock (a crawl may be running).
    pub fn open_read_only(path: &Path) -> Result<Self, StateError> {
        if !path.exists() {
            return Err(StateError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| sql_error(path, source))?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            _lock: None,
        })
    }

    fn sql(&self, source: rusqlite::Error) -> StateError {
        sql_error(&self.path, source)
    }

    /// SQLite's own check of every page of the store (`PRAGMA quick_check`): a damaged
    /// store is found before a crawl writes anything.
    fn check(&self) -> Result<(), StateError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA quick_check(3)")
            .map_err(|e| self.sql(e))?;
        let found: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(|e| self.sql(e))?;
        if found.len() == 1 && found[0] == "ok" {
            return Ok(());
        }
        Err(StateError::Damaged {
            path: self.path.clone(),
            detail: found.join("; "),
        })
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a transaction: the frontier's many small writes go faster in one.
    pub(crate) fn begin(&mut self) -> Result<(), StateError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.sql(e))
    }

    /// Commits the transaction [`StateStore::begin`] started.
    pub(crate) fn commit(&mut self) -> Result<(), StateError> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.sql(e))
    }
}

/// SQLite's error on the store at `path`; a damaged file says so, with what to do.
pub(crate) fn sql_error(path: &Path, source: rusqlite::Error) -> StateError {
    use rusqlite::ffi::ErrorCode;
    match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StateError::Damaged {
            path: path.to_path_buf(),
            detail: source.to_string(),
        },
        _ => StateError::Sql {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// The store's own path, links followed: two names for one file are one store (and take
/// one lock).
fn real_path(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            fs::canonicalize(dir).map_or_else(|_| path.to_path_buf(), |d| d.join(name))
        }
        _ => path.to_path_buf(),
    }
}

fn wait_briefly(attempt: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_micros(200));
    attempt < 150_000
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontier::QueuedUrl;

    #[test]
    fn remembers_fetches_and_articles_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.db");
        {
            let mut s = StateStore::open(&path).unwrap();
            let run = s.begin_run().unwrap();
            s.record_fetch(&FetchUpdate {
                url: "https://a.com/1".into(),
                host: "a.com".into(),
                status: Some(200),
                etag: Some("\"v1\"".into()),
                last_modified: Some("Wed, 27 Mar 2024 13:52:00 GMT".into()),
                error: None,
                article: true,
            })
            .unwrap();
            s.record_article("id1", "https://a.com/1", "h1", 1).unwrap();
            s.end_run(run, "ok").unwrap();
        }
        let mut s = StateStore::open(&path).unwrap();
        let u = s.url_state("https://a.com/1").unwrap().unwrap();
        assert_eq!(u.status, Some(200));
        assert_eq!(u.etag.as_deref(), Some("\"v1\""));
        assert!(u.fetched_at.is_some() && u.article);
        // a 304 keeps the validators it had, and what the page was
        s.record_fetch(&FetchUpdate {
            url: "https://a.com/1".into(),
            host: "a.com".into(),
            status: Some(304),
            etag: None,
            last_modified: None,
            error: None,
            article: false,
        })
        .unwrap();
        let u = s.url_state("https://a.com/1").unwrap().unwrap();
        assert_eq!(u.etag.as_deref(), Some("\"v1\""));
        assert!(u.article);
        assert_eq!(
            s.article("id1").unwrap(),
            Some(ArticleState {
                content_hash: "h1".into(),
                revision: 1
            })
        );
        assert_eq!(s.counts().unwrap().articles, 1);
        assert_eq!(s.last_runs(5).unwrap().len(), 1);
        assert_eq!(s.forget_url("https://a.com/1").unwrap(), 2);
        assert!(s.url_state("https://a.com/1").unwrap().is_none());
    }

    #[test]
    fn the_frontier_survives_a_reopen_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let q = |u: &str| QueuedUrl {
            url: u.into(),
            kind: "page".into(),
            depth: 1,
            redirects: 0,
        };
        {
            let mut s = StateStore::open(&path).unwrap();
            assert!(
                s.frontier_insert(&q("https://a.com/2"), "a.com", 2, true)
                    .unwrap()
            );
            assert!(
                s.frontier_insert(&q("https://a.com/1"), "a.com", 2, false)
                    .unwrap()
            );
            assert!(
                !s.frontier_insert(&q("https://a.com/2"), "a.com", 2, false)
                    .unwrap(),
                "seen"
            );
            assert!(
                s.frontier_insert(&q("https://a.com/3"), "a.com", 2, false)
                    .unwrap()
            );
            let loaded: Vec<String> = s
                .frontier_load("a.com", 2, 1)
                .unwrap()
                .into_iter()
                .map(|q| q.url)
                .collect();
            assert_eq!(loaded, vec!["https://a.com/1"]);
            s.frontier_done("https://a.com/1").unwrap();
            assert_eq!(s.counts().unwrap().queued, 2);
        }
        let mut s = StateStore::open(&path).unwrap();
        assert_eq!(
            s.frontier_resume().unwrap(),
            vec![("a.com".to_string(), 2, 2)]
        );
        let urls: Vec<String> = s
            .frontier_load("a.com", 2, 10)
            .unwrap()
            .into_iter()
            .map(|p| p.url)
            .collect();
        assert_eq!(urls, vec!["https://a.com/2", "https://a.com/3"]);
        assert!(
            s.frontier_insert(&q("https://a.com/1"), "a.com", 2, true)
                .unwrap(),
            "done last crawl: new again"
        );
    }

    #[test]
    fn a_version_1_store_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE urls (url TEXT PRIMARY KEY, host TEXT NOT NULL, status INTEGER, fetched_at TEXT, etag TEXT, last_modified TEXT, error TEXT); CREATE TABLE articles (id TEXT PRIMARY KEY, url TEXT NOT NULL, content_hash TEXT NOT NULL, revision INTEGER NOT NULL, first_seen TEXT NOT NULL, last_changed TEXT NOT NULL); CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT, summary TEXT); INSERT INTO articles VALUES ('x', 'u', 'h', 3, 't', 't'); PRAGMA user_version = 1;")
            .unwrap();
        let mut s = StateStore::open(&path).unwrap();
        assert_eq!(s.article("x").unwrap().unwrap().revision, 3, "data kept");
        assert!(
            s.frontier_resume().unwrap().is_empty(),
            "frontier table added"
        );
    }

    #[test]
    fn a_second_crawl_on_the_same_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let _first = StateStore::open(&path).unwrap();
        let err = StateStore::open(&path).err().unwrap().to_string();
        assert!(err.contains("in use by another khabar crawl"), "{err}");
        // reading is fine while a crawl runs
        assert!(StateStore::open_read_only(&path).is_ok());
    }

    #[test]
    fn a_store_opened_through_a_link_takes_the_same_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let link = dir.path().join("link.db");
        let _first = StateStore::open(&path).unwrap();
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let err = StateStore::open(&link).err().unwrap().to_string();
        assert!(err.contains("in use by another khabar crawl"), "{err}");
        // and a link to the folder
        let folder_link = dir.path().join("folder");
        std::os::unix::fs::symlink(dir.path(), &folder_link).unwrap();
        let err = StateStore::open(&folder_link.join("state.db"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("in use by another khabar crawl"), "{err}");
    }

    #[test]
    fn a_damaged_store_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            let mut s = StateStore::open(&path).unwrap();
            for i in 0..2_000 {
                s.record_fetch(&FetchUpdate {
                    url: format!("https://a.com/{i}"),
                    host: "a.com".into(),
                    status: Some(200),
                    etag: None,
                    last_modified: None,
                    error: None,
                    article: false,
                })
                .unwrap();
            }
        }
        // 8 KiB of noise in the middle of the file
        let mut bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 40_000, "{}", bytes.len());
        let mid = bytes.len() / 2;
        for (k, b) in bytes[mid..mid + 8192].iter_mut().enumerate() {
            *b = (k * 7919 % 251) as u8;
        }
        std::fs::write(&path, &bytes).unwrap();
        let err = StateStore::open(&path).err().unwrap();
        assert!(matches!(err, StateError::Damaged { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("is damaged") && msg.contains("--no-state"),
            "{msg}"
        );
        // not a database at all
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let err = StateStore::open(&path).err().unwrap();
        assert!(matches!(err, StateError::Damaged { .. }), "{err}");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 99;")
            .unwrap();
        let err = StateStore::open(&path).err().unwrap().to_string();
        assert!(err.contains("newer khabar"), "{err}");
    }
}

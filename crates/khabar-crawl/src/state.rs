//! What a crawl remembers between runs, in an embedded SQLite database (rusqlite with the
//! bundled library: one file, no server, transactions that survive a crash, readable with
//! any SQLite tool). Per fetched URL its last status, fetch time and HTTP validators; per
//! article its content hash and revision; per run its start, end and counts.
//!
//! One crawl at a time: opening a store for writing takes an exclusive lock on a file
//! beside it, so a second crawl on the same store fails at once with a clear message,
//! whether it was started by hand or by cron.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

/// The schema this build writes. Older stores are migrated on open.
pub const SCHEMA_VERSION: i64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot create the folder {dir} for the crawl state: {source}")]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot lock {lock}: {source}")]
    LockFile {
        lock: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the crawl state {path} is in use by another khabar crawl (lock {lock}); wait for it to end, or give --state PATH to use another store"
    )]
    Locked { path: PathBuf, lock: PathBuf },
    #[error("crawl state {path}: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "crawl state {path} was written by a newer khabar (schema {found}; this one knows up to {SCHEMA_VERSION}): upgrade khabar"
    )]
    TooNew { path: PathBuf, found: i64 },
    #[error("no crawl state at {0}: run a crawl first, or give --state PATH")]
    Missing(PathBuf),
}

/// What the store knows of one fetched URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlState {
    pub fetched_at: Option<DateTime<Utc>>,
    pub status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What the store knows of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleState {
    pub content_hash: String,
    pub revision: u32,
}

/// Frontier rows: waiting in the store, loaded into a crawl's memory, done.
const FRONTIER_WAITING: i64 = 0;
const FRONTIER_LOADED: i64 = 1;

/// A request waiting in the stored frontier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedUrl {
    pub url: String,
    /// `seed`, `sitemap`, `feed`, `page` or `article`.
    pub kind: String,
    pub depth: u32,
    pub redirects: u32,
}

/// Counts for `khabar state`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub urls: u64,
    pub fetched_ok: u64,
    pub errors: u64,
    pub articles: u64,
    pub revised: u64,
    /// Requests a crawl that stopped early left to do.
    pub queued: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    pub id: i64,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostRow {
    pub host: String,
    pub urls: u64,
    pub last_fetch: Option<String>,
    /// Requests the last run sent it, and the rate they achieved.
    pub last_run_requests: Option<u64>,
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

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, false)
}

impl StateStore {
    /// Opens (creating if need be) the store at `path` for a crawl: takes the lock,
    /// migrates the schema.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| StateError::Folder {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        let lock_path = lock_path(path);
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
        let conn = Connection::open(path).map_err(|source| StateError::Sql {
            path: path.to_path_buf(),
            source,
        })?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            _lock: Some(lock),
        };
        store.setup()?;
        Ok(store)
    }

    /// Opens an existing store to read it, without the lock (a crawl may be running).
    pub fn open_read_only(path: &Path) -> Result<Self, StateError> {
        if !path.exists() {
            return Err(StateError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(
            |source| StateError::Sql {
                path: path.to_path_buf(),
                source,
            },
        )?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            _lock: None,
        })
    }

    /// Another connection to the same store, for a second thread (the store's lock stays
    /// with this one).
    pub fn connect(&self) -> Result<Self, StateError> {
        let mut conn = Connection::open(&self.path).map_err(|e| self.sql(e))?;
        conn.busy_handler(Some(wait_briefly))
            .map_err(|e| self.sql(e))?;
        Ok(Self {
            conn,
            path: self.path.clone(),
            _lock: None,
        })
    }

    fn sql(&self, source: rusqlite::Error) -> StateError {
        StateError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn setup(&mut self) -> Result<(), StateError> {
        // WAL: readers never block the writer; NORMAL sync: a crash loses at most the last
        // transactions, never the database.
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| self.sql(e))?;
        self.conn
            .busy_handler(Some(wait_briefly))
            .map_err(|e| self.sql(e))?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if version > SCHEMA_VERSION {
            return Err(StateError::TooNew {
                path: self.path.clone(),
                found: version,
            });
        }
        if version < 1 {
            self.conn
                .execute_batch(
                    "BEGIN;
                     CREATE TABLE IF NOT EXISTS urls (
                        url TEXT PRIMARY KEY,
                        host TEXT NOT NULL,
                        status INTEGER,
                        fetched_at TEXT,
                        etag TEXT,
                        last_modified TEXT,
                        error TEXT
                     );
                     CREATE INDEX IF NOT EXISTS urls_host ON urls(host);
                     CREATE TABLE IF NOT EXISTS articles (
                        id TEXT PRIMARY KEY,
                        url TEXT NOT NULL,
                        content_hash TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        first_seen TEXT NOT NULL,
                        last_changed TEXT NOT NULL
                     );
                     CREATE TABLE IF NOT EXISTS runs (
                        id INTEGER PRIMARY KEY,
                        started_at TEXT NOT NULL,
                        ended_at TEXT,
                        summary TEXT
                     );
                     PRAGMA user_version = 1;
                     COMMIT;",
                )
                .map_err(|e| self.sql(e))?;
        }
        if version < 2 {
            // v2: the frontier, so that a killed crawl resumes where it stopped
            self.conn
                .execute_batch(
                    "BEGIN;
                     CREATE TABLE IF NOT EXISTS frontier (
                        url TEXT PRIMARY KEY,
                        kind TEXT NOT NULL,
                        depth INTEGER NOT NULL,
                        redirects INTEGER NOT NULL,
                        host TEXT NOT NULL,
                        lane INTEGER NOT NULL,
                        state INTEGER NOT NULL
                     );
                     CREATE INDEX IF NOT EXISTS frontier_waiting ON frontier(host, lane, state);
                     CREATE TABLE IF NOT EXISTS hosts (
                        host TEXT PRIMARY KEY,
                        requests INTEGER NOT NULL,
                        rate REAL,
                        robots TEXT,
                        updated_at TEXT NOT NULL
                     );
                     PRAGMA user_version = 2;
                     COMMIT;",
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    pub fn begin_run(&mut self) -> Result<i64, StateError> {
        self.conn
            .execute(
                "INSERT INTO runs (started_at) VALUES (?1)",
                params![now_text()],
            )
            .map_err(|e| self.sql(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn end_run(&mut self, run: i64, summary: &str) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE runs SET ended_at = ?1, summary = ?2 WHERE id = ?3",
                params![now_text(), summary, run],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    pub fn url_state(&self, url: &str) -> Result<Option<UrlState>, StateError> {
        self.conn
            .query_row(
                "SELECT fetched_at, status, etag, last_modified FROM urls WHERE url = ?1",
                params![url],
                |r| {
                    let fetched: Option<String> = r.get(0)?;
                    Ok(UrlState {
                        fetched_at: fetched
                            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                            .map(|t| t.with_timezone(&Utc)),
                        status: r.get::<_, Option<u16>>(1)?,
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Records a fetch of `url`: its status and validators, or the error.
    pub fn record_fetch(
        &mut self,
        url: &str,
        host: &str,
        status: Option<u16>,
        etag: Option<&str>,
        last_modified: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO urls (url, host, status, fetched_at, etag, last_modified, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(url) DO UPDATE SET status = ?3, fetched_at = ?4,
                    etag = COALESCE(?5, CASE WHEN ?3 = 304 THEN etag END),
                    last_modified = COALESCE(?6, CASE WHEN ?3 = 304 THEN last_modified END),
                    error = ?7",
                params![url, host, status, now_text(), etag, last_modified, error],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    pub fn article(&self, id: &str) -> Result<Option<ArticleState>, StateError> {
        self.conn
            .query_row(
                "SELECT content_hash, revision FROM articles WHERE id = ?1",
                params![id],
                |r| {
                    Ok(ArticleState {
                        content_hash: r.get(0)?,
                        revision: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Records an article written at `revision` with `content_hash`.
    pub fn record_article(
        &mut self,
        id: &str,
        url: &str,
        content_hash: &str,
        revision: u32,
    ) -> Result<(), StateError> {
        let now = now_text();
        self.conn
            .execute(
                "INSERT INTO articles (id, url, content_hash, revision, first_seen, last_changed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT(id) DO UPDATE SET url = ?2, content_hash = ?3, revision = ?4, last_changed = ?5",
                params![id, url, content_hash, revision, now],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Starts a transaction: the frontier's many small writes go faster in one.
    pub fn begin(&mut self) -> Result<(), StateError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.sql(e))
    }

    pub fn commit(&mut self) -> Result<(), StateError> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.sql(e))
    }

    /// Adds a request to the stored frontier, `in_memory` or waiting in the store. Returns
    /// false when the URL was there already (seen in this crawl).
    pub fn frontier_insert(
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
    pub fn frontier_load(
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

    /// Marks a request done (fetched, or never to be): it stays as seen for this crawl.
    pub fn frontier_done(&mut self, url: &str) -> Result<(), StateError> {
        self.conn
            .prepare_cached("UPDATE frontier SET state = 2 WHERE url = ?1")
            .and_then(|mut st| st.execute(params![url]))
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// At the start of a crawl: forgets what the last one finished, and returns what it
    /// left to do, per (host, lane), all of it waiting in the store again.
    pub fn frontier_resume(&mut self) -> Result<Vec<(String, u8, u64)>, StateError> {
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

    pub fn counts(&self) -> Result<StateCounts, StateError> {
        let one = |sql: &str| -> Result<u64, StateError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n.max(0) as u64)
                .map_err(|e| self.sql(e))
        };
        Ok(StateCounts {
            urls: one("SELECT count(*) FROM urls")?,
            fetched_ok: one("SELECT count(*) FROM urls WHERE status BETWEEN 200 AND 399")?,
            errors: one("SELECT count(*) FROM urls WHERE error IS NOT NULL OR status >= 400")?,
            articles: one("SELECT count(*) FROM articles")?,
            revised: one("SELECT count(*) FROM articles WHERE revision > 1")?,
            queued: one("SELECT count(*) FROM frontier WHERE state < 2")?,
        })
    }

    pub fn last_runs(&self, n: u32) -> Result<Vec<RunRow>, StateError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, started_at, ended_at, summary FROM runs ORDER BY id DESC LIMIT ?1")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![n], |r| {
                Ok(RunRow {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    ended_at: r.get(2)?,
                    summary: r.get(3)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    pub fn hosts(&self) -> Result<Vec<HostRow>, StateError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT u.host, count(*), max(u.fetched_at), h.requests, h.rate, h.robots
                 FROM urls u LEFT JOIN hosts h ON h.host = u.host OR h.host LIKE u.host || ':%'
                 GROUP BY u.host ORDER BY count(*) DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(HostRow {
                    host: r.get(0)?,
                    urls: r.get::<_, i64>(1)?.max(0) as u64,
                    last_fetch: r.get(2)?,
                    last_run_requests: r.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
                    last_run_rate: r.get(4)?,
                    robots: r.get(5)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// Records how the last run went on each host: requests, achieved rate, robots.txt.
    pub fn record_hosts(
        &mut self,
        hosts: &[(String, u64, Option<f64>, Option<String>)],
    ) -> Result<(), StateError> {
        let now = now_text();
        for (host, requests, rate, robots) in hosts {
            self.conn
                .execute(
                    "INSERT INTO hosts (host, requests, rate, robots, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(host) DO UPDATE SET requests = ?2, rate = ?3, robots = COALESCE(?4, robots), updated_at = ?5",
                    params![host, *requests as i64, rate, robots, now],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Forgets a URL (and the article fetched from it), so the next crawl fetches it anew.
    pub fn forget_url(&mut self, url: &str) -> Result<u64, StateError> {
        let n = self
            .conn
            .execute("DELETE FROM urls WHERE url = ?1", params![url])
            .map_err(|e| self.sql(e))?;
        let m = self
            .conn
            .execute("DELETE FROM articles WHERE url = ?1", params![url])
            .map_err(|e| self.sql(e))?;
        Ok((n + m) as u64)
    }

    /// Forgets every URL of a host.
    pub fn forget_host(&mut self, host: &str) -> Result<u64, StateError> {
        let n = self
            .conn
            .execute("DELETE FROM urls WHERE host = ?1", params![host])
            .map_err(|e| self.sql(e))?;
        Ok(n as u64)
    }
}

/// When another connection of the crawl holds the write lock (the frontier's and the output
/// thread's take turns many times a second): wait a fifth of a millisecond and try again,
/// for up to 30 s. SQLite's own timeout sleeps in steps of up to 100 ms, which would
/// stall a crawl on every collision.
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

    #[test]
    fn remembers_fetches_and_articles_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.db");
        {
            let mut s = StateStore::open(&path).unwrap();
            let run = s.begin_run().unwrap();
            s.record_fetch(
                "https://a.com/1",
                "a.com",
                Some(200),
                Some("\"v1\""),
                Some("Wed, 27 Mar 2024 13:52:00 GMT"),
                None,
            )
            .unwrap();
            s.record_article("id1", "https://a.com/1", "h1", 1).unwrap();
            s.end_run(run, "ok").unwrap();
        }
        let mut s = StateStore::open(&path).unwrap();
        let u = s.url_state("https://a.com/1").unwrap().unwrap();
        assert_eq!(u.status, Some(200));
        assert_eq!(u.etag.as_deref(), Some("\"v1\""));
        assert!(u.fetched_at.is_some());
        // a 304 keeps the validators it had
        s.record_fetch("https://a.com/1", "a.com", Some(304), None, None, None)
            .unwrap();
        assert_eq!(
            s.url_state("https://a.com/1")
                .unwrap()
                .unwrap()
                .etag
                .as_deref(),
            Some("\"v1\"")
        );
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

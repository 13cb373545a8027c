//! The store's tables, created and migrated on open.

use super::{SCHEMA_VERSION, StateError, StateStore, wait_briefly};

impl StateStore {
    pub(super) fn setup(&mut self) -> Result<(), StateError> {
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
        if version < 3 {
            // v3: which pages gave a record, so that an article of a site no profile covers
            // is revisited conditionally like a profile's
            self.conn
                .execute_batch(
                    "BEGIN;
                     ALTER TABLE urls ADD COLUMN article INTEGER NOT NULL DEFAULT 0;
                     PRAGMA user_version = 3;
                     COMMIT;",
                )
                .map_err(|e| self.sql(e))?;
        }
        if version < 4 {
            // v4: child sitemaps and the <lastmod> they were read at, so that one unchanged
            // since is not fetched again (`sitemaps.rs`)
            self.conn
                .execute_batch(
                    "BEGIN;
                     CREATE TABLE IF NOT EXISTS sitemaps (
                        url TEXT PRIMARY KEY,
                        listed_lastmod TEXT,
                        read_lastmod TEXT,
                        read_at TEXT
                     );
                     PRAGMA user_version = 4;
                     COMMIT;",
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }
}

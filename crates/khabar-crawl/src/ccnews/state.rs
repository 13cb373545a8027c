//! What earlier runs did, in an SQLite file of its own (`.khabar/ccnews.db` by default):
//! for each archive and selection (the hosts asked for, the profiles option), whether it
//! was read to its end, and the offset reached in it otherwise. The offset is a record
//! boundary in the file as stored (a gzip member's start in a `.warc.gz`): every record
//! before it has been written and flushed. It is committed after each page's records are
//! written, never before, so a run that is killed loses nothing and repeats at most the
//! page it was writing.
//!
//! The table has a name of its own (`ccnews_archives`), so the file may also be the crawl
//! state's: nothing of the crawl's tables is touched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::CcNewsError;

/// Where an archive stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArchiveStatus {
    /// Read to its end.
    pub done: bool,
    /// The record boundary reached (0: not started).
    pub offset: u64,
    /// Records written from it, over every run.
    pub records: u64,
}

/// The state of the archives read, for one selection.
pub struct CcNewsState {
    conn: Connection,
    path: PathBuf,
    selection: String,
}

impl CcNewsState {
    /// Opens (or creates, with its folder) the state at `path`, for the archives read with
    /// `selection` (see [`super::HostFilter::selection`]).
    pub fn open(path: &Path, selection: &str) -> Result<Self, CcNewsError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| CcNewsError::State {
                path: path.to_path_buf(),
                message: format!("cannot create its folder: {e}"),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| CcNewsError::State {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let state = Self {
            conn,
            path: path.to_path_buf(),
            selection: selection.to_string(),
        };
        state
            .conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| state.error(e))?;
        state
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                 CREATE TABLE IF NOT EXISTS ccnews_archives (
                    selection TEXT NOT NULL,
                    path TEXT NOT NULL,
                    done INTEGER NOT NULL DEFAULT 0,
                    offset INTEGER NOT NULL DEFAULT 0,
                    records INTEGER NOT NULL DEFAULT 0,
                    pages INTEGER NOT NULL DEFAULT 0,
                    size INTEGER,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (selection, path)
                 );",
            )
            .map_err(|e| state.error(e))?;
        Ok(state)
    }

    fn error(&self, e: rusqlite::Error) -> CcNewsError {
        let message = match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                "not an SQLite file (give another --state)".to_string()
            }
            _ => e.to_string(),
        };
        CcNewsError::State {
            path: self.path.clone(),
            message,
        }
    }

    /// The state's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where `archive` stands (all zero when no run read it).
    pub fn status(&self, archive: &str) -> Result<ArchiveStatus, CcNewsError> {
        let row = self
            .conn
            .query_row(
                "SELECT done, offset, records FROM ccnews_archives WHERE selection = ?1 AND path = ?2",
                params![self.selection, archive],
                |r| {
                    Ok(ArchiveStatus {
                        done: r.get::<_, i64>(0)? != 0,
                        offset: r.get::<_, i64>(1)?.max(0) as u64,
                        records: r.get::<_, i64>(2)?.max(0) as u64,
                    })
                },
            )
            .optional()
            .map_err(|e| self.error(e))?;
        Ok(row.unwrap_or_default())
    }

    /// Every record of `archive` before `offset` is written: `records` more records from
    /// `pages` more pages.
    pub fn commit(
        &self,
        archive: &str,
        offset: u64,
        records: u64,
        pages: u64,
    ) -> Result<(), CcNewsError> {
        self.conn
            .prepare_cached(
                "INSERT INTO ccnews_archives (selection, path, offset, records, pages, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (selection, path) DO UPDATE SET
                    offset = max(offset, excluded.offset),
                    records = records + excluded.records,
                    pages = pages + excluded.pages,
                    updated_at = excluded.updated_at",
            )
            .and_then(|mut s| {
                s.execute(params![
                    self.selection,
                    archive,
                    offset as i64,
                    records as i64,
                    pages as i64,
                    now()
                ])
            })
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// `archive` was read to its end, `size` bytes when known.
    pub fn finish(&self, archive: &str, size: Option<u64>) -> Result<(), CcNewsError> {
        self.conn
            .execute(
                "INSERT INTO ccnews_archives (selection, path, done, offset, size, updated_at)
                 VALUES (?1, ?2, 1, coalesce(?3, 0), ?3, ?4)
                 ON CONFLICT (selection, path) DO UPDATE SET
                    done = 1,
                    offset = max(offset, coalesce(excluded.size, offset)),
                    size = excluded.size,
                    updated_at = excluded.updated_at",
                params![self.selection, archive, size.map(|s| s as i64), now()],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// Archives read to their end, and records written, for this selection.
    pub fn totals(&self) -> Result<(u64, u64), CcNewsError> {
        self.conn
            .query_row(
                "SELECT coalesce(sum(done), 0), coalesce(sum(records), 0) FROM ccnews_archives WHERE selection = ?1",
                params![self.selection],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(|e| self.error(e))
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_only_grow_and_selections_are_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cc.db");
        let s = CcNewsState::open(&path, "hosts=a.com").unwrap();
        assert_eq!(s.status("x").unwrap(), ArchiveStatus::default());
        s.commit("x", 100, 2, 1).unwrap();
        s.commit("x", 50, 0, 0).unwrap();
        assert_eq!(
            s.status("x").unwrap(),
            ArchiveStatus {
                done: false,
                offset: 100,
                records: 2
            }
        );
        s.finish("x", Some(400)).unwrap();
        let st = s.status("x").unwrap();
        assert!(st.done && st.offset == 400 && st.records == 2);
        assert_eq!(s.totals().unwrap(), (1, 2));
        drop(s);
        let other = CcNewsState::open(&path, "hosts=b.com").unwrap();
        assert_eq!(other.status("x").unwrap(), ArchiveStatus::default());
        let again = CcNewsState::open(&path, "hosts=a.com").unwrap();
        assert!(again.status("x").unwrap().done);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "x".repeat(5000)).unwrap();
        let err = CcNewsState::open(&path, "all").err().unwrap().to_string();
        assert!(err.contains("notes.txt"), "{err}");
    }
}

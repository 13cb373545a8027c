//! Runs and hosts: when each crawl ran and what it said; per host the last run's requests,
//! rate and robots.txt; the counts `khabar state` shows.

use rusqlite::params;

use super::{HostRow, HostRun, RunRow, StateCounts, StateError, StateStore, now_text};

impl StateStore {
    /// Records the start of a run; returns its number.
    pub(crate) fn begin_run(&mut self) -> Result<i64, StateError> {
        self.conn
            .execute(
                "INSERT INTO runs (started_at) VALUES (?1)",
                params![now_text()],
            )
            .map_err(|e| self.sql(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records the end of run `run`, with its summary.
    pub(crate) fn end_run(&mut self, run: i64, summary: &str) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE runs SET ended_at = ?1, summary = ?2 WHERE id = ?3",
                params![now_text(), summary, run],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// The counts `khabar state` shows.
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

    /// The last `n` runs, newest first.
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

    /// Every host in the fetch log, the one with most URLs first, with what the last run
    /// did on it.
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
    pub(crate) fn record_hosts(&mut self, hosts: &[HostRun]) -> Result<(), StateError> {
        let now = now_text();
        for HostRun {
            host,
            requests,
            rate,
            robots,
        } in hosts
        {
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
}

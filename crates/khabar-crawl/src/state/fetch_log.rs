//! The fetch log: per URL its last status, fetch time, validators or error.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{FetchUpdate, StateError, StateStore, UrlState, now_text};

impl StateStore {
    /// What the last fetch of `url` gave, if it was fetched before.
    pub fn url_state(&self, url: &str) -> Result<Option<UrlState>, StateError> {
        self.conn
            .query_row(
                "SELECT fetched_at, status, etag, last_modified, article FROM urls WHERE url = ?1",
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
                        article: r.get::<_, i64>(4)? != 0,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Records a fetch: its status and validators, or the error, and whether the page gave
    /// a record (a 304 keeps what the last full answer said).
    pub fn record_fetch(&mut self, f: &FetchUpdate) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO urls (url, host, status, fetched_at, etag, last_modified, error, article)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(url) DO UPDATE SET status = ?3, fetched_at = ?4,
                    etag = COALESCE(?5, CASE WHEN ?3 = 304 THEN etag END),
                    last_modified = COALESCE(?6, CASE WHEN ?3 = 304 THEN last_modified END),
                    error = ?7,
                    article = CASE WHEN ?3 = 304 THEN article ELSE ?8 END",
                params![
                    f.url,
                    f.host,
                    f.status,
                    now_text(),
                    f.etag,
                    f.last_modified,
                    f.error,
                    f.article
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Forgets a URL (and the article fetched from it, or the sitemap read from it), so the
    /// next crawl fetches it anew.
    pub fn forget_url(&mut self, url: &str) -> Result<u64, StateError> {
        let n = self
            .conn
            .execute("DELETE FROM urls WHERE url = ?1", params![url])
            .map_err(|e| self.sql(e))?;
        let m = self
            .conn
            .execute("DELETE FROM articles WHERE url = ?1", params![url])
            .map_err(|e| self.sql(e))?;
        // a child sitemap forgotten is read again, whatever its <lastmod>
        let k = self
            .conn
            .execute("DELETE FROM sitemaps WHERE url = ?1", params![url])
            .map_err(|e| self.sql(e))?;
        Ok((n + m + k) as u64)
    }

    /// Forgets every URL of a host, on whatever port (`localhost` forgets
    /// `localhost:8080` too; `localhost:8080` only that one).
    pub fn forget_host(&mut self, host: &str) -> Result<u64, StateError> {
        let n = self
            .conn
            .execute(
                // the host on any port: host keys carry one when it is not the default
                "DELETE FROM urls WHERE host = ?1 OR substr(host, 1, length(?1) + 1) = ?1 || ':'",
                params![host.to_ascii_lowercase()],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n as u64)
    }
}

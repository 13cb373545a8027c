//! Child sitemaps of a sitemap index, and the `<lastmod>` they had when a run read them:
//! one listed again with the same `<lastmod>` (or an older one) is not fetched again. Its
//! pages were taken when it was read; a page that changed since is in a sitemap whose
//! `<lastmod>` changed with it.
//!
//! A listing is remembered when an index names the child ([`StateStore::sitemap_listed`]),
//! and becomes the one the child was read at only once it is read whole
//! ([`StateStore::sitemap_read`]): a child whose fetch failed, or whose pages a run could
//! not all take (its page budget spent), is read again by the next run.

use rusqlite::{OptionalExtension, params};

use super::{SqliteState, StateError, StateStore, now_text};
use khabar_extract::Zone;
use khabar_extract::dates::parse_machine;

/// Whether a child sitemap listed with `listed` is unchanged since it was read at `read`:
/// the same instant or an earlier one when both are dates, the same text otherwise.
pub(super) fn lastmod_unchanged(read: &str, listed: &str) -> bool {
    match (
        parse_machine(read, Zone::utc()),
        parse_machine(listed, Zone::utc()),
    ) {
        (Some(read), Some(listed)) => listed <= read,
        _ => read.trim() == listed.trim(),
    }
}

impl StateStore {
    /// An index lists the child sitemap `url` with `lastmod`: whether it is unchanged since
    /// a run read it whole (then it need not be fetched). Otherwise the listing is
    /// remembered, for [`StateStore::sitemap_read`]. A child listed without a `<lastmod>`
    /// is always read.
    pub(crate) fn sitemap_listed(
        &mut self,
        url: &str,
        lastmod: Option<&str>,
    ) -> Result<bool, StateError> {
        if let Some(listed) = lastmod
            && self
                .sitemap_read_at(url)?
                .is_some_and(|read| lastmod_unchanged(&read, listed))
        {
            return Ok(true);
        }
        self.conn
            .execute(
                "INSERT INTO sitemaps (url, listed_lastmod) VALUES (?1, ?2)
                 ON CONFLICT(url) DO UPDATE SET listed_lastmod = ?2",
                params![url, lastmod],
            )
            .map_err(|e| self.sql(e))?;
        Ok(false)
    }

    /// The sitemap `url` was read whole: the `<lastmod>` it was last listed with is the one
    /// it was read at. (One no index listed is not remembered.)
    pub(crate) fn sitemap_read(&mut self, url: &str) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE sitemaps SET read_lastmod = listed_lastmod, read_at = ?2 WHERE url = ?1",
                params![url, now_text()],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// The `<lastmod>` the child sitemap `url` was listed with when a run last read it.
    pub(crate) fn sitemap_read_at(&self, url: &str) -> Result<Option<String>, StateError> {
        self.conn
            .query_row(
                "SELECT read_lastmod FROM sitemaps WHERE url = ?1",
                params![url],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.sql(e))
    }
}

impl SqliteState {
    /// [`StateStore::sitemap_listed`] on the crawl's shared connection.
    pub(crate) fn sitemap_listed(
        &self,
        url: &str,
        lastmod: Option<&str>,
    ) -> Result<bool, StateError> {
        self.connection().write(|s| s.sitemap_listed(url, lastmod))
    }

    /// [`StateStore::sitemap_read`] on the crawl's shared connection.
    pub(crate) fn sitemap_read(&self, url: &str) -> Result<(), StateError> {
        self.connection().write(|s| s.sitemap_read(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lastmods_compare_as_dates_when_they_are_dates() {
        assert!(lastmod_unchanged("2024-03-27", "2024-03-27"));
        assert!(lastmod_unchanged(
            "2024-03-27T10:00:00+03:00",
            "2024-03-27T07:00:00Z"
        ));
        assert!(lastmod_unchanged("2024-03-27T10:00:00Z", "2024-03-26"));
        assert!(!lastmod_unchanged(
            "2024-03-27T10:00:00Z",
            "2024-03-27T10:00:01Z"
        ));
        assert!(lastmod_unchanged(" v7 ", "v7"));
        assert!(!lastmod_unchanged("v7", "v8"));
    }

    #[test]
    fn a_child_read_whole_is_skipped_until_its_lastmod_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let (a, b) = ("https://x.com/a.xml", "https://x.com/b.xml");
        {
            let mut s = StateStore::open(&path).unwrap();
            assert!(!s.sitemap_listed(a, Some("2024-03-27")).unwrap());
            assert!(!s.sitemap_listed(b, Some("2024-03-27")).unwrap());
            s.sitemap_read(a).unwrap();
            // b's fetch failed: not read
            assert_eq!(s.sitemap_read_at(a).unwrap().as_deref(), Some("2024-03-27"));
            assert_eq!(s.sitemap_read_at(b).unwrap(), None);
        }
        let mut s = StateStore::open(&path).unwrap();
        assert!(
            s.sitemap_listed(a, Some("2024-03-27")).unwrap(),
            "unchanged"
        );
        assert!(
            !s.sitemap_listed(b, Some("2024-03-27")).unwrap(),
            "never read"
        );
        assert!(!s.sitemap_listed(a, None).unwrap(), "no lastmod: read");
        assert!(!s.sitemap_listed(a, Some("2024-03-28")).unwrap(), "changed");
        // still read at the old lastmod until it is read again
        assert!(!s.sitemap_listed(a, Some("2024-03-28")).unwrap());
        s.sitemap_read(a).unwrap();
        assert!(s.sitemap_listed(a, Some("2024-03-28")).unwrap());
        // read without a lastmod: nothing to compare with next time
        assert!(!s.sitemap_listed(a, None).unwrap());
        s.sitemap_read(a).unwrap();
        assert!(!s.sitemap_listed(a, Some("2024-03-28")).unwrap());
        // a sitemap no index listed (a seed) is not remembered
        s.sitemap_read("https://x.com/seed.xml").unwrap();
        assert_eq!(s.sitemap_read_at("https://x.com/seed.xml").unwrap(), None);
    }
}

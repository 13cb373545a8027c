//! Article revisions: per article id its content hash and revision.

use rusqlite::{OptionalExtension, params};

use super::{ArticleState, StateError, StateStore, now_text};

impl StateStore {
    /// The article with this id, if one was written before: its content hash and revision.
    pub(crate) fn article(&self, id: &str) -> Result<Option<ArticleState>, StateError> {
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
    pub(crate) fn record_article(
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
}

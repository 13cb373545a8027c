//! What a crawl with a state does with pages it has seen before: when an article page is
//! fetched again (its `recrawl_after`, its sitemap `<lastmod>`, conditionally), and
//! whether what came back is a new revision.

use std::time::Duration;

use url::Url;

use crate::frontier::Validators;
use crate::policy::SkipReason;
use crate::state::{ArticleUpdate, CrawlState};
use khabar_extract::{Record, Zone, content_hash};

/// What to do with a page an earlier run fetched.
pub(super) enum Revisit {
    New,
    Skip(SkipReason),
    Conditional(Validators),
}

/// Whether a page known from an earlier run is fetched again. An article page (one its
/// profile's `article_urls` name, or one that gave a record when it was last read) is
/// not fetched again before `recrawl_after`, nor when its sitemap `<lastmod>` is older
/// than the last fetch, and otherwise conditionally. Any other page (a section front, a
/// listing) is fetched in full every run: its links are what is new.
pub(super) fn revisit(
    state: &dyn CrawlState,
    url: &Url,
    article_page: bool,
    recrawl_after: Duration,
    lastmod: Option<&str>,
) -> Revisit {
    let known = match state.url_state(url.as_str()) {
        Ok(Some(k)) => k,
        Ok(None) => return Revisit::New,
        Err(e) => {
            tracing::warn!("{e}");
            return Revisit::New;
        }
    };
    if !(article_page || known.article) {
        return Revisit::New;
    }
    let (Some(fetched_at), Some(200..=399)) = (known.fetched_at, known.status) else {
        return Revisit::New;
    };
    let age = (chrono::Utc::now() - fetched_at)
        .to_std()
        .unwrap_or(Duration::ZERO);
    if age < recrawl_after {
        return Revisit::Skip(SkipReason::NotDue);
    }
    let changed_since = lastmod
        .and_then(|l| khabar_extract::dates::parse_machine(l, Zone::utc()))
        .map(|l| l.with_timezone(&chrono::Utc) > fetched_at);
    if changed_since == Some(false) {
        return Revisit::Skip(SkipReason::UnchangedSinceLastFetch);
    }
    Revisit::Conditional(Validators {
        etag: known.etag,
        last_modified: known.last_modified,
    })
}

/// The validators of the last fetch of `url` when it is an article page (see
/// [`revisit`]) answered 2xx or 3xx with any: for a request that waited in a frontier
/// store, which does not keep them.
pub(super) fn known_validators(
    state: Option<&dyn CrawlState>,
    url: &Url,
    article_page: bool,
) -> Option<Validators> {
    let known = state?.url_state(url.as_str()).ok()??;
    if !(article_page || known.article) || !matches!(known.status, Some(200..=399)) {
        return None;
    }
    (known.etag.is_some() || known.last_modified.is_some()).then_some(Validators {
        etag: known.etag,
        last_modified: known.last_modified,
    })
}

/// With a crawl state: the record's revision, and what to remember once it is
/// written; `Some(None)` when its content is the same as last time (nothing to write).
/// `None` without a state.
pub(super) fn revision_of(
    state: Option<&dyn CrawlState>,
    record: &mut Record,
) -> Option<Option<ArticleUpdate>> {
    let state = state?;
    let hash = content_hash(record);
    let previous = state.article(&record.id).unwrap_or_else(|e| {
        tracing::warn!("{e}");
        None
    });
    if previous.as_ref().is_some_and(|p| p.content_hash == hash) {
        return Some(None);
    }
    record.revision = previous.map_or(1, |p| p.revision + 1);
    Some(Some(ArticleUpdate {
        id: record.id.clone(),
        url: record.url.clone(),
        content_hash: hash,
        revision: record.revision,
    }))
}

//! The dates. Both go through `extract::dates::read_date` (the profile's selectors, JSON-LD,
//! meta, then with a profile the container's first `<time datetime>`); the publication date
//! then tries a JSON-LD WebPage's date, a date near the headline and the article's address.

use scraper::ElementRef;

use super::Cascade;
use crate::datetime::{format_rfc3339, parse_machine};
use crate::extract::article::tried;
use crate::extract::dates::read_date;
use crate::extract::trace::Trace;
use crate::generic::dates::date_in_url;
use crate::record::ArticleFields;

/// A `<time>` in a sidebar or a comment is another item's date: on a page without a
/// profile, furniture is left out.
fn exclude_time<'a>(cx: &Cascade<'a>) -> impl Fn(&ElementRef<'_>) -> bool + 'a {
    let related_block = cx.related_block;
    move |el: &ElementRef<'_>| {
        related_block.is_some_and(|b| el.ancestors().any(|a| a.id() == b.id()))
    }
}

pub(super) fn published(
    cx: &mut Cascade<'_>,
    _: &ArticleFields,
    trace: &mut Trace,
) -> Option<String> {
    let Cascade {
        page,
        scope,
        profile,
        ld,
        meta,
        ..
    } = *cx;
    // with a profile, the container's first <time datetime> comes next; without one, the
    // generic step below looks at <time> elements by where they stand (a sidebar's or a
    // comment's is another item's date)
    let mut published_at = read_date(
        page,
        scope,
        profile.map(|p| &p.published),
        ld.and_then(|l| l.date_published.as_deref()),
        meta.and_then(|m| m.published_time.as_ref()),
        &exclude_time(cx),
        profile.is_some(),
        "published_at",
        trace,
    );
    if published_at.is_none() {
        if let Some(dt) = meta
            .and_then(|m| m.ld_page_published.as_deref())
            .and_then(|v| parse_machine(v, page.offset))
        {
            trace.found("published_at", "json-ld", "WebPage datePublished");
            published_at = Some(format_rfc3339(&dt));
        } else if let Some(found) = cx.generic().date_near_headline(cx.headline_ix, page.offset) {
            trace.found("published_at", found.source, found.rule);
            published_at = Some(format_rfc3339(&found.date));
        } else if let Some(dt) = date_in_url(&scope.url, page.offset) {
            trace.found("published_at", "url", "the date in the article's address");
            published_at = Some(format_rfc3339(&dt));
        } else {
            trace.missing(
                "published_at",
                profile.map_or(String::new(), |p| format!("{}, ", tried(&p.published)))
                    + "json-ld, meta, time[datetime], a date near the headline, the address",
            );
        }
    }
    published_at
}

pub(super) fn modified(
    cx: &mut Cascade<'_>,
    _: &ArticleFields,
    trace: &mut Trace,
) -> Option<String> {
    let Cascade {
        page,
        scope,
        profile,
        ld,
        meta,
        ..
    } = *cx;
    read_date(
        page,
        scope,
        profile.map(|p| &p.modified),
        ld.and_then(|l| l.date_modified.as_deref()),
        meta.and_then(|m| m.modified_time.as_ref()),
        &exclude_time(cx),
        false,
        "modified_at",
        trace,
    )
}

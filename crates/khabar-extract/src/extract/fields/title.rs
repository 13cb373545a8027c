//! The page's title: what the page calls itself for search engines and share cards, as the
//! site wrote it (its name and all): og:title, else twitter:title, else `<title>`. The
//! headline is what the page shows its reader; the two differ when a site adds its name,
//! an author or a section to the title, or writes a second headline for sharing.

use super::Cascade;
use crate::extract::trace::Trace;
use crate::generic::fields::clean_title;
use crate::record::ArticleFields;

/// A value longer than this is not a title (a page that put its text into one), and the
/// next source is tried.
const MAX_TITLE_CHARS: usize = 1_000;

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Option<String> {
    // the page's metadata is the main article's alone: a second article on the page has none
    let meta = cx.meta?;
    let found = [
        (&meta.og_title, "og:title"),
        (&meta.twitter_title, "twitter:title"),
        (&meta.title, "<title>"),
    ]
    .into_iter()
    .find_map(|(value, rule)| {
        let t = clean_title(value.as_deref()?);
        (!t.is_empty() && t.chars().count() <= MAX_TITLE_CHARS).then_some((t, rule))
    });
    match found {
        Some((t, rule)) => {
            trace.found("title", "meta", rule);
            Some(t)
        }
        None => {
            trace.missing("title", "og:title, twitter:title, <title>");
            None
        }
    }
}

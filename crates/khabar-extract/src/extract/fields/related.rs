//! The related articles: the cards of the profile's related block, else a list the generic
//! extractor finds headed or marked as related.

use super::Cascade;
use crate::extract::related::read_related;
use crate::extract::trace::Trace;
use crate::record::{ArticleFields, Related};

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Vec<Related> {
    let Cascade {
        page,
        scope,
        profile,
        related_block,
        ..
    } = *cx;
    let mut related = Vec::new();
    if let Some(p) = profile
        && let Some(block) = related_block
    {
        related = read_related(page, scope, p, block, trace);
    }
    if related.is_empty() {
        related = cx.generic().related(cx.headline_ix, page.base, &scope.url);
        if !related.is_empty() {
            trace.found("related", "heuristic", "a list headed or marked as related");
        }
    }
    related
}

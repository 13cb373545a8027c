//! The captions of the article's own pictures: the profile's caption items, else the
//! figcaptions the generic extractor finds in the article.

use super::Cascade;
use crate::caption::CaptionList;
use crate::dom::within_any;
use crate::extract::article::resolve_str;
use crate::extract::trace::Trace;
use crate::record::{ArticleFields, Caption};

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Vec<Caption> {
    let Cascade {
        page,
        scope,
        profile,
        c,
        ..
    } = *cx;
    let mut captions = Vec::new();
    if let Some(p) = profile
        && let Some((items, sel)) = p.captions.item.elements(c)
    {
        let mut list = CaptionList::default();
        for item in items {
            if within_any(item, &scope.excluded, c.id()) {
                continue;
            }
            if let Some((text, _)) = p.captions.text.first_value(item) {
                let image = p
                    .captions
                    .image
                    .first_value(item)
                    .and_then(|(src, _)| resolve_str(page.base, &src));
                list.push(&text, image);
            }
        }
        captions = list.into_vec();
        if !captions.is_empty() {
            trace.found("captions", "selector", sel.as_str());
        }
    }

    if captions.is_empty() {
        captions = cx.generic().captions(cx.headline_ix, page.base).into_vec();
        if !captions.is_empty() {
            trace.found("captions", "heuristic", "figcaption in the article");
        }
    }
    captions
}

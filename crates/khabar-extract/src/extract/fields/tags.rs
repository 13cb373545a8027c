//! The tags: the profile's (comma lists split), else JSON-LD keywords, else article:tag,
//! else the keywords meta.

use super::{Cascade, push_unique};
use crate::extract::trace::Trace;
use crate::metadata::split_keywords;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Vec<String> {
    let Cascade {
        profile,
        c,
        ld,
        meta,
        ..
    } = *cx;
    let mut tags = Vec::new();
    if let Some((values, sel)) = profile.and_then(|p| p.tags.all_values(c)) {
        push_unique(&mut tags, values.iter().flat_map(|v| split_keywords(v)));
        trace.found("tags", "selector", sel.as_str());
    } else if let Some(l) = ld.filter(|l| !l.keywords.is_empty()) {
        push_unique(&mut tags, l.keywords.iter().cloned());
        trace.found("tags", "json-ld", "keywords");
    } else if let Some(m) = meta.filter(|m| !m.tags.is_empty()) {
        push_unique(&mut tags, m.tags.iter().cloned());
        trace.found("tags", "meta", "article:tag");
    } else if let Some(m) = meta.filter(|m| !m.keywords.is_empty()) {
        push_unique(&mut tags, m.keywords.iter().cloned());
        trace.found("tags", "meta", "keywords");
    }
    tags
}

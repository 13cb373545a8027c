//! The section: the profile's, else JSON-LD articleSection, else article:section.

use super::Cascade;
use crate::extract::trace::Trace;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Option<String> {
    let Cascade {
        profile,
        c,
        ld,
        meta,
        ..
    } = *cx;
    if let Some((v, s)) = profile.and_then(|p| p.section.first_value(c)) {
        trace.found("section", "selector", s.as_str());
        Some(v)
    } else if let Some(v) = ld.and_then(|l| l.section.clone()) {
        trace.found("section", "json-ld", "articleSection");
        Some(v)
    } else if let Some(v) = meta.and_then(|m| m.section.clone()) {
        trace.found("section", "meta", "article:section");
        Some(v)
    } else {
        None
    }
}

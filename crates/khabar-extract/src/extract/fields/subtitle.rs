//! The subtitle: the profile's, else JSON-LD alternativeHeadline.

use super::Cascade;
use crate::extract::trace::Trace;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Option<String> {
    let Cascade { profile, c, ld, .. } = *cx;
    if let Some((v, s)) = profile.and_then(|p| p.subtitle.first_value(c)) {
        trace.found("subtitle", "selector", s.as_str());
        Some(v)
    } else if let Some(v) = ld.and_then(|l| l.alternative_headline.clone()) {
        trace.found("subtitle", "json-ld", "alternativeHeadline");
        Some(v)
    } else {
        None
    }
}

//! The dateline: the profile's byline (a person it names is kept for the authors), else the
//! opening of the first paragraph.

use super::Cascade;
use crate::dateline::{Dateline, parse_line, parse_opening};
use crate::extract::trace::Trace;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, f: &ArticleFields, trace: &mut Trace) -> Option<Dateline> {
    let Cascade { profile, c, .. } = *cx;
    let mut dateline = None;
    if let Some((raw, sel)) = profile.and_then(|p| p.byline.first_value(c))
        && let Some(parsed) = parse_line(&raw)
    {
        if parsed.source_is_person {
            cx.byline_author = parsed.dateline.source.clone();
        }
        dateline = Some(parsed.dateline);
        trace.found("dateline", "byline", sel.as_str());
    }
    if dateline.is_none()
        && let Some(d) = f.body.first().and_then(|p| parse_opening(p))
    {
        dateline = Some(d);
        trace.found(
            "dateline",
            "first-paragraph",
            "opening of the first paragraph",
        );
    }
    dateline
}

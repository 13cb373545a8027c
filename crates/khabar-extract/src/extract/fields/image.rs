//! The lead image: the profile's, else JSON-LD image, else og:image, else the first
//! caption's picture.

use super::Cascade;
use crate::extract::article::resolve_str;
use crate::extract::trace::Trace;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, f: &ArticleFields, trace: &mut Trace) -> Option<String> {
    let Cascade {
        page,
        profile,
        c,
        ld,
        meta,
        ..
    } = *cx;
    let image_from_profile = profile.and_then(|p| {
        p.image.iter().find_map(|s| {
            s.first_value(c)
                .and_then(|v| resolve_str(page.base, &v))
                .map(|v| (v, s))
        })
    });
    if let Some((v, s)) = image_from_profile {
        trace.found("image_url", "selector", s.as_str());
        Some(v)
    } else if let Some(v) = ld
        .and_then(|l| l.image.as_deref())
        .and_then(|i| resolve_str(page.base, i))
    {
        trace.found("image_url", "json-ld", "image");
        Some(v)
    } else if let Some(v) = meta
        .and_then(|m| m.og_image.as_deref())
        .and_then(|i| resolve_str(page.base, i))
    {
        trace.found("image_url", "meta", "og:image");
        Some(v)
    } else if let Some(v) = f.captions.iter().find_map(|c| c.image_url.clone()) {
        let source = trace
            .found
            .iter()
            .find(|n| n.field == "captions")
            .map_or("selector", |n| n.source);
        trace.found("image_url", source, "the first caption's image");
        Some(v)
    } else {
        None
    }
}

//! The authors: the profile's, else the person its byline names, else JSON-LD's Person
//! authors, else the meta author (not the outlet, not an address), else the byline the
//! generic extractor finds near the headline.

use super::{Cascade, push_unique};
use crate::dateline::is_outlet;
use crate::extract::trace::Trace;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Vec<String> {
    let Cascade {
        profile,
        c,
        ld,
        meta,
        ..
    } = *cx;
    let mut authors = Vec::new();
    if let Some((values, sel)) = profile.and_then(|p| p.authors.all_values(c)) {
        push_unique(&mut authors, values);
        trace.found("authors", "selector", sel.as_str());
    } else if let Some(name) = cx.byline_author.take() {
        authors.push(name);
        trace.found("authors", "byline", "the byline's name");
    } else if let Some(l) = ld.filter(|l| l.authors.iter().any(|a| a.is_person)) {
        push_unique(
            &mut authors,
            l.authors
                .iter()
                .filter(|a| a.is_person)
                .map(|a| a.name.clone()),
        );
        trace.found("authors", "json-ld", "author (Person)");
    } else if let Some(a) = meta
        .and_then(|m| m.author.as_deref())
        .filter(|a| !is_outlet(a) && !a.contains("://"))
    {
        authors.push(a.to_string());
        trace.found("authors", "meta", "author");
    } else {
        let names = cx.generic().authors(cx.headline_ix);
        if !names.is_empty() {
            authors = names;
            trace.found("authors", "heuristic", "the byline near the headline");
        }
    }
    authors
}

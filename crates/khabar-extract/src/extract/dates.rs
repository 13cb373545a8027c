//! An article's dates through the cascade: the profile's selectors (machine timestamps
//! first), JSON-LD, meta, the container's `<time datetime>`, then the visible date line the
//! selectors read. The generic steps after these are in `article.rs`.

use std::sync::LazyLock;

use scraper::{ElementRef, Selector};

use super::Page;
use super::article::ArticleScope;
use super::trace::Trace;
use crate::datetime::{format_rfc3339, parse_machine, parse_meta_value, parse_visible};
use crate::dom::within_any;
use crate::selector::SelectorList;

static TIME_WITH_DATETIME: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("time[datetime]").expect("time selector"));

#[allow(clippy::too_many_arguments)]
pub(super) fn read_date(
    page: &Page<'_>,
    scope: &ArticleScope<'_>,
    selectors: Option<&SelectorList>,
    ld_value: Option<&str>,
    meta_value: Option<&(String, &'static str)>,
    exclude: &dyn Fn(&ElementRef<'_>) -> bool,
    look_at_time_elements: bool,
    field: &'static str,
    trace: &mut Trace,
) -> Option<String> {
    let tz = page.offset;
    let c = scope.container;
    // machine timestamps first; the values read on the way are kept for the visible date
    // line below, which only comes to them when none of them was a machine timestamp
    let mut values_read: Vec<Vec<String>> = Vec::new();
    for sel in selectors.into_iter().flat_map(SelectorList::iter) {
        let mut values = Vec::new();
        for v in sel.iter_values(c) {
            if let Some(dt) = parse_machine(&v, tz) {
                trace.found(field, "selector", sel.as_str());
                return Some(format_rfc3339(&dt));
            }
            values.push(v);
        }
        values_read.push(values);
    }
    if let Some(dt) = ld_value.and_then(|v| parse_machine(v, tz)) {
        trace.found(
            field,
            "json-ld",
            if field == "published_at" {
                "datePublished"
            } else {
                "dateModified"
            },
        );
        return Some(format_rfc3339(&dt));
    }
    if let Some((v, key)) = meta_value {
        // some sites write the meta value as a reader would: «July 17, 2025»
        if let Some(dt) = parse_meta_value(v, tz) {
            trace.found(field, "meta", *key);
            return Some(format_rfc3339(&dt));
        }
    }
    if look_at_time_elements {
        let found = c
            .select(&TIME_WITH_DATETIME)
            .filter(|el| !exclude(el) && !within_any(*el, &scope.excluded, c.id()))
            .find_map(|el| {
                el.value()
                    .attr("datetime")
                    .and_then(|v| parse_machine(v, tz))
            });
        if let Some(dt) = found {
            trace.found(field, "time", "time[datetime]");
            return Some(format_rfc3339(&dt));
        }
    }
    // then the visible date line
    for (sel, values) in selectors
        .into_iter()
        .flat_map(SelectorList::iter)
        .zip(values_read)
        .filter(|(s, _)| !s.reads_attribute())
    {
        if let Some((dt, text)) = values
            .into_iter()
            .find_map(|v| parse_visible(&v, tz).map(|d| (d, v)))
        {
            trace.found(
                field,
                "visible-text",
                format!("{} read «{text}»", sel.as_str()),
            );
            return Some(format_rfc3339(&dt));
        }
    }
    None
}

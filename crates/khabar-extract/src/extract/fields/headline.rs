//! The headline: the profile's, else a heading that agrees with the page's titles, else
//! the titles themselves (JSON-LD, og:title, `<title>` without the site's name).

use super::Cascade;
use crate::extract::article::tried;
use crate::extract::trace::Trace;
use crate::generic::fields::clean_title;
use crate::record::ArticleFields;

pub(super) fn read(cx: &mut Cascade<'_>, _: &ArticleFields, trace: &mut Trace) -> Option<String> {
    let Cascade {
        profile,
        c,
        ld,
        meta,
        ..
    } = *cx;
    let from_profile = profile.and_then(|p| p.headline.first_value(c));
    if let Some((v, s)) = from_profile {
        trace.found("headline", "selector", s.as_str());
        Some(v)
    } else {
        let site = meta
            .and_then(|m| m.og_site_name.as_deref())
            .map(clean_title);
        let titles: Vec<(String, &'static str, &'static str)> = [
            (ld.and_then(|l| l.headline.clone()), "json-ld", "headline"),
            (
                meta.and_then(|m| m.og_title.as_deref())
                    .map(|t| title_without_site(&clean_title(t), site.as_deref()).to_string()),
                "meta",
                "og:title",
            ),
            (
                meta.and_then(|m| m.title.as_deref())
                    .map(|t| title_without_site(&clean_title(t), site.as_deref())),
                "meta",
                "<title>",
            ),
        ]
        .into_iter()
        .filter_map(|(t, s, r)| t.filter(|t| !t.is_empty()).map(|t| (t, s, r)))
        .collect();
        let texts: Vec<&str> = titles.iter().map(|(t, _, _)| t.as_str()).collect();
        // a page that names no site in its metadata still names it in its `<title>`, after
        // the last separator («Story | Section | Site»): an `<h1>` repeating it is the
        // site's banner, not the headline
        let site_for_headings = site.clone().or_else(|| {
            meta.and_then(|m| m.title.as_deref())
                .and_then(|t| title_site_part(&clean_title(t)))
        });
        if let Some(h) = cx.generic().headline(&texts, site_for_headings.as_deref()) {
            trace.found("headline", "heuristic", h.rule);
            cx.headline_ix = Some(h.ix);
            Some(h.text)
        } else if let Some((t, source, rule)) = titles.into_iter().next() {
            trace.found("headline", source, rule);
            Some(t)
        } else {
            trace.missing(
                "headline",
                profile.map_or("h1, json-ld, og:title, <title>".into(), |p| {
                    format!("{}, h1, json-ld, og:title, <title>", tried(&p.headline))
                }),
            );
            None
        }
    }
}

/// What sites put between a title and their name.
const SEPARATORS: [&str; 5] = [" | ", " - ", " – ", " — ", " :: "];

/// `<title>` without the site's name: «خبر | الشرق الأوسط» → «خبر».
pub(super) fn title_without_site(title: &str, site: Option<&str>) -> String {
    for sep in SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(sep)
            && site.is_none_or(|s| tail.trim() == s)
            && !head.trim().is_empty()
        {
            return head.trim().to_string();
        }
        if let (Some(site), Some((head, tail))) = (site, title.split_once(sep))
            && head.trim() == site
            && !tail.trim().is_empty()
        {
            return tail.trim().to_string();
        }
    }
    title.to_string()
}

/// The part of a `<title>` after its last separator, where sites put their name:
/// «Story | Section | Site» → «Site»; `None` when the title has no separator.
fn title_site_part(title: &str) -> Option<String> {
    SEPARATORS
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|at| (at, sep.len())))
        .max_by_key(|&(at, _)| at)
        .map(|(at, len)| title[at + len..].trim().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_site_name_from_titles() {
        assert_eq!(
            title_without_site("خبر | الشرق الأوسط", Some("الشرق الأوسط")),
            "خبر"
        );
        assert_eq!(title_without_site("Site - Story", Some("Site")), "Story");
        assert_eq!(title_without_site("A - B | Site", None), "A - B");
        assert_eq!(title_without_site("Plain", None), "Plain");
        assert_eq!(
            title_site_part("Story - Part 2 | Section | Site [Archive]").as_deref(),
            Some("Site [Archive]")
        );
        assert_eq!(title_site_part("Plain"), None);
    }
}

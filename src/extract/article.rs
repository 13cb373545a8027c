//! The fields of one article, read from its container: profile selectors first, then
//! (for the page's main article) JSON-LD and meta, then `<time datetime>`, then visible
//! text. Each step notes where its value came from.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use scraper::ElementRef;
use url::Url;

use crate::caption::CaptionList;
use crate::dateline::{Dateline, is_outlet, parse_line, parse_opening};
use crate::dates::{format_rfc3339, parse_machine};
use crate::dom::{paragraphs_of, within_any};
use crate::extract::Page;
use crate::extract::dates::read_date;
use crate::extract::related::read_related;
use crate::extract::trace::Trace;
use crate::generic::GenericPage;
use crate::generic::dates::date_in_url;
use crate::generic::fields::clean_title;
use crate::metadata::split_keywords;
use crate::record::{Caption, Related};
use crate::selector::SelectorList;
use crate::text::{normalize_opt, word_count};
use crate::urls::resolve;

/// JSON-LD articleBody is taken over the generic block when it has at least this share of
/// the block's words: when it holds more than the block (the block is a part of the
/// article), not when it is about the block's length (it then brings captions, related
/// links and no paragraph breaks; bench/generic, tune halves: WCXB unchanged, Readability
/// 0.911 -> 0.912).
const LD_BODY_SHARE: f32 = 1.1;

/// The fields an article's container gives, before they become a record.
#[derive(Debug, Default)]
pub struct ArticleFields {
    pub headline: Option<String>,
    pub subtitle: Option<String>,
    pub body: Vec<String>,
    pub captions: Vec<Caption>,
    pub dateline: Option<Dateline>,
    pub published_at: Option<String>,
    pub modified_at: Option<String>,
    pub authors: Vec<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub image_url: Option<String>,
    pub related: Vec<Related>,
}

/// One article's container on a page and what is known about it.
pub struct ArticleScope<'a> {
    pub container: ElementRef<'a>,
    /// The page's main article: page-level metadata (JSON-LD, meta) belongs to it alone.
    pub primary: bool,
    /// Other articles' containers nested inside this one: never read as this one's.
    pub excluded: HashSet<NodeId>,
    pub url: Url,
}

pub(super) fn tried(list: &SelectorList) -> String {
    list.iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn resolve_str(base: Option<&Url>, href: &str) -> Option<String> {
    resolve(base, href).map(String::from)
}

pub fn read_fields(page: &Page<'_>, scope: &ArticleScope<'_>, trace: &mut Trace) -> ArticleFields {
    let mut f = ArticleFields::default();
    let profile = page.profile;
    let c = scope.container;
    let ld = if scope.primary {
        page.meta.json_ld.as_ref()
    } else {
        None
    };
    let meta = scope.primary.then_some(page.meta);
    let related_block = profile
        .and_then(|p| p.related.block.first_element(c))
        .map(|(el, _)| el);

    // headline: the profile's, else a heading that agrees with the page's titles, else
    // the titles themselves (JSON-LD, og:title, <title> without the site's name)
    let generic = std::cell::OnceCell::new();
    let generic = || generic.get_or_init(|| GenericPage::new(c));
    let mut headline_ix = None;
    let from_profile = profile.and_then(|p| p.headline.first_value(c));
    f.headline = if let Some((v, s)) = from_profile {
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
        if let Some(h) = generic().headline(&texts, site.as_deref()) {
            trace.found("headline", "heuristic", h.rule);
            headline_ix = Some(h.ix);
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
    };

    // subtitle
    f.subtitle = if let Some((v, s)) = profile.and_then(|p| p.subtitle.first_value(c)) {
        trace.found("subtitle", "selector", s.as_str());
        Some(v)
    } else if let Some(v) = ld.and_then(|l| l.alternative_headline.clone()) {
        trace.found("subtitle", "json-ld", "alternativeHeadline");
        Some(v)
    } else {
        None
    };

    // body
    if let Some(p) = profile {
        // `drop` is tested only where it matters (the picked elements, their ancestors
        // and their insides) rather than over the whole container
        let dropped = |el: ElementRef<'_>| {
            scope.excluded.contains(&el.id()) || p.drop.iter().any(|s| s.matches(el))
        };
        if let Some((elements, sel)) = p.body.elements(c) {
            let picked: HashSet<NodeId> = elements.iter().map(|e| e.id()).collect();
            // whether an ancestor (below the container) is picked or dropped, remembered
            // per node: each ancestor is looked at once however many elements share it
            let mut covered: HashMap<NodeId, bool> = HashMap::new();
            for el in elements {
                // skip an element that is dropped, inside a dropped one, or inside another
                // picked one (read with it)
                let mut skip = dropped(el);
                if !skip {
                    let mut chain = Vec::new();
                    let mut up = el.parent();
                    while let Some(node) = up.filter(|n| n.id() != c.id()) {
                        if let Some(&known) = covered.get(&node.id()) {
                            skip = known;
                            break;
                        }
                        chain.push(node.id());
                        if ElementRef::wrap(node)
                            .is_some_and(|anc| picked.contains(&anc.id()) || dropped(anc))
                        {
                            skip = true;
                            break;
                        }
                        up = node.parent();
                    }
                    for id in chain {
                        covered.insert(id, skip);
                    }
                }
                if !skip {
                    paragraphs_of(el, &dropped, &mut f.body);
                }
            }
            if !f.body.is_empty() {
                trace.found("body", "selector", sel.as_str());
            }
        }
    }
    // JSON-LD articleBody, then the generic block; the generic block wins when the
    // articleBody is only a teaser of it (sites often cut it to a first paragraph)
    if f.body.is_empty() {
        let from_ld: Vec<String> = ld
            .and_then(|l| l.article_body.as_deref())
            .map(|text| text.lines().filter_map(normalize_opt).collect())
            .unwrap_or_default();
        let found = generic().body(f.headline.as_deref());
        let ld_words = word_count(&from_ld);
        if !from_ld.is_empty()
            && ld_words as f32 >= LD_BODY_SHARE * word_count(&found.paragraphs) as f32
        {
            f.body = from_ld;
            trace.found("body", "json-ld", "articleBody");
        } else if !found.paragraphs.is_empty() {
            f.body = found.paragraphs;
            trace.found(
                "body",
                "heuristic",
                found
                    .chosen
                    .as_ref()
                    .map_or(String::new(), |b| b.path.clone()),
            );
            trace.blocks = Some((found.chosen, found.runner_up));
        }
    }
    if f.body.is_empty() {
        trace.missing(
            "body",
            profile.map_or("json-ld articleBody".into(), |p| tried(&p.body)),
        );
    }

    // captions
    if let Some(p) = profile {
        if let Some((items, sel)) = p.captions.item.elements(c) {
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
            f.captions = list.into_vec();
            if !f.captions.is_empty() {
                trace.found("captions", "selector", sel.as_str());
            }
        }
    }

    if f.captions.is_empty() {
        f.captions = generic().captions(headline_ix, page.base).into_vec();
        if !f.captions.is_empty() {
            trace.found("captions", "heuristic", "figcaption in the article");
        }
    }

    // dateline, and a person's byline as author
    let mut byline_author = None;
    if let Some((raw, sel)) = profile.and_then(|p| p.byline.first_value(c)) {
        if let Some(parsed) = parse_line(&raw) {
            if parsed.source_is_person {
                byline_author = parsed.dateline.source.clone();
            }
            f.dateline = Some(parsed.dateline);
            trace.found("dateline", "byline", sel.as_str());
        }
    }
    if f.dateline.is_none() {
        if let Some(d) = f.body.first().and_then(|p| parse_opening(p)) {
            f.dateline = Some(d);
            trace.found(
                "dateline",
                "first-paragraph",
                "opening of the first paragraph",
            );
        }
    }

    // dates
    // a <time> in a sidebar or a comment is another item's date: on a page without a
    // profile, furniture is left out
    let exclude_time = |el: &ElementRef<'_>| {
        related_block.is_some_and(|b| el.ancestors().any(|a| a.id() == b.id()))
    };
    // with a profile, the container's first <time datetime> comes next; without one, the
    // generic step below looks at <time> elements by where they stand (a sidebar's or a
    // comment's is another item's date)
    f.published_at = read_date(
        page,
        scope,
        profile.map(|p| &p.published),
        ld.and_then(|l| l.date_published.as_deref()),
        meta.and_then(|m| m.published_time.as_ref()),
        &exclude_time,
        profile.is_some(),
        "published_at",
        trace,
    );
    if f.published_at.is_none() {
        if let Some(dt) = meta
            .and_then(|m| m.ld_page_published.as_deref())
            .and_then(|v| parse_machine(v, page.offset))
        {
            trace.found("published_at", "json-ld", "WebPage datePublished");
            f.published_at = Some(format_rfc3339(&dt));
        } else if let Some(found) = generic().date_near_headline(headline_ix, page.offset) {
            trace.found("published_at", found.source, found.rule);
            f.published_at = Some(format_rfc3339(&found.date));
        } else if let Some(dt) = date_in_url(&scope.url, page.offset) {
            trace.found("published_at", "url", "the date in the article's address");
            f.published_at = Some(format_rfc3339(&dt));
        } else {
            trace.missing(
                "published_at",
                profile.map_or(String::new(), |p| format!("{}, ", tried(&p.published)))
                    + "json-ld, meta, time[datetime], a date near the headline, the address",
            );
        }
    }
    f.modified_at = read_date(
        page,
        scope,
        profile.map(|p| &p.modified),
        ld.and_then(|l| l.date_modified.as_deref()),
        meta.and_then(|m| m.modified_time.as_ref()),
        &exclude_time,
        false,
        "modified_at",
        trace,
    );

    // authors
    if let Some((values, sel)) = profile.and_then(|p| p.authors.all_values(c)) {
        push_unique(&mut f.authors, values);
        trace.found("authors", "selector", sel.as_str());
    } else if let Some(name) = byline_author {
        f.authors.push(name);
        trace.found("authors", "byline", "the byline's name");
    } else if let Some(l) = ld.filter(|l| l.authors.iter().any(|a| a.is_person)) {
        push_unique(
            &mut f.authors,
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
        f.authors.push(a.to_string());
        trace.found("authors", "meta", "author");
    } else {
        let names = generic().authors(headline_ix);
        if !names.is_empty() {
            f.authors = names;
            trace.found("authors", "heuristic", "the byline near the headline");
        }
    }

    // section
    f.section = if let Some((v, s)) = profile.and_then(|p| p.section.first_value(c)) {
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
    };

    // tags
    if let Some((values, sel)) = profile.and_then(|p| p.tags.all_values(c)) {
        push_unique(&mut f.tags, values.iter().flat_map(|v| split_keywords(v)));
        trace.found("tags", "selector", sel.as_str());
    } else if let Some(l) = ld.filter(|l| !l.keywords.is_empty()) {
        push_unique(&mut f.tags, l.keywords.iter().cloned());
        trace.found("tags", "json-ld", "keywords");
    } else if let Some(m) = meta.filter(|m| !m.tags.is_empty()) {
        push_unique(&mut f.tags, m.tags.iter().cloned());
        trace.found("tags", "meta", "article:tag");
    } else if let Some(m) = meta.filter(|m| !m.keywords.is_empty()) {
        push_unique(&mut f.tags, m.keywords.iter().cloned());
        trace.found("tags", "meta", "keywords");
    }

    // lead image
    let image_from_profile = profile.and_then(|p| {
        p.image.iter().find_map(|s| {
            s.first_value(c)
                .and_then(|v| resolve_str(page.base, &v))
                .map(|v| (v, s))
        })
    });
    f.image_url = if let Some((v, s)) = image_from_profile {
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
    };

    // related
    if let Some(p) = profile {
        if let Some(block) = related_block {
            f.related = read_related(page, scope, p, block, trace);
        }
    }
    if f.related.is_empty() {
        f.related = generic().related(headline_ix, page.base, &scope.url);
        if !f.related.is_empty() {
            trace.found("related", "heuristic", "a list headed or marked as related");
        }
    }
    f
}

/// `<title>` without the site's name: «خبر | الشرق الأوسط» → «خبر».
pub fn title_without_site(title: &str, site: Option<&str>) -> String {
    const SEPARATORS: [&str; 5] = [" | ", " - ", " – ", " — ", " :: "];
    for sep in SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            if site.is_none_or(|s| tail.trim() == s) && !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
        if let (Some(site), Some((head, tail))) = (site, title.split_once(sep)) {
            if head.trim() == site && !tail.trim().is_empty() {
                return tail.trim().to_string();
            }
        }
    }
    title.to_string()
}

fn push_unique(out: &mut Vec<String>, values: impl IntoIterator<Item = String>) {
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
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
    }
}

//! Related-article lists on a page nobody wrote selectors for: blocks marked `related`,
//! `read-also`, … or headed «Related», «Read also», «اقرأ أيضاً», «ذات صلة».

use std::collections::HashSet;

use url::Url;

use super::GenericPage;
use super::tree::{Flat, Ix};
use crate::address::{resolve, same_article_key};
use crate::dom::text_of;
use crate::record::Related;

impl GenericPage<'_> {
    /// Links of blocks that look like related-article lists («Related», «Read also»,
    /// «اقرأ أيضاً» by markup or by their heading), after the headline. The article's own
    /// address is left out; each address once.
    pub(crate) fn related(&self, after: Option<Ix>, base: Option<&Url>, own: &Url) -> Vec<Related> {
        let flat = self.flat();
        let mut seen: HashSet<String> = HashSet::new();
        seen.insert(same_article_key(own));
        let mut out = Vec::new();
        let mut ix = after.unwrap_or(0);
        while ix < flat.items.len() {
            let it = &flat.items[ix];
            if !is_related_block(flat, ix) {
                ix += 1;
                continue;
            }
            let before = out.len();
            for a in ix..it.end {
                let link = &flat.items[a];
                if link.name() != "a" {
                    continue;
                }
                let Some(href) = link.el.value().attr("href") else {
                    continue;
                };
                let Some(title) = text_of(link.el).filter(|t| t.split_whitespace().count() >= 3)
                else {
                    continue;
                };
                let Some(url) = resolve(base, href) else {
                    continue;
                };
                if !matches!(url.scheme(), "http" | "https") || !seen.insert(same_article_key(&url))
                {
                    continue;
                }
                out.push(Related {
                    url: url.into(),
                    title,
                    section: None,
                    summary: None,
                    dateline: None,
                    caption: None,
                });
            }
            // one link is an aside in the text («Read also: …»), not a list
            if out.len() - before < 2 {
                for r in out.drain(before..) {
                    seen.remove(&same_article_key(
                        &Url::parse(&r.url).expect("resolved URL"),
                    ));
                }
            }
            ix = it.end;
        }
        out
    }
}

/// Whether an element is a related-articles block: by class or id, or by the words of a
/// short heading first thing in it.
fn is_related_block(flat: &Flat<'_>, ix: Ix) -> bool {
    const MARKUP: [&str; 9] = [
        "related",
        "read-also",
        "readalso",
        "more-stories",
        "more-news",
        "recommended",
        "you-may-like",
        "also-like",
        "iqra",
    ];
    const LABELS: [&str; 12] = [
        "related",
        "read also",
        "read more",
        "also like",
        "might like",
        "more from",
        "more stories",
        "اقرا ايضا",
        "ذات صلة",
        "ذات الصلة",
        "مواضيع مشابهة",
        "اخبار مشابهة",
    ];
    let it = &flat.items[ix];
    let v = it.el.value();
    if !matches!(
        v.name(),
        "div" | "section" | "aside" | "ul" | "ol" | "nav" | "footer"
    ) || it.links < 2
    {
        return false;
    }
    let marked = v
        .attr("class")
        .into_iter()
        .flat_map(str::split_ascii_whitespace)
        .chain(v.attr("id"))
        .any(|t| {
            let t = t.to_ascii_lowercase();
            !t.starts_with("tag-") && !t.starts_with("has-") && MARKUP.iter().any(|m| t.contains(m))
        });
    if marked {
        return true;
    }
    // the first two child elements, if short: «Related stories», «اقرأ أيضاً»
    let mut child = ix + 1;
    for _ in 0..2 {
        if child >= it.end {
            break;
        }
        let c = &flat.items[child];
        if c.letters > 0
            && c.letters <= 40
            && c.links == 0
            && let Some(h) = text_of(c.el)
        {
            let f = crate::text::fold_for_matching(&h);
            if LABELS.iter().any(|w| f.contains(w)) {
                return true;
            }
        }
        child = c.end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn page(html: &str) -> Html {
        Html::parse_document(html)
    }

    #[test]
    fn related_blocks_by_markup_or_heading() {
        let doc = page(
            "<h1>Story</h1><p>Body text that is long enough, with commas, to count.</p>\
             <div><h3>اقرأ أيضاً</h3><a href='/a'>خبر أول عن شيء ما</a><a href='/b'>خبر ثان عن شيء آخر</a></div>\
             <div class=related-posts><a href='/c'>Third story about things</a><a href='/a'>dupe of first one</a>\
             <a href='/d'>Fourth story about things</a></div>\
             <div class=related><a href='/e'>A lone link is an aside</a></div>",
        );
        let g = GenericPage::new(doc.root_element(), None);
        let base = Url::parse("https://x.example/story").unwrap();
        let r = g.related(None, Some(&base), &base);
        let urls: Vec<&str> = r.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://x.example/a",
                "https://x.example/b",
                "https://x.example/c",
                "https://x.example/d"
            ]
        );
    }
}

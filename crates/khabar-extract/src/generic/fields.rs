//! The fields other than the body, found by position and shape on a page nobody wrote
//! selectors for: the headline (a heading that agrees with the page's titles), the
//! byline's names and the figure captions around the body. Dates are in [`super::dates`],
//! related-article lists in [`super::related`].

use std::collections::HashSet;

use scraper::ElementRef;
use url::Url;

use super::tree::{Ix, NO_PARENT};
use super::{AFTER_BODY, BEFORE_HEADLINE, GenericPage};
use crate::address::resolve;
use crate::caption::CaptionList;
use crate::dateline::is_outlet;
use crate::dom::{text_of, text_without};
use crate::entities::decode_entities;

/// A lead set apart from the body holds at most this many parts, each this many letters
/// or more.
const MAX_LEAD_PARTS: usize = 2;
const MIN_LEAD_LETTERS: u32 = 80;

/// Headings longer than this are not headlines.
const MAX_HEADLINE_CHARS: usize = 300;

/// Lower-cased word tokens, for comparing titles (and a lead with the body's opening).
pub(crate) fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of `a`'s words found in `b`.
pub(crate) fn covered(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    let set: HashSet<&String> = b.iter().collect();
    a.iter().filter(|w| set.contains(w)).count() as f32 / a.len() as f32
}

/// A heading's link to a place on a page that shows a mark, not words: the `¶`, `#`, `§`
/// or icon that documentation generators and blogs put beside a heading (`<a
/// class="headerlink" href="#section">¶</a>`, `href="https://site/page#section"`). Not part
/// of the heading's text.
fn is_permalink_mark(el: ElementRef<'_>) -> bool {
    el.value().name() == "a"
        && el.value().attr("href").is_some_and(|h| h.contains('#'))
        && !el.text().any(|t| t.chars().any(char::is_alphanumeric))
}

/// The headline a page shows, and which heading it was.
pub(crate) struct HeadlineChoice {
    /// The headline's text.
    pub text: String,
    /// Why this heading: `h1 matching the page's titles`, `h1`, `h2 matching …`.
    pub rule: String,
    /// The heading element.
    pub ix: Ix,
}

impl<'a> GenericPage<'a> {
    fn heading_texts(&self, name: &str, limit: usize) -> Vec<(Ix, String)> {
        self.flat()
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.name() == name && !it.in_furniture && it.letters > 0)
            .take(limit)
            .filter_map(|(ix, it)| {
                let t = text_without(it.el, &is_permalink_mark)?;
                (t.chars().count() <= MAX_HEADLINE_CHARS).then_some((ix, t))
            })
            .collect()
    }

    /// The page's headline heading: an `<h1>` that agrees with the page's titles (JSON-LD
    /// headline, og:title, `<title>`), else an `<h2>` that nearly repeats one of them (a
    /// blog whose `<h1>` is its name), else the first `<h1>` that is not the site's name.
    /// `None` when no heading qualifies; the caller falls back to the titles themselves.
    pub(crate) fn headline(
        &self,
        titles: &[&str],
        site_name: Option<&str>,
    ) -> Option<HeadlineChoice> {
        let title_tokens: Vec<Vec<String>> = titles.iter().map(|t| tokens(t)).collect();
        let agreement = |text: &str| -> f32 {
            let h = tokens(text);
            title_tokens
                .iter()
                .map(|t| covered(&h, t).min(if h.len() <= 2 { covered(t, &h) } else { 1.0 }))
                .fold(0.0, f32::max)
        };
        let h1s = self.heading_texts("h1", 8);
        let best_h1 = h1s
            .iter()
            .map(|(ix, t)| (agreement(t), *ix, t))
            .filter(|(a, _, _)| *a >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((_, ix, text)) = best_h1 {
            return Some(HeadlineChoice {
                text: text.clone(),
                rule: "h1 matching the page's titles".into(),
                ix,
            });
        }
        let site = site_name.map(tokens);
        let is_site_name = |t: &str| {
            let tt = tokens(t);
            tt.is_empty() || site.as_ref().is_some_and(|s| covered(&tt, s) >= 0.8)
        };
        let h2 = self.heading_texts("h2", 12).into_iter().find(|(_, t)| {
            let h = tokens(t);
            h.len() >= 2
                && title_tokens
                    .iter()
                    .any(|tt| covered(&h, tt) >= 0.8 && covered(tt, &h) >= 0.6)
        });
        if let Some((ix, text)) = h2 {
            return Some(HeadlineChoice {
                text,
                rule: "h2 matching the page's titles".into(),
                ix,
            });
        }
        h1s.into_iter()
            .find(|(_, t)| !is_site_name(t) && tokens(t).len() >= 3)
            .map(|(ix, text)| HeadlineChoice {
                text,
                rule: "h1".into(),
                ix,
            })
    }

    /// The article's own container: the body block's nearest ancestor that also holds
    /// the headline heading (the block itself when there is no heading).
    pub(super) fn article_scope(&self, headline_ix: Option<Ix>) -> Option<Ix> {
        let choice = self.choice.as_ref()?;
        let flat = self.flat();
        let mut scope = choice.best.ix;
        if let Some(h) = headline_ix {
            while !flat.contains(scope, h) {
                let up = flat.items[scope].parent;
                if up == NO_PARENT {
                    break;
                }
                scope = up;
            }
        }
        Some(scope)
    }

    /// Figure captions of the article (`<figcaption>`, or an element whose class says
    /// caption): inside the body block's nearest ancestor that
    /// also holds the headline (the article's own container), outside furniture.
    pub(crate) fn captions(&self, headline_ix: Option<Ix>, base: Option<&Url>) -> CaptionList {
        let mut list = CaptionList::default();
        let Some(scope) = self.article_scope(headline_ix) else {
            return list;
        };
        let flat = self.flat();
        let mut ix = scope;
        while ix < flat.items[scope].end {
            let it = &flat.items[ix];
            if it.in_furniture && it.hint.is_furniture() {
                ix = it.end;
                continue;
            }
            // a <figcaption>, or a caption by class (`wp-caption-text`, `image-caption`)
            // beside its picture; the whole caption is read, so its inside is skipped
            let by_class = it.name() != "figcaption"
                && it.letters > 0
                && it.letters <= 400
                && it
                    .el
                    .value()
                    .classes()
                    .any(|c| c.to_ascii_lowercase().contains("caption"));
            if it.name() == "figcaption" || by_class {
                read_figcaption(it.el, base, &mut list);
                ix = it.end;
            } else {
                ix += 1;
            }
        }
        list
    }

    /// One past the last element searched for the article's byline or date: a little past
    /// the end of the body block («Posted on … by …» at the foot of the article).
    pub(super) fn byline_search_end(&self) -> Ix {
        let items = &self.flat().items;
        self.choice
            .as_ref()
            .map_or(items.len(), |c| items[c.best.ix].end + AFTER_BODY)
            .min(items.len())
    }

    /// The article's lead when the page sets it apart from the body block, between the
    /// headline and the block (`p.intro` above `div.longText`): up to [`MAX_LEAD_PARTS`]
    /// paragraph-like elements of sentences (80 letters or more, few links, ending like a
    /// sentence), outside furniture and comments, in page order.
    pub(crate) fn lead(&self, headline_ix: Option<Ix>) -> Vec<String> {
        let (Some(h), Some(choice)) = (headline_ix, self.choice.as_ref()) else {
            return Vec::new();
        };
        let flat = self.flat();
        let body = choice.roots.first().copied().unwrap_or(choice.best.ix);
        if h >= body || flat.contains(h, body) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut ix = flat.items[h].end;
        while ix < body && out.len() < MAX_LEAD_PARTS {
            let it = &flat.items[ix];
            if flat.contains(ix, body) {
                ix += 1;
                continue;
            }
            if !it.in_furniture
                && !it.in_comments
                && it.letters >= MIN_LEAD_LETTERS
                && it.link_density() <= 0.2
                && flat.is_paragraph_like(ix)
                && let Some(text) = text_of(it.el)
                && text
                    .trim_end()
                    .ends_with(['.', '!', '?', '…', '"', '»', '“'])
            {
                out.push(text);
                ix = it.end;
                continue;
            }
            ix += 1;
        }
        out
    }

    /// Whether an element may carry the article's own byline or date: outside furniture
    /// or inside the article's own container (`scope`, from [`Self::article_scope`]), and
    /// never in a comment section. A sidebar's or a comment's date is another item's.
    pub(super) fn belongs_to_article(&self, scope: Option<Ix>, ix: Ix) -> bool {
        let flat = self.flat();
        let it = &flat.items[ix];
        (!it.in_furniture || scope.is_some_and(|s| flat.contains(s, ix))) && !it.in_comments
    }

    /// Names in the byline near the headline: `rel=author` links, `itemprop=author`, or
    /// an element whose class says author or byline, «By A and B» split into people.
    pub(crate) fn authors(&self, after: Option<Ix>) -> Vec<String> {
        let flat = self.flat();
        let items = &flat.items;
        // from a little above the headline to a little past the body (bylines stand
        // above the title, under it, or at the foot of the article)
        let start = after.map_or(0, |h| h.saturating_sub(BEFORE_HEADLINE));
        let scope = self.article_scope(after);
        let end = self.byline_search_end().max(start);
        for (ix, it) in items.iter().enumerate().take(end).skip(start) {
            if !self.belongs_to_article(scope, ix) || it.letters == 0 || it.letters > 80 {
                continue;
            }
            let v = it.el.value();
            let marked = v
                .attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|t| t == "author"))
                || v.attr("itemprop")
                    .is_some_and(|p| p.split_whitespace().any(|t| t == "author"))
                || v.classes().any(|c| {
                    let c = c.to_ascii_lowercase();
                    (c.contains("author") || c.contains("byline")) && !c.contains("bio")
                });
            if !marked {
                continue;
            }
            let names = names_in(&text_of(it.el).unwrap_or_default());
            if !names.is_empty() {
                return names;
            }
        }
        Vec::new()
    }
}

fn read_figcaption(el: ElementRef<'_>, base: Option<&Url>, list: &mut CaptionList) {
    // a credit given its own element; links (licensing, "enlarge") left out
    let mut credit = None;
    let mut text = String::new();
    for child in el.children() {
        if let Some(c) = ElementRef::wrap(child) {
            let classes = c.value().attr("class").unwrap_or("").to_ascii_lowercase();
            if classes.contains("credit")
                || classes.contains("copyright")
                || classes.contains("source")
            {
                credit = text_of(c).map(|t| {
                    t.trim_start_matches('(')
                        .trim_end_matches(')')
                        .trim()
                        .to_string()
                });
                continue;
            }
            if c.value().name() == "a" {
                continue;
            }
            if let Some(t) = text_of(c) {
                text.push(' ');
                text.push_str(&t);
            }
        } else if let Some(t) = child.value().as_text() {
            text.push_str(t);
        }
    }
    // the picture: in the caption's <figure>, else beside the caption (its parent's)
    let figure = el
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(3)
        .find(|a| a.value().name() == "figure")
        .or_else(|| el.parent().and_then(ElementRef::wrap));
    let image = figure
        .and_then(|f| {
            f.descendants()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "img")
        })
        .and_then(|img| {
            img.value()
                .attr("src")
                .or_else(|| img.value().attr("data-src"))
        })
        .and_then(|src| resolve(base, src))
        .map(String::from);
    list.push_parts(&text, credit.as_deref(), image);
}

/// People's names in a byline: «By Marguerite Okafor and Dev Patel | Staff writers».
fn names_in(byline: &str) -> Vec<String> {
    let line = byline.split(['|', '•', '·']).next().unwrap_or("");
    let line = line.trim();
    let line = ["By ", "by ", "BY ", "بقلم ", "كتب ", "كتبت "]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or(line);
    line.split(" and ")
        .flat_map(|p| p.split(", "))
        .flat_map(|p| p.split(" و"))
        .map(str::trim)
        .filter(|n| {
            let words = n.split_whitespace().count();
            (1..=4).contains(&words)
                && !n
                    .chars()
                    .any(|c| c.is_ascii_digit() || matches!(c, ':' | '«' | '»' | '"' | '@'))
                && n.chars().next().is_some_and(char::is_alphabetic)
                && !is_outlet(n)
        })
        .map(str::to_string)
        .collect()
}

/// A metadata title as a reader would see it: entities decoded.
pub(crate) fn clean_title(t: &str) -> String {
    crate::text::normalize(&decode_entities(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn page(html: &str) -> Html {
        Html::parse_document(html)
    }

    #[test]
    fn names_in_bylines() {
        assert_eq!(
            names_in("By Marguerite Okafor and Dev Patel | Staff writers"),
            vec!["Marguerite Okafor", "Dev Patel"]
        );
        assert_eq!(names_in("Published 3 March 2025"), Vec::<String>::new());
    }

    #[test]
    fn the_headline_agrees_with_the_titles_and_skips_the_site_name() {
        let doc = page(
            "<header><h1>The Slow Loaf</h1></header><main><h2>Why My Sourdough Stopped Rising</h2>\
             <p>Long enough paragraph of text, with commas, to be a body.</p></main>",
        );
        let g = GenericPage::new(doc.root_element(), None);
        let h = g
            .headline(&["Why My Sourdough Stopped Rising"], Some("The Slow Loaf"))
            .unwrap();
        assert_eq!(h.text, "Why My Sourdough Stopped Rising");
        let doc =
            page("<h1>Top 10: Best Apps (tested)</h1><p>Some body text here, long enough.</p>");
        let g = GenericPage::new(doc.root_element(), None);
        assert_eq!(
            g.headline(&["Something else entirely"], None).unwrap().text,
            "Top 10: Best Apps (tested)"
        );
    }

    #[test]
    fn a_headings_permalink_mark_is_not_part_of_the_headline() {
        let doc = page(
            "<h1><a class='toc-backref' href='#id4'>Evolve: Shared History</a>\
             <a class='headerlink' href='#evolve'>¶</a></h1><p>Body text here, long enough.</p>",
        );
        let g = GenericPage::new(doc.root_element(), None);
        assert_eq!(
            g.headline(&["Evolve: Shared History — evolve"], None)
                .unwrap()
                .text,
            "Evolve: Shared History"
        );
        // a mark linking to the heading by its full address goes too
        let doc = page(
            "<h2>Installing it <a href='https://docs.example/guide#installing-it'>🔗</a></h2>\
             <p>Body text here, long enough.</p>",
        );
        let g = GenericPage::new(doc.root_element(), None);
        assert_eq!(
            g.headline(&["Installing it"], None).unwrap().text,
            "Installing it"
        );
        // a link to elsewhere in the page that has words stays
        let doc = page("<h1>Part two <a href='#p1'>of three</a></h1><p>Body text.</p>");
        let g = GenericPage::new(doc.root_element(), None);
        assert_eq!(
            g.headline(&["Part two of three"], None).unwrap().text,
            "Part two of three"
        );
    }

    #[test]
    fn captions_by_figcaption_or_by_class_with_their_pictures() {
        let doc = page(
            "<article><h1>A headline for the story</h1><div class=body>\
             <p>First paragraph of the story, long enough to count, with commas.</p>\
             <div class='wp-caption'><img src='/a.jpg'><p class='wp-caption-text'>A harbour at dawn (Photo: R. Ali)</p></div>\
             <p>Second paragraph of the story, long enough to count, with commas.</p>\
             <figure><img src='/b.jpg'><figcaption>Boats <span class=credit>J. Doe</span></figcaption></figure>\
             </div></article><aside><figure><img src='/c.jpg'><figcaption>Sidebar promo</figcaption></figure></aside>",
        );
        let g = GenericPage::new(doc.root_element(), None);
        let h = g.headline(&["A headline for the story"], None).unwrap();
        let base = Url::parse("https://x.example/s").unwrap();
        let caps = g.captions(Some(h.ix), Some(&base)).into_vec();
        let got: Vec<(&str, Option<&str>, Option<&str>)> = caps
            .iter()
            .map(|c| (c.text.as_str(), c.credit.as_deref(), c.image_url.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "A harbour at dawn",
                    Some("Photo: R. Ali"),
                    Some("https://x.example/a.jpg")
                ),
                ("Boats", Some("J. Doe"), Some("https://x.example/b.jpg")),
            ]
        );
    }
}

//! The fields other than the body, found by position and shape on a page nobody wrote
//! selectors for: the headline (a heading that agrees with the page's titles), the
//! published date printed near it, the date in the address, the byline's names, figure
//! captions around the body, and related-article lists.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use regex::Regex;
use scraper::ElementRef;
use url::Url;

use super::GenericPage;
use super::hints::Hint;
use super::tree::{Flat, Ix, NO_PARENT};
use crate::caption::CaptionList;
use crate::dateline::is_outlet;
use crate::dates::{parse_machine, parse_visible};
use crate::dom::text_of;
use crate::entities::decode_entities;
use crate::record::Related;
use crate::urls::{resolve, same_article_key};

/// Headings longer than this are not headlines.
const MAX_HEADLINE_CHARS: usize = 300;
/// Elements read for a visible date hold at most this many letters.
const MAX_DATE_LETTERS: u32 = 120;

/// Lower-cased word tokens, for comparing titles.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of `a`'s words found in `b`.
fn covered(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    let set: HashSet<&String> = b.iter().collect();
    a.iter().filter(|w| set.contains(w)).count() as f32 / a.len() as f32
}

/// A date found on the page, with where it came from for the trace.
pub struct FoundDate {
    pub date: DateTime<FixedOffset>,
    pub source: &'static str,
    pub rule: String,
}

/// A `<time>` element's date: its `datetime` attribute read as a timestamp, or as text
/// when a site writes prose there («on Friday December 19, 2025 @08:00PM»), else its text.
fn time_element_date(
    el: ElementRef<'_>,
    offset: FixedOffset,
) -> Option<(DateTime<FixedOffset>, String)> {
    if let Some(v) = el.value().attr("datetime") {
        if let Some(d) = parse_machine(v, offset) {
            return Some((d, "time[datetime]".into()));
        }
        if let Some(d) = parse_visible(v, offset) {
            return Some((d, format!("time[datetime] read «{v}»")));
        }
    }
    let text = text_of(el)?;
    parse_visible(&text, offset).map(|d| (d, format!("<time> text «{text}»")))
}

/// The headline a page shows, and which heading it was.
pub struct HeadlineChoice {
    pub text: String,
    /// Why this heading: `h1 matching the page's titles`, `h1`, `h2 matching …`.
    pub rule: String,
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
                let t = text_of(it.el)?;
                (t.chars().count() <= MAX_HEADLINE_CHARS).then_some((ix, t))
            })
            .collect()
    }

    /// The page's headline heading: an `<h1>` that agrees with the page's titles (JSON-LD
    /// headline, og:title, `<title>`), else an `<h2>` that nearly repeats one of them (a
    /// blog whose `<h1>` is its name), else the first `<h1>` that is not the site's name.
    /// `None` when no heading qualifies; the caller falls back to the titles themselves.
    pub fn headline(&self, titles: &[&str], site_name: Option<&str>) -> Option<HeadlineChoice> {
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
    fn article_scope(&self, headline_ix: Option<Ix>) -> Option<Ix> {
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

    /// Whether an element is inside a comment section.
    fn in_comments(&self, mut ix: Ix) -> bool {
        let items = &self.flat().items;
        while ix != NO_PARENT {
            if items[ix].hint == Hint::Comments {
                return true;
            }
            ix = items[ix].parent;
        }
        false
    }

    /// The published date shown with the article: the first `<time>` element, then the
    /// first printed date («Posted on 14 February 2025», «الأحد ٢ مارس ٢٠٢٥»), from a
    /// little above the headline to the end of the body block. Elements in furniture count
    /// only inside the article's own container (a byline box marked `meta`), never in
    /// comments: a sidebar's or a comment's date is another item's. Last, any
    /// `<time datetime>` outside furniture.
    pub fn date_near_headline(
        &self,
        headline_ix: Option<Ix>,
        offset: FixedOffset,
    ) -> Option<FoundDate> {
        let flat = self.flat();
        let items = &flat.items;
        let body_end = self
            .choice
            .as_ref()
            .map_or(items.len(), |c| items[c.best.ix].end)
            .min(items.len());
        // from a little before the headline: «Last updated: Dec 12, 2025» above it
        let start = match headline_ix {
            Some(h) => h.saturating_sub(40),
            None => self
                .choice
                .as_ref()
                .map_or(0, |c| c.best.ix.saturating_sub(200)),
        };
        let scope = self.article_scope(headline_ix);
        let allowed = |ix: Ix| {
            (!items[ix].in_furniture || scope.is_some_and(|s| flat.contains(s, ix)))
                && !self.in_comments(ix)
        };
        let body = self.choice.as_ref().map(|c| c.best.ix);
        let range = start..body_end.max(start);
        for ix in range.clone() {
            if items[ix].name() == "time" && allowed(ix) {
                if let Some((date, rule)) = time_element_date(items[ix].el, offset) {
                    return Some(FoundDate {
                        date,
                        source: "time",
                        rule,
                    });
                }
            }
        }
        for ix in range {
            let it = &items[ix];
            if it.letters < 6
                || it.letters > MAX_DATE_LETTERS
                || it.own_letters == 0
                || body.is_some_and(|b| ix > b && flat.is_paragraph_like(ix) && it.letters > 60)
                || !allowed(ix)
            {
                continue;
            }
            let Some(text) = text_of(it.el) else {
                continue;
            };
            if !text
                .chars()
                .any(|c| c.is_ascii_digit() || ('٠'..='٩').contains(&c))
            {
                continue;
            }
            if let Some(date) = parse_visible(&text, offset) {
                return Some(FoundDate {
                    date,
                    source: "heuristic",
                    rule: format!("date near the headline «{text}»"),
                });
            }
        }
        items
            .iter()
            .filter(|it| it.name() == "time" && !it.in_furniture)
            .find_map(|it| time_element_date(it.el, offset))
            .map(|(date, rule)| FoundDate {
                date,
                source: "time",
                rule,
            })
    }

    /// Figure captions of the article: inside the body block's nearest ancestor that
    /// also holds the headline (the article's own container), outside furniture.
    pub fn captions(&self, headline_ix: Option<Ix>, base: Option<&Url>) -> CaptionList {
        let mut list = CaptionList::default();
        let Some(scope) = self.article_scope(headline_ix) else {
            return list;
        };
        let flat = self.flat();
        for ix in scope..flat.items[scope].end {
            let it = &flat.items[ix];
            if it.name() != "figcaption" || it.in_furniture {
                continue;
            }
            read_figcaption(it.el, base, &mut list);
        }
        list
    }

    /// Links of blocks that look like related-article lists («Related», «Read also»,
    /// «اقرأ أيضاً» by markup or by their heading), after the headline. The article's own
    /// address is left out; each address once.
    pub fn related(&self, after: Option<Ix>, base: Option<&Url>, own: &Url) -> Vec<Related> {
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

    /// Names in the byline near the headline: `rel=author` links, `itemprop=author`, or
    /// an element whose class says author or byline, «By A and B» split into people.
    pub fn authors(&self, after: Option<Ix>) -> Vec<String> {
        let flat = self.flat();
        let items = &flat.items;
        let start = after.unwrap_or(0);
        let end = self
            .choice
            .as_ref()
            .map_or(items.len(), |c| c.best.ix.max(start))
            .min(items.len());
        for ix in start..end {
            let it = &items[ix];
            if it.in_furniture || it.letters == 0 || it.letters > 80 {
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
        if c.letters > 0 && c.letters <= 40 && c.links == 0 {
            if let Some(h) = text_of(c.el) {
                let f = crate::text::fold_for_matching(&h);
                if LABELS.iter().any(|w| f.contains(w)) {
                    return true;
                }
            }
        }
        child = c.end;
    }
    false
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
    let figure = el
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "figure");
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

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
        .expect("url date")
});

/// A date in an article's address, `/2025/09/04/slug`: the last resort.
pub fn date_in_url(url: &Url, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let c = URL_DATE.captures(url.path())?;
    let date = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    offset
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
}

/// A metadata title as a reader would see it: entities decoded.
pub fn clean_title(t: &str) -> String {
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
    fn dates_in_addresses() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let u = Url::parse("https://x.example/2025/09/04/slug/").unwrap();
        assert_eq!(
            date_in_url(&u, utc).unwrap().to_rfc3339(),
            "2025-09-04T00:00:00+00:00"
        );
        let u = Url::parse("https://x.example/p/20250904-x").unwrap();
        assert!(date_in_url(&u, utc).is_none());
    }

    #[test]
    fn the_headline_agrees_with_the_titles_and_skips_the_site_name() {
        let doc = page(
            "<header><h1>The Slow Loaf</h1></header><main><h2>Why My Sourdough Stopped Rising</h2>\
             <p>Long enough paragraph of text, with commas, to be a body.</p></main>",
        );
        let g = GenericPage::new(doc.root_element());
        let h = g
            .headline(&["Why My Sourdough Stopped Rising"], Some("The Slow Loaf"))
            .unwrap();
        assert_eq!(h.text, "Why My Sourdough Stopped Rising");
        let doc =
            page("<h1>Top 10: Best Apps (tested)</h1><p>Some body text here, long enough.</p>");
        let g = GenericPage::new(doc.root_element());
        assert_eq!(
            g.headline(&["Something else entirely"], None).unwrap().text,
            "Top 10: Best Apps (tested)"
        );
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
        let g = GenericPage::new(doc.root_element());
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

//! Page-level metadata: `<html lang>`, `<title>`, canonical and base links, OpenGraph and
//! `article:*` meta, named meta, and the JSON-LD article object (NewsArticle and its kin,
//! inside `@graph` too). Read in one pass over the parsed document's nodes.

mod date_keys;
mod json_ld;

use date_keys::MetaDates;
pub use json_ld::{LdArticle, LdAuthor};
use scraper::{ElementRef, Html, Node};

use crate::text::normalize_opt;

/// A time as a `<meta>` tag writes it, and the tag's key (`article:published_time`).
pub(crate) type MetaTime = (String, &'static str);

/// The page-level metadata of one page: what its head (and JSON-LD) says, before any
/// article is read. Values are normalised text; links are as written, not yet resolved.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    /// `<html lang>`.
    pub lang: Option<String>,
    /// `<title>` text.
    pub title: Option<String>,
    /// `<link rel=canonical>` href.
    pub canonical: Option<String>,
    /// `<base href>`.
    pub base_href: Option<String>,
    /// `og:title`.
    pub og_title: Option<String>,
    /// `twitter:title`.
    pub twitter_title: Option<String>,
    /// `og:url`.
    pub og_url: Option<String>,
    /// `og:image` (or `og:image:url`, `og:image:secure_url`).
    pub og_image: Option<String>,
    /// `og:type`.
    pub og_type: Option<String>,
    /// `og:site_name`.
    pub og_site_name: Option<String>,
    /// `og:locale`.
    pub og_locale: Option<String>,
    /// The publication time as written, and the meta key it came from (the best-ranked key
    /// on the page, `article:published_time` first).
    pub published_time: Option<MetaTime>,
    /// The modification time as written, and the meta key it came from.
    pub modified_time: Option<MetaTime>,
    /// `article:section`.
    pub section: Option<String>,
    /// Every `article:tag`, in page order.
    pub tags: Vec<String>,
    /// `news_keywords` or `keywords` meta, split into single keywords.
    pub keywords: Vec<String>,
    /// `author` or `article:author` meta.
    pub author: Option<String>,
    /// `<meta http-equiv=Content-Language>`.
    pub content_language: Option<String>,
    /// The page's JSON-LD article object, if it has one.
    pub json_ld: Option<LdArticle>,
    /// `datePublished` of a JSON-LD `WebPage` (or `ItemPage`) node: pages whose graph has
    /// no article object often date the page itself.
    pub ld_page_published: Option<String>,
}

impl PageMeta {
    /// Reads the metadata of a parsed page.
    pub fn read(doc: &Html) -> Self {
        let mut m = Self::default();
        let mut dates = MetaDates::default();
        for node in doc.tree.nodes() {
            let Node::Element(el) = node.value() else {
                continue;
            };
            match el.name() {
                "html" if m.lang.is_none() => m.lang = el.attr("lang").and_then(normalize_opt),
                // the document's title, not an SVG icon's `<title>` ("Close menu")
                "title" if m.title.is_none() && &*el.name.ns == "http://www.w3.org/1999/xhtml" => {
                    m.title = ElementRef::wrap(node).and_then(crate::dom::text_of);
                }
                "base" if m.base_href.is_none() => {
                    m.base_href = el.attr("href").map(str::to_string)
                }
                "link" => {
                    let rel = el.attr("rel").unwrap_or("");
                    if m.canonical.is_none()
                        && rel
                            .split_ascii_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("canonical"))
                    {
                        m.canonical = el.attr("href").map(str::to_string);
                    }
                }
                "meta" => {
                    let key = el
                        .attr("property")
                        .or_else(|| el.attr("name"))
                        .or_else(|| el.attr("itemprop"));
                    let (Some(key), Some(content)) = (key, el.attr("content")) else {
                        if el
                            .attr("http-equiv")
                            .is_some_and(|h| h.eq_ignore_ascii_case("content-language"))
                        {
                            m.content_language = el.attr("content").and_then(normalize_opt);
                        }
                        continue;
                    };
                    let key = key.trim().to_ascii_lowercase();
                    let Some(value) = normalize_opt(content) else {
                        continue;
                    };
                    let Some(value) = dates.offer(&key, value) else {
                        continue;
                    };
                    let slot = match key.as_str() {
                        "og:title" => &mut m.og_title,
                        "twitter:title" => &mut m.twitter_title,
                        "og:url" => &mut m.og_url,
                        "og:image" | "og:image:url" | "og:image:secure_url" => &mut m.og_image,
                        "og:type" => &mut m.og_type,
                        "og:site_name" => &mut m.og_site_name,
                        "og:locale" => &mut m.og_locale,
                        "article:section" => &mut m.section,
                        "author" | "article:author" => &mut m.author,
                        "article:tag" => {
                            m.tags.push(value);
                            continue;
                        }
                        "news_keywords" | "keywords" => {
                            if m.keywords.is_empty() {
                                m.keywords = split_keywords(&value);
                            }
                            continue;
                        }
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = Some(value);
                    }
                }
                "script" if m.json_ld.is_none() || m.ld_page_published.is_none() => {
                    let is_ld = el
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                    if is_ld {
                        // one text child is read where it lies, without a copy
                        let mut texts = node.children().filter_map(|c| match c.value() {
                            Node::Text(t) => Some(&**t),
                            _ => None,
                        });
                        let first = texts.next().unwrap_or("");
                        let joined;
                        let text = match texts.next() {
                            None => first,
                            Some(second) => {
                                joined =
                                    [first, second].into_iter().chain(texts).collect::<String>();
                                joined.as_str()
                            }
                        };
                        let script = json_ld::read_script(text);
                        if m.json_ld.is_none() {
                            m.json_ld = script.article;
                        }
                        if m.ld_page_published.is_none() {
                            m.ld_page_published = script.page_published;
                        }
                    }
                }
                _ => {}
            }
        }
        (m.published_time, m.modified_time) = dates.into_best();
        m
    }

    /// The page's language as a BCP 47 tag: `<html lang>`, then Content-Language, then
    /// og:locale, then JSON-LD inLanguage.
    pub fn language(&self) -> Option<(String, &'static str)> {
        let pick = |v: &Option<String>| v.as_deref().and_then(language_tag);
        pick(&self.lang)
            .map(|l| (l, "html-lang"))
            .or_else(|| pick(&self.content_language).map(|l| (l, "meta")))
            .or_else(|| pick(&self.og_locale).map(|l| (l, "meta")))
            .or_else(|| {
                self.json_ld
                    .as_ref()
                    .and_then(|j| pick(&j.in_language))
                    .map(|l| (l, "json-ld"))
            })
    }
}

/// A declared language as a BCP 47 tag, or `None` when it is not one (`*`, `en us` is
/// `en`, `ar_EG` is `ar-EG`, a list `en, ar` gives its first): primary subtag of 2-3
/// letters (or 4-8), then subtags of 1-8 letters or digits.
fn language_tag(value: &str) -> Option<String> {
    let first = value
        .split([',', ';', ' ', '\t'])
        .map(str::trim)
        .find(|t| !t.is_empty())?;
    let tag = first.replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next()?;
    let primary_ok =
        (2..=8).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (primary_ok && rest_ok && tag.len() <= 35).then_some(tag)
}

/// Splits a keywords string at commas (Latin and Arabic) and semicolons.
pub(crate) fn split_keywords(s: &str) -> Vec<String> {
    s.split([',', '،', ';']).filter_map(normalize_opt).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_bcp_47_or_nothing() {
        assert_eq!(language_tag("ar_EG").as_deref(), Some("ar-EG"));
        assert_eq!(language_tag("en us").as_deref(), Some("en"));
        assert_eq!(language_tag(" en, ar").as_deref(), Some("en"));
        assert_eq!(language_tag("zh-Hant-TW").as_deref(), Some("zh-Hant-TW"));
        for bad in ["*", "", "e", "en-", "12", "en-toolongsubtag", "<ar>"] {
            assert_eq!(language_tag(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_svg_icons_title_is_not_the_pages() {
        let doc = Html::parse_document(
            "<html><head></head><body><svg><title>Close menu</title></svg><p>x</p></body></html>",
        );
        assert_eq!(PageMeta::read(&doc).title, None);
    }

    #[test]
    fn reads_head_metadata() {
        let doc = Html::parse_document(
            r#"<html lang="ar"><head><title> خبر | الشرق الأوسط </title>
            <link rel="canonical" href="https://aawsat.com/a">
            <meta property="og:title" content="خبر">
            <meta name="date" content="2020-01-01">
            <meta property="article:published_time" content="2024-03-27T13:52:00+00:00">
            <meta property="article:tag" content="روسيا"><meta property="article:tag" content="مالي">
            <meta name="keywords" content="أ، ب, ج">
            </head><body></body></html>"#,
        );
        let m = PageMeta::read(&doc);
        assert_eq!(m.lang.as_deref(), Some("ar"));
        assert_eq!(m.title.as_deref(), Some("خبر | الشرق الأوسط"));
        assert_eq!(m.canonical.as_deref(), Some("https://aawsat.com/a"));
        assert_eq!(
            m.published_time,
            Some(("2024-03-27T13:52:00+00:00".into(), "article:published_time"))
        );
        assert_eq!(m.tags, vec!["روسيا", "مالي"]);
        assert_eq!(m.keywords, vec!["أ", "ب", "ج"]);
    }
}

//! Page-level metadata: `<html lang>`, `<title>`, canonical and base links, OpenGraph and
//! `article:*` meta, named meta, and the JSON-LD article object (NewsArticle and its kin,
//! inside `@graph` too). Read in one pass over the parsed document's nodes.

mod date_keys;

use crate::entities::decode_entities;
use date_keys::MetaDates;
use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use crate::text::normalize_opt;

/// A JSON-LD author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdAuthor {
    /// The author's name, normalised.
    pub name: String,
    /// `@type` Person, or a bare name; Organization is not a person.
    pub is_person: bool,
}

/// The fields khabar reads from the page's JSON-LD article object.
#[derive(Debug, Clone, Default)]
pub struct LdArticle {
    /// `headline`, else `name`.
    pub headline: Option<String>,
    /// `alternativeHeadline`.
    pub alternative_headline: Option<String>,
    /// `datePublished`, as written.
    pub date_published: Option<String>,
    /// `dateModified`, as written.
    pub date_modified: Option<String>,
    /// `articleSection`.
    pub section: Option<String>,
    /// `keywords`, split into single keywords.
    pub keywords: Vec<String>,
    /// `author`: each person or organisation credited.
    pub authors: Vec<LdAuthor>,
    /// `image`: its URL, as written (may be relative).
    pub image: Option<String>,
    /// `url`, else `mainEntityOfPage`.
    pub url: Option<String>,
    /// `inLanguage`.
    pub in_language: Option<String>,
    /// `articleBody`, as written (not normalised).
    pub article_body: Option<String>,
}

/// A time as a `<meta>` tag writes it, and the tag's key (`article:published_time`).
pub type MetaTime = (String, &'static str);

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

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "SatiricalArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "TechArticle",
];

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
                        let text: String = node
                            .children()
                            .filter_map(|c| {
                                if let Node::Text(t) = c.value() {
                                    Some(&**t)
                                } else {
                                    None
                                }
                            })
                            .collect();
                        if let Some(value) = parse_json_ld_value(&text) {
                            if m.json_ld.is_none() {
                                m.json_ld = find_article(&value, 0).map(read_article);
                            }
                            if m.ld_page_published.is_none() {
                                m.ld_page_published = find_typed(&value, PAGE_TYPES, 0)
                                    .and_then(|p| string_of(p.get("datePublished")));
                            }
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
        let pick = |v: &Option<String>| v.as_deref().map(|s| s.replace('_', "-"));
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
            .filter(|(l, _)| !l.is_empty() && l.len() <= 35)
    }
}

/// Splits a keywords string at commas (Latin and Arabic) and semicolons.
pub fn split_keywords(s: &str) -> Vec<String> {
    s.split([',', '،', ';']).filter_map(normalize_opt).collect()
}

/// Parses a JSON-LD script and returns its article object, if it has one. Tolerates the
/// usual damage: HTML comment or CDATA wrappers, raw line breaks inside strings, a
/// trailing semicolon.
pub fn parse_json_ld(text: &str) -> Option<LdArticle> {
    let value = parse_json_ld_value(text)?;
    find_article(&value, 0).map(read_article)
}

/// Types of JSON-LD nodes that describe the page rather than an article.
const PAGE_TYPES: &[&str] = &["WebPage", "ItemPage"];

fn parse_json_ld_value(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok().or_else(|| {
        let cleaned = text
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim()
            .trim_start_matches("//<![CDATA[")
            .trim_end_matches("//]]>")
            .trim()
            // the same wrapper without the comment slashes (MediaWiki writes it so)
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .trim()
            .trim_end_matches(';')
            .replace(['\n', '\r', '\t'], " ");
        serde_json::from_str(&cleaned).ok()
    })
}

fn find_typed<'v>(v: &'v Value, types: &[&str], depth: usize) -> Option<&'v Value> {
    if depth > 4 {
        return None;
    }
    let is = |t: &str| types.contains(&t.rsplit(['/', ':']).next().unwrap_or(t));
    match v {
        Value::Array(items) => items.iter().find_map(|i| find_typed(i, types, depth + 1)),
        Value::Object(o) => {
            let hit = match o.get("@type") {
                Some(Value::String(t)) => is(t),
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is),
                _ => false,
            };
            if hit {
                return Some(v);
            }
            o.get("@graph")
                .and_then(|g| find_typed(g, types, depth + 1))
        }
        _ => None,
    }
}

fn type_matches(v: &Value) -> bool {
    let is_article = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        ARTICLE_TYPES.contains(&t)
    };
    match v.get("@type") {
        Some(Value::String(t)) => is_article(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is_article),
        _ => false,
    }
}

fn find_article(v: &Value, depth: usize) -> Option<&Value> {
    if depth > 4 {
        return None;
    }
    match v {
        Value::Array(items) => items.iter().find_map(|i| find_article(i, depth + 1)),
        Value::Object(o) => {
            if type_matches(v) {
                return Some(v);
            }
            ["@graph", "mainEntity", "mainEntityOfPage"]
                .iter()
                .filter_map(|k| o.get(*k))
                .find_map(|inner| find_article(inner, depth + 1))
        }
        _ => None,
    }
}

fn string_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => normalize_opt(&decode_entities(s)),
        Value::Array(items) => items.iter().find_map(|i| string_of(Some(i))),
        Value::Object(o) => string_of(
            o.get("url")
                .or_else(|| o.get("@id"))
                .or_else(|| o.get("name")),
        ),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn authors_of(v: Option<&Value>, out: &mut Vec<LdAuthor>) {
    match v {
        Some(Value::String(s)) => {
            if let Some(name) = normalize_opt(&decode_entities(s)) {
                out.push(LdAuthor {
                    name,
                    is_person: true,
                });
            }
        }
        Some(Value::Array(items)) => items.iter().for_each(|i| authors_of(Some(i), out)),
        Some(Value::Object(o)) => {
            let is_person = match o.get("@type") {
                Some(Value::String(t)) => t.ends_with("Person"),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|t| t.ends_with("Person")),
                _ => true,
            };
            if let Some(name) = o
                .get("name")
                .and_then(Value::as_str)
                .and_then(|s| normalize_opt(&decode_entities(s)))
            {
                out.push(LdAuthor { name, is_person });
            }
        }
        _ => {}
    }
}

fn read_article(v: &Value) -> LdArticle {
    let mut authors = Vec::new();
    authors_of(v.get("author"), &mut authors);
    let keywords = match v.get("keywords") {
        Some(Value::String(s)) => split_keywords(s),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter_map(normalize_opt)
            .collect(),
        _ => Vec::new(),
    };
    LdArticle {
        headline: string_of(v.get("headline")).or_else(|| string_of(v.get("name"))),
        alternative_headline: string_of(v.get("alternativeHeadline")),
        date_published: string_of(v.get("datePublished")),
        date_modified: string_of(v.get("dateModified")),
        section: string_of(v.get("articleSection")),
        keywords,
        authors,
        image: string_of(v.get("image")),
        url: string_of(v.get("url")).or_else(|| string_of(v.get("mainEntityOfPage"))),
        in_language: string_of(v.get("inLanguage")),
        article_body: v
            .get("articleBody")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn finds_the_article_inside_a_graph() {
        let ld = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"BreadcrumbList","itemListElement":[]},
            {"@type":["NewsArticle"],"headline":"عنوان","datePublished":"2024-03-27T13:52:00+00:00",
             "articleSection":["العالم"],"keywords":"روسيا, مالي",
             "author":[{"@type":"Organization","name":"الشرق الأوسط"},{"@type":"Person","name":"حمدي عابدين"}],
             "image":{"@type":"ImageObject","url":"https://x/a.jpg"}}]}"#;
        let a = parse_json_ld(ld).unwrap();
        assert_eq!(a.headline.as_deref(), Some("عنوان"));
        assert_eq!(a.section.as_deref(), Some("العالم"));
        assert_eq!(a.keywords, vec!["روسيا", "مالي"]);
        assert_eq!(a.image.as_deref(), Some("https://x/a.jpg"));
        assert_eq!(a.authors.len(), 2);
        assert!(!a.authors[0].is_person && a.authors[1].is_person);
    }

    #[test]
    fn tolerates_damaged_json_ld() {
        let ld = "<!--\n{\"@type\":\"Article\",\"headline\":\"line\nbreak\"};\n-->";
        assert_eq!(
            parse_json_ld(ld).unwrap().headline.as_deref(),
            Some("line break")
        );
        assert!(parse_json_ld("{not json").is_none());
        assert!(parse_json_ld(r#"{"@type":"WebSite","name":"x"}"#).is_none());
    }
}

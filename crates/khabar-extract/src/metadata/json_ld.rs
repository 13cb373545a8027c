//! The page's JSON-LD: its article object (NewsArticle and its kin, inside `@graph` too)
//! and a `WebPage` node's publication date. A script is read into a pruned tree of at most
//! [`MAX_VALUES`] values and [`MAX_DEPTH`] levels, so a page carrying a 40 MB `@graph`
//! costs what its text does, not forty times that.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Number, Value};

use super::split_keywords;
use crate::entities::decode_entities;
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

/// Parses a JSON-LD script and returns its article object, if it has one. Tolerates the
/// usual damage: HTML comment or CDATA wrappers, raw line breaks inside strings, a
/// trailing semicolon.
#[cfg(test)]
fn parse_json_ld(text: &str) -> Option<LdArticle> {
    read_script(text).article
}

/// What one JSON-LD script gives.
#[derive(Debug, Default)]
pub(super) struct LdScript {
    /// Its article object.
    pub(super) article: Option<LdArticle>,
    /// `datePublished` of a `WebPage` node, or of a recipe or how-to ([`PAGE_TYPES`]).
    pub(super) page_published: Option<String>,
}

/// Reads one JSON-LD script.
pub(super) fn read_script(text: &str) -> LdScript {
    let Some(value) = parse_value(text) else {
        return LdScript::default();
    };
    LdScript {
        article: find_article(&value, 0).map(read_article),
        page_published: find_typed(&value, PAGE_TYPES, 0)
            .and_then(|p| string_of(p.get("datePublished"))),
    }
}

/// Types of JSON-LD nodes that describe the page rather than an article: the page itself
/// (`WebPage` and the kinds of it a publication date fits) or the work it shows when that
/// is not an article (a recipe, a how-to).
const PAGE_TYPES: &[&str] = &[
    "WebPage",
    "ItemPage",
    "MedicalWebPage",
    "QAPage",
    "FAQPage",
    "Recipe",
    "HowTo",
];

/// Values kept from one script at most; the rest are read past, not kept.
pub(super) const MAX_VALUES: usize = 20_000;
/// Levels of nesting kept (an article inside a graph, its author's name: six).
pub(super) const MAX_DEPTH: usize = 12;

fn parse_value(text: &str) -> Option<Value> {
    parse_pruned(text).or_else(|| {
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
        parse_pruned(&cleaned)
    })
}

/// Parses JSON into a tree of at most [`MAX_VALUES`] values and [`MAX_DEPTH`] levels.
fn parse_pruned(text: &str) -> Option<Value> {
    let left = Cell::new(MAX_VALUES);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Pruned {
        left: &left,
        depth: 0,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(value)
}

/// A JSON value read with what is left of the budget, at a depth.
#[derive(Clone, Copy)]
struct Pruned<'b> {
    left: &'b Cell<usize>,
    depth: usize,
}

impl Pruned<'_> {
    fn deeper(self) -> Self {
        Self {
            depth: self.depth + 1,
            ..self
        }
    }

    /// Takes one value from the budget; false when none is left.
    fn take(self) -> bool {
        let left = self.left.get();
        self.left.set(left.saturating_sub(1));
        left > 0
    }
}

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH || !self.take() {
            IgnoredAny::deserialize(d)?;
            return Ok(Value::Null);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while self.left.get() > 0 {
            match seq.next_element_seed(self.deeper())? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while self.take() {
            let Some(key) = map.next_key::<String>()? else {
                return Ok(Value::Object(object));
            };
            let value = map.next_value_seed(self.deeper())?;
            object.insert(key, value);
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Object(object))
    }
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

    #[test]
    fn a_huge_graph_is_read_within_its_budget() {
        // the article after 100,000 other nodes is past the budget; one before them is read
        let filler: Vec<String> = (0..100_000)
            .map(|i| format!(r#"{{"@type":"Thing","name":"n{i}"}}"#))
            .collect();
        let article = r#"{"@type":"NewsArticle","headline":"h"}"#;
        let late = format!(r#"{{"@graph":[{},{article}]}}"#, filler.join(","));
        assert!(parse_json_ld(&late).is_none());
        let early = format!(r#"{{"@graph":[{article},{}]}}"#, filler.join(","));
        assert_eq!(
            parse_json_ld(&early).unwrap().headline.as_deref(),
            Some("h")
        );
        // deeper than the depth kept: read past
        let deep = format!("{}{}{}", "[".repeat(60), article, "]".repeat(60));
        assert!(parse_json_ld(&deep).is_none());
        let value = parse_value(&late).unwrap();
        let kept = value["@graph"].as_array().unwrap().len();
        assert!(kept < MAX_VALUES / 2, "{kept}");
    }
}

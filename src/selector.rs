//! Profile selectors: a CSS selector, optionally followed by `@attr` to read an attribute
//! instead of the text; a bare `@attr` reads the context element's own attribute.
//! Compiled once, when the config is loaded.

use scraper::{ElementRef, Selector};

use crate::dom;

/// One compiled `selector[@attr]`.
#[derive(Debug, Clone)]
pub struct FieldSelector {
    source: String,
    css: Option<Selector>,
    attr: Option<String>,
}

/// Why a selector did not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorSyntaxError(pub String);

fn is_attr_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
}

impl FieldSelector {
    pub fn parse(source: &str) -> Result<Self, SelectorSyntaxError> {
        let trimmed = source.trim();
        if trimmed.is_empty() {
            return Err(SelectorSyntaxError("the selector is empty".into()));
        }
        let (css_part, attr) = match trimmed.rfind('@') {
            Some(at) if is_attr_name(&trimmed[at + 1..]) => (
                trimmed[..at].trim(),
                Some(trimmed[at + 1..].to_ascii_lowercase()),
            ),
            Some(_) => {
                return Err(SelectorSyntaxError(
                    "text after `@` must be an attribute name, as in `img@src`".into(),
                ));
            }
            None => (trimmed, None),
        };
        let css = if css_part.is_empty() {
            None
        } else {
            Some(
                Selector::parse(css_part)
                    .map_err(|e| SelectorSyntaxError(format!("invalid CSS: {e}")))?,
            )
        };
        Ok(Self {
            source: trimmed.to_string(),
            css,
            attr,
        })
    }

    /// The selector as written in the config.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn reads_attribute(&self) -> bool {
        self.attr.is_some()
    }

    /// Whether `el` itself matches the CSS part (never, for a bare `@attr`).
    pub fn matches(&self, el: ElementRef<'_>) -> bool {
        self.css.as_ref().is_some_and(|css| css.matches(&el))
    }

    /// Elements this selector picks inside `ctx` (or `ctx` itself for a bare `@attr`).
    pub fn elements<'a>(&self, ctx: ElementRef<'a>) -> Vec<ElementRef<'a>> {
        match &self.css {
            Some(css) => ctx.select(css).collect(),
            None => vec![ctx],
        }
    }

    /// The first element this selector picks inside `ctx`.
    pub fn first_element<'a>(&self, ctx: ElementRef<'a>) -> Option<ElementRef<'a>> {
        match &self.css {
            Some(css) => ctx.select(css).next(),
            None => Some(ctx),
        }
    }

    /// The value of one picked element: its normalised text, or its attribute. An address
    /// attribute (`href`, `src`, `data-url`, …) is only trimmed of ASCII white space, as
    /// browsers do, so that a no-break space inside a URL survives to be percent-encoded.
    pub fn value_of(&self, el: ElementRef<'_>) -> Option<String> {
        match &self.attr {
            Some(a) if is_address_attr(a) => el
                .value()
                .attr(a)
                .map(|v| v.trim_matches(|c: char| c.is_ascii_whitespace()))
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            Some(a) => el.value().attr(a).and_then(crate::text::normalize_opt),
            None => dom::text_of(el),
        }
    }

    /// Non-empty values of every picked element, in document order.
    pub fn values(&self, ctx: ElementRef<'_>) -> Vec<String> {
        match &self.css {
            Some(css) => ctx.select(css).filter_map(|el| self.value_of(el)).collect(),
            None => self.value_of(ctx).into_iter().collect(),
        }
    }

    /// The first non-empty value inside `ctx`.
    pub fn first_value(&self, ctx: ElementRef<'_>) -> Option<String> {
        match &self.css {
            Some(css) => ctx.select(css).find_map(|el| self.value_of(el)),
            None => self.value_of(ctx),
        }
    }
}

fn is_address_attr(name: &str) -> bool {
    matches!(
        name,
        "href" | "src" | "srcset" | "action" | "cite" | "poster"
    ) || name.ends_with("url")
        || name.ends_with("href")
        || name.ends_with("src")
}

/// A field's selectors, tried in order: the first that yields something wins.
#[derive(Debug, Clone, Default)]
pub struct SelectorList(pub Vec<FieldSelector>);

impl SelectorList {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldSelector> {
        self.0.iter()
    }

    /// The first non-empty value and the selector that gave it.
    pub fn first_value(&self, ctx: ElementRef<'_>) -> Option<(String, &FieldSelector)> {
        self.0
            .iter()
            .find_map(|s| s.first_value(ctx).map(|v| (v, s)))
    }

    /// All values of the first selector that yields any.
    pub fn all_values(&self, ctx: ElementRef<'_>) -> Option<(Vec<String>, &FieldSelector)> {
        self.0.iter().find_map(|s| {
            let v = s.values(ctx);
            (!v.is_empty()).then_some((v, s))
        })
    }

    /// The elements of the first selector that picks any.
    pub fn elements<'a>(
        &self,
        ctx: ElementRef<'a>,
    ) -> Option<(Vec<ElementRef<'a>>, &FieldSelector)> {
        self.0.iter().find_map(|s| {
            let v = s.elements(ctx);
            (!v.is_empty()).then_some((v, s))
        })
    }

    /// The first element any selector picks, in selector order.
    pub fn first_element<'a>(
        &self,
        ctx: ElementRef<'a>,
    ) -> Option<(ElementRef<'a>, &FieldSelector)> {
        self.0
            .iter()
            .find_map(|s| s.first_element(ctx).map(|e| (e, s)))
    }

    /// Every value every selector yields, in selector order then document order.
    pub fn union_values(&self, ctx: ElementRef<'_>) -> Vec<String> {
        self.0.iter().flat_map(|s| s.values(ctx)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn parses_css_attr_and_bare_attr() {
        let s = FieldSelector::parse(".entry-media img@src").unwrap();
        assert!(s.reads_attribute());
        assert!(FieldSelector::parse("@data-url").unwrap().css.is_none());
        assert!(!FieldSelector::parse("a[href]").unwrap().reads_attribute());
        assert!(FieldSelector::parse("div[").is_err());
        assert!(FieldSelector::parse("img@").is_err());
        assert!(FieldSelector::parse("  ").is_err());
    }

    #[test]
    fn first_value_skips_empty_matches_and_lists_try_in_order() {
        let doc = Html::parse_document(
            r#"<div id=c data-url="/x"><h1> </h1><h1>Title <b>here</b></h1><img src="a.jpg"></div>"#,
        );
        let ctx = doc.select(&Selector::parse("#c").unwrap()).next().unwrap();
        let list = SelectorList(vec![
            FieldSelector::parse("h2").unwrap(),
            FieldSelector::parse("h1").unwrap(),
        ]);
        let (v, s) = list.first_value(ctx).unwrap();
        assert_eq!(v, "Title here");
        assert_eq!(s.as_str(), "h1");
        assert_eq!(
            FieldSelector::parse("@data-url")
                .unwrap()
                .first_value(ctx)
                .unwrap(),
            "/x"
        );
        assert_eq!(
            FieldSelector::parse("img@SRC")
                .unwrap()
                .first_value(ctx)
                .unwrap(),
            "a.jpg"
        );
    }

    #[test]
    fn address_attributes_keep_inner_no_break_spaces() {
        let doc = Html::parse_document("<a id=a href=' /x\u{a0}y ' title=' t\u{a0}u '>.</a>");
        let a = doc.select(&Selector::parse("#a").unwrap()).next().unwrap();
        assert_eq!(
            FieldSelector::parse("@href")
                .unwrap()
                .first_value(a)
                .unwrap(),
            "/x\u{a0}y"
        );
        assert_eq!(
            FieldSelector::parse("@title")
                .unwrap()
                .first_value(a)
                .unwrap(),
            "t u"
        );
    }
}

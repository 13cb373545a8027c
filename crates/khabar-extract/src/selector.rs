//! Profile selectors: a CSS selector, optionally followed by `@attr` to read an attribute
//! instead of the text; a bare `@attr` reads the context element's own attribute.
//! Compiled once, when the config is loaded.
//!
//! Selectors in the plain form site profiles mostly use (tag names and classes joined by
//! descendant combinators, as in `.entry-title h1, h2.print-title`) are matched by khabar
//! itself, reading the `class` attribute as written: scraper's matcher interns every class
//! name of every element it tests, which costs more than the test. Anything else goes to
//! scraper.

use ego_tree::NodeRef;
use scraper::{ElementRef, Node, Selector};

use crate::dom;

/// One compiled `selector[@attr]`.
#[derive(Debug, Clone)]
pub struct FieldSelector {
    source: String,
    css: Option<Selector>,
    /// The same CSS as `css`, when it is in the plain form khabar matches itself.
    plain: Option<PlainSelector>,
    attr: Option<String>,
}

/// Why a selector did not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SelectorSyntaxError(pub String);

fn is_attr_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
}

impl FieldSelector {
    /// Compiles one `selector[@attr]` as written in a profile.
    pub(crate) fn parse(source: &str) -> Result<Self, SelectorSyntaxError> {
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
        // only CSS that scraper accepted is matched by hand, so errors stay scraper's
        let plain = css.as_ref().and_then(|_| PlainSelector::parse(css_part));
        Ok(Self {
            source: trimmed.to_string(),
            css,
            plain,
            attr,
        })
    }

    /// The selector as written in the config.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the selector reads an attribute (`@attr`) rather than the text.
    pub fn reads_attribute(&self) -> bool {
        self.attr.is_some()
    }

    /// Whether `el` itself matches the CSS part (never, for a bare `@attr`).
    pub(crate) fn matches(&self, el: ElementRef<'_>) -> bool {
        match (&self.plain, &self.css) {
            (Some(plain), _) => plain.matches(el),
            (None, Some(css)) => css.matches(&el),
            (None, None) => false,
        }
    }

    /// The descendants of `ctx` the CSS part picks, in document order; `None` for a bare
    /// `@attr`.
    fn select<'a, 's>(&'s self, ctx: ElementRef<'a>) -> Option<Picks<'a, 's>> {
        let css = self.css.as_ref()?;
        Some(match &self.plain {
            Some(plain) => Picks::Plain(plain, Below::new(*ctx)),
            None => Picks::Css(ctx.select(css)),
        })
    }

    /// Elements this selector picks inside `ctx` (or `ctx` itself for a bare `@attr`).
    pub(crate) fn elements<'a>(&self, ctx: ElementRef<'a>) -> Vec<ElementRef<'a>> {
        match self.select(ctx) {
            Some(picks) => picks.collect(),
            None => vec![ctx],
        }
    }

    /// The first element this selector picks inside `ctx`.
    pub(crate) fn first_element<'a>(&self, ctx: ElementRef<'a>) -> Option<ElementRef<'a>> {
        match self.select(ctx) {
            Some(mut picks) => picks.next(),
            None => Some(ctx),
        }
    }

    /// The value of one picked element: its normalised text, or its attribute. An address
    /// attribute (`href`, `src`, `data-url`, …) is only trimmed of ASCII white space, as
    /// browsers do, so that a no-break space inside a URL survives to be percent-encoded.
    pub(crate) fn value_of(&self, el: ElementRef<'_>) -> Option<String> {
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
    pub(crate) fn values(&self, ctx: ElementRef<'_>) -> Vec<String> {
        self.iter_values(ctx).collect()
    }

    /// [`values`](Self::values), read as they are asked for: a caller that stops at the
    /// first it can use does not read the others.
    pub(crate) fn iter_values<'a>(
        &'a self,
        ctx: ElementRef<'a>,
    ) -> impl Iterator<Item = String> + 'a {
        let (picks, own) = match self.select(ctx) {
            Some(picks) => (Some(picks), None),
            None => (None, Some(ctx)),
        };
        picks
            .into_iter()
            .flatten()
            .chain(own)
            .filter_map(|el| self.value_of(el))
    }

    /// The first non-empty value inside `ctx`.
    pub(crate) fn first_value(&self, ctx: ElementRef<'_>) -> Option<String> {
        match self.select(ctx) {
            Some(mut picks) => picks.find_map(|el| self.value_of(el)),
            None => self.value_of(ctx),
        }
    }
}

/// The nodes below a context node in document order, the context itself left out. Each
/// node is visited once (ego_tree's `descendants` steps through an opening and a closing
/// edge for every node).
struct Below<'a> {
    ctx: NodeRef<'a, Node>,
    next: Option<NodeRef<'a, Node>>,
}

impl<'a> Below<'a> {
    fn new(ctx: NodeRef<'a, Node>) -> Self {
        Self {
            ctx,
            next: ctx.first_child(),
        }
    }
}

impl<'a> Iterator for Below<'a> {
    type Item = NodeRef<'a, Node>;

    fn next(&mut self) -> Option<NodeRef<'a, Node>> {
        let node = self.next?;
        self.next = node.first_child().or_else(|| {
            // the next sibling of the node or of its nearest ancestor below `ctx` with one
            let mut up = node;
            loop {
                if let Some(sibling) = up.next_sibling() {
                    return Some(sibling);
                }
                up = up.parent()?;
                if up.id() == self.ctx.id() {
                    return None;
                }
            }
        });
        Some(node)
    }
}

/// The elements a selector picks below a context element, in document order.
// short-lived, on the stack: boxing scraper's iterator would cost an allocation per selection
#[allow(clippy::large_enum_variant)]
enum Picks<'a, 's> {
    Plain(&'s PlainSelector, Below<'a>),
    Css(scraper::element_ref::Select<'a, 's>),
}

impl<'a> Iterator for Picks<'a, '_> {
    type Item = ElementRef<'a>;

    fn next(&mut self) -> Option<ElementRef<'a>> {
        match self {
            Picks::Plain(plain, nodes) => nodes
                .filter_map(ElementRef::wrap)
                .find(|el| plain.matches(*el)),
            Picks::Css(select) => select.next(),
        }
    }
}

/// CSS in the plain form khabar matches without scraper: a comma-separated list of
/// chains of compounds joined by white space (the descendant combinator), each compound
/// a lowercase tag name and/or `.class`es. Matches exactly what scraper's matcher would
/// (no quirks mode, so classes compare case-sensitively; type selectors compare with the
/// element's local name, as written lowercase), without interning class names.
#[derive(Debug, Clone)]
struct PlainSelector {
    /// The alternatives of the list, each a chain of compounds from left to right.
    chains: Vec<Vec<Compound>>,
}

/// `tag.class1.class2`: one element's tag name (if given) and classes.
#[derive(Debug, Clone)]
struct Compound {
    tag: Option<Box<str>>,
    classes: Vec<Box<str>>,
}

impl PlainSelector {
    /// `None` when `css` is not in the plain form (it then goes to scraper).
    fn parse(css: &str) -> Option<Self> {
        let chains = css
            .split(',')
            .map(|alternative| {
                let chain = alternative
                    .split_ascii_whitespace()
                    .map(Compound::parse)
                    .collect::<Option<Vec<_>>>()?;
                (!chain.is_empty()).then_some(chain)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self { chains })
    }

    fn matches(&self, el: ElementRef<'_>) -> bool {
        self.chains.iter().any(|chain| chain_matches(chain, el))
    }
}

/// Whether `el` matches the last compound of `chain` and has ancestors matching the others
/// in order. With descendant combinators only, taking the nearest matching ancestor for each
/// compound is never wrong: any ancestor further up is an ancestor of that one too.
fn chain_matches(chain: &[Compound], el: ElementRef<'_>) -> bool {
    let Some((last, rest)) = chain.split_last() else {
        return false;
    };
    if !last.matches(el.value()) {
        return false;
    }
    let mut ancestors = std::iter::successors(el.parent().and_then(ElementRef::wrap), |a| {
        a.parent().and_then(ElementRef::wrap)
    });
    rest.iter()
        .rev()
        .all(|compound| ancestors.any(|a| compound.matches(a.value())))
}

impl Compound {
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let tag = parts.next().unwrap_or("");
        let tag = if tag.is_empty() {
            None
        } else if tag.starts_with(|c: char| c.is_ascii_lowercase())
            && tag
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            Some(tag.into())
        } else {
            return None;
        };
        let classes = parts
            .map(|class| is_plain_class(class).then(|| class.into()))
            .collect::<Option<Vec<Box<str>>>>()?;
        (tag.is_some() || !classes.is_empty()).then_some(Self { tag, classes })
    }

    fn matches(&self, el: &scraper::node::Element) -> bool {
        self.tag.as_deref().is_none_or(|t| el.name() == t)
            && self.classes.iter().all(|c| has_class(el, c))
    }
}

/// A class name made of ASCII letters, digits, `-` and `_` that CSS reads as one
/// identifier (it does not start with a digit, or with `-` and a digit).
fn is_plain_class(class: &str) -> bool {
    let b = class.as_bytes();
    let starts_well = match b {
        [] | [b'-'] => false,
        [b'-', second, ..] => !second.is_ascii_digit(),
        [first, ..] => !first.is_ascii_digit(),
    };
    starts_well
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
}

/// Whether `class` is one of the white-space separated names of the element's `class`
/// attribute, compared case-sensitively, as scraper does.
fn has_class(el: &scraper::node::Element, class: &str) -> bool {
    el.attrs
        .iter()
        .filter(|(name, _)| &*name.local == "class")
        .any(|(_, value)| value.split_ascii_whitespace().any(|c| c == class))
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
pub struct SelectorList(pub(crate) Vec<FieldSelector>);

impl SelectorList {
    /// Whether the list has no selectors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The selectors, in order.
    pub fn iter(&self) -> impl Iterator<Item = &FieldSelector> {
        self.0.iter()
    }

    /// The first non-empty value and the selector that gave it.
    pub(crate) fn first_value(&self, ctx: ElementRef<'_>) -> Option<(String, &FieldSelector)> {
        self.0
            .iter()
            .find_map(|s| s.first_value(ctx).map(|v| (v, s)))
    }

    /// All values of the first selector that yields any.
    pub(crate) fn all_values(&self, ctx: ElementRef<'_>) -> Option<(Vec<String>, &FieldSelector)> {
        self.0.iter().find_map(|s| {
            let v = s.values(ctx);
            (!v.is_empty()).then_some((v, s))
        })
    }

    /// The elements of the first selector that picks any.
    pub(crate) fn elements<'a>(
        &self,
        ctx: ElementRef<'a>,
    ) -> Option<(Vec<ElementRef<'a>>, &FieldSelector)> {
        self.0.iter().find_map(|s| {
            let v = s.elements(ctx);
            (!v.is_empty()).then_some((v, s))
        })
    }

    /// The first element any selector picks, in selector order.
    pub(crate) fn first_element<'a>(
        &self,
        ctx: ElementRef<'a>,
    ) -> Option<(ElementRef<'a>, &FieldSelector)> {
        self.0
            .iter()
            .find_map(|s| s.first_element(ctx).map(|e| (e, s)))
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
    fn plain_selectors_are_recognised() {
        for plain in [
            "p",
            ".a",
            "h2.print-title",
            ".node--type-article",
            ".a.b  .c\tp, h3 , ._x .-y",
        ] {
            assert!(PlainSelector::parse(plain).is_some(), "{plain}");
        }
        for other in [
            "time[datetime]",
            "a > b",
            "#id",
            "*",
            "P",
            ".a:first-child",
            "a, ",
            ".-1",
            "a.",
            "p..a",
            ".a\\:b",
        ] {
            assert!(PlainSelector::parse(other).is_none(), "{other}");
        }
    }

    /// khabar's matcher picks exactly what scraper's does, context and ancestors outside
    /// it included.
    #[test]
    fn plain_matching_agrees_with_scraper() {
        let doc = Html::parse_document(
            r#"<div class="outer x"><section id=c class="X mid"><div class=" a  b ">
            <p class=a>1</p><h2 class="print-title">2</h2><span class="aa">3</span>
            <div class=mid><p>4</p><svg><p class=a>5</p></svg></div></div>
            <figure class="entry-media"><img class=a></figure></section>
            <p class="a outer">6</p></div>"#,
        );
        let ctx = doc.select(&Selector::parse("#c").unwrap()).next().unwrap();
        for css in [
            "p",
            ".a",
            ".b",
            ".A",
            "p.a",
            ".a.b p",
            ".outer p",
            ".outer .mid p",
            ".mid .outer p",
            ".x .X .a",
            "div p, h2.print-title, .entry-media img",
            "section .a",
            ".mid",
            "svg p",
            "img",
        ] {
            let sel = FieldSelector::parse(css).unwrap();
            assert!(sel.plain.is_some(), "{css}");
            let scraper = Selector::parse(css).unwrap();
            for root in [ctx, doc.root_element()] {
                let ours: Vec<_> = sel.elements(root).iter().map(|e| e.id()).collect();
                let theirs: Vec<_> = root.select(&scraper).map(|e| e.id()).collect();
                assert_eq!(ours, theirs, "{css}");
            }
            for node in doc.tree.nodes().filter_map(ElementRef::wrap) {
                assert_eq!(sel.matches(node), scraper.matches(&node), "{css}");
            }
        }
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

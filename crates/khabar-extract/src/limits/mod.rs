//! Bounds on the markup given to the HTML parser, so that no page, however its markup is
//! made, costs more than a small multiple of its size to parse, or more than linear time.
//!
//! Three things make the parser's work or its tree grow faster than the page:
//! - **nesting**: html5ever walks its stack of open elements for many start tags, so a
//!   page nested a hundred thousand levels deep takes it minutes. As browsers do, an element
//!   that would open past [`MAX_DEPTH`] levels goes beside the deepest one instead of inside
//!   it (Blink's rule, with the same 512 cap; every element and all text is kept);
//! - **attributes**: every new attribute of a tag is compared with the tag's earlier ones;
//!   attributes past [`MAX_ATTRIBUTES`] on one tag are left out;
//! - **formatting elements left open**: a `<b>`, `<font>` or `<a>` that a closing paragraph
//!   leaves open is re-opened (copied, attributes and all) by the parser before the next
//!   text, in every later paragraph, so 5,000 paragraphs each leaving one open make 12
//!   million elements. The copies are counted as the page is scanned; past
//!   [`reopen_budget`] the elements left open are closed where the parser would re-open
//!   them (the text is the same; only bold or a link no longer runs on into later
//!   paragraphs).
//!
//! And every node of the tree costs about 150 bytes whatever it holds, so a page made of
//! nothing but tiny elements (`a<br>` two million times) builds a tree eighty times its
//! size. The nodes the parser will make are counted too; past [`node_budget`] (one per 16
//! bytes of page, or 200,000, whichever is more; the 1,400 real pages of the development
//! sets make at most 28,000, and one per 13 bytes at the densest) the rest of the markup is
//! read as text: an inline tag (`<b>`, `<span>`…) goes, any other becomes a space,
//! comments, scripts and styles go, and all text is kept.
//!
//! One linear scan over the text finds out (see `scan.rs`); a page within bounds (every
//! real page measured) is passed on as it is, without a copy.

mod formatting;
mod scan;
mod tags;

use std::borrow::Cow;

/// Deepest element nesting the parser is given.
pub const MAX_DEPTH: usize = 512;
/// Most attributes kept on one start tag.
pub(crate) const MAX_ATTRIBUTES: usize = 256;
/// Fewest nodes a page may make, however small it is.
pub(crate) const MIN_NODE_BUDGET: usize = 200_000;
/// Bytes of page per node past [`MIN_NODE_BUDGET`].
pub(crate) const BYTES_PER_NODE: usize = 16;
/// Fewest copies of formatting elements left open that the parser may make.
pub(crate) const MIN_REOPEN_BUDGET: usize = 20_000;
/// Bytes of page per copy past [`MIN_REOPEN_BUDGET`].
pub(crate) const BYTES_PER_REOPENED: usize = 32;

/// The nodes the parser may make for a page of `len` bytes.
pub(crate) fn node_budget(len: usize) -> usize {
    (len / BYTES_PER_NODE).max(MIN_NODE_BUDGET)
}

/// The copies of formatting elements left open the parser may make for a page of `len`
/// bytes.
pub(crate) fn reopen_budget(len: usize) -> usize {
    (len / BYTES_PER_REOPENED).max(MIN_REOPEN_BUDGET)
}

/// The markup to parse, and what was changed to bring it within bounds.
#[derive(Debug)]
pub struct Bounded<'a> {
    /// The markup, rewritten only where a bound was passed.
    pub text: Cow<'a, str>,
    /// Elements placed beside the deepest open one rather than past [`MAX_DEPTH`].
    pub flattened: usize,
    /// Attributes past `MAX_ATTRIBUTES` left out, over all tags.
    pub attributes_dropped: usize,
    /// Formatting elements left open that were closed instead of re-opened.
    pub formatting_closed: usize,
    /// Where the node budget ran out: markup from this byte on was read as text.
    pub text_from: Option<usize>,
    /// Tags read as text past [`Bounded::text_from`].
    pub tags_as_text: usize,
    /// Nodes the parser makes for the text handed on, as the scan counts them.
    pub nodes: usize,
    /// Copies of formatting elements left open that the parser makes, as counted.
    pub reopened: usize,
    /// The node budget the page was scanned with.
    pub node_budget: usize,
    /// The re-open budget the page was scanned with.
    pub reopen_budget: usize,
}

impl Bounded<'_> {
    /// What was changed, for the user; `None` when nothing was.
    pub fn message(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.flattened > 0 {
            parts.push(format!(
                "elements nested deeper than {MAX_DEPTH} levels: {} were placed beside the deepest one instead of inside it, as browsers do (all text kept)",
                self.flattened
            ));
        }
        if self.attributes_dropped > 0 {
            parts.push(format!(
                "a tag with more than {MAX_ATTRIBUTES} attributes: {} attributes left out",
                self.attributes_dropped
            ));
        }
        if self.formatting_closed > 0 {
            parts.push(format!(
                "formatting elements left open (a <b>, <font> or <a> without its end tag) would be copied into later text more than {} times: {} were closed where they were left open (all text kept)",
                self.reopen_budget, self.formatting_closed
            ));
        }
        if let Some(at) = self.text_from {
            parts.push(format!(
                "more than {} elements and text nodes (one per {BYTES_PER_NODE} bytes of page, at least {MIN_NODE_BUDGET}): the markup from byte {at} on was read as text ({} tags left out, all text kept)",
                self.node_budget, self.tags_as_text
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The text, brought within the bounds for its size.
pub fn bound_markup(text: &str) -> Bounded<'_> {
    bound_markup_with(text, node_budget(text.len()), reopen_budget(text.len()))
}

/// [`bound_markup`] with budgets of the caller's choosing (tests use small ones).
pub(crate) fn bound_markup_with(text: &str, nodes: usize, reopened: usize) -> Bounded<'_> {
    scan::Scan::new(text, nodes, reopened).run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_pass_untouched_and_uncopied() {
        let page = "<html><head><title>a<b</title><script>if (a<b) {'<div>'}</script></head>\
                    <body><!-- <div> --><div class='x>y'><p>one<p>two</div><br/><img src=a></body></html>";
        let b = bound_markup(page);
        assert!(matches!(b.text, Cow::Borrowed(_)));
        assert_eq!(b.message(), None);
    }

    #[test]
    fn deep_nesting_is_flattened_keeping_the_text() {
        let n = 2_000;
        let page = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        let b = bound_markup(&page);
        assert_eq!(b.flattened, n - MAX_DEPTH);
        // every element is kept, the ones past the limit as siblings of the deepest
        assert_eq!(b.text.matches("<div>").count(), n);
        assert_eq!(b.text.matches("</div>").count(), n);
        assert!(b.text.contains("deep"));
        let doc = scraper::Html::parse_document(&b.text);
        let depth = doc
            .root_element()
            .descendants()
            .map(|d| d.ancestors().count())
            .max()
            .unwrap();
        assert!(depth <= MAX_DEPTH + 3, "depth {depth}");
        assert!(b.message().unwrap().contains("512"));
    }

    #[test]
    fn closed_siblings_and_auto_closed_paragraphs_do_not_add_up() {
        // 5,000 siblings, each closed, and 5,000 <p> each closing the one before
        let page = format!(
            "{}{}",
            "<div><span>x</span></div>".repeat(5_000),
            "<p><b>x</b>".repeat(5_000)
        );
        let b = bound_markup(&page);
        assert_eq!(b.flattened, 0);
        assert!(matches!(b.text, Cow::Borrowed(_)));
    }

    #[test]
    fn attributes_past_the_limit_are_left_out() {
        let attrs: String = (0..1_000).map(|i| format!(" a{i}=\"v>\"")).collect();
        let page = format!("<p{attrs} class=x>text</p><img{attrs}/>");
        let b = bound_markup(&page);
        assert_eq!(b.attributes_dropped, 2 * (1_001 - MAX_ATTRIBUTES) - 1);
        assert!(
            b.text.contains("a255=\"v>\">text</p>"),
            "{}",
            &b.text[..200]
        );
        assert!(b.text.ends_with("a255=\"v>\"/>"));
        assert!(!b.text.contains("a256="));
    }

    /// Nodes of the tree the parser builds from `text`.
    fn parsed_nodes(text: &str) -> usize {
        scraper::Html::parse_document(text).tree.nodes().count()
    }

    /// Text of the tree, white space collapsed.
    fn parsed_text(text: &str) -> String {
        let doc = scraper::Html::parse_document(text);
        let all: String = doc.root_element().text().collect();
        all.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn formatting_left_open_in_every_paragraph_is_closed_past_the_budget() {
        // each paragraph leaves a formatting element open, or does not (a new link closes
        // the one before; misnested tags are sorted out by their end tags)
        for (unit, left_open) in [
            ("<p><b id={}>x</p>", true),
            ("<p><i class=c{}>x</p>", true),
            ("<p><em title={}>x</p>", true),
            ("<p><font color=#{}>x</p>", true),
            ("<p><b id={}><i>x</p>", true),
            ("<li><strong data-n={}>x", true),
            ("<div><u id={}>x</div>", true),
            ("<p><a href=/{}>x</p>", false),
            ("<p><b id={}><i>x</b></i></p>", false),
        ] {
            let n = 3_000;
            let page: String = (0..n).map(|i| unit.replace("{}", &i.to_string())).collect();
            let b = bound_markup(&page);
            let nodes = parsed_nodes(&b.text);
            // about three nodes per paragraph, not one per formatting element per paragraph
            assert!(nodes < 8 * n + 25_000, "{unit}: {nodes} nodes");
            assert_eq!(
                parsed_text(&b.text),
                parsed_text(&page),
                "{unit}: text kept"
            );
            if left_open {
                assert!(b.formatting_closed > 0, "{unit}");
                assert!(
                    b.message()
                        .unwrap()
                        .contains("closed where they were left open"),
                    "{unit}"
                );
            } else {
                assert_eq!(b.formatting_closed, 0, "{unit}");
                assert!(matches!(b.text, Cow::Borrowed(_)), "{unit}");
            }
        }
    }

    #[test]
    fn a_page_of_tiny_elements_is_read_as_text_past_the_node_budget() {
        let page = format!("<p>{}</p>", "a<br>".repeat(300_000));
        let b = bound_markup(&page);
        let at = b.text_from.expect("past the budget");
        assert!(at < page.len() / 2, "{at}");
        let nodes = parsed_nodes(&b.text);
        assert!(nodes <= node_budget(page.len()) + 10, "{nodes}");
        // the words are all there, apart
        assert_eq!(b.text.matches('a').count(), 300_000);
        assert!(b.message().unwrap().contains("read as text"));
        // scripts past it do not become text
        let page = format!(
            "{}<script>var secret = 1;</script>tail",
            "<u></u>".repeat(300_000)
        );
        let b = bound_markup(&page);
        assert!(b.text_from.is_some());
        assert!(!b.text.contains("secret") && b.text.ends_with("tail"));
    }

    #[test]
    fn svg_titles_are_not_raw_text() {
        // inside <svg>, <title/> closes itself: what follows is markup, not the title's text
        let page = "<svg><title/><path d='M0'/></svg><p><b>x</b></p>";
        let b = bound_markup(page);
        // the document, html, head and body are not in the page
        assert_eq!(b.nodes, parsed_nodes(page) - 4);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
        ))]
        /// Whatever the tag soup, the parser's tree stays within twice the node budget the
        /// scan was given (plus one re-opening of what was left open), and no text is lost.
        #[test]
        fn the_parser_stays_within_the_budget(tokens in proptest::collection::vec(0usize..TOKENS.len(), 1..3_000), seed in 0u32..1000) {
            let page: String = tokens
                .iter()
                .enumerate()
                .map(|(i, t)| TOKENS[*t].replace("{}", &((i as u32 * 7 + seed) % 97).to_string()))
                .collect();
            let b = bound_markup_with(&page, 1_000, 300);
            let nodes = parsed_nodes(&b.text);
            proptest::prop_assert!(nodes <= 2 * 1_000 + 600, "{} nodes for {:?}", nodes, &page[..page.len().min(300)]);
            let words = |t: &str| parsed_text(t).split_whitespace().map(|w| w.matches('x').count()).sum::<usize>();
            proptest::prop_assert_eq!(words(&b.text), words(&page));
        }
    }

    /// The tag soup of the property test.
    const TOKENS: &[&str] = &[
        "<p>",
        "</p>",
        "<b id={}>",
        "</b>",
        "<i>",
        "</i>",
        "<a href=/{}>",
        "</a>",
        "<font color={}>",
        "</font>",
        "<em>",
        "<div>",
        "</div>",
        "<li>",
        "<ul>",
        "</ul>",
        "<table>",
        "</table>",
        "<tr>",
        "<td>",
        "</td>",
        "<svg>",
        "<title/>",
        "</svg>",
        "x",
        " ",
        "<br>",
        "<!--c-->",
        "<object>",
        "</object>",
        "<span>",
        "</span>",
        "<h2>",
        "</h2>",
        "<nobr>",
        "<select><option>",
        "<dd>",
        "<pre>",
        "<b/>",
        "<u id={}>",
    ];
}

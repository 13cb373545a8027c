//! Reading text out of the parsed document. Every walk here is iterative (no recursion
//! over the tree), so a page nested a hundred thousand levels deep cannot overflow the stack.

use std::collections::HashSet;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use crate::text::push_normalized;

/// Elements whose text is never article text.
fn is_invisible(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "svg" | "math" | "head"
    )
}

/// Elements that break a line: a space is put at their edges so that words in adjacent
/// blocks do not run together.
pub fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "br"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "td"
            | "th"
            | "tr"
            | "ul"
    )
}

/// The normalised text of an element, blocks separated by a space; `None` when empty.
pub fn text_of(el: ElementRef<'_>) -> Option<String> {
    text_without(el, &|_| false)
}

/// [`text_of`] without the subtrees whose root `dropped` says yes to.
pub fn text_without(
    el: ElementRef<'_>,
    dropped: &dyn Fn(ElementRef<'_>) -> bool,
) -> Option<String> {
    let mut out = String::new();
    walk_text(el, dropped, |piece| match piece {
        Piece::Text(t) => push_normalized(&mut out, t),
        Piece::Break | Piece::Block => push_normalized(&mut out, " "),
    });
    let len = out.trim_end().len();
    out.truncate(len);
    (!out.is_empty()).then_some(out)
}

/// The paragraphs of one body element: its text split at `<br>`, each piece normalised,
/// empty pieces left out. Subtrees whose root `dropped` says yes to are skipped.
pub fn paragraphs_of(
    el: ElementRef<'_>,
    dropped: &dyn Fn(ElementRef<'_>) -> bool,
    out: &mut Vec<String>,
) {
    let mut current = String::new();
    walk_text(el, dropped, |piece| match piece {
        Piece::Text(t) => push_normalized(&mut current, t),
        Piece::Block => push_normalized(&mut current, " "),
        Piece::Break => flush(&mut current, out),
    });
    flush(&mut current, out);
}

/// Ends a paragraph: `current` is already normalised but for a trailing space.
pub(crate) fn flush(current: &mut String, out: &mut Vec<String>) {
    let len = current.trim_end_matches(' ').len();
    current.truncate(len);
    if !current.is_empty() {
        out.push(std::mem::take(current));
    }
}

enum Piece<'a> {
    Text(&'a str),
    Break,
    Block,
}

fn walk_text<'a>(
    el: ElementRef<'a>,
    dropped: &dyn Fn(ElementRef<'_>) -> bool,
    mut emit: impl FnMut(Piece<'a>),
) {
    let mut skipping: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => emit(Piece::Text(t)),
                    Node::Element(e) => {
                        let name = e.name();
                        if node.id() != el.id()
                            && (is_invisible(name) || ElementRef::wrap(node).is_some_and(dropped))
                        {
                            skipping = Some(node.id());
                        } else if name == "br" {
                            emit(Piece::Break);
                        } else if is_block(name) {
                            emit(Piece::Block);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Node::Element(e) = node.value()
                    && is_block(e.name())
                    && e.name() != "br"
                {
                    emit(Piece::Block);
                }
            }
        }
    }
}

/// Whether `el` or one of its ancestors below `scope` is in `set`.
pub fn within_any(el: ElementRef<'_>, set: &HashSet<NodeId>, scope: NodeId) -> bool {
    if set.is_empty() {
        return false;
    }
    let mut node = Some(*el);
    while let Some(n) = node {
        if set.contains(&n.id()) {
            return true;
        }
        if n.id() == scope {
            return false;
        }
        node = n.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn first<'a>(doc: &'a Html, css: &str) -> ElementRef<'a> {
        doc.select(&Selector::parse(css).unwrap()).next().unwrap()
    }

    #[test]
    fn text_of_separates_blocks_and_skips_scripts() {
        let doc = Html::parse_document(
            "<div id=a><div>one</div><div>two<script>x()</script></div> <b>th</b>ree</div>",
        );
        assert_eq!(text_of(first(&doc, "#a")).unwrap(), "one two three");
    }

    #[test]
    fn paragraphs_split_at_br_and_skip_dropped() {
        let doc = Html::parse_document(
            "<p id=p><strong>عنوان</strong><br>فقرة أولى<br><br> فقرة <span class=x>مخفية</span>ثانية</p>",
        );
        let p = first(&doc, "#p");
        let x = first(&doc, ".x").id();
        let mut out = Vec::new();
        paragraphs_of(p, &|e| e.id() == x, &mut out);
        assert_eq!(out, vec!["عنوان", "فقرة أولى", "فقرة ثانية"]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 50_000;
        let html = format!("{}deep{}", "<span>".repeat(depth), "</span>".repeat(depth));
        let doc = Html::parse_document(&html);
        assert!(text_of(doc.root_element()).unwrap().contains("deep"));
    }
}

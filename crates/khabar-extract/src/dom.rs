//! Reading text out of the parsed document. Every walk here is iterative (no recursion
//! over the tree), so a page nested a hundred thousand levels deep cannot overflow the stack.

use std::collections::HashSet;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use crate::html::{is_block, is_hidden};
use crate::text::push_normalized;

/// The normalised text of an element, blocks separated by a space; `None` when empty.
pub(crate) fn text_of(el: ElementRef<'_>) -> Option<String> {
    text_without(el, &|_| false)
}

/// [`text_of`] without the subtrees whose root `dropped` says yes to.
pub(crate) fn text_without(
    el: ElementRef<'_>,
    dropped: &dyn Fn(ElementRef<'_>) -> bool,
) -> Option<String> {
    let mut out = String::new();
    walk(el, |step| {
        match step {
            Step::Open(e) => {
                let name = e.value().name();
                if e.id() != el.id() && (is_hidden(name) || dropped(e)) {
                    return false;
                }
                if is_block(name) {
                    push_normalized(&mut out, " ");
                }
            }
            Step::Text(t) => push_normalized(&mut out, t),
            Step::Close(e) => {
                if is_block(e.value().name()) {
                    push_normalized(&mut out, " ");
                }
            }
        }
        true
    });
    let len = out.trim_end().len();
    out.truncate(len);
    (!out.is_empty()).then_some(out)
}

/// One step of [`walk`].
pub(crate) enum Step<'a> {
    /// An element, on the way in.
    Open(ElementRef<'a>),
    /// A text node.
    Text(&'a str),
    /// An element whose inside was walked, on the way out.
    Close(ElementRef<'a>),
}

/// Walks `el` and its subtree in document order, without recursion. `visit` answers
/// [`Step::Open`] with whether to go inside: an element it says no to gets no
/// [`Step::Close`]. Comments and other nodes are passed over.
pub(crate) fn walk<'a>(el: ElementRef<'a>, mut visit: impl FnMut(Step<'a>) -> bool) {
    let mut skipping: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => {
                        visit(Step::Text(t));
                    }
                    Node::Element(_) => {
                        let e = ElementRef::wrap(node).expect("an element");
                        if !visit(Step::Open(e)) {
                            skipping = Some(node.id());
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Some(e) = ElementRef::wrap(node)
                {
                    visit(Step::Close(e));
                }
            }
        }
    }
}

/// Whether `el` or one of its ancestors below `scope` is in `set`.
pub(crate) fn within_any(el: ElementRef<'_>, set: &HashSet<NodeId>, scope: NodeId) -> bool {
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
    fn deep_nesting_does_not_overflow() {
        let depth = 50_000;
        let html = format!("{}deep{}", "<span>".repeat(depth), "</span>".repeat(depth));
        let doc = Html::parse_document(&html);
        assert!(text_of(doc.root_element()).unwrap().contains("deep"));
    }
}

//! The page flattened for scoring: every visible element in document order with what its
//! subtree holds (letters, letters inside links, punctuation) and its markup hint. One
//! iterative walk fills it; everything after works on indices, never on the tree again.

use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{ElementRef, Node};

use super::hints::{Hint, hint_of};

/// Index of an element in [`Flat::items`].
pub(crate) type Ix = usize;

/// The parent of the root.
pub(crate) const NO_PARENT: Ix = usize::MAX;

/// What [`Flat::walk`] meets.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    /// An element opens.
    Enter(Ix),
    /// A text node.
    Text(&'a str),
    /// An element closes.
    Leave(Ix),
}

/// One element and its subtree's counts.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    /// The element.
    pub el: ElementRef<'a>,
    /// Its parent's index ([`NO_PARENT`] for the root).
    pub parent: Ix,
    /// One past the last descendant: the subtree is `self_ix..end`.
    pub end: Ix,
    /// What its own markup says.
    pub hint: Hint,
    /// Inside an element hinted as furniture (or is one).
    pub in_furniture: bool,
    /// Inside a comment section (or is one).
    pub in_comments: bool,
    /// Behind the dialog a page was saved with open (see [`super::dialog`]): neither
    /// scoring nor the reading takes it.
    pub behind_dialog: bool,
    /// Letters (non-space characters) of the subtree's visible text.
    pub letters: u32,
    /// Of those, letters inside links.
    pub link_letters: u32,
    /// Letters in text nodes that are direct children.
    pub own_letters: u32,
    /// Letters of its running text: text nodes that are direct children or inside
    /// phrasing elements (`<i>`, `<span>`, …), not inside a child block nor a link.
    pub inline_letters: u32,
    /// Sentence punctuation in the subtree: , . ، ؛ ; ! ? and the CJK ones.
    pub punct: u32,
    /// Links (`a[href]`) in the subtree.
    pub links: u32,
    /// A `<table>` or `<pre>` is inside (a `<figure>` holding one is the article's own).
    pub holds_listing: bool,
    /// A field to type into (`<input>` of text, `<textarea>`) is inside: a form's box.
    pub holds_text_field: bool,
}

impl Item<'_> {
    /// The tag name.
    pub(crate) fn name(&self) -> &str {
        self.el.value().name()
    }

    /// The share of its letters inside links.
    pub(crate) fn link_density(&self) -> f32 {
        if self.letters == 0 {
            0.0
        } else {
            self.link_letters as f32 / self.letters as f32
        }
    }
}

/// The page flattened: every visible element in document order with its subtree's counts.
pub(crate) struct Flat<'a> {
    /// The elements, in document order (a subtree is a range).
    pub items: Vec<Item<'a>>,
    /// Letters of each element's paragraphs, furniture or not (see
    /// `Flat::paragraph_letters`).
    pub paragraphs: Vec<u32>,
    /// The dialog the page was saved with open, if any (see [`super::dialog`]).
    pub dialog: Option<Ix>,
}

/// Subtrees whose text a reader never sees.
pub(crate) fn invisible(el: &scraper::node::Element) -> bool {
    crate::html::is_hidden(el.name())
}

/// Whether an element's class and id words are read for its hint: not on a phrasing
/// element inside a `<pre>` listing (the highlighter's classes), nor on a link that holds
/// no block (a link inside a sentence is judged by its link text: `a.popup` on a note);
/// a link around a card of blocks keeps its words (`a.related-article-card`).
fn reads_words(node: NodeRef<'_, Node>, e: &scraper::node::Element, in_listing: bool) -> bool {
    let name = e.name();
    if in_listing && is_phrasing(name) {
        return false;
    }
    name != "a"
        || node.children().any(|c| {
            c.value()
                .as_element()
                .is_some_and(|c| crate::html::is_block(c.name()))
        })
}

/// Phrasing elements: their text runs on in the text of the element around them (a `<div>`
/// whose sentences are wrapped in one `<i>` still holds its own text). Links are left out:
/// a `<div>` whose text is mostly links is a list of them, not a paragraph.
fn is_phrasing(name: &str) -> bool {
    crate::html::is_phrasing(name)
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '،' | '؛' | ';' | '!' | '?' | '؟' | '。' | '、' | '，' | '।'
    )
}

/// Walks `root`'s subtree in document order without recursion. The visitor is called
/// with `(node, true)` on entering each node, and its answer says whether to go inside;
/// with `(node, false)` on leaving each node it went inside, once its inside is done (the
/// answer is not used).
fn traverse<'a>(root: NodeRef<'a, Node>, mut visit: impl FnMut(NodeRef<'a, Node>, bool) -> bool) {
    let mut node = root;
    loop {
        if visit(node, true) {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
            visit(node, false);
        }
        // on to the next sibling, leaving every parent whose last child this was
        loop {
            if node.id() == root.id() {
                return;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            node = node.parent().expect("a node below the root has a parent");
            visit(node, false);
        }
    }
}

/// A field a reader types into: a `<textarea>`, an `<input>` of text, e-mail, search and
/// the like. A checklist's boxes and a poll's buttons are not a form's.
fn is_text_field(e: &Element) -> bool {
    e.name() == "textarea"
        || (e.name() == "input"
            && e.attr("type").is_none_or(|t| {
                [
                    "text", "email", "search", "tel", "password", "url", "number",
                ]
                .iter()
                .any(|k| t.trim().eq_ignore_ascii_case(k))
            }))
}

impl<'a> Flat<'a> {
    /// Flattens the subtree under `root` (included).
    pub(crate) fn build(root: ElementRef<'a>) -> Self {
        let mut items: Vec<Item<'a>> = Vec::new();
        let mut stack: Vec<Ix> = Vec::new();
        let mut link_depth = 0u32;
        // inside a `<pre>` listing, the classes of phrasing elements are the highlighter's
        // (`hljs-comment`, `token comment`): they say how code looks, not what a block is
        let mut listing_depth = 0u32;
        traverse(*root, |node, entering| {
            if !entering {
                // only entered elements are left: the top of the stack
                let ix = stack.pop().expect("an element entered");
                items[ix].end = items.len();
                if items[ix].links > 0 && items[ix].name() == "a" {
                    link_depth = link_depth.saturating_sub(1);
                }
                if items[ix].name() == "pre" {
                    listing_depth = listing_depth.saturating_sub(1);
                }
                if let Some(&p) = stack.last() {
                    if items[ix].holds_listing || matches!(items[ix].name(), "table" | "pre") {
                        items[p].holds_listing = true;
                    }
                    if items[ix].holds_text_field || is_text_field(items[ix].el.value()) {
                        items[p].holds_text_field = true;
                    }
                    let (l, ll, pu, li) = (
                        items[ix].letters,
                        items[ix].link_letters,
                        items[ix].punct,
                        items[ix].links,
                    );
                    let inline = if is_phrasing(items[ix].name()) {
                        items[ix].inline_letters
                    } else {
                        0
                    };
                    let pi = &mut items[p];
                    pi.inline_letters += inline;
                    pi.letters += l;
                    pi.link_letters += ll;
                    pi.punct += pu;
                    pi.links += li;
                }
                return false;
            }
            match node.value() {
                Node::Element(e) if node.id() == root.id() || !invisible(e) => {
                    let parent = stack.last().copied().unwrap_or(NO_PARENT);
                    let is_link = e.name() == "a" && e.attr("href").is_some();
                    items.push(Item {
                        el: ElementRef::wrap(node).expect("element node"),
                        parent,
                        end: 0,
                        hint: hint_of(e, reads_words(node, e, listing_depth > 0)),
                        in_furniture: false,
                        in_comments: false,
                        behind_dialog: false,
                        letters: 0,
                        link_letters: 0,
                        own_letters: 0,
                        inline_letters: 0,
                        punct: 0,
                        links: u32::from(is_link),
                        holds_listing: false,
                        holds_text_field: false,
                    });
                    stack.push(items.len() - 1);
                    link_depth += u32::from(is_link);
                    listing_depth += u32::from(e.name() == "pre");
                    true
                }
                Node::Text(t) => {
                    if let Some(&top) = stack.last() {
                        let (mut letters, mut punct) = (0u32, 0u32);
                        for c in t.chars() {
                            if !c.is_whitespace() {
                                letters += 1;
                                punct += u32::from(is_punct(c));
                            }
                        }
                        let it = &mut items[top];
                        it.own_letters += letters;
                        it.inline_letters += letters;
                        it.letters += letters;
                        it.punct += punct;
                        if link_depth > 0 {
                            it.link_letters += letters;
                        }
                    }
                    false
                }
                _ => false,
            }
        });
        // a furniture hint on an element holding most of the page's paragraphs is wrong
        // (a theme's `sidebar-first-only` on the content column, a hidden element that a
        // script reveals): demote it. Then mark what lies inside furniture, parents coming
        // before their children.
        let mut flat = Flat {
            items,
            paragraphs: Vec::new(),
            dialog: None,
        };
        let para = flat.paragraph_letters();
        let total = para.first().copied().unwrap_or(0);
        // the paragraph letters of the largest element below each one that names the body
        // (`itemprop=articleBody`, `entry-content`): a comment or furniture word on an
        // element around the article's own body is a state or layout word (`commented`)
        let n = flat.items.len();
        let mut body_below = vec![0u32; n];
        // the same for the `<main>` and `<article>` elements strictly below each one
        let mut landmark_below = vec![0u32; n];
        for i in (0..n).rev() {
            let it = &flat.items[i];
            if it.hint == Hint::Body {
                body_below[i] = body_below[i].max(para[i]);
            }
            if it.parent != NO_PARENT {
                let p = it.parent;
                body_below[p] = body_below[p].max(body_below[i]);
                let here = if matches!(it.name(), "main" | "article") {
                    para[i]
                } else {
                    0
                };
                landmark_below[p] = landmark_below[p].max(landmark_below[i]).max(here);
            }
        }
        let dialog = super::dialog::open_dialog(&flat, &para);
        flat.dialog = dialog;
        for i in 0..flat.items.len() {
            let it = &flat.items[i];
            let mut hint = it.hint;
            if let Some(d) = dialog {
                let e = it.el.value();
                if flat.contains(i, d) || (flat.contains(d, i) && super::dialog::is_dialog(e)) {
                    // the dialog, what holds it and its own wrappers (`modal-content`): the
                    // page's content, whatever the class says (`render-target-modal`)
                    if hint == Hint::Furniture && !super::hints::hidden(e) {
                        hint = Hint::None;
                    }
                } else if !flat.contains(d, i) {
                    flat.items[i].behind_dialog = true;
                }
            }
            let it = &flat.items[i];
            // an `<aside>`, `<nav>` or `<footer>` holding most of the page is furniture all
            // the same (a live feed beside a short article) unless most of it is a `<main>`
            // or `<article>` inside: a banner left unclosed around the whole page
            let sectioning = matches!(it.name(), "aside" | "nav" | "footer");
            if hint == Hint::Furniture
                && total > 0
                && para[i] * 2 > total
                && (!sectioning || landmark_below[i] * 2 > para[i])
            {
                hint = Hint::Weak;
            }
            if hint.is_furniture() && body_below[i] > 0 && body_below[i] * 2 > para[i] {
                hint = Hint::Weak;
            }
            let (parent_in, parent_comments) = if it.parent == NO_PARENT {
                (false, false)
            } else {
                let p = &flat.items[it.parent];
                (p.in_furniture, p.in_comments)
            };
            flat.items[i].hint = hint;
            flat.items[i].in_furniture =
                parent_in || hint.is_furniture() || flat.items[i].behind_dialog;
            flat.items[i].in_comments = parent_comments || hint == Hint::Comments;
        }
        flat.paragraphs = para;
        flat
    }

    /// Whether an element reads as one paragraph: a `<p>`, `<pre>`, quote, list item or
    /// cell, or a `<div>`-like element whose text is mostly its own running text (in text
    /// nodes of its own or inside phrasing elements, not in child blocks).
    pub(crate) fn is_paragraph_like(&self, ix: Ix) -> bool {
        let it = &self.items[ix];
        match it.name() {
            "p" | "pre" | "blockquote" | "td" | "dd" | "li" => true,
            "div" | "section" | "article" | "span" | "font" | "center" | "main" => {
                it.inline_letters * 2 >= it.letters
            }
            _ => false,
        }
    }

    /// Letters of each element's paragraphs (outside links), furniture not considered:
    /// a paragraph is a paragraph-like element of 25 letters or more, at most half links.
    fn paragraph_letters(&self) -> Vec<u32> {
        let n = self.items.len();
        let mut out = vec![0u32; n];
        let mut below = vec![0u32; n];
        for ix in (0..n).rev() {
            let it = &self.items[ix];
            let own = if it.letters >= 25 && self.is_paragraph_like(ix) && it.link_density() < 0.5 {
                it.letters - it.link_letters
            } else {
                0
            };
            out[ix] = own.max(below[ix]);
            if it.parent != NO_PARENT {
                below[it.parent] += out[ix];
            }
        }
        out
    }

    /// Walks the subtree of item `root` in document order, in step with the items. The
    /// visitor's answer to [`Step::Enter`] says whether to go inside the element; its
    /// answers to the other steps are not used.
    pub(crate) fn walk(&self, root: Ix, mut visit: impl FnMut(Step<'a>) -> bool) {
        let root_node = *self.items[root].el;
        let mut next_ix = root;
        let mut open: Vec<Ix> = Vec::new();
        traverse(root_node, |node, entering| {
            if !entering {
                let ix = open.pop().expect("an element entered");
                visit(Step::Leave(ix));
                return false;
            }
            match node.value() {
                Node::Element(e) if node.id() == root_node.id() || !invisible(e) => {
                    let ix = next_ix;
                    debug_assert_eq!(self.items[ix].el.id(), node.id());
                    if visit(Step::Enter(ix)) {
                        open.push(ix);
                        next_ix = ix + 1;
                        true
                    } else {
                        next_ix = self.items[ix].end;
                        false
                    }
                }
                Node::Text(t) => {
                    visit(Step::Text(t));
                    false
                }
                _ => false,
            }
        });
    }

    /// Whether `inner` is `outer` or inside it.
    pub(crate) fn contains(&self, outer: Ix, inner: Ix) -> bool {
        inner >= outer && inner < self.items[outer].end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn counts_letters_links_and_punctuation() {
        let doc = Html::parse_document(
            "<body><div id=a><p>Hello, world.</p><p><a href=x>link</a> text</p><script>var x=1;</script><div hidden>secret</div></div></body>",
        );
        let flat = Flat::build(doc.root_element());
        let a = flat
            .items
            .iter()
            .position(|i| i.el.value().id() == Some("a"))
            .unwrap();
        let it = &flat.items[a];
        // hidden text is counted (and the element hinted as furniture), scripts are not
        assert_eq!(it.letters, "Hello,world.linktextsecret".len() as u32);
        assert_eq!(it.link_letters, 4);
        assert_eq!(it.punct, 2);
        assert_eq!(it.links, 1);
        // p, p, a, the hidden div, and nothing from the script
        assert_eq!(it.end - a - 1, 4);
        assert!(flat.items[it.end - 1].in_furniture);
        assert!(flat.items.iter().all(|i| i.end > 0));
    }

    #[test]
    fn text_in_phrasing_elements_is_the_blocks_own() {
        let doc = Html::parse_document(
            "<body><div id=a>Lead words here. <i>The rest of the story, all of it in one \
             italic run, as a news aggregator writes it.</i></div>\
             <div id=b><p>A paragraph of its own, long enough to count.</p></div>\
             <div id=c>Go: <a href=x>a link that is most of the text here</a></div></body>",
        );
        let flat = Flat::build(doc.root_element());
        let at = |id: &str| {
            flat.items
                .iter()
                .position(|i| i.el.value().id() == Some(id))
                .unwrap()
        };
        assert!(flat.is_paragraph_like(at("a")));
        assert!(!flat.is_paragraph_like(at("b")));
        assert!(!flat.is_paragraph_like(at("c")));
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion() {
        let depth = 20_000;
        let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let doc = Html::parse_document(&html);
        let flat = Flat::build(doc.root_element());
        assert_eq!(flat.items[0].letters, 4);
    }
}

//! Reading the chosen blocks: their paragraphs in document order, cleaned of what pages
//! put inside articles — furniture by markup, link lists, figures (their captions are read
//! by `fields.rs`), the headline, byline and date lines — and of nothing else: the rules
//! below say what stays (a section with sentences of its own, references, a table's cells,
//! linked section headings, a figure holding a table).

use super::body::{BodyChoice, text_only_out};
use super::hints::Hint;
use super::tree::{Flat, Ix, NO_PARENT, Step};
use crate::dom::{flush, is_block};
use crate::text::push_normalized;

/// A block mostly of links is a link list only when it holds less running text than this
/// in paragraphs of few links: a section of an article with its own sentences and a list of
/// links under them is read, and the list inside judged by itself.
const LINK_LIST_MAX_PROSE: u32 = 50;

/// A short element with a weak furniture word is dropped unless it holds this many letters
/// of running text in paragraphs.
const WEAK_MAX_PROSE: u32 = 100;

/// Link density above which a list item, a paragraph or a `<dd>` is dropped as links
/// (other blocks: above half).
const LIST_ITEM_MAX_LINK_DENSITY: f32 = 0.8;

/// Elements that start and end a paragraph of their own: the blocks, but for table
/// cells (a row is one paragraph, its cells joined with spaces) and `<br>` (read apart).
fn breaks_paragraph(name: &str) -> bool {
    is_block(name) && !matches!(name, "td" | "th" | "br")
}

/// Whether a subtree inside the body block is left out, and why not read as text.
fn dropped(flat: &Flat<'_>, ix: Ix, root: Ix, lenient: bool) -> bool {
    let block_letters = flat.items[root].letters;
    let it = &flat.items[ix];
    if it.behind_dialog {
        return true;
    }
    if lenient {
        // the text-only reading: comment sections and the furniture tags go, class and id
        // words are not read
        if text_only_out(flat, ix) || media(flat, ix) {
            return true;
        }
        return it.links >= 2
            && it.link_density() > 0.5
            && !kept_whatever_its_links(it.name())
            && !holds_the_block(flat, ix, root);
    }
    let name = it.name();
    if media(flat, ix) {
        return true;
    }
    // furniture unless it holds most of the block (then the hint is wrong)
    if it.hint == Hint::Comments || (it.hint == Hint::Furniture && it.letters * 2 < block_letters) {
        return true;
    }
    // a weak word on a short element: a byline, a date line, a teaser card; but not on a
    // section heading (`header-anchor`) nor on a paragraph of running text (a page
    // builder calls every block a `widget`)
    if it.hint == Hint::Weak
        && it.letters < 200
        && it.letters * 2 < block_letters
        && !is_heading(name)
        && !(is_inline(name) && in_list_item(flat, ix, root))
        && flat.paragraphs[ix] < WEAK_MAX_PROSE
    {
        return true;
    }
    // lists of links: menus, tag clouds, "more stories"
    let exempt = kept_whatever_its_links(name);
    // a list item or a paragraph (a reference, a source) is a link list only when it is
    // nearly all links
    let max_density = if matches!(name, "li" | "p" | "dd") {
        LIST_ITEM_MAX_LINK_DENSITY
    } else {
        0.5
    };
    if !exempt
        && it.links >= 2
        && it.link_density() > max_density
        && !holds_the_block(flat, ix, root)
        && flat.paragraphs[ix] < LINK_LIST_MAX_PROSE
    {
        return true;
    }
    // a lone link is a "read more" or a menu entry, except in a table's cell (a table
    // that was kept is data: a title in its column links to its page) and in a heading
    // (a linked section title: a listicle's entries, a permalink; dropping those headings
    // cost both sets' tune halves, bench/generic)
    if !exempt
        && !matches!(name, "td" | "th")
        && it.links == 1
        && it.link_density() > 0.8
        && it.letters < 120
    {
        return true;
    }
    false
}

/// The nearest block around an inline element, below the body block, is a list item.
fn in_list_item(flat: &Flat<'_>, ix: Ix, root: Ix) -> bool {
    let mut up = flat.items[ix].parent;
    while up != NO_PARENT && up != root {
        let name = flat.items[up].name();
        if !is_inline(name) && name != "cite" {
            return name == "li";
        }
        up = flat.items[up].parent;
    }
    false
}

/// Pictures, players and their captions (read by `fields.rs`), and the headline: not the
/// body's text. A `<figure>` that holds a table or a code listing is the article's own
/// (editors wrap tables in figures: `figure.wp-block-table`); its caption still goes.
fn media(flat: &Flat<'_>, ix: Ix) -> bool {
    let it = &flat.items[ix];
    match it.name() {
        "figure" => !it.holds_listing,
        "figcaption" | "h1" | "picture" | "video" | "audio" => true,
        _ => false,
    }
}

/// An element holding at least half of the block's paragraph letters is the article
/// itself, however many links the page put around its paragraphs: not a link list.
fn holds_the_block(flat: &Flat<'_>, ix: Ix, root: Ix) -> bool {
    flat.paragraphs[root] > 0 && flat.paragraphs[ix] * 2 >= flat.paragraphs[root]
}

/// Elements that the link-list rules never drop by themselves: the inline ones (judged
/// with their block), and the section headings: a heading that links (to itself, back to
/// the contents) is the section's title, and a list of linked headings goes as a whole
/// with its container.
fn kept_whatever_its_links(name: &str) -> bool {
    is_inline(name) || is_heading(name)
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h2" | "h3" | "h4" | "h5" | "h6")
}

fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "span"
            | "b"
            | "strong"
            | "em"
            | "i"
            | "u"
            | "small"
            | "sup"
            | "sub"
            | "code"
            | "mark"
    )
}

/// Reads the chosen blocks' paragraphs in document order, cleaned. When cleaning leaves
/// nothing of a block that holds paragraphs, it is read again the text-only way (the
/// reason goes to `why`).
pub fn read(
    flat: &Flat<'_>,
    choice: &BodyChoice,
    headline: Option<&str>,
    why: &mut Vec<String>,
) -> Vec<String> {
    let mut paragraphs = Vec::new();
    for &root in &choice.roots {
        read_block(flat, root, choice.text_only, &mut paragraphs);
    }
    if let Some(h) = headline {
        paragraphs.retain(|p| p != h);
    }
    if paragraphs.is_empty() && !choice.text_only {
        why.push(
            "fallback: cleaning by markup left nothing of the block; read again without \
             class or id words"
                .to_string(),
        );
        for &root in &choice.roots {
            read_block(flat, root, true, &mut paragraphs);
        }
        if let Some(h) = headline {
            paragraphs.retain(|p| p != h);
        }
    }
    paragraphs
}

fn read_block(flat: &Flat<'_>, root: Ix, lenient: bool, paragraphs: &mut Vec<String>) {
    let mut current = String::new();
    flat.walk(root, |step| {
        match step {
            Step::Enter(ix) => {
                let it = &flat.items[ix];
                if ix != root && dropped(flat, ix, root, lenient) {
                    if breaks_paragraph(it.name()) {
                        flush(&mut current, paragraphs);
                    }
                    return false;
                }
                if it.name() == "br" || breaks_paragraph(it.name()) {
                    flush(&mut current, paragraphs);
                } else if matches!(it.name(), "td" | "th") {
                    push_normalized(&mut current, " ");
                }
            }
            Step::Text(t) => push_normalized(&mut current, t),
            Step::Leave(ix) => {
                if breaks_paragraph(flat.items[ix].name()) {
                    flush(&mut current, paragraphs);
                }
            }
        }
        true
    });
    flush(&mut current, paragraphs);
}

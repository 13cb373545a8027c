//! Reading the chosen blocks: their paragraphs in document order, cleaned of what pages
//! put inside articles — furniture by markup, link lists, figures (their captions are read
//! by `fields.rs`), the headline, byline and date lines — and of nothing else: the rules
//! below say what stays (a section with sentences of its own, references, a table's cells,
//! linked section headings, a figure holding a table).

use url::Url;

use super::body::{BodyChoice, text_only_out};
use super::hints::Hint;
use super::tree::{Flat, Ix, NO_PARENT, Step};
use crate::blocks::{Block, BlockBuilder, body_of, without_headline};
use crate::html::{self, Kind};

/// A block mostly of links is a link list only when it holds less running text than this
/// in paragraphs of few links: a section of an article with its own sentences and a list of
/// links under them is read, and the list inside judged by itself.
const LINK_LIST_MAX_PROSE: u32 = 50;

/// A short element with a weak furniture word is dropped unless it holds this many letters
/// of running text in paragraphs.
const WEAK_MAX_PROSE: u32 = 100;

/// A box holding a field to type into and fewer letters than this is the form's: a sign-up's
/// pitch, a search box's label.
const FORM_BOX_MAX_LETTERS: u32 = 400;

/// Link density above which a list item, a paragraph or a `<dd>` is dropped as links
/// (other blocks: above half).
const LIST_ITEM_MAX_LINK_DENSITY: f32 = 0.8;

/// What cleaning makes of one element inside the body block.
enum Verdict {
    /// Read as the article's text.
    Keep,
    /// Read, although a rule below nearly dropped it: why it stays, for `--explain`.
    KeepDespite(String),
    /// Left out (its subtree with it): why, for `--explain`.
    Drop(String),
}

/// `5 links, 80 % of its letters linked`.
fn link_share(flat: &Flat<'_>, ix: Ix) -> String {
    let it = &flat.items[ix];
    format!(
        "{} links, {:.0} % of its letters linked",
        it.links,
        100.0 * it.link_density()
    )
}

/// A person's box says more than a name and a title line.
const AUTHOR_BOX_MIN_LETTERS: u32 = 120;

/// Whether schema.org microdata says the element is a person: `itemprop="author"`, or an
/// `itemtype` of `Person`.
fn is_person_box(el: &scraper::node::Element) -> bool {
    super::hints::has_itemprop(el, "author")
        || el
            .attr("itemtype")
            .is_some_and(|t| t.trim_end_matches('/').ends_with("schema.org/Person"))
}

/// The text-only reading: comment sections and the furniture tags go, and link lists;
/// class and id words are not read.
fn judge_text_only(flat: &Flat<'_>, ix: Ix, root: Ix, how: Reading) -> Verdict {
    let it = &flat.items[ix];
    if how.furniture_read && (it.in_comments || it.behind_dialog) {
        return Verdict::Drop("a comment section (last-resort reading)".into());
    }
    if !how.furniture_read && text_only_out(flat, ix) {
        return Verdict::Drop("a comment section or a furniture tag (text-only reading)".into());
    }
    if let Some(m) = how.markup_block
        && ix >= flat.items[m].end
        && it.hint == Hint::Furniture
        // by a class or id word: hidden parts are where some pages stream the article
        && super::hints::hint_of(it.el.value(), false) != Hint::Furniture
    {
        return Verdict::Drop(format!(
            "{}, after the block the markup chose (text-only reading)",
            super::hints::furniture_reason(it.el.value())
        ));
    }
    if it.links >= 2 && it.link_density() > 0.5 && !kept_whatever_its_links(it.name()) {
        return if holds_the_block(flat, ix, root) {
            Verdict::KeepDespite(format!(
                "{}, but it holds most of the block",
                link_share(flat, ix)
            ))
        } else {
            Verdict::Drop(format!("a link list: {}", link_share(flat, ix)))
        };
    }
    Verdict::Keep
}

/// Whether a subtree inside the body block is left out, and why; or why it stays when a
/// rule nearly took it.
fn judge(flat: &Flat<'_>, ix: Ix, root: Ix, how: Reading) -> Verdict {
    let block_letters = flat.items[root].letters;
    let it = &flat.items[ix];
    if it.behind_dialog {
        return Verdict::Drop("behind the dialog the page was saved with open".into());
    }
    if let Some(what) = media(flat, ix, how) {
        return Verdict::Drop(what.into());
    }
    if how.lenient {
        return judge_text_only(flat, ix, root, how);
    }
    // a box the markup says is a person (schema.org's `itemprop=author`, a `Person`) that
    // says more than a name: the author's biography
    if is_person_box(it.el.value())
        && it.letters >= AUTHOR_BOX_MIN_LETTERS
        && !holds_the_block(flat, ix, root)
    {
        return Verdict::Drop(
            "a box about a person by its markup (itemprop=author, a Person): an author's biography"
                .into(),
        );
    }
    // a card that is one link, headed: a teaser of another page
    if it.name() == "a"
        && !holds_the_block(flat, ix, root)
        && (ix + 1..it.end).any(|d| is_heading(flat.items[d].name()))
    {
        return Verdict::Drop("a headed card that is one link: a teaser".into());
    }
    let name = it.name();
    if it.hint == Hint::Comments {
        return Verdict::Drop("a comment section by its markup".into());
    }
    // furniture unless it holds most of the block (then the hint is wrong)
    if it.hint == Hint::Furniture {
        return if it.letters * 2 < block_letters {
            Verdict::Drop(super::hints::furniture_reason(it.el.value()))
        } else {
            Verdict::KeepDespite("marked as furniture, but it holds most of the block".into())
        };
    }
    // a box around a form: a newsletter sign-up, a search, a comment or contact form; its
    // title and its lines go with the form
    if it.holds_text_field
        && matches!(name, "div" | "section" | "aside" | "p")
        && it.letters < FORM_BOX_MAX_LETTERS
        && it.letters * 2 < block_letters
    {
        return Verdict::Drop("a box around a form (a sign-up, a search, a comment form)".into());
    }
    // a weak word on a short element: a byline, a date line, a teaser card; but not on a
    // section heading (`header-anchor`) nor on a paragraph of running text (a page
    // builder calls every block a `widget`)
    let mut despite = None;
    if it.hint == Hint::Weak && it.letters < 200 && it.letters * 2 < block_letters {
        if is_heading(name) {
            despite = Some("a weak word in its markup, but a heading");
        } else if flat.paragraphs[ix] >= WEAK_MAX_PROSE {
            despite = Some("a weak word in its markup, but running text");
        } else if !(is_inline(name) && in_list_item(flat, ix, root)) {
            return Verdict::Drop(format!(
                "a short element with a weak word in its markup («{}»): a byline, a date, a card",
                super::hints::weak_word(it.el.value()).unwrap_or(name)
            ));
        }
    }
    // lists of links: menus, tag clouds, "more stories"; an entry of a list of text is
    // judged with its list, which was kept (a list of an API's types, each linked)
    let exempt = kept_whatever_its_links(name) || entry_of_a_list_of_text(flat, ix);
    // a list item or a paragraph (a reference, a source) is a link list only when it is
    // nearly all links
    let max_density = if matches!(name, "li" | "p" | "dd") {
        LIST_ITEM_MAX_LINK_DENSITY
    } else {
        0.5
    };
    if !exempt && it.links >= 2 && it.link_density() > max_density {
        if holds_the_block(flat, ix, root) {
            return Verdict::KeepDespite(format!(
                "{}, but it holds most of the block",
                link_share(flat, ix)
            ));
        }
        if flat.paragraphs[ix] >= LINK_LIST_MAX_PROSE {
            return Verdict::KeepDespite(format!(
                "{}, but sentences of its own",
                link_share(flat, ix)
            ));
        }
        return Verdict::Drop(format!("a link list: {}", link_share(flat, ix)));
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
        return Verdict::Drop("a lone link: a «read more» or a menu entry".into());
    }
    despite.map_or(Verdict::Keep, |why| Verdict::KeepDespite(why.into()))
}

/// A list item whose list is mostly text, not links.
fn entry_of_a_list_of_text(flat: &Flat<'_>, ix: Ix) -> bool {
    let it = &flat.items[ix];
    it.name() == "li"
        && it.parent != NO_PARENT
        && matches!(flat.items[it.parent].name(), "ul" | "ol")
        && flat.items[it.parent].link_density() <= 0.5
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

/// Pictures, players and their captions (read by `fields.rs`), and the headline (an `<h1>`,
/// unless the block holds several: then they are its sections' headings): not the body's
/// text. A `<figure>` that holds a table or a code listing is the article's own
/// (editors wrap tables in figures: `figure.wp-block-table`); its caption still goes.
fn media(flat: &Flat<'_>, ix: Ix, how: Reading) -> Option<&'static str> {
    let it = &flat.items[ix];
    match it.name() {
        "figure" if !it.holds_listing => Some("a figure: its caption goes to `captions`"),
        "h1" if !how.h1_sections => Some("the headline"),
        "figcaption" => Some("a caption: it goes to `captions`"),
        "picture" | "video" | "audio" => Some("a picture or a player"),
        _ => None,
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
    html::heading_level(name).is_some_and(|l| l >= 2)
}

/// Inside a run of text: links and phrasing elements (judged with their block).
fn is_inline(name: &str) -> bool {
    matches!(html::kind(name), Kind::Link | Kind::Phrasing)
}

/// Reads the chosen blocks in document order, cleaned, as blocks of the article (links
/// resolved against `base`). When cleaning leaves nothing of a block that holds paragraphs,
/// it is read again the text-only way (the reason goes to `why`).
pub(crate) fn read(
    flat: &Flat<'_>,
    choice: &BodyChoice,
    headline: Option<&str>,
    base: Option<&Url>,
    why: &mut Vec<String>,
    parts: &mut Vec<String>,
) -> Vec<Block> {
    let (mut blocks, mut notes) = read_blocks(
        flat,
        &choice.roots,
        (choice.text_only, choice.furniture_read, choice.markup_block),
        base,
    );
    if let Some(h) = headline {
        without_headline(&mut blocks, h);
    }
    if body_of(&blocks).is_empty() && !choice.text_only {
        why.push(
            "fallback: cleaning by markup left nothing of the block; read again without \
             class or id words"
                .to_string(),
        );
        (blocks, notes) = read_blocks(flat, &choice.roots, (true, false, None), base);
        if let Some(h) = headline {
            without_headline(&mut blocks, h);
        }
    }
    parts.extend(notes);
    blocks
}

/// How a block is read: the text-only way or not, and whether its `<h1>`s are sections'
/// headings.
#[derive(Clone, Copy)]
struct Reading {
    lenient: bool,
    /// The last resort's reading: the furniture tags are read too (with `lenient`).
    furniture_read: bool,
    /// See [`BodyChoice::markup_block`].
    markup_block: Option<Ix>,
    h1_sections: bool,
}

/// The blocks read, and a note for each element dropped or kept against a rule (for
/// `--explain`).
fn read_blocks(
    flat: &Flat<'_>,
    roots: &[Ix],
    (lenient, furniture_read, markup_block): (bool, bool, Option<Ix>),
    base: Option<&Url>,
) -> (Vec<Block>, Vec<String>) {
    let mut builder = BlockBuilder::new(base);
    let mut notes = Vec::new();
    for &root in roots {
        let h1s = (root..flat.items[root].end)
            .filter(|&i| flat.items[i].name() == "h1")
            .count();
        let how = Reading {
            lenient,
            furniture_read,
            markup_block,
            h1_sections: h1s >= 2,
        };
        flat.walk(root, |step| {
            match step {
                Step::Enter(ix) => {
                    let it = &flat.items[ix];
                    let verdict = if ix == root {
                        Verdict::Keep
                    } else {
                        judge(flat, ix, root, how)
                    };
                    match verdict {
                        Verdict::Drop(why) => {
                            if is_own_figure(flat, ix) {
                                builder.figure(it.el);
                            } else {
                                if it.letters > 0 {
                                    notes.push(part_note("dropped", it.el, &why));
                                }
                                // what was around it does not run on across it
                                builder.open(it.el);
                                builder.close(it.el);
                            }
                            return false;
                        }
                        Verdict::KeepDespite(why) if it.letters > 0 => {
                            notes.push(part_note("kept", it.el, &why));
                        }
                        _ => {}
                    }
                    builder.open(it.el);
                }
                Step::Text(t) => builder.text(t),
                Step::Leave(ix) => builder.close(flat.items[ix].el),
            }
            true
        });
    }
    (builder.finish(), notes)
}

/// `dropped  div.share-bar «Share this story…»: furniture by its markup …`
fn part_note(what: &str, el: scraper::ElementRef<'_>, why: &str) -> String {
    let text: String = el
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let preview: String = text.chars().take(40).collect();
    let more = if text.chars().count() > 40 { "…" } else { "" };
    format!("{what:<8} {} «{preview}{more}»: {why}", super::describe(el))
}

/// A figure of the article's own, read as a figure in its place: not furniture, not a
/// table or listing in a figure (read as what it holds).
fn is_own_figure(flat: &Flat<'_>, ix: Ix) -> bool {
    let it = &flat.items[ix];
    it.name() == "figure"
        && !it.holds_listing
        && !it.behind_dialog
        && !matches!(it.hint, Hint::Furniture | Hint::Comments)
}

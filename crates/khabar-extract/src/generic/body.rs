//! Finding the article body on a page nobody wrote selectors for.
//!
//! Scoring: paragraph-like elements (a `<p>`, `<pre>`, `<blockquote>`, list item, table
//! cell, or a `<div>` holding its own text) of 25 letters or more, at most half links, are
//! the article's candidates. Every element scores the letters of the paragraphs under it
//! (a little more for sentence punctuation) less what it would drag in with them: link
//! text and other text outside paragraphs, furniture excepted (cleaning drops it anyway);
//! what its markup says (`itemprop=articleBody`, `entry-content`, `comments`, `nav`, …)
//! scales the score. The best element is the body block, however deep the page nests it.
//! Nothing here reads the words of the text, so pages in any language and direction are
//! scored alike.
//!
//! [`super::clean`] then reads the chosen blocks and cleans them.

use super::hints::Hint;
use super::tree::{Flat, Ix, NO_PARENT};

/// Least letters for an element to count as a paragraph when scoring.
const MIN_PARAGRAPH_LETTERS: u32 = 25;

/// An element put forward as the body, with its score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    /// The element.
    pub ix: Ix,
    /// Its score.
    pub score: f32,
}

/// The chosen block and how it was chosen.
#[derive(Debug, Clone)]
pub(crate) struct BodyChoice {
    /// The block chosen.
    pub best: Candidate,
    /// The best candidate neither inside nor around the chosen one.
    pub runner_up: Option<Candidate>,
    /// The blocks read, in document order: `best` and the siblings that continue it.
    pub roots: Vec<Ix>,
    /// Why the block won when a fallback chose it (or siblings were joined), for
    /// `--explain`; empty for the plain choice.
    pub why: Vec<String>,
    /// The block was chosen by the text-only fallback: read without markup drops.
    pub text_only: bool,
    /// The block was chosen by the last resort: the furniture tags inside it are read too.
    pub furniture_read: bool,
    /// When the text-only fallback widened the markup-chosen block to an ancestor, that
    /// block: what the markup calls furniture by a class or id word after it (a
    /// related-articles box under a short article) is still left out.
    pub markup_block: Option<Ix>,
}

/// What a letter outside paragraphs costs a block, in paragraph letters: going up from a
/// block to its parent pays off when the paragraphs gained outweigh the link lists and
/// short bits gained with them. Link text costs more than plain text (headings, short list
/// items and captions are often the article's own). Furniture costs nothing: cleaning
/// drops it anyway. Measured on the WCXB development pages (bench/generic).
const LINK_LETTERS_COST: f32 = 1.2;
const OTHER_LETTERS_COST: f32 = 0.3;

/// The markup-led choice is replaced by the text-only one when its block holds less than
/// this share of the paragraph letters of the text-only block: a teaser, a header
/// description or a headline box won over an article whose container carries a layout
/// word (bench/generic, tune halves of both sets).
const TOO_LITTLE_SHARE: f32 = 0.35;

/// A block holding less than `WIDEN_BELOW` of the page's paragraph letters is widened to
/// its nearest ancestor holding at least `WIDEN_TO` of them: an article cut in sections,
/// or a block that is one paragraph of it.
const WIDEN_BELOW: f32 = 0.3;
const WIDEN_TO: f32 = 0.6;
/// The ancestor may cost (its score below zero) up to this share of its paragraph letters:
/// code listings and link-dense lines between the sections are what kept it from winning.
const WIDEN_MAX_COST: f32 = 0.5;

/// A sibling of the chosen block continues the article when its paragraphs hold at least
/// this share of the block's (and [`JOIN_MIN_LETTERS`]) at a link density below
/// [`JOIN_MAX_LINK_DENSITY`]: a lead box and the body, a recipe's ingredients and steps,
/// a body continued after an inline widget.
const JOIN_SHARE: f32 = 0.2;
const JOIN_MIN_LETTERS: f32 = 150.0;
const JOIN_MAX_LINK_DENSITY: f32 = 0.25;

/// Which of two scorings runs: the markup-led one (class and id words scale the score,
/// furniture is left out), or the text-only fallback, which reads no class or id word and
/// leaves out only comment sections and the furniture tags (`nav`, `aside`, `footer`,
/// `form`); hidden elements are read (pages stream the article into hidden elements that
/// a script reveals).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bias {
    Markup,
    TextOnly,
    /// The last resort, when both left everything out (a page that wraps its article in an
    /// `<aside>`): only comment sections and what is behind an open dialog are left out.
    Anything,
}

/// At least the most the punctuation bonus multiplies a paragraph's letters by (20 marks ×
/// 0.02 = 1.4, with room for rounding).
const MAX_BONUS: f32 = 1.41;

/// Paragraph letters under each element and each element's score, for one bias.
struct Scored {
    good: Vec<f32>,
    score: Vec<f32>,
    /// Elements the scoring leaves out (and everything inside them).
    out: Vec<bool>,
}

/// Left out by the text-only scoring and reading: comment sections, the page behind an
/// open dialog and the furniture tags.
pub(super) fn text_only_out(flat: &Flat<'_>, ix: Ix) -> bool {
    let it = &flat.items[ix];
    it.in_comments
        || it.behind_dialog
        || (it.hint == Hint::Furniture && super::hints::furniture_tag(it.name()))
}

fn score_all(flat: &Flat<'_>, bias: Bias) -> Scored {
    let n = flat.items.len();
    let mut out = vec![false; n];
    for ix in 0..n {
        let it = &flat.items[ix];
        out[ix] = match bias {
            Bias::Markup => it.in_furniture,
            Bias::TextOnly => (it.parent != NO_PARENT && out[it.parent]) || text_only_out(flat, ix),
            Bias::Anything => it.in_comments || it.behind_dialog,
        };
    }
    // paragraph letters under each element, children before parents (reverse preorder)
    let mut good = vec![0f32; n];
    let mut below = vec![0f32; n];
    // letters of left-out subtrees under each element: cleaning drops them, so they cost
    // nothing
    let mut furniture = vec![0f32; n];
    for ix in (0..n).rev() {
        let it = &flat.items[ix];
        if out[ix] && (it.parent == NO_PARENT || !out[it.parent]) {
            furniture[ix] = it.letters as f32;
        }
        if it.parent != NO_PARENT && !out[it.parent] {
            let f = furniture[ix];
            furniture[it.parent] += f;
        }
        let own = if !out[ix]
            && it.letters >= MIN_PARAGRAPH_LETTERS
            && flat.is_paragraph_like(ix)
            && it.link_density() < 0.5
        {
            (it.letters - it.link_letters) as f32 * (1.0 + (it.punct.min(20) as f32) * 0.02)
        } else {
            0.0
        };
        good[ix] = if out[ix] { 0.0 } else { own.max(below[ix]) };
        if it.parent != NO_PARENT {
            below[it.parent] += good[ix];
        }
    }
    let score = (0..n)
        .map(|ix| {
            let it = &flat.items[ix];
            let other = (it.letters as f32 - furniture[ix] - good[ix]).max(0.0);
            let links = (it.link_letters as f32).min(other);
            let base = good[ix] - LINK_LETTERS_COST * links - OTHER_LETTERS_COST * (other - links);
            if bias != Bias::Markup {
                return base;
            }
            match it.hint {
                Hint::Body => base * 1.25 + 100.0,
                Hint::Content => base * 1.05,
                Hint::Weak => base * 0.9,
                Hint::None => base,
                Hint::Furniture | Hint::Comments => base * 0.5,
            }
        })
        .collect();
    Scored { good, score, out }
}

/// A chosen block this short is a scrap (a copyright line) when the markup names a body.
const SCRAP_LETTERS: u32 = 200;

/// When the chosen block is a scrap and the page has an element the markup names the body
/// (`entry-content`, `itemprop=articleBody`) holding at least three times its letters: a
/// page of lines too short to be paragraphs (a photo series' captions, a list of facts).
/// The largest such element.
fn named_body_over_a_scrap(flat: &Flat<'_>, chosen: Ix) -> Option<Ix> {
    let letters = flat.items[chosen].letters;
    if letters >= SCRAP_LETTERS {
        return None;
    }
    flat.items
        .iter()
        .enumerate()
        .filter(|(_, it)| {
            it.hint == Hint::Body
                && !it.in_furniture
                && !it.in_comments
                && !it.behind_dialog
                && it.letters >= 3 * letters.max(50)
        })
        .max_by_key(|(_, it)| it.letters)
        .map(|(ix, _)| ix)
}

fn best_of(flat: &Flat<'_>, s: &Scored) -> Option<Candidate> {
    let mut best: Option<Candidate> = None;
    for ix in 0..flat.items.len() {
        if s.good[ix] <= 0.0 || s.out[ix] {
            continue;
        }
        // around an open dialog, the page behind it scores nothing: its ancestors would
        // tie with it
        if flat.dialog.is_some_and(|d| ix != d && flat.contains(ix, d)) {
            continue;
        }
        if best.is_none_or(|b| s.score[ix] > b.score) {
            best = Some(Candidate {
                ix,
                score: s.score[ix],
            });
        }
    }
    best
}

/// Scores every element and picks the body block; `None` when nothing on the page reads
/// like paragraphs. The markup-led scoring chooses first; the text-only one replaces its
/// choice when there is none or when it holds too little of the page's paragraph text.
/// Siblings that continue the chosen block are joined to it.
pub(crate) fn choose(flat: &Flat<'_>) -> Option<BodyChoice> {
    let n = flat.items.len();
    let markup = score_all(flat, Bias::Markup);
    let a = best_of(flat, &markup);
    // the text-only scoring can only win when the markup-led block holds under
    // TOO_LITTLE_SHARE of its paragraph text, which is at most MAX_BONUS times the page's
    // paragraph letters: when the block holds more, it is not computed at all
    let page_paragraphs = flat.paragraphs.first().copied().unwrap_or(0) as f32;
    let text_needed =
        a.is_none_or(|a| markup.good[a.ix] < TOO_LITTLE_SHARE * MAX_BONUS * page_paragraphs);
    let text = if text_needed {
        score_all(flat, Bias::TextOnly)
    } else {
        Scored {
            good: Vec::new(),
            score: Vec::new(),
            out: Vec::new(),
        }
    };
    let b = if text_needed {
        best_of(flat, &text)
    } else {
        None
    };
    let mut why = Vec::new();
    let mut markup_block = None;
    let (best, scored, text_only) = match (a, b) {
        (None, None) => {
            let anything = score_all(flat, Bias::Anything);
            let c = best_of(flat, &anything)?;
            why.push(
                "fallback: every block reading like paragraphs is marked as furniture; the \
                 best of them is read"
                    .to_string(),
            );
            return Some(BodyChoice {
                best: c,
                runner_up: None,
                roots: vec![c.ix],
                text_only: true,
                furniture_read: true,
                markup_block: None,
                why,
            });
        }
        (None, Some(b)) => {
            why.push(
                "fallback: no block outside furniture reads like paragraphs; the text-only \
                 scoring (no class or id words) chose this one"
                    .to_string(),
            );
            (b, &text, true)
        }
        (Some(a), Some(b)) if markup.good[a.ix] < TOO_LITTLE_SHARE * text.good[b.ix] => {
            why.push(format!(
                "fallback: the markup-chosen block ({}) holds {:.0} % of the paragraph text of \
                 the text-only choice; {}",
                super::describe(flat.items[a.ix].el),
                100.0 * markup.good[a.ix] / text.good[b.ix],
                if flat.contains(b.ix, a.ix) {
                    markup_block = Some(a.ix);
                    "widened to its ancestor"
                } else if flat.contains(a.ix, b.ix) {
                    "narrowed to a block inside it (the markup drops the rest as furniture)"
                } else {
                    "re-chosen elsewhere"
                }
            ));
            (b, &text, true)
        }
        (Some(a), _) => (a, &markup, false),
    };
    // a block holding too little of the page's paragraph text (the first of an article's
    // sections, one paragraph of it) is widened to the nearest ancestor holding most of it
    let mut best = best;
    let total = scored.good.first().copied().unwrap_or(0.0);
    if scored.good[best.ix] < WIDEN_BELOW * total {
        let mut up = flat.items[best.ix].parent;
        while up != NO_PARENT {
            if scored.good[up] >= WIDEN_TO * total {
                if !scored.out[up] && scored.score[up] > -WIDEN_MAX_COST * scored.good[up] {
                    why.push(format!(
                        "widened: {} held {:.0} % of the page's paragraph text; its ancestor \
                         holds {:.0} %",
                        super::describe(flat.items[best.ix].el),
                        100.0 * scored.good[best.ix] / total,
                        100.0 * scored.good[up] / total
                    ));
                    best = Candidate {
                        ix: up,
                        score: scored.score[up],
                    };
                }
                break;
            }
            up = flat.items[up].parent;
        }
    }
    if let Some(named) = named_body_over_a_scrap(flat, best.ix) {
        why.push(format!(
            "fallback: {} holds {} letters; the element the markup names the body holds {} \
             (a page of short lines)",
            super::describe(flat.items[best.ix].el),
            flat.items[best.ix].letters,
            flat.items[named].letters
        ));
        best = Candidate {
            ix: named,
            score: scored.score[named],
        };
    }
    // a table or a list is a part of an article, not one: chosen, it is read with the
    // container around it when that container holds paragraphs of its own besides it
    if is_structure(flat.items[best.ix].name()) {
        let mut up = flat.items[best.ix].parent;
        while up != NO_PARENT && is_structure(flat.items[up].name()) {
            up = flat.items[up].parent;
        }
        if up != NO_PARENT
            && !scored.out[up]
            && scored.score[up] > 0.0
            && scored.good[up] >= scored.good[best.ix] + JOIN_MIN_LETTERS
        {
            why.push(format!(
                "widened: {} is a {}; read with the container around it, which holds paragraphs \
                 scoring {:.0} more",
                super::describe(flat.items[best.ix].el),
                if matches!(flat.items[best.ix].name(), "ul" | "ol" | "dl") {
                    "list"
                } else {
                    "table"
                },
                scored.good[up] - scored.good[best.ix]
            ));
            best = Candidate {
                ix: up,
                score: scored.score[up],
            };
        }
    }
    // siblings that continue the block: paragraphs of their own, few links, not left out
    let mut roots = vec![best.ix];
    let parent = flat.items[best.ix].parent;
    if parent != NO_PARENT {
        let floor = JOIN_MIN_LETTERS.max(JOIN_SHARE * scored.good[best.ix]);
        let mut c = parent + 1;
        let end = flat.items[parent].end;
        while c < end {
            let it = &flat.items[c];
            if c != best.ix
                && !scored.out[c]
                && scored.good[c] >= floor
                && scored.score[c] > 0.0
                && it.link_density() < JOIN_MAX_LINK_DENSITY
                && !matches!(it.hint, Hint::Furniture | Hint::Comments | Hint::Weak)
            {
                roots.push(c);
            }
            c = it.end;
        }
        if roots.len() > 1 {
            roots.sort_unstable();
            why.push(format!(
                "joined {} sibling block(s) that continue it (each with ≥ {:.0} paragraph \
                 letters, link density < {JOIN_MAX_LINK_DENSITY})",
                roots.len() - 1,
                floor
            ));
        }
    }
    let inside = |ix: Ix| {
        roots
            .iter()
            .any(|&r| flat.contains(r, ix) || flat.contains(ix, r))
    };
    // the runner-up is the best block elsewhere on the page, furniture included (a
    // comment section that lost is worth seeing), scored on its paragraphs alone
    let runner_up = (0..n)
        .filter(|&ix| {
            let it = &flat.items[ix];
            flat.paragraphs[ix] > 0
                && matches!(
                    it.name(),
                    "div"
                        | "section"
                        | "article"
                        | "main"
                        | "aside"
                        | "ul"
                        | "ol"
                        | "table"
                        | "td"
                        | "form"
                        | "footer"
                        | "nav"
                        | "header"
                        | "body"
                )
                && !inside(ix)
        })
        .map(|ix| {
            let it = &flat.items[ix];
            let good = flat.paragraphs[ix] as f32;
            let other = (it.letters as f32 - good).max(0.0);
            Candidate {
                ix,
                score: good - OTHER_LETTERS_COST * other,
            }
        })
        .max_by(|a, b| a.score.total_cmp(&b.score));
    Some(BodyChoice {
        best,
        runner_up,
        roots,
        why,
        text_only,
        furniture_read: false,
        markup_block,
    })
}

/// Tables and lists, and the parts that hold rows or items (a cell or an item is read as a
/// paragraph, not widened).
fn is_structure(name: &str) -> bool {
    matches!(
        name,
        "table" | "tbody" | "thead" | "tfoot" | "tr" | "ul" | "ol" | "dl"
    )
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;

//! Finding the article body on a page nobody wrote selectors for, and cleaning it.
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
//! Cleaning then drops what pages put inside articles: furniture by markup, link lists,
//! figures (their captions are read by `fields.rs`), the headline, byline and date boxes.

use super::hints::Hint;
use super::tree::{Flat, Ix, NO_PARENT, Step};
use crate::dom::is_block;
use crate::text::push_normalized;

/// Least letters for an element to count as a paragraph when scoring.
const MIN_PARAGRAPH_LETTERS: u32 = 25;

/// An element put forward as the body, with its score.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub ix: Ix,
    pub score: f32,
}

/// The chosen block and how it was chosen.
#[derive(Debug, Clone)]
pub struct BodyChoice {
    pub best: Candidate,
    /// The best candidate neither inside nor around the chosen one.
    pub runner_up: Option<Candidate>,
}

/// What a letter outside paragraphs costs a block, in paragraph letters: going up from a
/// block to its parent pays off when the paragraphs gained outweigh the link lists and
/// short bits gained with them. Link text costs more than plain text (headings, short list
/// items and captions are often the article's own). Furniture costs nothing: cleaning
/// drops it anyway. Measured on the WCXB development pages (bench/generic).
const LINK_LETTERS_COST: f32 = 1.2;
const OTHER_LETTERS_COST: f32 = 0.3;

/// Scores every element and picks the body block; `None` when nothing on the page reads
/// like paragraphs.
pub fn choose(flat: &Flat<'_>) -> Option<BodyChoice> {
    let n = flat.items.len();
    // paragraph letters under each element, children before parents (reverse preorder)
    let mut good = vec![0f32; n];
    let mut below = vec![0f32; n];
    // letters of furniture under each element: cleaning drops them, so they cost nothing
    let mut furniture = vec![0f32; n];
    for ix in (0..n).rev() {
        let it = &flat.items[ix];
        if it.in_furniture && (it.parent == NO_PARENT || !flat.items[it.parent].in_furniture) {
            furniture[ix] = it.letters as f32;
        }
        if it.parent != NO_PARENT && !flat.items[it.parent].in_furniture {
            let f = furniture[ix];
            furniture[it.parent] += f;
        }
        let own = if !it.in_furniture
            && it.letters >= MIN_PARAGRAPH_LETTERS
            && flat.is_paragraph_like(ix)
            && it.link_density() < 0.5
        {
            (it.letters - it.link_letters) as f32 * (1.0 + (it.punct.min(20) as f32) * 0.02)
        } else {
            0.0
        };
        good[ix] = if it.in_furniture {
            0.0
        } else {
            own.max(below[ix])
        };
        if it.parent != NO_PARENT {
            below[it.parent] += good[ix];
        }
    }
    let score = |ix: Ix| -> f32 {
        let it = &flat.items[ix];
        let other = (it.letters as f32 - furniture[ix] - good[ix]).max(0.0);
        let links = (it.link_letters as f32).min(other);
        let base = good[ix] - LINK_LETTERS_COST * links - OTHER_LETTERS_COST * (other - links);
        match it.hint {
            Hint::Body => base * 1.25 + 100.0,
            Hint::Content => base * 1.05,
            Hint::Weak => base * 0.9,
            Hint::None => base,
            Hint::Furniture | Hint::Comments => base * 0.5,
        }
    };
    let mut best: Option<Candidate> = None;
    for ix in 0..n {
        if good[ix] <= 0.0 || flat.items[ix].in_furniture {
            continue;
        }
        let s = score(ix);
        if best.is_none_or(|b| s > b.score) {
            best = Some(Candidate { ix, score: s });
        }
    }
    let best = best?;
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
                && !flat.contains(ix, best.ix)
                && !flat.contains(best.ix, ix)
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
    Some(BodyChoice { best, runner_up })
}

/// Elements that start and end a paragraph of their own: the blocks, but for table
/// cells (a row is one paragraph, its cells joined with spaces) and `<br>` (read apart).
fn breaks_paragraph(name: &str) -> bool {
    is_block(name) && !matches!(name, "td" | "th" | "br")
}

/// Whether a subtree inside the body block is left out, and why not read as text.
fn dropped(flat: &Flat<'_>, ix: Ix, block_letters: u32) -> bool {
    let it = &flat.items[ix];
    let name = it.name();
    if matches!(
        name,
        "figure" | "figcaption" | "h1" | "picture" | "video" | "audio"
    ) {
        return true;
    }
    // furniture unless it holds most of the block (then the hint is wrong)
    if it.hint == Hint::Comments || (it.hint == Hint::Furniture && it.letters * 2 < block_letters) {
        return true;
    }
    if it.hint == Hint::Weak && it.letters < 200 && it.letters * 2 < block_letters {
        return true;
    }
    // lists of links: menus, tag clouds, "more stories"
    let inline = matches!(
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
    );
    if !inline && it.links >= 2 && it.link_density() > 0.5 {
        return true;
    }
    if !inline && it.links == 1 && it.link_density() > 0.8 && it.letters < 120 {
        return true;
    }
    false
}

/// Reads the chosen block's paragraphs in document order, cleaned.
pub fn read(flat: &Flat<'_>, choice: &BodyChoice, headline: Option<&str>) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let root = choice.best.ix;
    let block_letters = flat.items[root].letters;
    let mut current = String::new();
    flat.walk(root, |step| {
        match step {
            Step::Enter(ix) => {
                let it = &flat.items[ix];
                if ix != root && dropped(flat, ix, block_letters) {
                    if breaks_paragraph(it.name()) {
                        flush(&mut current, &mut paragraphs);
                    }
                    return false;
                }
                if it.name() == "br" || breaks_paragraph(it.name()) {
                    flush(&mut current, &mut paragraphs);
                } else if matches!(it.name(), "td" | "th") {
                    push_normalized(&mut current, " ");
                }
            }
            Step::Text(t) => push_normalized(&mut current, t),
            Step::Leave(ix) => {
                if breaks_paragraph(flat.items[ix].name()) {
                    flush(&mut current, &mut paragraphs);
                }
            }
        }
        true
    });
    flush(&mut current, &mut paragraphs);
    if let Some(h) = headline {
        paragraphs.retain(|p| p != h);
    }
    paragraphs
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    let len = current.trim_end_matches(' ').len();
    current.truncate(len);
    if !current.is_empty() {
        out.push(std::mem::take(current));
    }
}

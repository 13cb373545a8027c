//! Widgets the page put at the foot of the article, inside the chosen block, found by
//! their shape in the body's blocks, not by their words: a section of teasers (its entries'
//! titles are links, or one short paragraph such as «Read more» repeats under each), and a
//! heading nothing follows (a widget's title whose links were dropped as a link list).

use std::collections::HashMap;

use crate::blocks::{Block, Link};

/// A section is only taken for a widget when it starts past this share of the body's
/// letters: the article comes first.
const TAIL_STARTS_AFTER: f32 = 0.4;

/// Entries of a teaser list say little under their title: at most this many letters per
/// linked title on average (a listicle's entries, whose titles link too, say more).
const TEASER_MAX_LETTERS: usize = 400;

/// A teaser is a title, a line or two and a «Read more»: a section with more blocks per
/// entry than this is an article's own (a FAQ, a listicle).
const MAX_BLOCKS_PER_ENTRY: usize = 4;

/// Entries that each end in the same «Read more» may quote more of their article.
const EXCERPT_MAX_LETTERS: usize = 800;

/// A widget's title is short («You might also like»); a longer heading ending the body is
/// the article's (a sources line set as a heading).
const WIDGET_TITLE_MAX_CHARS: usize = 60;

/// A repeated paragraph this short is a teaser's «Read more», not a sentence.
const READ_MORE_MAX_CHARS: usize = 40;

fn letters(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// A heading that is one link: a teaser's title.
fn linked_heading(b: &Block) -> bool {
    match b {
        Block::Heading { text, links, .. } => links_cover(text, links),
        _ => false,
    }
}

fn links_cover(text: &str, links: &[Link]) -> bool {
    let linked: usize = links.iter().map(|l| letters(&l.text)).sum();
    !links.is_empty() && linked * 10 >= letters(text) * 9
}

/// A short paragraph of words, as a teaser's «Read more» is (a link, or a button a script
/// follows); a stray mark («‍», «â») a page builder repeats is not one.
fn short_line(b: &Block) -> Option<&str> {
    match b {
        Block::Paragraph { text, .. }
            if text.chars().count() <= READ_MORE_MAX_CHARS
                && text.chars().filter(|c| c.is_alphabetic()).count() >= 4 =>
        {
            Some(text.as_str())
        }
        _ => None,
    }
}

/// What the blocks from some point to the end of the body hold, gathered from the end in
/// one pass: the section under a heading, when no heading of its rank or above follows.
#[derive(Default)]
struct Tail<'b> {
    /// Blocks.
    len: usize,
    /// Linked titles.
    titles: usize,
    /// Letters of the blocks that are neither a linked title nor a short line.
    said: usize,
    /// How often each short line occurs, and the most often one's count.
    repeats: HashMap<&'b str, usize>,
    read_mores: usize,
    /// The highest rank (lowest level) of an unlinked heading, if any.
    top_heading: Option<u8>,
}

impl<'b> Tail<'b> {
    fn push(&mut self, b: &'b Block) {
        self.len += 1;
        let linked = linked_heading(b);
        if linked {
            self.titles += 1;
        } else if let Some(text) = short_line(b) {
            let n = self.repeats.entry(text).or_default();
            *n += 1;
            self.read_mores = self.read_mores.max(*n);
        } else {
            self.said += letters(b.text());
        }
        if let Some(l) = level(b)
            && !linked
        {
            self.top_heading = Some(self.top_heading.map_or(l, |t| t.min(l)));
        }
    }

    /// Whether these blocks are a list of teasers: two linked titles or more with little
    /// under each, or one short paragraph («Read more…») repeated under each entry.
    fn teasers(&self) -> bool {
        let entries_fill = |n: usize| self.len <= n * MAX_BLOCKS_PER_ENTRY;
        (self.titles >= 2
            && self.said <= self.titles * TEASER_MAX_LETTERS
            && entries_fill(self.titles))
            || (self.read_mores >= 2
                && self.said <= self.read_mores * EXCERPT_MAX_LETTERS
                && entries_fill(self.read_mores))
    }
}

fn level(b: &Block) -> Option<u8> {
    match b {
        Block::Heading { level, .. } => Some(*level),
        _ => None,
    }
}

/// Drops the widgets at the foot of the body (see the module's doc); each drop's reason
/// goes to `why` (for `--explain`).
pub(crate) fn drop_trailing_widgets(blocks: &mut Vec<Block>, why: &mut Vec<String>) {
    let total: usize = blocks.iter().map(|b| letters(b.text())).sum();
    let mut before = Vec::with_capacity(blocks.len());
    let mut run = 0;
    for b in blocks.iter() {
        before.push(run);
        run += letters(b.text());
    }
    // the earliest unlinked heading past the article's start whose section, to the end,
    // is a teaser list: one section (no heading of its rank or above under it), and no
    // longer than the article before it. One pass from the end.
    let mut tail = Tail::default();
    let mut start = None;
    for i in (0..blocks.len()).rev() {
        if let Some(rank) = level(&blocks[i])
            && !linked_heading(&blocks[i])
            && before[i] as f32 >= total as f32 * TAIL_STARTS_AFTER
            && (total - before[i]) * 2 <= before[i]
            && tail.top_heading.is_none_or(|t| t > rank)
            && tail.teasers()
        {
            start = Some(i);
        }
        tail.push(&blocks[i]);
    }
    if let Some(i) = start {
        why.push(format!(
            "dropped  «{}» and the {} blocks under it: a list of teasers at the foot",
            blocks[i].text(),
            blocks.len() - i - 1
        ));
        blocks.truncate(i);
    }
    while let Some(last @ Block::Heading { text, .. }) = blocks.last()
        && text.chars().count() <= WIDGET_TITLE_MAX_CHARS
    {
        why.push(format!(
            "dropped  «{}»: a heading with nothing under it at the foot",
            last.text()
        ));
        blocks.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Block {
        Block::Paragraph {
            text: text.into(),
            links: vec![],
        }
    }
    fn link(text: &str) -> Link {
        Link {
            text: text.into(),
            url: "https://example.org/x".into(),
            start: 0,
        }
    }
    fn h(text: &str, linked: bool) -> Block {
        Block::Heading {
            level: 3,
            text: text.into(),
            links: if linked { vec![link(text)] } else { vec![] },
        }
    }
    fn read_more() -> Block {
        // a button a script follows: no link
        p("Read more…")
    }
    fn article() -> Vec<Block> {
        (0..12)
            .map(|i| {
                p(&format!(
                    "Paragraph {i} of the article says what happened, at length."
                ))
            })
            .collect()
    }
    fn kept(mut blocks: Vec<Block>) -> Vec<String> {
        let mut why = Vec::new();
        drop_trailing_widgets(&mut blocks, &mut why);
        blocks.iter().map(|b| b.text().to_string()).collect()
    }

    #[test]
    fn a_section_of_linked_titles_at_the_foot_goes() {
        let mut blocks = article();
        blocks.push(h("Latest stories", false));
        blocks.push(h("Floods in the north", true));
        blocks.push(p("A short teaser."));
        blocks.push(h("Budget talks stall", true));
        blocks.push(p("Another short teaser."));
        assert_eq!(kept(blocks), kept(article()));
    }

    #[test]
    fn a_section_where_read_more_repeats_goes() {
        let mut blocks = article();
        blocks.push(h("Similar posts", false));
        for _ in 0..3 {
            blocks.push(p(
                "What a teaser says about another post, in a sentence or two.",
            ));
            blocks.push(read_more());
        }
        assert_eq!(kept(blocks), kept(article()));
    }

    #[test]
    fn a_heading_with_nothing_under_it_at_the_end_goes() {
        let mut blocks = article();
        blocks.push(h("You might also like", false));
        assert_eq!(kept(blocks), kept(article()));
    }

    #[test]
    fn a_listicle_s_linked_entries_stay() {
        let mut blocks = article();
        blocks.push(h("The ten best tools", false));
        for i in 0..3 {
            blocks.push(h(&format!("Tool {i}"), true));
            blocks.push(p(
                &"What this tool does and why it is on the list, at length. ".repeat(10),
            ));
        }
        assert_eq!(kept(blocks.clone()).len(), blocks.len());
    }

    #[test]
    fn a_body_of_many_sections_is_judged_in_one_pass() {
        // tens of thousands of short sections: each heading's section is not re-read
        let blocks: Vec<Block> = (0..40_000)
            .flat_map(|i| {
                [
                    h(&format!("Section {i}"), false),
                    p("A line of the section."),
                ]
            })
            .collect();
        assert_eq!(kept(blocks.clone()).len(), blocks.len());
    }

    #[test]
    fn the_article_s_own_sections_at_the_start_stay() {
        // linked titles before most of the article are its contents, not a widget
        let mut blocks = vec![
            h("Contents", false),
            h("Part one", true),
            h("Part two", true),
        ];
        blocks.extend(article());
        assert_eq!(kept(blocks.clone()).len(), blocks.len());
    }
}

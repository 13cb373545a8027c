//! From a walk over the page — elements opened and closed, text in between — to blocks.
//! The walkers (the profiles' in [`BlockBuilder::read`], the generic extractor's over its
//! flattened page) decide what is read; the builder decides what each element makes of it,
//! by the one table of what each tag is (`crate::html`).
//!
//! Text gathers in a run, normalised as it comes. A block boundary delivers the run where
//! the innermost open structure takes it: a paragraph (or heading) at the top, a quote
//! inside a `<blockquote>`; inside a heading, a list item or a table cell a boundary is
//! only a space, and the run becomes the heading's, the item's or the cell's text when it
//! closes.

mod containers;
#[cfg(test)]
mod tests;

use scraper::ElementRef;
use url::Url;

use super::{Block, Cell, Link, ListItem};
use crate::address::resolve;
use crate::dom::{Step, walk};
use crate::html::{Kind, is_block, is_hidden, kind};
use crate::text::push_normalized;

/// Lists nested deeper than this run on in the item around them (consumers' JSON readers
/// have nesting limits of their own).
const MAX_LIST_DEPTH: usize = 8;

/// A paragraph all in bold, this short and ending without a sentence's punctuation, is a
/// section heading set as a bold line (`<p><strong>…</strong><br>…`, as many news sites
/// write their crossheads), when text follows it.
const BOLD_HEADING_MAX_WORDS: usize = 12;

/// Text being gathered, with the spans of the links in it (character offsets).
#[derive(Debug, Default)]
struct Run {
    text: String,
    chars: usize,
    spans: Vec<(usize, usize, String)>,
    /// Letters (not white space) in the run, and of those, letters in bold.
    letters: usize,
    bold_letters: usize,
}

/// A run made whole: trailing space trimmed, links with their text.
struct Taken {
    text: String,
    links: Vec<Link>,
    /// Every letter of it is in bold.
    bold: bool,
}

/// A link open in the walk: where it started in the current run.
#[derive(Debug)]
struct OpenLink {
    url: String,
    start: usize,
}

/// A `<pre>` being read: its text as written.
#[derive(Debug)]
struct CodeRun {
    /// `<pre>` elements open (one inside another is read as part of the first).
    depth: u32,
    text: String,
    language: Option<String>,
}

/// A structure open in the walk. Every list, quote and table opened has one, so that
/// closing it pops its own.
#[derive(Debug)]
enum Frame {
    List {
        ordered: bool,
        items: Vec<ListItem>,
        /// The item being read.
        item: Option<ListItem>,
    },
    Quote,
    Table {
        rows: Vec<Vec<Cell>>,
        row: Vec<Cell>,
        /// Inside a cell: whether it is a header cell.
        cell: Option<bool>,
        /// Inside `<thead>`.
        head: bool,
    },
    /// A structure read as what is around it: a table of layout (its rows are
    /// paragraphs at the top, its cells run on in an item), a list too deep or inside a
    /// table cell (its items run on in the cell).
    Through,
}

/// Makes blocks from a walk. See the module's notes.
pub(crate) struct BlockBuilder<'u> {
    base: Option<&'u Url>,
    blocks: Vec<Block>,
    frames: Vec<Frame>,
    run: Run,
    heading: Option<u8>,
    code: Option<CodeRun>,
    /// One entry per open `<a>`: the link, when it leads somewhere.
    links: Vec<Option<OpenLink>>,
    /// Open `<b>` and `<strong>` elements.
    bold: u32,
    /// The blocks made headings by the bold-line rule: each stays one only when text
    /// follows it.
    bold_headings: Vec<usize>,
}

impl<'u> BlockBuilder<'u> {
    /// A builder resolving links and pictures against `base`.
    pub(crate) fn new(base: Option<&'u Url>) -> Self {
        Self {
            base,
            blocks: Vec::new(),
            frames: Vec::new(),
            run: Run::default(),
            heading: None,
            code: None,
            links: Vec::new(),
            bold: 0,
            bold_headings: Vec::new(),
        }
    }

    /// Reads `el` and what it holds, leaving out what is never text (scripts, players…)
    /// and the subtrees `skip` says yes to (a block left out still ends the paragraph
    /// before it); a figure is read as a figure.
    pub(crate) fn read(&mut self, el: ElementRef<'_>, skip: &dyn Fn(ElementRef<'_>) -> bool) {
        if el.value().name() == "figure" {
            self.figure(el);
            return;
        }
        walk(el, |step| {
            match step {
                Step::Open(e) if e.id() == el.id() => self.open(e),
                Step::Open(e) => {
                    let name = e.value().name();
                    if is_hidden(name) || skip(e) {
                        if is_block(name) && !is_hidden(name) {
                            self.open(e);
                            self.close(e);
                        }
                        return false;
                    }
                    if name == "figure" {
                        self.figure(e);
                        return false;
                    }
                    self.open(e);
                }
                Step::Text(t) => self.text(t),
                Step::Close(e) => self.close(e),
            }
            true
        });
    }

    /// The innermost structure that takes text: [`Frame::Through`] is looked through.
    fn effective(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .rev()
            .find(|f| !matches!(f, Frame::Through))
    }

    /// Whether a boundary is only a space here: inside a heading, a list or a table.
    fn runs_on(&self) -> bool {
        self.heading.is_some()
            || matches!(
                self.effective(),
                Some(Frame::List { .. } | Frame::Table { .. })
            )
    }

    /// The end of a block of text: the run is delivered, or, where text runs on, a space.
    fn boundary(&mut self) {
        if self.code.is_some() {
            return;
        }
        if self.runs_on() {
            self.push_text(" ");
        } else {
            self.deliver();
        }
    }

    /// Appends text to the run, normalised, counting its characters and letters.
    fn push_text(&mut self, t: &str) {
        let before = self.run.text.len();
        push_normalized(&mut self.run.text, t);
        let added = &self.run.text[before..];
        let chars = added.chars().count();
        let letters = chars - added.matches(' ').count();
        self.run.chars += chars;
        self.run.letters += letters;
        if self.bold > 0 {
            self.run.bold_letters += letters;
        }
    }

    /// A text node met in the walk.
    pub(crate) fn text(&mut self, t: &str) {
        match &mut self.code {
            Some(code) => code.text.push_str(t),
            None => self.push_text(t),
        }
    }

    /// An element opened in the walk.
    pub(crate) fn open(&mut self, el: ElementRef<'_>) {
        let name = el.value().name();
        let k = kind(name);
        match k {
            Kind::Link => {
                let link = el
                    .value()
                    .attr("href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty() && !h.starts_with('#'))
                    .and_then(|h| resolve(self.base, h))
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .map(|u| OpenLink {
                        url: u.to_string(),
                        start: self.run.chars,
                    });
                self.links.push(link);
                return;
            }
            Kind::Phrasing if matches!(name, "b" | "strong") => {
                self.bold += 1;
                return;
            }
            _ => {}
        }
        if let Some(code) = &mut self.code {
            match k {
                Kind::Code => code.depth += 1,
                Kind::Break => code.text.push('\n'),
                _ => {}
            }
            return;
        }
        match k {
            Kind::Heading(level) => {
                self.boundary();
                if !self.runs_on() && self.effective().is_none() {
                    self.heading = Some(level.max(2));
                }
            }
            Kind::List { ordered } => self.open_list(ordered, el),
            Kind::ListItem => self.open_item(),
            Kind::Quote => {
                self.boundary();
                self.frames.push(if self.runs_on() {
                    Frame::Through
                } else {
                    Frame::Quote
                });
            }
            Kind::Code => {
                self.boundary();
                self.code = Some(CodeRun {
                    depth: 1,
                    text: String::new(),
                    language: containers::language_of(el),
                });
            }
            Kind::Table => self.open_table(el),
            Kind::TableSection => self.open_section(name == "thead"),
            Kind::Row => self.open_row(),
            Kind::Cell { header } => self.open_cell(header),
            Kind::Paragraph
            | Kind::Break
            | Kind::Rule
            | Kind::Block
            | Kind::Figure
            | Kind::FigureCaption => self.boundary(),
            Kind::Link | Kind::Phrasing | Kind::Other | Kind::Media | Kind::Hidden => {}
        }
    }

    /// An element closed in the walk.
    pub(crate) fn close(&mut self, el: ElementRef<'_>) {
        let name = el.value().name();
        let k = kind(name);
        match k {
            Kind::Link => {
                if let Some(Some(link)) = self.links.pop()
                    && self.run.chars > link.start
                {
                    self.run.spans.push((link.start, self.run.chars, link.url));
                }
                return;
            }
            Kind::Phrasing if matches!(name, "b" | "strong") => {
                self.bold = self.bold.saturating_sub(1);
                return;
            }
            _ => {}
        }
        if let Some(code) = &mut self.code {
            if k == Kind::Code {
                code.depth -= 1;
                if code.depth == 0 {
                    self.close_code();
                }
            }
            return;
        }
        match k {
            Kind::Heading(_) => {
                if self.heading.is_some() {
                    self.deliver();
                    self.heading = None;
                } else {
                    self.boundary();
                }
            }
            Kind::List { .. } => self.close_list(),
            Kind::ListItem => self.close_item(),
            Kind::Quote => {
                self.boundary();
                self.frames.pop();
            }
            Kind::Table => self.close_table(),
            Kind::TableSection => self.close_section(),
            Kind::Row => self.close_row(),
            Kind::Cell { .. } => self.close_cell(),
            Kind::Paragraph | Kind::Rule | Kind::Block | Kind::Figure | Kind::FigureCaption => {
                self.boundary()
            }
            Kind::Code
            | Kind::Break
            | Kind::Link
            | Kind::Phrasing
            | Kind::Other
            | Kind::Media
            | Kind::Hidden => {}
        }
    }

    /// The run as it stands, made whole: links still open end here (they go on in the next
    /// run from its start).
    fn take_run(&mut self) -> Taken {
        for l in self.links.iter_mut().flatten() {
            if self.run.chars > l.start {
                self.run
                    .spans
                    .push((l.start, self.run.chars, l.url.clone()));
            }
            l.start = 0;
        }
        let mut run = std::mem::take(&mut self.run);
        let len = run.text.trim_end_matches(' ').len();
        run.text.truncate(len);
        run.spans.sort_by_key(|s| s.0);
        let links = links_in(&run.text, run.spans);
        Taken {
            bold: run.letters > 0 && run.bold_letters == run.letters,
            text: run.text,
            links,
        }
    }

    /// Delivers the run to the structure that takes it: a paragraph or heading at the
    /// top, a quote, the item or cell being read.
    fn deliver(&mut self) {
        let run = self.take_run();
        if run.text.is_empty() {
            return;
        }
        let heading = self.heading;
        // a bold cell of a table laid out for the page is no crosshead
        let in_layout = self.frames.iter().any(|f| matches!(f, Frame::Through));
        let blocks_so_far = self.blocks.len();
        match self.effective_mut() {
            None => {
                let block = match heading {
                    Some(level) => Block::Heading {
                        level,
                        text: run.text,
                        links: run.links,
                    },
                    None if !in_layout && is_bold_heading(&run) => {
                        self.bold_headings.push(blocks_so_far);
                        Block::Heading {
                            level: 3,
                            text: run.text,
                            links: run.links,
                        }
                    }
                    None => Block::Paragraph {
                        text: run.text,
                        links: run.links,
                    },
                };
                self.blocks.push(block);
            }
            Some(Frame::Quote) => self.blocks.push(Block::Quote {
                text: run.text,
                links: run.links,
            }),
            Some(Frame::List { item, .. }) => {
                let item = item.get_or_insert_with(ListItem::default);
                append(&mut item.text, &mut item.links, run);
            }
            // text in a table outside its cells (the parser moves it out of the table;
            // what is left is white space)
            Some(Frame::Table { .. } | Frame::Through) => {}
        }
    }

    fn effective_mut(&mut self) -> Option<&mut Frame> {
        self.frames
            .iter_mut()
            .rev()
            .find(|f| !matches!(f, Frame::Through))
    }

    /// The blocks read, structures still open closed.
    pub(crate) fn finish(mut self) -> Vec<Block> {
        if self.code.is_some() {
            self.close_code();
        }
        while let Some(frame) = self.frames.last() {
            match frame {
                Frame::List { .. } => self.close_list(),
                Frame::Table { .. } => self.close_table(),
                Frame::Quote | Frame::Through => {
                    self.deliver();
                    self.frames.pop();
                }
            }
        }
        self.heading_closed();
        self.confirm_bold_headings();
        self.blocks
    }

    /// A bold line followed by nothing or by another heading is a paragraph in bold after
    /// all: a closing note, a byline, a run of bold labels.
    fn confirm_bold_headings(&mut self) {
        for &i in &self.bold_headings {
            let followed_by_text = self
                .blocks
                .get(i + 1)
                .is_some_and(|b| !matches!(b, Block::Heading { .. }));
            if !followed_by_text && let Block::Heading { text, links, .. } = &mut self.blocks[i] {
                self.blocks[i] = Block::Paragraph {
                    text: std::mem::take(text),
                    links: std::mem::take(links),
                };
            }
        }
    }

    /// Delivers the run as what it is, a heading left open included.
    fn heading_closed(&mut self) {
        self.deliver();
        self.heading = None;
    }
}

/// Whether a run is a heading set as a bold line: all bold, a few words, no sentence's end
/// and no link (a bold link is a "read also"), no label and value («القاهرة: …», «GPS: …»)
/// and no bracketed note.
fn is_bold_heading(run: &Taken) -> bool {
    run.bold
        && run.links.is_empty()
        && run.text.split_whitespace().count() <= BOLD_HEADING_MAX_WORDS
        && !run.text.ends_with([
            '.', '!', '?', ':', '؟', '…', '،', ',', ';', '؛', '"', '»', ')', ']', '】',
        ])
        && !run.text.contains([':', '：', '|', '︱', '｜'])
        && !run.text.starts_with(['(', '[', '【', '（'])
}

/// Appends a run to an item's text (a space between), its links moved along.
fn append(text: &mut String, links: &mut Vec<Link>, run: Taken) {
    if run.text.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    let offset = text.chars().count();
    text.push_str(&run.text);
    links.extend(run.links.into_iter().map(|mut l| {
        l.start += offset;
        l
    }));
}

/// The links of a run's text from their character spans: each with its text, white space
/// at its ends left out, empty ones dropped.
fn links_in(text: &str, spans: Vec<(usize, usize, String)>) -> Vec<Link> {
    if spans.is_empty() {
        return Vec::new();
    }
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = offsets.len() - 1;
    let mut links = Vec::new();
    for (start, end, url) in spans {
        let (start, end) = (start.min(chars), end.min(chars));
        let raw = &text[offsets[start]..offsets[end]];
        let lead = raw.chars().take_while(|c| c.is_whitespace()).count();
        let linked = raw.trim();
        if linked.is_empty() {
            continue;
        }
        links.push(Link {
            text: linked.to_string(),
            url,
            start: start + lead,
        });
    }
    links
}

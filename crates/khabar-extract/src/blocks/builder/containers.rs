//! The structures the builder keeps open — lists and their items, tables, their rows and
//! cells, code listings — and figures, read whole.

use scraper::ElementRef;
use url::Url;

use super::super::table::is_data_table;
use super::super::{Block, Cell, ListItem, SubList, list, table};
use super::{BlockBuilder, CodeRun, Frame, MAX_LIST_DEPTH, append};
use crate::address::resolve;
use crate::caption::split_credit;

impl BlockBuilder<'_> {
    /// A list: its own frame at the top, in a quote or in an item (the item's text so far
    /// taken first); read through inside a table cell, a heading, too deep, or when it has
    /// no items (a `<ul>` used to indent text).
    pub(super) fn open_list(&mut self, ordered: bool, el: ElementRef<'_>) {
        let has_items = el
            .children()
            .filter_map(ElementRef::wrap)
            .any(|c| c.value().name() == "li");
        let depth = self
            .frames
            .iter()
            .filter(|f| matches!(f, Frame::List { .. }))
            .count();
        let in_cell_or_heading =
            self.heading.is_some() || matches!(self.effective(), Some(Frame::Table { .. }));
        if in_cell_or_heading || depth >= MAX_LIST_DEPTH || !has_items {
            self.boundary();
            self.frames.push(Frame::Through);
            return;
        }
        // the text before it: a paragraph, or the start of the item around it
        self.deliver();
        self.frames.push(Frame::List {
            ordered,
            items: Vec::new(),
            item: None,
        });
    }

    /// The end of a list: a block at the top or in a quote, the nested list of the item
    /// around it.
    pub(super) fn close_list(&mut self) {
        let Some(Frame::List {
            ordered,
            mut items,
            item,
        }) = self.frames.pop()
        else {
            // a list read through
            self.boundary();
            return;
        };
        // text after its last item (or in a list with no `<li>`)
        let run = self.take_run();
        let mut last = item.unwrap_or_default();
        append(&mut last.text, &mut last.links, run);
        if !last.text.is_empty() || last.list.is_some() {
            items.push(last);
        }
        if items.is_empty() {
            return;
        }
        match self.effective_mut() {
            Some(Frame::List { item, .. }) => {
                let parent = item.get_or_insert_with(ListItem::default);
                match &mut parent.list {
                    // a second list in one item goes on the first
                    Some(sub) => sub.items.extend(items),
                    None => parent.list = Some(SubList { ordered, items }),
                }
            }
            _ => self.blocks.push(list(ordered, items)),
        }
    }

    /// An item: a new one in a list's own frame; a boundary anywhere else.
    pub(super) fn open_item(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::List { .. })) {
            self.boundary();
            return;
        }
        self.close_item();
    }

    /// The end of an item: its text and nested list go on the list.
    pub(super) fn close_item(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::List { .. })) {
            self.boundary();
            return;
        }
        let run = self.take_run();
        if let Some(Frame::List { items, item, .. }) = self.frames.last_mut() {
            let mut done = item.take().unwrap_or_default();
            append(&mut done.text, &mut done.links, run);
            if !done.text.is_empty() || done.list.is_some() {
                items.push(done);
            }
        }
    }

    /// A table: rows of cells when it holds data at the top or in a quote; read through
    /// when it lays out the page, or sits in an item, a cell or a heading.
    pub(super) fn open_table(&mut self, el: ElementRef<'_>) {
        self.boundary();
        if self.runs_on() || !is_data_table(el) {
            self.frames.push(Frame::Through);
            return;
        }
        self.frames.push(Frame::Table {
            rows: Vec::new(),
            row: Vec::new(),
            cell: None,
            head: false,
        });
    }

    /// The end of a table: a block when it has rows with text.
    pub(super) fn close_table(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Table { .. })) {
            self.boundary();
            self.frames.pop();
            return;
        }
        self.close_row();
        if let Some(Frame::Table { rows, .. }) = self.frames.pop()
            && !rows.is_empty()
        {
            self.blocks.push(table(rows));
        }
    }

    /// `<thead>` (its cells are header cells), `<tbody>`, `<tfoot>`.
    pub(super) fn open_section(&mut self, thead: bool) {
        match self.frames.last_mut() {
            Some(Frame::Table { head, .. }) => *head = thead,
            _ => self.boundary(),
        }
    }

    pub(super) fn close_section(&mut self) {
        self.close_row();
        match self.frames.last_mut() {
            Some(Frame::Table { head, .. }) => *head = false,
            _ => self.boundary(),
        }
    }

    pub(super) fn open_row(&mut self) {
        self.close_row();
    }

    /// The end of a row: kept when one of its cells has text.
    pub(super) fn close_row(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Table { .. })) {
            self.boundary();
            return;
        }
        self.close_cell();
        if let Some(Frame::Table { rows, row, .. }) = self.frames.last_mut() {
            let done = std::mem::take(row);
            if done.iter().any(|c| !c.text.is_empty()) {
                rows.push(done);
            }
        }
    }

    pub(super) fn open_cell(&mut self, header: bool) {
        if !matches!(self.frames.last(), Some(Frame::Table { .. })) {
            self.boundary();
            return;
        }
        self.close_cell();
        // text between cells is not a cell's
        self.take_run();
        if let Some(Frame::Table { cell, head, .. }) = self.frames.last_mut() {
            *cell = Some(header || *head);
        }
    }

    /// The end of a cell: its text (empty cells kept, so columns stay in place).
    pub(super) fn close_cell(&mut self) {
        let open = match self.frames.last() {
            Some(Frame::Table { cell, .. }) => *cell,
            _ => {
                self.boundary();
                return;
            }
        };
        let Some(header) = open else { return };
        let run = self.take_run();
        if let Some(Frame::Table { row, cell, .. }) = self.frames.last_mut() {
            row.push(Cell {
                text: run.text,
                header,
                links: run.links,
            });
            *cell = None;
        }
    }

    /// The end of a listing: a code block, or folded text where text runs on.
    pub(super) fn close_code(&mut self) {
        let Some(CodeRun { text, language, .. }) = self.code.take() else {
            return;
        };
        let text = listing(&text);
        if text.is_empty() {
            return;
        }
        if self.runs_on() {
            self.push_text(&text);
            self.push_text(" ");
        } else {
            self.blocks.push(Block::Code { text, language });
        }
    }

    /// A figure: its caption and picture, as a block in its place (inside a list item or a
    /// cell it is left out).
    pub(crate) fn figure(&mut self, el: ElementRef<'_>) {
        if self.runs_on() || self.code.is_some() {
            return;
        }
        self.deliver();
        let caption = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "figcaption")
            .and_then(crate::dom::text_of);
        let image_url = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "img")
            .and_then(|img| image_source(img, self.base));
        if caption.is_none() && image_url.is_none() {
            return;
        }
        let (text, credit) = caption
            .as_deref()
            .and_then(split_credit)
            .unwrap_or_default();
        self.blocks.push(Block::Figure {
            text,
            credit,
            image_url,
        });
    }
}

/// A listing's text as shown: blank lines at its ends and white space at the end of each
/// line left out, tabs and indentation kept, controls other than tab and line feed gone.
fn listing(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let mut out = String::with_capacity(raw.len());
    for (i, line) in lines[first..=last].iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(
            line.chars().filter(|&c| {
                c == '\t' || !(c.is_control() || matches!(c, '\u{200B}' | '\u{FEFF}'))
            }),
        );
    }
    out
}

/// A listing's language, from `language-x` or `lang-x` in its class or its `<code>`'s.
pub(super) fn language_of(pre: ElementRef<'_>) -> Option<String> {
    let code = pre
        .children()
        .filter_map(ElementRef::wrap)
        .find(|c| c.value().name() == "code");
    [Some(pre), code].into_iter().flatten().find_map(|e| {
        e.value().classes().find_map(|c| {
            c.strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))
                .filter(|l| !l.is_empty() && l.len() <= 30)
                .map(str::to_ascii_lowercase)
        })
    })
}

/// A picture's address: `src`, else the lazy-loading attributes, resolved.
fn image_source(img: ElementRef<'_>, base: Option<&Url>) -> Option<String> {
    let v = img.value();
    ["src", "data-src", "data-lazy-src", "data-original"]
        .iter()
        .filter_map(|a| v.attr(a))
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with("data:"))
        .find_map(|s| resolve(base, s))
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string())
}

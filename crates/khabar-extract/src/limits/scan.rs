//! The one linear pass over a page's markup that brings it within the bounds. It follows
//! HTML's tokenizer closely enough for the purpose (comments, raw-text elements, quoted
//! attribute values) and keeps its own picture of what the tree builder will hold: the
//! stack of open elements (an end tag closes up to its start tag; a block start tag closes
//! an open `<p>`, a new `<li>` or cell the one before), the list of formatting elements
//! left open and what the parser will re-open of them, and the number of nodes the tree
//! will get.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::formatting::ActiveFormatting;
use super::tags::{
    breaks_out_of_foreign, closes_p, is_formatting, is_heading, is_marker, is_phrasing,
    is_raw_text, is_scope_boundary, is_special, is_void, reopens_formatting,
};
use super::{Bounded, MAX_ATTRIBUTES, MAX_DEPTH};

/// An element on the tree builder's stack of open elements, as the scan follows it.
#[derive(Debug)]
struct Open {
    name: Vec<u8>,
    /// Its entry in the list of formatting elements, if it is one.
    entry: Option<u32>,
}

/// The text handed on: the page as it is, copied and changed only from the first change.
struct Rewrite<'a> {
    text: &'a str,
    out: Option<String>,
    /// Bytes of `text` before this are in `out` (or need no copy).
    copied: usize,
}

impl<'a> Rewrite<'a> {
    /// Replaces `text[from..to]` with `with` (`from` is at or past what was copied).
    fn replace(&mut self, from: usize, to: usize, with: &str) {
        let text = self.text;
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(text.len() + 64));
        out.push_str(&text[self.copied..from]);
        out.push_str(with);
        self.copied = to;
    }

    /// Puts `what` in before byte `at`.
    fn insert(&mut self, at: usize, what: &str) {
        self.replace(at, at, what);
    }

    fn finish(self) -> Cow<'a, str> {
        match self.out {
            Some(mut o) => {
                o.push_str(&self.text[self.copied..]);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(self.text),
        }
    }
}

/// The scan's state.
pub(super) struct Scan<'a> {
    bytes: &'a [u8],
    rewrite: Rewrite<'a>,
    stack: Vec<Open>,
    formatting: ActiveFormatting,
    /// End tags of elements closed early at the depth bound, left out when they come.
    dropped: HashMap<Vec<u8>, usize>,
    /// Open `<svg>` and `<math>` elements: inside them `<x/>` closes itself.
    foreign: usize,
    nodes: usize,
    node_budget: usize,
    reopened: usize,
    reopen_budget: usize,
    /// Past the re-open budget: formatting elements left open are closed where the parser
    /// would re-open them.
    closing_left_open: bool,
    out: Bounded<'a>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str, node_budget: usize, reopen_budget: usize) -> Self {
        Self {
            bytes: text.as_bytes(),
            rewrite: Rewrite {
                text,
                out: None,
                copied: 0,
            },
            stack: Vec::new(),
            formatting: ActiveFormatting::default(),
            dropped: HashMap::new(),
            foreign: 0,
            nodes: 0,
            node_budget,
            reopened: 0,
            reopen_budget,
            closing_left_open: false,
            out: Bounded {
                text: Cow::Borrowed(""),
                flattened: 0,
                attributes_dropped: 0,
                formatting_closed: 0,
                text_from: None,
                tags_as_text: 0,
                nodes: 0,
                reopened: 0,
                node_budget,
                reopen_budget,
            },
        }
    }

    /// Scans the whole text.
    pub(super) fn run(mut self) -> Bounded<'a> {
        let bytes = self.bytes;
        let mut i = 0usize;
        // where the last markup ended: what lies between it and the next is a text node
        let mut markup_end = 0usize;
        while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
            let lt = i + off;
            i = lt + 1;
            let rest = &bytes[i..];
            let comment_end = if rest.starts_with(b"!--") {
                Some(find(bytes, i + 3, b"-->").map_or(bytes.len(), |e| e + 3))
            } else if rest.first().is_some_and(|b| *b == b'!' || *b == b'?') {
                Some(find(bytes, i, b">").map_or(bytes.len(), |e| e + 1))
            } else {
                None
            };
            if let Some(end) = comment_end {
                self.text_between(markup_end, lt);
                self.comment(lt, end);
                i = end;
                markup_end = end;
                continue;
            }
            let closing = rest.first() == Some(&b'/');
            let name_start = if closing { i + 1 } else { i };
            if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
                continue;
            }
            let mut name_end = name_start;
            while name_end < bytes.len()
                && !matches!(
                    bytes[name_end],
                    b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'
                )
            {
                name_end += 1;
            }
            let name = bytes[name_start..name_end].to_ascii_lowercase();
            let tag = scan_tag(bytes, name_end);
            self.text_between(markup_end, lt);
            i = if closing {
                self.end_tag(name, lt, tag.end)
            } else {
                self.start_tag(name, lt, name_end, &tag)
            };
            markup_end = i;
        }
        self.text_between(markup_end, bytes.len());
        let mut out = self.out;
        out.nodes = self.nodes;
        out.reopened = self.reopened;
        out.text = self.rewrite.finish();
        out
    }

    fn reading_as_text(&self) -> bool {
        self.out.text_from.is_some()
    }

    /// Text between two pieces of markup: a text node, before which the parser re-opens
    /// the formatting elements left open.
    fn text_between(&mut self, from: usize, to: usize) {
        if to > from && !self.reading_as_text() {
            self.reopen(from);
            self.count_nodes(1, from);
        }
    }

    /// A comment, doctype or processing instruction from `lt` to `end`: a node of its
    /// own, left out once markup is read as text.
    fn comment(&mut self, lt: usize, end: usize) {
        if self.reading_as_text() {
            self.rewrite.replace(lt, end, " ");
        } else {
            self.count_nodes(1, lt);
        }
    }

    /// Counts nodes the parser will make; past the budget, markup from `at` on is read as
    /// text, in a paragraph of its own.
    fn count_nodes(&mut self, n: usize, at: usize) {
        self.nodes += n;
        if self.nodes > self.node_budget && self.out.text_from.is_none() {
            self.out.text_from = Some(at);
            // the text from here on goes in a paragraph (the one open, or a new one), where
            // the page's paragraphs are looked for
            let in_p = self
                .stack
                .iter()
                .rposition(|s| s.name == b"p" || is_scope_boundary(&s.name))
                .is_some_and(|p| self.stack[p].name == b"p");
            if !in_p {
                self.rewrite.insert(at, "<p>");
            }
        }
    }

    /// A start tag from `lt`; returns where the scan goes on.
    fn start_tag(&mut self, name: Vec<u8>, lt: usize, name_end: usize, tag: &TagScan) -> usize {
        if !self.reading_as_text() {
            self.count_nodes(1 + tag.attributes.min(MAX_ATTRIBUTES) / 4, lt);
        }
        if self.reading_as_text() {
            return self.tag_as_text(&name, lt, tag.end, true);
        }
        if self.foreign > 0 && breaks_out_of_foreign(&name) {
            // an HTML element inside <svg> or <math> closes them first
            if let Some(pos) = self
                .stack
                .iter()
                .position(|s| matches!(s.name.as_slice(), b"svg" | b"math"))
            {
                self.pop_to(pos);
            }
        }
        let foreign_root = matches!(name.as_slice(), b"svg" | b"math");
        // inside <svg> or <math>, <title/> and <style> are elements like any other
        let raw_text = is_raw_text(&name) && self.foreign == 0;
        let opens = !is_void(&name)
            && !raw_text
            && !(tag.self_closing && (self.foreign > 0 || foreign_root));
        if name == b"a"
            && let Some((id, open)) = self.formatting.find_last(b"a")
        {
            // a link left open is closed by the next one
            self.close_formatting(id, open, lt);
        }
        if reopens_formatting(&name) {
            self.reopen(lt);
        }
        self.implied_closes(&name);
        if opens && self.stack.len() >= MAX_DEPTH {
            self.place_beside_deepest(lt);
        }
        if tag.attributes > MAX_ATTRIBUTES {
            // keep the tag up to its last allowed attribute, then close it as written
            self.out.attributes_dropped += tag.attributes - MAX_ATTRIBUTES;
            let keep_to = tag.cut_at.expect("a cut point past the allowed attributes");
            self.rewrite
                .replace(keep_to, tag.end, if tag.self_closing { "/>" } else { ">" });
        }
        if raw_text {
            // its content is one text node, not markup: on to the end tag
            self.count_nodes(1, lt);
            let mut close = b"</".to_vec();
            close.extend_from_slice(&name);
            return find_ci(self.bytes, tag.end, &close).unwrap_or(self.bytes.len());
        }
        if opens {
            let entry = is_formatting(&name).then(|| {
                let attrs = hash_bytes(&self.bytes[name_end..tag.end]);
                self.formatting.push(&name, attrs)
            });
            if is_marker(&name) {
                self.formatting.push_marker();
            }
            if foreign_root {
                self.foreign += 1;
            }
            self.stack.push(Open { name, entry });
        }
        tag.end
    }

    /// An end tag from `lt` to `end`; returns where the scan goes on.
    fn end_tag(&mut self, name: Vec<u8>, lt: usize, end: usize) -> usize {
        if self.reading_as_text() {
            return self.tag_as_text(&name, lt, end, false);
        }
        if let Some(n) = self.dropped.get_mut(&name).filter(|n| **n > 0) {
            // its element was closed early, at the depth bound
            *n -= 1;
            self.rewrite.replace(lt, end, "");
            return end;
        }
        self.apply_end_tag(&name, lt);
        end
    }

    /// What an end tag does to the stack and the list of formatting elements.
    fn apply_end_tag(&mut self, name: &[u8], at: usize) {
        if is_formatting(name)
            && let Some((id, open)) = self.formatting.find_last(name)
        {
            self.close_formatting(id, open, at);
            return;
        }
        if let Some(pos) = self.stack.iter().rposition(|s| s.name == name) {
            self.pop_to(pos);
        }
    }

    /// The standard's adoption agency, in outline: a formatting element closed by its end
    /// tag (or by a new `<a>`). Elements open inside it close too, those that are formatting
    /// elements staying on the list to be re-opened; a block inside it stays open (the
    /// parser moves a copy of the formatting element into it).
    fn close_formatting(&mut self, id: u32, open: bool, at: usize) {
        if open && let Some(pos) = self.stack.iter().rposition(|s| s.entry == Some(id)) {
            let above = &self.stack[pos + 1..];
            if above.iter().any(|s| is_scope_boundary(&s.name)) {
                // not in scope: the parser ignores the end tag
                return;
            }
            match above.iter().position(|s| is_special(&s.name)) {
                Some(block) => {
                    // the elements between it and the block go, the block stays open
                    let first_block = pos + 1 + block;
                    self.count_nodes(2, at);
                    let between: Vec<Open> = self.stack.drain(pos..first_block).collect();
                    for o in between.into_iter().filter_map(|o| o.entry) {
                        self.formatting.set_open(o, false);
                    }
                }
                None => self.pop_to(pos),
            }
        }
        self.formatting.remove(id);
    }

    /// Closes `stack[pos..]`, innermost first: formatting elements among them stay on the
    /// list (left open), cells and other marker elements clear it back to their marker.
    fn pop_to(&mut self, pos: usize) {
        while self.stack.len() > pos {
            let o = self.stack.pop().expect("above pos");
            if let Some(id) = o.entry {
                self.formatting.set_open(id, false);
            }
            if is_marker(&o.name) {
                self.formatting.clear_to_marker();
            }
            if matches!(o.name.as_slice(), b"svg" | b"math") {
                self.foreign = self.foreign.saturating_sub(1);
            }
        }
    }

    /// The elements a start tag closes before it opens: an open `<p>` (for a block), the
    /// last `<li>`, `<dd>` or `<dt>`, a heading, a cell or row, an option.
    fn implied_closes(&mut self, name: &[u8]) {
        if closes_p(name) {
            let open_p = self
                .stack
                .iter()
                .rposition(|s| s.name == b"p" || is_scope_boundary(&s.name))
                .filter(|&p| self.stack[p].name == b"p");
            if let Some(p) = open_p {
                self.pop_to(p);
            }
        }
        let closes = |s: &Open| -> bool {
            match name {
                b"li" => s.name == b"li",
                b"dd" | b"dt" => s.name == b"dd" || s.name == b"dt",
                _ => false,
            }
        };
        if matches!(name, b"li" | b"dd" | b"dt") {
            for pos in (0..self.stack.len()).rev() {
                let s = &self.stack[pos];
                if closes(s) {
                    self.pop_to(pos);
                    break;
                }
                if is_special(&s.name) && !matches!(s.name.as_slice(), b"address" | b"div" | b"p") {
                    break;
                }
            }
        }
        if is_heading(name) && self.stack.last().is_some_and(|s| is_heading(&s.name)) {
            self.pop_to(self.stack.len() - 1);
        }
        let table_parts: &[&[u8]] = match name {
            b"td" | b"th" => &[b"td", b"th"],
            b"tr" => &[b"td", b"th", b"tr"],
            b"tbody" | b"thead" | b"tfoot" => &[b"td", b"th", b"tr", b"tbody", b"thead", b"tfoot"],
            _ => &[],
        };
        if !table_parts.is_empty() {
            let lowest = self
                .stack
                .iter()
                .rposition(|s| s.name == b"table" || s.name == b"template")
                .map_or(0, |t| t + 1);
            if let Some(pos) = (lowest..self.stack.len())
                .find(|&k| table_parts.contains(&self.stack[k].name.as_slice()))
            {
                self.pop_to(pos);
            }
        }
        if matches!(name, b"option" | b"optgroup")
            && self.stack.last().is_some_and(|s| s.name == b"option")
        {
            self.pop_to(self.stack.len() - 1);
        }
        if name == b"optgroup" && self.stack.last().is_some_and(|s| s.name == b"optgroup") {
            self.pop_to(self.stack.len() - 1);
        }
    }

    /// The parser is about to re-open the formatting elements left open (before text or an
    /// inline element at `at`). Within the budget that is counted; past it they are closed
    /// here instead, by end tags put in before `at`.
    fn reopen(&mut self, at: usize) {
        let n = self.formatting.to_reopen();
        if n == 0 {
            return;
        }
        if self.closing_left_open || self.reopened + n > self.reopen_budget {
            self.closing_left_open = true;
            let names = self.formatting.drop_closed_tail();
            let mut tags = String::new();
            for name in &names {
                tags.push_str("</");
                tags.push_str(&String::from_utf8_lossy(name));
                tags.push('>');
            }
            self.rewrite.insert(at, &tags);
            self.out.formatting_closed += names.len();
            return;
        }
        self.reopened += n;
        self.count_nodes(n, at);
        for e in self.formatting.reopen() {
            self.stack.push(Open {
                name: e.name,
                entry: Some(e.id),
            });
        }
    }

    /// As Blink does at 512 levels: the new element goes beside the deepest open one, not
    /// inside it. The deepest is closed here, before `lt`; its own end tag, when it comes,
    /// is left out.
    fn place_beside_deepest(&mut self, lt: usize) {
        let Some(top) = self.stack.last() else {
            return;
        };
        let name = top.name.clone();
        let mut close = String::from("</");
        close.push_str(&String::from_utf8_lossy(&name));
        close.push('>');
        self.rewrite.insert(lt, &close);
        self.apply_end_tag(&name, lt);
        *self.dropped.entry(name).or_insert(0) += 1;
        self.out.flattened += 1;
    }

    /// Past the node budget an inline tag goes and any other becomes a space; a script's or
    /// style's content goes with it (what any other element holds is text). Returns where the scan goes on.
    fn tag_as_text(&mut self, name: &[u8], lt: usize, end: usize, start: bool) -> usize {
        self.out.tags_as_text += 1;
        if start && matches!(name, b"script" | b"style") && self.foreign == 0 {
            let mut close = b"</".to_vec();
            close.extend_from_slice(name);
            let content_end = find_ci(self.bytes, end, &close)
                .map(|c| find(self.bytes, c, b">").map_or(self.bytes.len(), |e| e + 1))
                .unwrap_or(self.bytes.len());
            self.rewrite.replace(lt, content_end, " ");
            return content_end;
        }
        self.rewrite
            .replace(lt, end, if is_phrasing(name) { "" } else { " " });
        end
    }
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    b.trim_ascii()
        .strip_suffix(b">")
        .unwrap_or(b)
        .trim_ascii()
        .hash(&mut h);
    h.finish()
}

/// A start or end tag's extent and attributes.
pub(super) struct TagScan {
    /// One past the `>` (or the end of the text).
    pub(super) end: usize,
    pub(super) attributes: usize,
    pub(super) self_closing: bool,
    /// Where the attribute past [`MAX_ATTRIBUTES`] starts (before its white space).
    pub(super) cut_at: Option<usize>,
}

/// Reads a start or end tag's attributes from `from` (just past its name) to its `>`.
pub(super) fn scan_tag(bytes: &[u8], from: usize) -> TagScan {
    let mut i = from;
    let mut attributes = 0;
    let mut cut_at = None;
    let mut self_closing = false;
    loop {
        let before_space = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => break,
            Some(b'>') => {
                i += 1;
                break;
            }
            Some(b'/') => {
                i += 1;
                if bytes.get(i) == Some(&b'>') {
                    self_closing = true;
                    i += 1;
                    break;
                }
                continue;
            }
            Some(_) => {}
        }
        // an attribute: name, then optionally = and a value
        attributes += 1;
        if attributes == MAX_ATTRIBUTES + 1 {
            cut_at = Some(before_space);
        }
        let name_start = i;
        while i < bytes.len()
            && (i == name_start || !matches!(bytes[i], b'=' | b'>' | b'/'))
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j = memchr::memchr(q, &bytes[j + 1..]).map_or(bytes.len(), |e| j + 1 + e + 1);
                }
                _ => {
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                }
            }
            i = j;
        }
    }
    TagScan {
        end: i.min(bytes.len()),
        attributes,
        self_closing,
        cut_at,
    }
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= bytes.len() {
        return None;
    }
    memchr::memmem::find(&bytes[from..], needle).map(|p| from + p)
}

/// [`find`], ASCII case-insensitive.
fn find_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= bytes.len() {
        return None;
    }
    let mut at = from;
    while let Some(p) = memchr::memchr(needle[0], &bytes[at..]) {
        let start = at + p;
        if bytes
            .get(start..start + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

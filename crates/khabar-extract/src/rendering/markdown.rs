//! Markdown: CommonMark, with tables as GitHub writes them (GFM), and YAML front matter.
//! Text is escaped so that it reads as text (a `*` or a `#` of the article is not markup),
//! links keep their targets, code keeps its lines in a fence longer than any run of
//! backticks inside.

use std::fmt::Write as _;

use crate::blocks::{Block, Cell, Link, ListItem};
use crate::record::Record;

/// The blocks as Markdown, a blank line between blocks.
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut other_marker = false;
    let mut i = 0;
    while i < blocks.len() {
        if !out.is_empty() {
            out.push('\n');
        }
        match &blocks[i] {
            Block::Paragraph { text, links } => {
                out.push_str(&line_start(&inline(text, links)));
                out.push('\n');
            }
            Block::Heading { level, text, links } => {
                let _ = writeln!(
                    out,
                    "{} {}",
                    "#".repeat(usize::from(*level)),
                    heading(inline(text, links))
                );
            }
            Block::List { ordered, items, .. } => {
                // two lists in a row would read as one: the second takes the other marker
                let other = match i.checked_sub(1).map(|p| &blocks[p]) {
                    Some(Block::List { ordered: o, .. }) if o == ordered => !other_marker,
                    _ => false,
                };
                other_marker = other;
                let style = Marker {
                    ordered: *ordered,
                    other,
                };
                list(&mut out, style, items, "");
            }
            Block::Quote { .. } => {
                // a run of quotes is one blockquote of paragraphs
                let mut first = true;
                while let Some(Block::Quote { text, links }) = blocks.get(i) {
                    if !first {
                        out.push_str(">\n");
                    }
                    let _ = writeln!(out, "> {}", line_start(&inline(text, links)));
                    first = false;
                    i += 1;
                }
                continue;
            }
            Block::Code { text, language } => code(&mut out, text, language.as_deref()),
            Block::Table { rows, .. } => table(&mut out, rows),
            Block::Figure {
                text,
                credit,
                image_url,
            } => {
                let caption = super::caption_line(text, credit.as_deref());
                match image_url {
                    Some(url) => {
                        let _ = writeln!(out, "![{}]({})", escape(&caption), destination(url));
                    }
                    None => {
                        let _ = writeln!(out, "*{}*", escape(&caption));
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// The record as a Markdown document: front matter, the headline (`#`), then the blocks.
pub(super) fn document(r: &Record) -> String {
    let mut out = String::from("---\n");
    let mut field = |key: &str, value: Option<&str>| {
        if let Some(v) = value {
            let _ = writeln!(out, "{key}: {}", quoted(v));
        }
    };
    field("title", r.headline.as_deref());
    field("description", r.subtitle.as_deref());
    field("url", Some(&r.url));
    field("id", Some(&r.id));
    field("site", Some(&r.site));
    field("language", r.language.as_deref());
    field("published", r.published_at.as_deref());
    field("modified", r.modified_at.as_deref());
    field("section", r.section.as_deref());
    field("image", r.image_url.as_deref());
    for (key, list) in [("authors", &r.authors), ("tags", &r.tags)] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|a| quoted(a)).collect();
            let _ = writeln!(out, "{key}: [{}]", items.join(", "));
        }
    }
    out.push_str("---\n\n");
    if let Some(h) = &r.headline {
        let _ = writeln!(out, "# {}\n", heading(escape(h)));
    }
    out.push_str(&markdown(&r.blocks));
    out
}

/// A YAML string: JSON's double-quoted form, which YAML reads as written.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

/// A list's item marker: `-` or `1.`, or the other one CommonMark allows (`*`, `1)`) for a
/// list right after another.
#[derive(Clone, Copy)]
struct Marker {
    ordered: bool,
    other: bool,
}

impl Marker {
    fn of(self, n: usize) -> String {
        match (self.ordered, self.other) {
            (true, false) => format!("{n}. "),
            (true, true) => format!("{n}) "),
            (false, false) => "- ".to_string(),
            (false, true) => "* ".to_string(),
        }
    }
}

fn list(out: &mut String, style: Marker, items: &[ListItem], indent: &str) {
    for (n, item) in items.iter().enumerate() {
        let marker = style.of(n + 1);
        let text = inline(&item.text, &item.links);
        let _ = writeln!(out, "{indent}{marker}{}", line_start(&text));
        if let Some(sub) = &item.list {
            let inner = format!("{indent}{}", " ".repeat(marker.len()));
            let sub_style = Marker {
                ordered: sub.ordered,
                other: false,
            };
            list(out, sub_style, &sub.items, &inner);
        }
    }
}

fn code(out: &mut String, text: &str, language: Option<&str>) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let info = language
        .filter(|l| {
            l.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-#._".contains(c))
        })
        .unwrap_or("");
    let _ = writeln!(out, "{fence}{info}\n{text}\n{fence}");
}

fn table(out: &mut String, rows: &[Vec<Cell>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return;
    }
    let row = |out: &mut String, cells: &[Cell]| {
        out.push('|');
        for i in 0..width {
            let cell = cells.get(i).map_or(String::new(), |c| {
                inline(&c.text, &c.links).replace('|', "\\|")
            });
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    };
    // GitHub's tables need a header row: the first row is it
    row(out, &rows[0]);
    out.push('|');
    for _ in 0..width {
        out.push_str(" --- |");
    }
    out.push('\n');
    for r in &rows[1..] {
        row(out, r);
    }
}

/// Text with its links as Markdown links, everything else escaped.
fn inline(text: &str, links: &[Link]) -> String {
    let mut out = String::new();
    for (piece, link) in super::segments(text, links, |_| true) {
        match link {
            Some(l) => {
                // `!` right before a link would make it a picture
                if out.ends_with('!') {
                    out.insert(out.len() - 1, '\\');
                }
                let _ = write!(out, "[{}]({})", escape(&piece), destination(&l.url));
            }
            None => out.push_str(&escape(&piece)),
        }
    }
    out
}

/// A link destination: in angle brackets when it holds what would end it.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Escapes what Markdown would read as markup inside a line: emphasis, code, links, HTML,
/// and an entity-like `&…;`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '&' if looks_like_entity(&bytes[i + 1..]) => out.push_str("\\&"),
            _ => out.push(c),
        }
    }
    out
}

fn looks_like_entity(rest: &[u8]) -> bool {
    let name: Vec<u8> = rest
        .iter()
        .copied()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .collect();
    !name.is_empty() && rest.get(name.len()) == Some(&b';')
}

/// A heading's text: a `#` at its end would be read as the heading's closing mark.
fn heading(mut text: String) -> String {
    if text.ends_with('#') {
        text.insert(text.len() - 1, '\\');
    }
    text
}

/// What would start a heading, a list item or a quote at the start of a line is escaped.
fn line_start(s: &str) -> String {
    let t = s.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let starts_block = t.starts_with('#')
        || t.starts_with("> ")
        || ["- ", "+ ", "* "].iter().any(|m| t.starts_with(m))
        || t == "-"
        || t == "+"
        || (digits > 0 && digits < 10 && t[digits..].starts_with(['.', ')']))
        || t.chars().all(|c| c == '-' || c == '=') && !t.is_empty();
    if !starts_block {
        return s.to_string();
    }
    match t.chars().position(|c| !c.is_ascii_digit()) {
        Some(p) if p > 0 => format!("{}\\{}", &t[..p], &t[p..]),
        _ => format!("\\{t}"),
    }
}

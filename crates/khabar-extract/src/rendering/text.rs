//! Plain text: a blank line between blocks, list items marked `-` or numbered, quotes and
//! code indented, table cells separated by ` | `, a figure as `[Figure: caption]`.

use std::fmt::Write as _;

use crate::blocks::{Block, ListItem};
use crate::record::Record;

/// The blocks as plain text.
pub fn text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match b {
            Block::Paragraph { text, .. } | Block::Heading { text, .. } => {
                out.push_str(text);
                out.push('\n');
            }
            Block::List { ordered, items, .. } => list(&mut out, *ordered, items, ""),
            Block::Quote { text, .. } => {
                let _ = writeln!(out, "    {text}");
            }
            Block::Code { text, .. } => {
                for line in text.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
            Block::Table { rows, .. } => {
                for r in rows {
                    let cells: Vec<&str> = r.iter().map(|c| c.text.as_str()).collect();
                    let _ = writeln!(out, "{}", cells.join(" | "));
                }
            }
            Block::Figure { text, credit, .. } => {
                let caption = super::caption_line(text, credit.as_deref());
                let _ = writeln!(out, "[Figure: {caption}]");
            }
        }
    }
    out
}

fn list(out: &mut String, ordered: bool, items: &[ListItem], indent: &str) {
    for (n, item) in items.iter().enumerate() {
        let marker = if ordered {
            format!("{}. ", n + 1)
        } else {
            "- ".to_string()
        };
        let _ = writeln!(out, "{indent}{marker}{}", item.text);
        if let Some(sub) = &item.list {
            let inner = format!("{indent}{}", " ".repeat(marker.chars().count()));
            list(out, sub.ordered, &sub.items, &inner);
        }
    }
}

/// The record as a text document: the headline, header lines of metadata, then the blocks.
pub(super) fn document(r: &Record) -> String {
    let mut out = String::new();
    if let Some(h) = &r.headline {
        let _ = writeln!(out, "{h}");
    }
    if let Some(s) = &r.subtitle {
        let _ = writeln!(out, "{s}");
    }
    let mut line = |key: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let _ = writeln!(out, "{key}: {v}");
        }
    };
    line("URL", Some(&r.url));
    line("Published", r.published_at.as_deref());
    line("Modified", r.modified_at.as_deref());
    line("Authors", Some(&r.authors.join(", ")));
    line("Section", r.section.as_deref());
    out.push('\n');
    out.push_str(&text(&r.blocks));
    out
}

//! The article's structure: an ordered list of typed blocks — paragraphs, section
//! headings, lists (ordered or not, nested), quotes, code listings, tables and the places
//! of figures — with the links inside them. One reader ([`BlockBuilder`]) makes them from
//! the page for the profiles and the generic extractor alike; the record's `body` is
//! derived from them ([`body_of`]), and the renderers (`crate::rendering`) write them as
//! Markdown, plain text or HTML.
//!
//! Every block has `kind` and `text` (its plain text: normalised like every string of the
//! record, but for the line breaks of code, and of lists and tables, one line per item or
//! row), so `UNNEST(blocks)` in DuckDB or a loop in Python reads them all alike.

mod builder;
mod table;

pub(crate) use builder::BlockBuilder;

use serde::{Deserialize, Serialize};

/// One block of the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// Its text.
        text: String,
        /// The links in it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    /// A section heading.
    Heading {
        /// 2 to 6 (the headline is the record's `headline`; an `<h1>` inside the article
        /// is a level 2 heading).
        level: u8,
        /// Its text.
        text: String,
        /// The links in it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    /// A list.
    List {
        /// Numbered (`<ol>`) or not.
        ordered: bool,
        /// Its items' text, one line each (nested items too).
        text: String,
        /// Its items.
        items: Vec<ListItem>,
    },
    /// A quoted paragraph (a `<blockquote>` of several paragraphs is several quotes in a
    /// row).
    Quote {
        /// Its text.
        text: String,
        /// The links in it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    /// A code listing, or any preformatted text: line breaks and indentation kept.
    Code {
        /// Its text, lines as written.
        text: String,
        /// The language its markup names (`class="language-rust"`), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    /// A table of data.
    Table {
        /// Its rows, one line each, cells separated by a space.
        text: String,
        /// Its rows of cells.
        rows: Vec<Vec<Cell>>,
    },
    /// The place of a figure: a picture of the article's own (its caption is in the
    /// record's `captions` too).
    Figure {
        /// Its caption, credit split off (empty when it has none).
        text: String,
        /// The caption's credit (`(أ.ف.ب)`, `AFP`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credit: Option<String>,
        /// The picture, absolute.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_url: Option<String>,
    },
}

/// One item of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// Its text (without its nested list's).
    pub text: String,
    /// The links in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// A list nested in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<SubList>,
}

/// A list nested in a list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubList {
    /// Numbered or not.
    pub ordered: bool,
    /// Its items.
    pub items: Vec<ListItem>,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Its text.
    pub text: String,
    /// A header cell (`<th>`, or a cell of `<thead>`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub header: bool,
    /// The links in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// A link inside a block's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The linked text.
    pub text: String,
    /// Where it leads: an absolute http(s) address.
    pub url: String,
    /// Where the linked text starts in the text it is part of, in characters (Unicode
    /// code points, as Python counts them).
    pub start: usize,
}

impl Block {
    /// The block's plain text.
    pub fn text(&self) -> &str {
        match self {
            Block::Paragraph { text, .. }
            | Block::Heading { text, .. }
            | Block::List { text, .. }
            | Block::Quote { text, .. }
            | Block::Code { text, .. }
            | Block::Table { text, .. }
            | Block::Figure { text, .. } => text,
        }
    }

    /// The kind, as it goes on the wire: `paragraph`, `heading`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Block::Paragraph { .. } => "paragraph",
            Block::Heading { .. } => "heading",
            Block::List { .. } => "list",
            Block::Quote { .. } => "quote",
            Block::Code { .. } => "code",
            Block::Table { .. } => "table",
            Block::Figure { .. } => "figure",
        }
    }
}

/// A list block from its items: its text is one line per item, nested ones included.
pub(crate) fn list(ordered: bool, items: Vec<ListItem>) -> Block {
    let mut lines = Vec::new();
    item_lines(&items, &mut lines);
    Block::List {
        ordered,
        text: lines.join("\n"),
        items,
    }
}

fn item_lines<'a>(items: &'a [ListItem], out: &mut Vec<&'a str>) {
    for item in items {
        if !item.text.is_empty() {
            out.push(&item.text);
        }
        if let Some(sub) = &item.list {
            item_lines(&sub.items, out);
        }
    }
}

/// A table block from its rows: its text is one line per row, cells separated by a space.
pub(crate) fn table(rows: Vec<Vec<Cell>>) -> Block {
    let text = rows
        .iter()
        .map(|r| row_text(r))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Block::Table { text, rows }
}

fn row_text(row: &[Cell]) -> String {
    row.iter()
        .map(|c| c.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The record's `body` from the blocks: one string per paragraph, heading, quote, code
/// listing (its white space folded), list item and table row; figures are not text of the
/// body.
pub(crate) fn body_of(blocks: &[Block]) -> Vec<String> {
    let mut body = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph { text, .. }
            | Block::Heading { text, .. }
            | Block::Quote { text, .. } => body.push(text.clone()),
            Block::Code { text, .. } => {
                if let Some(t) = crate::text::normalize_opt(text) {
                    body.push(t);
                }
            }
            Block::List { items, .. } => items_body(items, &mut body),
            Block::Table { rows, .. } => {
                body.extend(rows.iter().map(|r| row_text(r)).filter(|t| !t.is_empty()))
            }
            Block::Figure { .. } => {}
        }
    }
    body
}

fn items_body(items: &[ListItem], out: &mut Vec<String>) {
    for item in items {
        if !item.text.is_empty() {
            out.push(item.text.clone());
        }
        if let Some(sub) = &item.list {
            items_body(&sub.items, out);
        }
    }
}

/// Blocks of paragraphs, one per string (JSON-LD `articleBody`, whose markup is gone).
pub(crate) fn paragraphs(texts: Vec<String>) -> Vec<Block> {
    texts
        .into_iter()
        .map(|text| Block::Paragraph {
            text,
            links: Vec::new(),
        })
        .collect()
}

/// Leaves out paragraphs and headings that only repeat `headline`.
pub(crate) fn without_headline(blocks: &mut Vec<Block>, headline: &str) {
    blocks.retain(|b| {
        !matches!(b, Block::Paragraph { text, .. } | Block::Heading { text, .. } if text == headline)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> ListItem {
        ListItem {
            text: text.into(),
            links: Vec::new(),
            list: None,
        }
    }

    #[test]
    fn blocks_go_on_the_wire_with_their_kind() {
        let blocks = vec![
            Block::Heading {
                level: 2,
                text: "حوار".into(),
                links: Vec::new(),
            },
            Block::Paragraph {
                text: "See the report.".into(),
                links: vec![Link {
                    text: "report".into(),
                    url: "https://x/r".into(),
                    start: 8,
                }],
            },
            list(
                false,
                vec![
                    item("a"),
                    ListItem {
                        list: Some(SubList {
                            ordered: true,
                            items: vec![item("b1")],
                        }),
                        ..item("b")
                    },
                ],
            ),
        ];
        let json = serde_json::to_string(&blocks).unwrap();
        assert_eq!(
            json,
            r#"[{"kind":"heading","level":2,"text":"حوار"},{"kind":"paragraph","text":"See the report.","links":[{"text":"report","url":"https://x/r","start":8}]},{"kind":"list","ordered":false,"text":"a\nb\nb1","items":[{"text":"a"},{"text":"b","list":{"ordered":true,"items":[{"text":"b1"}]}}]}]"#
        );
        let back: Vec<Block> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, blocks);
        assert_eq!(
            body_of(&blocks),
            ["حوار", "See the report.", "a", "b", "b1"]
        );
    }

    #[test]
    fn a_table_is_a_body_paragraph_per_row_and_figures_are_not_body() {
        let cell = |t: &str, header| Cell {
            text: t.into(),
            header,
            links: Vec::new(),
        };
        let blocks = vec![
            table(vec![
                vec![cell("Name", true), cell("Age", true)],
                vec![cell("Ali", false), cell("30", false)],
            ]),
            Block::Figure {
                text: "A photo".into(),
                credit: None,
                image_url: None,
            },
            Block::Code {
                text: "fn main() {\n    x();\n}".into(),
                language: Some("rust".into()),
            },
        ];
        assert_eq!(blocks[0].text(), "Name Age\nAli 30");
        assert_eq!(
            body_of(&blocks),
            ["Name Age", "Ali 30", "fn main() { x(); }"]
        );
    }
}

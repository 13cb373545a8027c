//! The record written as a document for people and language models: Markdown (CommonMark,
//! with GitHub's tables), plain text, or minimal HTML. One renderer per format over the
//! record's blocks; each writes the article's metadata on top (YAML front matter in
//! Markdown, header lines in text, a `<header>` in HTML).

mod html;
mod markdown;
mod text;

pub use html::html;
pub use markdown::markdown;
pub use text::text;

use crate::blocks::Link;
use crate::record::Record;

/// A document format a record can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// CommonMark, tables as GitHub writes them, YAML front matter.
    Markdown,
    /// Plain text.
    Text,
    /// An `<article>` of minimal HTML: no scripts, no attributes but `href`, `dir`, `lang`.
    Html,
}

impl Format {
    /// The file name extension of a document in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Text => "txt",
            Format::Html => "html",
        }
    }

    /// The format's name on the command line and as a record field: `markdown`, `text`,
    /// `html`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Html => "html",
        }
    }

    /// The record as a document of this format, metadata on top.
    pub fn document(self, record: &Record) -> String {
        match self {
            Format::Markdown => markdown::document(record),
            Format::Text => text::document(record),
            Format::Html => html::document(record),
        }
    }

    /// The record's body alone (its blocks) in this format, for a field of the record.
    pub fn body(self, record: &Record) -> String {
        match self {
            Format::Markdown => markdown(&record.blocks),
            Format::Text => text(&record.blocks),
            Format::Html => html(&record.blocks, direction(record)),
        }
    }
}

/// A block's text cut at its links: the pieces in order, each with its link if it is one.
/// Links that overlap an earlier one, run past the text or that `keep` refuses are text.
fn segments<'l>(
    text: &str,
    links: &'l [Link],
    keep: impl Fn(&Link) -> bool,
) -> Vec<(String, Option<&'l Link>)> {
    if links.is_empty() {
        return vec![(text.to_string(), None)];
    }
    let chars: Vec<char> = text.chars().collect();
    let mut sorted: Vec<&Link> = links.iter().filter(|l| keep(l)).collect();
    sorted.sort_by_key(|l| l.start);
    let mut out = Vec::new();
    let mut at = 0;
    for l in sorted {
        let end = l.start + l.text.chars().count();
        if l.start < at || end > chars.len() {
            continue;
        }
        if l.start > at {
            out.push((chars[at..l.start].iter().collect(), None));
        }
        out.push((chars[l.start..end].iter().collect(), Some(l)));
        at = end;
    }
    if at < chars.len() {
        out.push((chars[at..].iter().collect(), None));
    }
    out
}

/// A figure's caption as one line: its text, then its credit in parentheses.
fn caption_line(text: &str, credit: Option<&str>) -> String {
    match credit {
        Some(c) if !text.is_empty() => format!("{text} ({c})"),
        Some(c) => c.to_string(),
        None => text.to_string(),
    }
}

/// Languages written right to left (ISO 639 codes, the part of a BCP 47 tag before `-`).
const RTL_LANGUAGES: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "khw", "ks", "ps", "sd", "ug", "ur", "yi",
];

/// `rtl` for an article in a language written right to left (by its `language`, else by
/// the first letter of its headline or body), else `ltr`.
pub fn direction(record: &Record) -> &'static str {
    if let Some(lang) = record.language.as_deref() {
        let lang = lang.to_ascii_lowercase();
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        return if RTL_LANGUAGES.contains(&primary) {
            "rtl"
        } else {
            "ltr"
        };
    }
    let first_letter = record
        .headline
        .iter()
        .chain(record.body.iter())
        .flat_map(|s| s.chars())
        .find(|c| c.is_alphabetic());
    match first_letter {
        Some(c) if is_rtl_letter(c) => "rtl",
        _ => "ltr",
    }
}

/// Hebrew, Arabic, Syriac, Thaana, N'Ko and the Arabic presentation forms.
fn is_rtl_letter(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

#[cfg(test)]
mod tests;

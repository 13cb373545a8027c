//! Minimal, safe HTML: the article's structure and nothing else. No scripts, no styles,
//! no attributes but `href` (http and https only), `dir` and `lang`; every text escaped.
//! An article in a right-to-left language is marked `dir="rtl"`.

use std::fmt::Write as _;

use crate::blocks::{Block, Cell, Link, ListItem};
use crate::record::Record;

/// The blocks as HTML elements; `dir` (`rtl` or `ltr`) goes on the lists and tables, whose
/// layout follows it.
pub fn html(blocks: &[Block], dir: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Paragraph { text, links } => {
                let _ = writeln!(out, "<p>{}</p>", inline(text, links));
            }
            Block::Heading { level, text, links } => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(text, links));
            }
            Block::List { ordered, items, .. } => list(&mut out, *ordered, items),
            Block::Quote { .. } => {
                out.push_str("<blockquote>\n");
                while let Some(Block::Quote { text, links }) = blocks.get(i) {
                    let _ = writeln!(out, "<p>{}</p>", inline(text, links));
                    i += 1;
                }
                out.push_str("</blockquote>\n");
                continue;
            }
            Block::Code { text, .. } => {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text));
            }
            Block::Table { rows, .. } => table(&mut out, rows, dir),
            Block::Figure {
                text,
                credit,
                image_url,
            } => {
                let caption = super::caption_line(text, credit.as_deref());
                out.push_str("<figure><figcaption>");
                match image_url.as_deref().filter(|u| safe_url(u)) {
                    Some(url) if caption.is_empty() => {
                        let _ = write!(out, "<a href=\"{}\">{}</a>", escape(url), escape(url));
                    }
                    Some(url) => {
                        let _ = write!(out, "<a href=\"{}\">{}</a>", escape(url), escape(&caption));
                    }
                    None => out.push_str(&escape(&caption)),
                }
                out.push_str("</figcaption></figure>\n");
            }
        }
        i += 1;
    }
    out
}

/// The record as an HTML document: a `<header>` of its metadata, then the blocks, in an
/// `<article>` in its language and direction.
pub(super) fn document(r: &Record) -> String {
    let dir = super::direction(r);
    let lang = r
        .language
        .as_deref()
        .filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|l| format!(" lang=\"{l}\""))
        .unwrap_or_default();
    let title = r.headline.as_deref().unwrap_or("");
    let mut out = format!(
        "<!DOCTYPE html>\n<html{lang} dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<article{lang} dir=\"{dir}\">\n<header>\n",
        escape(title)
    );
    if let Some(h) = &r.headline {
        let _ = writeln!(out, "<h1>{}</h1>", escape(h));
    }
    if let Some(s) = &r.subtitle {
        let _ = writeln!(out, "<p>{}</p>", escape(s));
    }
    let mut facts: Vec<String> = Vec::new();
    if safe_url(&r.url) {
        facts.push(format!(
            "<a href=\"{}\">{}</a>",
            escape(&r.url),
            escape(&r.url)
        ));
    }
    facts.extend(r.published_at.iter().map(|d| escape(d)));
    if !r.authors.is_empty() {
        facts.push(escape(&r.authors.join(", ")));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", facts.join(" · "));
    }
    out.push_str("</header>\n");
    out.push_str(&html(&r.blocks, dir));
    out.push_str("</article>\n</body>\n</html>\n");
    out
}

fn list(out: &mut String, ordered: bool, items: &[ListItem]) {
    let tag = if ordered { "ol" } else { "ul" };
    let _ = writeln!(out, "<{tag}>");
    for item in items {
        out.push_str("<li>");
        out.push_str(&inline(&item.text, &item.links));
        if let Some(sub) = &item.list {
            out.push('\n');
            list(out, sub.ordered, &sub.items);
        }
        out.push_str("</li>\n");
    }
    let _ = writeln!(out, "</{tag}>");
}

fn table(out: &mut String, rows: &[Vec<Cell>], dir: &str) {
    let _ = writeln!(out, "<table dir=\"{dir}\">");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let tag = if c.header { "th" } else { "td" };
            let _ = write!(out, "<{tag}>{}</{tag}>", inline(&c.text, &c.links));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn safe_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// Text with its links as `<a href>`, everything escaped.
fn inline(text: &str, links: &[Link]) -> String {
    let mut out = String::new();
    for (piece, link) in super::segments(text, links, |l| safe_url(&l.url)) {
        match link {
            Some(l) => {
                let _ = write!(out, "<a href=\"{}\">{}</a>", escape(&l.url), escape(&piece));
            }
            None => out.push_str(&escape(&piece)),
        }
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

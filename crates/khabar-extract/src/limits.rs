//! Bounds on the markup given to the HTML parser. html5ever walks its stack of open
//! elements for many start tags and compares every new attribute with the tag's earlier
//! ones, so a page nested a hundred thousand levels deep, or one tag with a million
//! attributes, takes it minutes. Real pages never come near either, so khabar does what
//! browsers do: an element that would open past [`MAX_DEPTH`] levels goes beside the
//! deepest one instead of inside it (Blink's rule, with the same 512 cap; every element and
//! all text is kept), and attributes past [`MAX_ATTRIBUTES`] on one tag are left out.
//!
//! One linear scan over the text finds out; a page within bounds is passed on as it is,
//! without a copy. The scan follows HTML's tokenizer closely enough for this purpose
//! (comments, raw-text elements, quoted attribute values) and keeps its own stack of open
//! elements: an end tag closes up to its start tag, a block start tag closes an open
//! `<p>`, as the tree builder would.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest element nesting the parser is given.
pub const MAX_DEPTH: usize = 512;
/// Most attributes kept on one start tag.
pub const MAX_ATTRIBUTES: usize = 256;

/// The markup to parse, and what was changed to bring it within bounds.
#[derive(Debug)]
pub struct Bounded<'a> {
    /// The markup, rewritten only where a bound was passed.
    pub text: Cow<'a, str>,
    /// Elements placed beside the deepest open one rather than past [`MAX_DEPTH`].
    pub flattened: usize,
    /// Attributes past [`MAX_ATTRIBUTES`] left out, over all tags.
    pub attributes_dropped: usize,
}

impl Bounded<'_> {
    /// What was changed, for the user; `None` when nothing was.
    pub fn message(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.flattened > 0 {
            parts.push(format!(
                "elements nested deeper than {MAX_DEPTH} levels: {} were placed beside the deepest one instead of inside it, as browsers do (all text kept)",
                self.flattened
            ));
        }
        if self.attributes_dropped > 0 {
            parts.push(format!(
                "a tag with more than {MAX_ATTRIBUTES} attributes: {} attributes left out",
                self.attributes_dropped
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Elements with no end tag.
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
            | b"frame"
            | b"basefont"
            | b"bgsound"
    )
}

/// Elements whose content is text up to their end tag.
fn is_raw_text(name: &[u8]) -> bool {
    matches!(
        name,
        b"script"
            | b"style"
            | b"textarea"
            | b"title"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"plaintext"
    )
}

/// Start tags that close an open `<p>` first.
fn closes_p(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"center"
            | b"details"
            | b"dialog"
            | b"dir"
            | b"div"
            | b"dl"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"pre"
            | b"section"
            | b"summary"
            | b"table"
            | b"ul"
            | b"li"
            | b"dd"
            | b"dt"
    )
}

/// Elements a search for an open `<p>` does not look past.
fn is_scope_boundary(name: &[u8]) -> bool {
    matches!(
        name,
        b"applet"
            | b"caption"
            | b"html"
            | b"table"
            | b"td"
            | b"th"
            | b"marquee"
            | b"object"
            | b"template"
            | b"button"
    )
}

/// The text, with nesting and attribute counts brought within bounds.
pub fn bound_markup(text: &str) -> Bounded<'_> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    // bytes of `text` before `copied` are already in `out` (or need no copy)
    let mut copied = 0usize;
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut dropped: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut flattened = 0usize;
    let mut attributes_dropped = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let lt = i + off;
        i = lt + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i = find(bytes, i + 3, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|b| *b == b'!' || *b == b'?') {
            i = find(bytes, i, b">").map_or(bytes.len(), |e| e + 1);
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
        let tag_end = tag.end;
        i = tag_end;
        if closing {
            if let Some(n) = dropped.get_mut(&name).filter(|n| **n > 0) {
                *n -= 1;
                cut(text, &mut out, &mut copied, lt, tag_end);
            } else if let Some(pos) = stack.iter().rposition(|s| *s == name) {
                stack.truncate(pos);
            }
            continue;
        }
        let opens = !is_void(&name) && !tag.self_closing && !is_raw_text(&name);
        if opens {
            if closes_p(&name) {
                let open_p = stack
                    .iter()
                    .rev()
                    .take_while(|s| !is_scope_boundary(s))
                    .position(|s| s == b"p");
                if let Some(from_top) = open_p {
                    stack.truncate(stack.len() - from_top - 1);
                }
            }
            if stack.len() >= MAX_DEPTH {
                // as Blink does: the new element goes beside the deepest open one, not
                // inside it. The deepest is closed here; its own end tag, when it comes,
                // is left out.
                let top = stack.pop().expect("the stack is full");
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..lt]);
                o.push_str("</");
                o.push_str(&String::from_utf8_lossy(&top));
                o.push('>');
                copied = lt;
                *dropped.entry(top).or_insert(0) += 1;
                flattened += 1;
            }
        }
        if tag.attributes > MAX_ATTRIBUTES {
            // keep the tag up to its last allowed attribute, then close it as written
            attributes_dropped += tag.attributes - MAX_ATTRIBUTES;
            let keep_to = tag.cut_at.expect("a cut point past the allowed attributes");
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..keep_to]);
            o.push_str(if tag.self_closing { "/>" } else { ">" });
            copied = tag_end;
        }
        if is_raw_text(&name) {
            // its content is not markup: skip to the end tag
            let mut close = b"</".to_vec();
            close.extend_from_slice(&name);
            i = find_ci(bytes, tag_end, &close).unwrap_or(bytes.len());
        } else if opens {
            stack.push(name);
        }
    }
    let text = match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    };
    Bounded {
        text,
        flattened,
        attributes_dropped,
    }
}

/// Leaves `text[from..to]` out of the output.
fn cut(text: &str, out: &mut Option<String>, copied: &mut usize, from: usize, to: usize) {
    let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
    o.push_str(&text[*copied..from]);
    *copied = to;
}

struct TagScan {
    /// One past the `>` (or the end of the text).
    end: usize,
    attributes: usize,
    self_closing: bool,
    /// Where the attribute past [`MAX_ATTRIBUTES`] starts (before its white space).
    cut_at: Option<usize>,
}

/// Reads a start or end tag's attributes from `from` (just past its name) to its `>`.
fn scan_tag(bytes: &[u8], from: usize) -> TagScan {
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
                    j = memchr_byte(q, &bytes[j + 1..]).map_or(bytes.len(), |e| j + 1 + e + 1);
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

fn memchr_lt(hay: &[u8]) -> Option<usize> {
    memchr::memchr(b'<', hay)
}

fn memchr_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(needle, hay)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_pass_untouched_and_uncopied() {
        let page = "<html><head><title>a<b</title><script>if (a<b) {'<div>'}</script></head>\
                    <body><!-- <div> --><div class='x>y'><p>one<p>two</div><br/><img src=a></body></html>";
        let b = bound_markup(page);
        assert!(matches!(b.text, Cow::Borrowed(_)));
        assert_eq!(b.message(), None);
    }

    #[test]
    fn deep_nesting_is_flattened_keeping_the_text() {
        let n = 2_000;
        let page = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        let b = bound_markup(&page);
        assert_eq!(b.flattened, n - MAX_DEPTH);
        // every element is kept, the ones past the limit as siblings of the deepest
        assert_eq!(b.text.matches("<div>").count(), n);
        assert_eq!(b.text.matches("</div>").count(), n);
        assert!(b.text.contains("deep"));
        let doc = scraper::Html::parse_document(&b.text);
        let depth = doc
            .root_element()
            .descendants()
            .map(|d| d.ancestors().count())
            .max()
            .unwrap();
        assert!(depth <= MAX_DEPTH + 3, "depth {depth}");
        assert!(b.message().unwrap().contains("512"));
    }

    #[test]
    fn closed_siblings_and_auto_closed_paragraphs_do_not_add_up() {
        // 5,000 siblings, each closed, and 5,000 <p> each closing the one before
        let page = format!(
            "{}{}",
            "<div><span>x</span></div>".repeat(5_000),
            "<p><b>x</b>".repeat(5_000)
        );
        let b = bound_markup(&page);
        assert_eq!(b.flattened, 0);
        assert!(matches!(b.text, Cow::Borrowed(_)));
    }

    #[test]
    fn attributes_past_the_limit_are_left_out() {
        let attrs: String = (0..1_000).map(|i| format!(" a{i}=\"v>\"")).collect();
        let page = format!("<p{attrs} class=x>text</p><img{attrs}/>");
        let b = bound_markup(&page);
        assert_eq!(b.attributes_dropped, 2 * (1_001 - MAX_ATTRIBUTES) - 1);
        assert!(
            b.text.contains("a255=\"v>\">text</p>"),
            "{}",
            &b.text[..200]
        );
        assert!(b.text.ends_with("a255=\"v>\"/>"));
        assert!(!b.text.contains("a256="));
    }
}

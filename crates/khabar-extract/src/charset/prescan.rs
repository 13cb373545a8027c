//! The HTML Standard's "prescan a byte stream to determine its encoding" (WHATWG HTML,
//! § 13.2.3.2 "Determining the character encoding"), with its "get an attribute", "get an
//! XML encoding" and "extracting a character encoding from a meta element" algorithms,
//! step by step. Comments are skipped whole (a `<meta>` commented out declares nothing),
//! other tags are read attribute by attribute (a `>` or `<meta` inside a quoted value does
//! not end or start anything), and `content="…; charset=…"` counts only with
//! `http-equiv="content-type"` on the same tag.
//!
//! The end condition is the end of the bytes given: the caller picks the window.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// The encoding the bytes declare, as the standard's prescan finds it reading `bytes` and
/// nothing past them: the first `<meta charset>` or `<meta http-equiv=content-type
/// content="…charset=…">` outside comments whose label the Encoding Standard knows, else
/// an XML declaration's `encoding` at the very start. UTF-16 labels give UTF-8 and
/// `x-user-defined` gives windows-1252, as the standard says (bytes the prescan could read
/// are ASCII-compatible); a UTF-16 `<?x` pattern in the first six bytes gives UTF-16.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    // running out of bytes anywhere in the loop ends it; an XML declaration is the
    // standard's last resort then
    Scanner {
        b: bytes,
        pos: 0,
        stop_at_body: false,
    }
    .run()
    .or_else(|| xml_encoding(bytes))
}

/// [`prescan`] with one more end condition, of those the standard leaves to the user agent:
/// a `<body>` start tag (a `<meta>` after it is not the page's declaration).
pub(crate) fn prescan_head(bytes: &[u8]) -> Option<&'static Encoding> {
    Scanner {
        b: bytes,
        pos: 0,
        stop_at_body: true,
    }
    .run()
    .or_else(|| xml_encoding(bytes))
}

/// ASCII whitespace as the prescan knows it: TAB, LF, FF, CR, SPACE.
fn is_space(b: u8) -> bool {
    matches!(b, 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

/// One attribute as "get an attribute" returns it: name and value, ASCII upper case
/// lowered (other bytes kept as they are, which is all the prescan needs).
struct Attribute {
    name: Vec<u8>,
    value: Vec<u8>,
}

struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
    /// End the scan at a `<body>` start tag.
    stop_at_body: bool,
}

impl Scanner<'_> {
    /// The byte at the position; `None` (the prescan stops) past the end.
    fn byte(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn starts_with(&self, pat: &[u8]) -> bool {
        self.b[self.pos.min(self.b.len())..].starts_with(pat)
    }

    /// Moves to the first `>` at or after `from`; `None` when there is none.
    fn skip_to_gt(&mut self, from: usize) -> Option<()> {
        let at = memchr::memchr(b'>', self.b.get(from..)?)?;
        self.pos = from + at;
        Some(())
    }

    /// The prescan's loop. `None` is running out of bytes: the loop has no other end.
    fn run(&mut self) -> Option<&'static Encoding> {
        // Prescan for UTF-16 XML declarations (`<?x` in UTF-16LE or BE).
        if self.starts_with(&[0x3C, 0, 0x3F, 0, 0x78, 0]) {
            return Some(UTF_16LE);
        }
        if self.starts_with(&[0, 0x3C, 0, 0x3F, 0, 0x78]) {
            return Some(UTF_16BE);
        }
        loop {
            // "Loop": only a `<` starts anything; every other byte is passed over.
            let rest = self.b.get(self.pos..)?;
            self.pos += memchr::memchr(b'<', rest)?;
            if self.starts_with(b"<!--") {
                // to the first `>` preceded by `--`, the two hyphens may be those of `<!--`
                let from = self.pos + 2;
                let end = memchr::memmem::find(self.b.get(from..)?, b"-->")?;
                self.pos = from + end + 2;
            } else if self.at_meta() {
                self.pos += 5;
                if let Some(enc) = self.meta()? {
                    return Some(enc);
                }
            } else if self.at_tag() {
                // Skip the tag's name, then every attribute (quoted values may hold `>`).
                let from = self.pos;
                let name_end = self.b[from..]
                    .iter()
                    .position(|&c| is_space(c) || c == b'>')?;
                if self.stop_at_body
                    && self.b[from + 1..from + name_end].eq_ignore_ascii_case(b"body")
                {
                    return None;
                }
                self.pos = from + name_end;
                while self.attribute()?.is_some() {}
            } else if self.starts_with(b"<!") || self.starts_with(b"</") || self.starts_with(b"<?")
            {
                self.skip_to_gt(self.pos + 2)?;
            }
            // "Next byte"
            self.pos += 1;
        }
    }

    /// `<meta` (any case) followed by whitespace or `/`.
    fn at_meta(&self) -> bool {
        self.b.get(self.pos..self.pos + 6).is_some_and(|s| {
            s[1..5].eq_ignore_ascii_case(b"meta") && (is_space(s[5]) || s[5] == b'/')
        })
    }

    /// `<`, an optional `/`, and an ASCII letter.
    fn at_tag(&self) -> bool {
        let mut i = self.pos + 1;
        if self.b.get(i) == Some(&b'/') {
            i += 1;
        }
        self.b.get(i).is_some_and(u8::is_ascii_alphabetic)
    }

    /// The `<meta` step, the position on the whitespace or `/` after the name. The outer
    /// `None` is running out of bytes; `Some(None)` a `<meta>` that declares nothing usable
    /// (the position then on its `>`).
    fn meta(&mut self) -> Option<Option<&'static Encoding>> {
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let mut got_pragma = false;
        let mut need_pragma: Option<bool> = None;
        // None: not set; Some(None): a label the Encoding Standard does not know (failure)
        let mut charset: Option<Option<&'static Encoding>> = None;
        while let Some(attr) = self.attribute()? {
            if seen.contains(&attr.name) {
                continue;
            }
            match attr.name.as_slice() {
                b"http-equiv" if attr.value == b"content-type" => got_pragma = true,
                b"content" if charset.is_none() => {
                    if let Some(enc) = charset_from_content(&attr.value) {
                        charset = Some(Some(enc));
                        need_pragma = Some(true);
                    }
                }
                b"charset" => {
                    charset = Some(Encoding::for_label(&attr.value));
                    need_pragma = Some(false);
                }
                _ => {}
            }
            seen.push(attr.name);
        }
        // "Processing"
        let Some(need_pragma) = need_pragma else {
            return Some(None);
        };
        if need_pragma && !got_pragma {
            return Some(None);
        }
        let Some(Some(enc)) = charset else {
            return Some(None);
        };
        Some(Some(ascii_compatible(enc)))
    }

    /// "Get an attribute". The outer `None` is running out of bytes; `Some(None)` is no
    /// further attribute (the position on the tag's `>`).
    fn attribute(&mut self) -> Option<Option<Attribute>> {
        while matches!(self.byte()?, c if is_space(c) || c == b'/') {
            self.pos += 1;
        }
        if self.byte()? == b'>' {
            return Some(None);
        }
        let mut attr = Attribute {
            name: Vec::new(),
            value: Vec::new(),
        };
        // the name
        loop {
            match self.byte()? {
                b'=' if !attr.name.is_empty() => {
                    self.pos += 1;
                    return self.value(attr);
                }
                c if is_space(c) => break,
                b'/' | b'>' => return Some(Some(attr)),
                c => attr.name.push(c.to_ascii_lowercase()),
            }
            self.pos += 1;
        }
        // "Spaces": whitespace, then `=` or the attribute has no value
        while is_space(self.byte()?) {
            self.pos += 1;
        }
        if self.byte()? != b'=' {
            return Some(Some(attr));
        }
        self.pos += 1;
        self.value(attr)
    }

    /// "Value": the position just after the `=`.
    fn value(&mut self, mut attr: Attribute) -> Option<Option<Attribute>> {
        while is_space(self.byte()?) {
            self.pos += 1;
        }
        match self.byte()? {
            q @ (b'"' | b'\'') => {
                // "Quote loop"
                loop {
                    self.pos += 1;
                    match self.byte()? {
                        c if c == q => {
                            self.pos += 1;
                            return Some(Some(attr));
                        }
                        c => attr.value.push(c.to_ascii_lowercase()),
                    }
                }
            }
            b'>' => return Some(Some(attr)),
            c => {
                attr.value.push(c.to_ascii_lowercase());
                self.pos += 1;
            }
        }
        loop {
            match self.byte()? {
                c if is_space(c) || c == b'>' => return Some(Some(attr)),
                c => attr.value.push(c.to_ascii_lowercase()),
            }
            self.pos += 1;
        }
    }
}

/// "Extracting a character encoding from a meta element" (a `content` attribute's value):
/// `charset`, optional whitespace, `=`, optional whitespace, then a quoted label (a quote
/// with no closing one gives nothing) or one ending at whitespace or `;`.
fn charset_from_content(s: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        // "Loop": the next `charset`, any case
        let at = s
            .get(pos..)?
            .windows(7)
            .position(|w| w.eq_ignore_ascii_case(b"charset"))?;
        pos += at + 7;
        while s.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        if s.get(pos) != Some(&b'=') {
            // look again from just before this byte
            continue;
        }
        pos += 1;
        while s.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        let rest = &s[pos..];
        return match rest.first()? {
            &q @ (b'"' | b'\'') => {
                let end = memchr::memchr(q, &rest[1..])?;
                Encoding::for_label(&rest[1..1 + end])
            }
            _ => {
                let end = rest
                    .iter()
                    .position(|&c| is_space(c) || c == b';')
                    .unwrap_or(rest.len());
                Encoding::for_label(&rest[..end])
            }
        };
    }
}

/// "Get an XML encoding": `<?xml` at the very start, `encoding` before the declaration's
/// `>`, `=`, and a quoted label without spaces or controls in it.
fn xml_encoding(b: &[u8]) -> Option<&'static Encoding> {
    if !b.starts_with(b"<?xml") {
        return None;
    }
    let decl_end = memchr::memchr(b'>', b)?;
    let decl = &b[..decl_end];
    let mut pos = memchr::memmem::find(decl, b"encoding")? + 8;
    while *b.get(pos)? <= 0x20 {
        pos += 1;
    }
    if b[pos] != b'=' {
        return None;
    }
    pos += 1;
    while *b.get(pos)? <= 0x20 {
        pos += 1;
    }
    let quote = b[pos];
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    pos += 1;
    let end = pos + memchr::memchr(quote, b.get(pos..)?)?;
    let label = &b[pos..end];
    if label.iter().any(|&c| c <= 0x20) {
        return None;
    }
    Encoding::for_label(label).map(ascii_compatible)
}

/// What a label found in the bytes stands for: UTF-16 means UTF-8 (bytes the prescan
/// could read are not UTF-16) and `x-user-defined` windows-1252, as the standard says.
fn ascii_compatible(enc: &'static Encoding) -> &'static Encoding {
    if enc == UTF_16LE || enc == UTF_16BE {
        UTF_8
    } else if enc == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_2, WINDOWS_1256};

    #[test]
    fn a_commented_out_meta_declares_nothing() {
        assert_eq!(
            prescan(b"<!-- <meta charset=\"windows-1256\"> --><meta charset=utf-8>"),
            Some(UTF_8)
        );
        assert_eq!(prescan(b"<!-- <meta charset=\"windows-1256\"> -->"), None);
        // `<!-->` is a whole comment; `--!>` does not end one for the prescan
        assert_eq!(
            prescan(b"<!--><meta charset=windows-1256>"),
            Some(WINDOWS_1256)
        );
        assert_eq!(prescan(b"<!-- --!><meta charset=windows-1256>"), None);
    }

    #[test]
    fn content_needs_the_content_type_pragma() {
        assert_eq!(
            prescan(b"<meta name=x content=\"text/html; charset=windows-1256\">"),
            None
        );
        assert_eq!(
            prescan(b"<meta content='text/html; charset=windows-1256' HTTP-EQUIV=Content-Type>"),
            Some(WINDOWS_1256)
        );
        // `charset` on the same tag wins without a pragma, whatever comes first
        assert_eq!(
            prescan(b"<meta content='charset=iso-8859-2' charset=windows-1256>"),
            Some(WINDOWS_1256)
        );
        // a repeated attribute is ignored
        assert_eq!(
            prescan(b"<meta charset=windows-1256 charset=iso-8859-2>"),
            Some(WINDOWS_1256)
        );
    }

    #[test]
    fn other_tags_are_read_attribute_by_attribute() {
        // a `<meta` inside a quoted attribute value of another tag is not a tag
        assert_eq!(
            prescan(b"<a title='<meta charset=windows-1256>'>x</a><meta charset=iso-8859-2>"),
            Some(ISO_8859_2)
        );
        // `</`, `<!`, `<?` run to the next `>`
        assert_eq!(
            prescan(b"<?php x ?></p x='<meta charset=iso-8859-2>'><!DOCTYPE html><meta charset=windows-1256>"),
            Some(WINDOWS_1256)
        );
    }

    #[test]
    fn labels_the_standard_maps() {
        assert_eq!(prescan(b"<meta charset=\"utf-16le\">"), Some(UTF_8));
        assert_eq!(
            prescan(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(prescan(b"<meta charset=latin1>"), Some(WINDOWS_1252));
        assert_eq!(
            prescan(b"<meta charset=bogus><meta charset=cp1256>"),
            Some(WINDOWS_1256)
        );
        assert_eq!(prescan(b"<\0?\0x\0"), Some(UTF_16LE));
    }

    #[test]
    fn running_out_of_bytes_declares_nothing() {
        assert_eq!(prescan(b"<meta charset=windows-1256"), None);
        assert_eq!(prescan(b"<meta charset='windows-1256'"), None);
        assert_eq!(prescan(b"<!-- <meta charset=windows-1256>"), None);
        assert_eq!(prescan(b""), None);
    }

    #[test]
    fn the_head_scan_ends_at_body() {
        let page = b"<head><title>x</title></head><body><meta charset=windows-1256>";
        assert_eq!(prescan(page), Some(WINDOWS_1256));
        assert_eq!(prescan_head(page), None);
        // `</body>` and `<bodyx>` do not end it
        let page = b"<bodyx></body><meta charset=windows-1256>";
        assert_eq!(prescan_head(page), Some(WINDOWS_1256));
        assert_eq!(
            prescan_head(b"<meta charset=windows-1256><BODY>"),
            Some(WINDOWS_1256)
        );
    }

    #[test]
    fn content_extraction() {
        let f = charset_from_content;
        assert_eq!(f(b"text/html; charset=windows-1256"), Some(WINDOWS_1256));
        assert_eq!(
            f(b"text/html; charset = 'windows-1256' x"),
            Some(WINDOWS_1256)
        );
        assert_eq!(f(b"text/html; charset=\"windows-1256"), None);
        assert_eq!(f(b"charsetcharset=windows-1256;x"), Some(WINDOWS_1256));
        assert_eq!(f(b"charset"), None);
        assert_eq!(f(b"charset="), None);
    }

    #[test]
    fn xml_declaration_as_a_last_resort() {
        assert_eq!(
            prescan(b"<?xml version=\"1.0\" encoding=\"windows-1256\"?><html>"),
            Some(WINDOWS_1256)
        );
        assert_eq!(
            prescan(b"<?xml version='1.0' encoding = 'utf-16'?><html>"),
            Some(UTF_8)
        );
        assert_eq!(
            prescan(b"<?xml version=\"1.0\" encoding=\"windows-1256\"?><meta charset=iso-8859-2>"),
            Some(ISO_8859_2)
        );
        assert_eq!(
            prescan(b" <?xml version=\"1.0\" encoding=\"windows-1256\"?>"),
            None
        );
    }
}

//! Sitemaps and feeds read as feed readers read them: leniently. A bare `&` is text, an
//! entity XML does not know stays as written, bytes not valid in the document's encoding
//! become U+FFFD, an end tag closes what was left open inside it (and one without a start
//! tag is passed over), and a document cut short gives what it holds up to the cut. What
//! had to be repaired or was lost is noted with its line, for the crawl's summary.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Problems noted in one document at most; past that they are only counted.
const MAX_NOTED: usize = 10;

/// What reading one document leniently had to repair or lost, each with its line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReadProblems {
    /// The first ten problems: `line 7: …`.
    pub noted: Vec<String>,
    /// Every problem, noted or not.
    pub count: u64,
}

impl ReadProblems {
    /// Notes a problem at byte `at` of `text`.
    pub(super) fn note(&mut self, text: &str, at: usize, what: String) {
        self.note_line(line_of(text, at), what);
    }

    /// Notes a problem on line `line`.
    pub(super) fn note_line(&mut self, line: usize, what: String) {
        self.count += 1;
        if self.noted.len() < MAX_NOTED {
            self.noted.push(format!("line {line}: {what}"));
        }
    }

    /// Notes a problem of the whole document (no one line has it).
    pub(super) fn note_document(&mut self, what: String) {
        self.count += 1;
        if self.noted.len() < MAX_NOTED {
            self.noted.push(what);
        }
    }

    /// Whether nothing had to be repaired.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count()
}

/// The document as text: its encoding from a byte-order mark, else its XML declaration,
/// else UTF-8; bytes not valid in it become U+FFFD, and the first such place is noted.
/// Valid UTF-8 is not copied.
pub(super) fn decode<'a>(bytes: &'a [u8], problems: &mut ReadProblems) -> Cow<'a, str> {
    let (encoding, skip) = match Encoding::for_bom(bytes) {
        Some((e, n)) => (e, n),
        None => (declared_encoding(bytes).unwrap_or(UTF_8), 0),
    };
    let bytes = &bytes[skip..];
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.matches('\u{FFFD}').count() - lossless_replacements(bytes, encoding);
        let first = text.find('\u{FFFD}').unwrap_or(0);
        problems.note(
            &text,
            first,
            format!(
                "{bad} byte sequence(s) not valid in {} replaced by U+FFFD",
                encoding.name()
            ),
        );
    }
    text
}

/// U+FFFD characters the bytes hold themselves (not made by decoding).
fn lossless_replacements(bytes: &[u8], encoding: &'static Encoding) -> usize {
    if encoding == UTF_8 {
        memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).count()
    } else {
        0
    }
}

/// The `encoding` of an XML declaration at the start of the document.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let decl_end = memchr::memmem::find(head, b"?>")?;
    let decl = &head[..decl_end];
    if !decl.trim_ascii_start().starts_with(b"<?xml") {
        return None;
    }
    let at = memchr::memmem::find(decl, b"encoding")?;
    let rest = &decl[at + b"encoding".len()..];
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let end = memchr::memchr(quote, value)?;
    Encoding::for_label(value[..end].trim_ascii())
}

/// An element's attributes: local names lower-cased (`rdf:about` is `about`), values with
/// their references resolved leniently (a bare `&` stays), trimmed.
pub(super) type Attrs = [(String, String)];

/// The value of attribute `name` (a lower-cased local name) in `attrs`.
pub(super) fn attr<'a>(attrs: &'a Attrs, name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// What [`walk`] reports, each with the local names (lower-cased) of the elements open
/// around it, innermost last.
pub(super) enum XmlItem<'a> {
    /// An element opened, with its attributes; the path ends with it. An empty element
    /// (`<link href="…"/>`) is opened and closed at once.
    Opened(&'a [String], &'a Attrs),
    /// The text of the element the path ends with (trimmed, never empty), reported when
    /// it closes.
    Text(&'a [String], &'a str),
    /// An element closed; the path still ends with it.
    Closed(&'a [String]),
}

/// Attributes past this many on one element are not read (no feed or sitemap needs more).
const MAX_ATTRS: usize = 32;

/// An element's attributes, read leniently: one that does not parse is passed over.
fn attrs_of(e: &BytesStart<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in e.html_attributes().with_checks(false).flatten() {
        if out.len() == MAX_ATTRS {
            break;
        }
        let name = a.key.local_name().as_ref().to_ascii_lowercase();
        out.push((name, unescape(&a.value).trim().to_string()));
    }
    out
}

/// `&name;` references resolved as [`entity`] knows them; anything else stays as written.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';').filter(|&end| end <= 32) {
            Some(end) if entity(&after[..end]).is_some() => {
                out.push(entity(&after[..end]).expect("checked"));
                rest = &after[end + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The predefined entities and character references; anything else stays as written.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// The most text one element's is kept to (an address, a date, a title are far shorter);
/// an element that holds more (a feed item's full HTML, a bomb of spaces) reports none, so
/// that reading a document never holds more than this much text an open element.
const MAX_TEXT: usize = 64 * 1024;

/// The elements open while walking, each with the text it holds so far (`None`: more
/// than [`MAX_TEXT`]).
struct Open {
    path: Vec<String>,
    texts: Vec<Option<String>>,
}

impl Open {
    /// Closes the innermost element, reporting its text and its end.
    fn close(&mut self, report: &mut impl FnMut(XmlItem<'_>) -> bool) -> bool {
        let text = self.texts.pop().flatten().unwrap_or_default();
        let t = text.trim();
        let go_on = (t.is_empty() || report(XmlItem::Text(&self.path, t)))
            && report(XmlItem::Closed(&self.path));
        self.path.pop();
        go_on
    }
}

/// Walks a document leniently, reporting each element's text and each `<link href>`;
/// `report` returns false to stop. What had to be repaired goes to `problems`.
pub(super) fn walk(
    text: &str,
    problems: &mut ReadProblems,
    mut report: impl FnMut(XmlItem<'_>) -> bool,
) {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let mut open = Open {
        path: Vec::new(),
        texts: Vec::new(),
    };
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = reader.error_position() as usize;
                let fatal =
                    matches!(e, quick_xml::Error::Syntax(_)) || reader.buffer_position() == before;
                problems.note(
                    text,
                    at,
                    if fatal {
                        format!("{e}: the rest of the document is not read")
                    } else {
                        format!("{e}; read on")
                    },
                );
                if fatal {
                    break;
                }
                continue;
            }
        };
        let at = before as usize;
        match event {
            Event::Start(e) => {
                open.path.push(e.local_name().as_ref().to_ascii_lowercase());
                open.texts.push(Some(String::new()));
                if !report(XmlItem::Opened(&open.path, &attrs_of(&e))) {
                    return;
                }
            }
            Event::Empty(e) => {
                open.path.push(e.local_name().as_ref().to_ascii_lowercase());
                open.texts.push(Some(String::new()));
                if !report(XmlItem::Opened(&open.path, &attrs_of(&e))) || !open.close(&mut report) {
                    return;
                }
            }
            Event::Text(t) => push_text(&mut open, &t.xml10_content()),
            Event::CData(c) => push_text(&mut open, &c.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                match entity(&name) {
                    Some(c) => push_text(&mut open, c.encode_utf8(&mut [0; 4])),
                    None => push_text(&mut open, &format!("&{name};")),
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                let Some(pos) = open.path.iter().rposition(|p| *p == name) else {
                    problems.note(
                        text,
                        at,
                        format!("</{name}> without a start tag: passed over"),
                    );
                    continue;
                };
                if pos + 1 < open.path.len() {
                    problems.note(
                        text,
                        at,
                        format!(
                            "<{}> not closed before </{name}>: closed there",
                            open.path[pos + 1]
                        ),
                    );
                }
                while open.path.len() > pos {
                    if !open.close(&mut report) {
                        return;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(first) = open.path.first() {
        problems.note(
            text,
            text.len(),
            format!("the document ends inside <{first}>: what it holds up to there is read"),
        );
    }
    while !open.path.is_empty() {
        if !open.close(&mut report) {
            return;
        }
    }
}

fn push_text(open: &mut Open, s: &str) {
    if let Some(slot) = open.texts.last_mut()
        && let Some(t) = slot
    {
        if t.len() + s.len() > MAX_TEXT {
            *slot = None;
        } else {
            t.push_str(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &str) -> (Vec<String>, ReadProblems) {
        let mut problems = ReadProblems::default();
        let mut out = Vec::new();
        walk(doc, &mut problems, |item| {
            if let XmlItem::Text(path, t) = item {
                out.push(format!("{}={t}", path.join("/")));
            }
            true
        });
        (out, problems)
    }

    #[test]
    fn a_bare_ampersand_and_an_unknown_entity_are_text() {
        let (t, p) = texts("<r><a>Tom & Jerry &amp; &nbsp;x &#x41;</a><b>?a=1&b=2</b></r>");
        assert_eq!(t, ["r/a=Tom & Jerry & &nbsp;x A", "r/b=?a=1&b=2"]);
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn stray_and_missing_end_tags_are_repaired_and_noted() {
        let doc = "<r>\n<i><a>1</a></x></i>\n<i><a>2</i>\n<i><a>3</a></i></r>";
        let (t, p) = texts(doc);
        assert_eq!(t, ["r/i/a=1", "r/i/a=2", "r/i/a=3"]);
        assert_eq!(p.count, 2);
        assert!(
            p.noted[0].starts_with("line 2: </x> without a start tag"),
            "{p:?}"
        );
        assert!(
            p.noted[1].starts_with("line 3: <a> not closed before </i>"),
            "{p:?}"
        );
    }

    #[test]
    fn an_element_holding_too_much_text_gives_none() {
        let big = "x".repeat(MAX_TEXT + 1);
        let doc = format!(
            "<r>\n{}<i><a>1</a></i>{big}<i><a>2</a></i><b>{big}</b></r>",
            " ".repeat(MAX_TEXT)
        );
        let (t, p) = texts(&doc);
        assert_eq!(t, ["r/i/a=1", "r/i/a=2"]);
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn a_document_cut_short_gives_what_it_holds() {
        let (t, p) = texts("<r><i><a>1</a></i><i><a>2</a></i><i><a>3");
        assert_eq!(t, ["r/i/a=1", "r/i/a=2", "r/i/a=3"]);
        assert_eq!(p.count, 1);
        assert!(p.noted[0].contains("ends inside <r>"), "{p:?}");
        let (t, p) = texts("<r><i><a>1</a></i><i><a href=\"x");
        assert_eq!(t, ["r/i/a=1"]);
        assert!(p.noted[0].contains("not read"), "{p:?}");
    }

    #[test]
    fn bytes_are_decoded_by_the_declared_encoding_and_bad_ones_replaced() {
        let mut p = ReadProblems::default();
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf\xe9</r>";
        assert_eq!(
            decode(latin1, &mut p),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>café</r>"
        );
        assert!(p.is_empty());
        let arabic = b"<?xml version='1.0' encoding='windows-1256'?><r>\xc8</r>";
        assert!(decode(arabic, &mut p).contains("<r>ب</r>"));
        let broken = b"<r>\n<a>caf\xe9</a>\n</r>";
        let text = decode(broken, &mut p);
        assert!(text.contains("caf\u{FFFD}"));
        assert_eq!(p.count, 1);
        assert!(
            p.noted[0].starts_with("line 2: 1 byte sequence(s) not valid in UTF-8"),
            "{p:?}"
        );
    }
}

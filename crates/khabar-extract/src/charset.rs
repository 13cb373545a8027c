//! Turning a page's bytes into text, deciding the encoding in the order browsers use:
//! byte-order mark, then the HTTP `charset`, then the HTML Standard's `<meta>` prescan of the
//! page's first 1,024 bytes ([`prescan`]), then — for bytes that are not UTF-8 — a `<meta>`
//! further into the `<head>`, then detection on the first 64 KiB.
//! A `<meta>` charset the bytes are not valid in gives way to UTF-8 when they are valid
//! UTF-8 (a page saved again as UTF-8 that kept its old declaration); for the same reason a
//! `<meta>` past the first 1,024 bytes is only read when the bytes are not valid UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

mod prescan;
pub use prescan::prescan;
pub(crate) use prescan::prescan_head;

/// How far into the page the `<meta>` prescan looks: the first 1,024 bytes, as the HTML
/// Standard advises and browsers do.
pub const PRESCAN_BYTES: usize = 1024;
/// How far a `<meta>` is looked for when there is none in the first [`PRESCAN_BYTES`] and
/// the bytes are not valid UTF-8 (the scan also ends at the `<body>` tag): pages that put
/// their declaration after long scripts in the `<head>`.
pub(crate) const LATE_PRESCAN_BYTES: usize = 64 * 1024;
/// How much of the page the detector reads.
const DETECT_BYTES: usize = 64 * 1024;

/// How the encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark at the start of the bytes.
    Bom,
    /// The `charset` of the HTTP Content-Type header.
    Http,
    /// A `<meta charset>` or `<meta http-equiv=Content-Type>`: in the first 1,024 bytes, or
    /// (bytes that are not UTF-8) further into the `<head>`.
    Meta,
    /// The bytes are valid UTF-8 and nothing else was declared.
    Utf8,
    /// The bytes are valid UTF-8 and not valid in the encoding the `<meta>` tag declares
    /// (a page saved again as UTF-8 that kept its old declaration).
    Utf8OverMeta,
    /// Guessed from the bytes by the detector (the page's first 64 KiB).
    Detected,
}

impl CharsetSource {
    /// How the source is named in messages, e.g. `<meta> tag`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bom => "byte-order mark",
            Self::Http => "HTTP header",
            Self::Meta => "<meta> tag",
            Self::Utf8 => "valid UTF-8",
            Self::Utf8OverMeta => "valid UTF-8; not valid in the <meta> tag's charset",
            Self::Detected => "detection",
        }
    }
}

/// A page's bytes decoded to text, with the encoding used and how it was chosen.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The page as text.
    pub text: Cow<'a, str>,
    /// The encoding the bytes were decoded with.
    pub encoding: &'static Encoding,
    /// How that encoding was chosen.
    pub source: CharsetSource,
    /// Byte offset of the first sequence that was not valid in the chosen encoding (it was
    /// replaced with U+FFFD).
    pub first_malformed: Option<usize>,
}

/// The encoding a `<meta charset>` or `<meta http-equiv=Content-Type content=…>` near the
/// start of the page declares: the standard's prescan (`prescan`) over the first
/// [`PRESCAN_BYTES`] bytes.
pub fn prescan_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)])
}

/// The encoding a `<meta>` in the page's `<head>` declares, looked for up to the `<body>` tag
/// within the first `LATE_PRESCAN_BYTES` (`prescan_head`). [`decode`] reads it only for
/// bytes that are not valid UTF-8, when [`prescan_meta`] found nothing.
pub fn late_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    prescan_head(&bytes[..bytes.len().min(LATE_PRESCAN_BYTES)])
}

/// The detector's guess (chardetng) from the first 64 KiB; `tld`, the top-level domain of
/// the page's address, is a hint.
pub fn detect(bytes: &[u8], tld: Option<&[u8]>) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    // the detector takes a lower-case ASCII label without dots, and panics on anything else
    let tld = tld.filter(|t| {
        !t.is_empty()
            && t.iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    });
    detector.guess(tld, chardetng::Utf8Detection::Allow)
}

/// Decodes a page. `http_charset` is the `charset` parameter of a Content-Type header;
/// `tld` the top-level domain of its address, a hint for the detector.
pub fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>, tld: Option<&[u8]>) -> Decoded<'a> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(&bytes[bom_len..], enc, CharsetSource::Bom, bom_len);
    }
    if let Some(enc) = http_charset.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        return decode_with(bytes, enc, CharsetSource::Http, 0);
    }
    if let Some(enc) = prescan_meta(bytes) {
        let decoded = decode_with(bytes, enc, CharsetSource::Meta, 0);
        if decoded.first_malformed.is_some()
            && enc != UTF_8
            && let Ok(text) = std::str::from_utf8(bytes)
        {
            return Decoded {
                text: Cow::Borrowed(text),
                encoding: UTF_8,
                source: CharsetSource::Utf8OverMeta,
                first_malformed: None,
            };
        }
        return decoded;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8,
            source: CharsetSource::Utf8,
            first_malformed: None,
        };
    }
    // not UTF-8: a declaration further into the <head> is better than a guess
    if let Some(enc) = late_meta(bytes) {
        return decode_with(bytes, enc, CharsetSource::Meta, 0);
    }
    decode_with(bytes, detect(bytes, tld), CharsetSource::Detected, 0)
}

fn decode_with<'a>(
    bytes: &'a [u8],
    enc: &'static Encoding,
    source: CharsetSource,
    offset: usize,
) -> Decoded<'a> {
    let first_malformed = if enc == UTF_8 {
        match std::str::from_utf8(bytes) {
            // valid: borrowed as it is, not checked a second time by the decoder
            Ok(text) => {
                return Decoded {
                    text: Cow::Borrowed(text),
                    encoding: UTF_8,
                    source,
                    first_malformed: None,
                };
            }
            Err(e) => Some(offset + e.valid_up_to()),
        }
    } else {
        None
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let first_malformed = first_malformed.or(if had_errors { Some(offset) } else { None });
    Decoded {
        text,
        encoding: enc,
        source,
        first_malformed,
    }
}

/// Whether the bytes look like something other than text: NUL bytes near the start (a
/// UTF-16 page with its byte-order mark is text).
pub fn looks_binary(bytes: &[u8]) -> bool {
    if Encoding::for_bom(bytes).is_some_and(|(e, _)| e != UTF_8) {
        return false;
    }
    bytes[..bytes.len().min(8192)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_declared_windows_1256_decodes_right() {
        let (body, _, _) = encoding_rs::WINDOWS_1256.encode("<p>بوتين يبحث التعاون</p>");
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\"></head><body>".to_vec();
        page.extend_from_slice(&body);
        let d = decode(&page, None, None);
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1256);
        assert_eq!(d.source, CharsetSource::Meta);
        assert!(d.text.contains("بوتين يبحث التعاون"));
        assert_eq!(d.first_malformed, None);
    }

    #[test]
    fn bom_wins_over_meta_and_http() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend_from_slice("<meta charset=windows-1256><p>خبر</p>".as_bytes());
        let d = decode(&page, Some("iso-8859-1"), None);
        assert_eq!((d.encoding, d.source), (UTF_8, CharsetSource::Bom));
        assert!(d.text.starts_with("<meta") && d.text.contains("خبر"));
    }

    #[test]
    fn http_charset_wins_over_meta() {
        let d = decode(b"<meta charset=windows-1256><p>x</p>", Some("utf-8"), None);
        assert_eq!((d.encoding, d.source), (UTF_8, CharsetSource::Http));
    }

    #[test]
    fn undeclared_windows_1256_is_detected() {
        let text = "<html><body><p>ذكرت كل من مالي وروسيا أن الرئيس الروسي فلاديمير بوتين ناقش في مكالمة هاتفية التعاون الأمني والاقتصادي</p></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(text);
        let d = decode(&bytes, None, Some(b"com"));
        assert_eq!(d.source, CharsetSource::Detected);
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1256);
        assert_eq!(d.text, text);
    }

    #[test]
    fn declared_utf8_with_bad_bytes_reports_the_offset() {
        let d = decode(b"<meta charset=utf-8><p>ok \xff\xfe</p>", None, None);
        assert_eq!(d.first_malformed, Some(26));
        assert!(d.text.contains('\u{FFFD}'));
    }

    #[test]
    fn utf16_meta_label_means_utf8() {
        assert_eq!(prescan_meta(b"<meta charset=\"utf-16\">"), Some(UTF_8));
        assert_eq!(
            prescan_meta(b"<META CHARSET='Windows-1256'>"),
            Some(encoding_rs::WINDOWS_1256)
        );
        assert_eq!(prescan_meta(b"<p>charset=windows-1256</p>"), None);
    }

    /// The page of issue 23: UTF-8 Arabic with an old declaration left in a comment.
    #[test]
    fn a_commented_out_meta_does_not_turn_utf8_into_mojibake() {
        let page = "<html><head><!-- <meta charset=\"windows-1256\"> --><title>خبر</title></head>\
                    <body><p>بوتين يبحث التعاون</p></body></html>";
        let d = decode(page.as_bytes(), None, None);
        assert_eq!((d.encoding, d.source), (UTF_8, CharsetSource::Utf8));
        assert_eq!(d.text, page);
        // and `content=` without `http-equiv=content-type` declares nothing
        let page = "<meta name=x content=\"text/html; charset=windows-1256\"><p>خبر</p>";
        let d = decode(page.as_bytes(), None, None);
        assert_eq!((d.encoding, d.source), (UTF_8, CharsetSource::Utf8));
    }

    /// A head of scripts before the declaration (many Arabic news sites).
    fn late_meta_page(charset: &str, body: &[u8]) -> Vec<u8> {
        let mut page = b"<html><head><script>".to_vec();
        page.extend(std::iter::repeat_n(b'x', 3000));
        page.extend_from_slice(b"</script>");
        page.extend_from_slice(format!("<meta charset=\"{charset}\"></head><body>").as_bytes());
        page.extend_from_slice(body);
        page
    }

    #[test]
    fn a_late_meta_decides_bytes_that_are_not_utf8() {
        let (body, _, _) = encoding_rs::WINDOWS_1256.encode("<p>بوتين يبحث التعاون</p>");
        let page = late_meta_page("windows-1256", &body);
        assert_eq!(prescan_meta(&page), None);
        let d = decode(&page, None, None);
        assert_eq!(
            (d.encoding, d.source),
            (encoding_rs::WINDOWS_1256, CharsetSource::Meta)
        );
        assert!(d.text.contains("بوتين يبحث التعاون"));
        // a UTF-8 page with a stray bad byte keeps its UTF-8 text (no guess for the page)
        let page = late_meta_page("utf-8", "<p>خبر \u{2019}</p>\u{FF}".as_bytes());
        let page = [&page[..page.len() - 2], b"\xff"].concat();
        let d = decode(&page, None, None);
        assert_eq!((d.encoding, d.source), (UTF_8, CharsetSource::Meta));
        assert!(d.text.contains("خبر \u{2019}"));
    }

    #[test]
    fn a_late_meta_does_not_override_valid_utf8() {
        // an old declaration kept by a page saved again as UTF-8 (dev set page wcxb/0327)
        let page = late_meta_page("iso-8859-1", "<p>the agency\u{2019}s rates</p>".as_bytes());
        let d = decode(&page, None, None);
        assert_eq!((d.encoding, d.source), (UTF_8, CharsetSource::Utf8));
    }

    #[test]
    fn a_meta_after_body_is_not_read() {
        let (body, _, _) = encoding_rs::WINDOWS_1256.encode(
            "<p>ذكرت كل من مالي وروسيا أن الرئيس الروسي فلاديمير بوتين ناقش في مكالمة هاتفية</p>",
        );
        let mut page = b"<html><head></head><body>".to_vec();
        for _ in 0..20 {
            page.extend_from_slice(&body);
        }
        page.extend_from_slice(b"<meta charset=iso-8859-2>");
        assert_eq!(prescan_meta(&page), None);
        assert_eq!(late_meta(&page), None);
        let d = decode(&page, None, Some(b"com"));
        assert_eq!(
            (d.encoding, d.source),
            (encoding_rs::WINDOWS_1256, CharsetSource::Detected)
        );
    }

    #[test]
    fn binary_sniffing() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_binary(b"<html>"));
        assert!(!looks_binary(b"\xff\xfe<\0h\0"));
    }
}

//! Turning a page's bytes into text, deciding the encoding in the order browsers use:
//! byte-order mark, then the HTTP `charset`, then a `<meta>` prescan of the page's start,
//! then (bytes that are not UTF-8, with nothing declared) detection on the first 64 KiB.
//! A `<meta>` charset the bytes are not valid in gives way to UTF-8 when they are valid
//! UTF-8 (a page saved again as UTF-8 that kept its old declaration).

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;

/// How far into the page the `<meta>` prescan looks.
const PRESCAN_BYTES: usize = 4096;
/// How much of the page the detector reads.
const DETECT_BYTES: usize = 64 * 1024;

/// How the encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark at the start of the bytes.
    Bom,
    /// The `charset` of the HTTP Content-Type header.
    Http,
    /// A `<meta charset>` or `<meta http-equiv=Content-Type>` near the start of the page.
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

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
        .expect("meta charset")
});

/// The encoding a `<meta charset>` or `<meta http-equiv=Content-Type>` near the start of
/// the page declares. UTF-16 labels mean UTF-8 here, as in browsers (a page that reached
/// the prescan is ASCII-compatible).
pub fn prescan_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let label = META_CHARSET.captures(head)?.get(1)?.as_bytes();
    let enc = Encoding::for_label(label)?;
    Some(
        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            UTF_8
        } else if enc == encoding_rs::X_USER_DEFINED {
            WINDOWS_1252
        } else {
            enc
        },
    )
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
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    // the detector takes a lower-case ASCII label without dots, and panics on anything else
    let tld = tld.filter(|t| {
        !t.is_empty()
            && t.iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    });
    let enc = detector.guess(tld, chardetng::Utf8Detection::Allow);
    decode_with(bytes, enc, CharsetSource::Detected, 0)
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

    #[test]
    fn binary_sniffing() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_binary(b"<html>"));
        assert!(!looks_binary(b"\xff\xfe<\0h\0"));
    }
}

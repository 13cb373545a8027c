//! Character references left in metadata strings. JSON-LD and meta values are meant to be
//! plain text, but many publishing systems write them HTML-escaped (`M&#038;A`,
//! `Traveler&#8217;s`, `Fran&ccedil;ois`, `&amp;`); a reader wants the characters.
//!
//! The references are read as the HTML Standard's tokenizer reads them in an attribute
//! value (§ 13.2.5.72–80): every one of the standard's 2,231 named references (the table
//! html5ever keeps, `markup5ever::data::NAMED_ENTITIES`), the longest name matching; the
//! legacy names without a semicolon (`&amp`, `&copy`, `&eacute`) only when no letter, digit
//! or `=` follows (`?a=1&copy=2` and `&copy2024` stay as written, as in an attribute);
//! numeric references with or without the semicolon, 0x80–0x9F remapped as windows-1252
//! reads those bytes (`&#146;` is ’), and 0, surrogates and code points past U+10FFFF
//! giving U+FFFD. The values khabar reads this way (JSON-LD strings, some of them addresses,
//! and `<meta>` values escaped twice) are attribute values in spirit.

use std::borrow::Cow;

use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// Replaces the character references in `input`; anything that is not one (`AT&T`, `R&D`,
/// `&unknown;`) is left as written. Borrows when there is nothing to replace.
pub fn decode_entities(input: &str) -> Cow<'_, str> {
    if !input.contains('&') {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let consumed = match after.strip_prefix('#') {
            Some(num) => numeric(num, &mut out).map(|n| n + 1),
            None => named(after, &mut out),
        };
        match consumed {
            Some(n) => rest = &after[n..],
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A numeric reference after its `&#`: pushes its character and returns how many bytes it
/// took (the optional `;` included), or `None` when no digit follows (`&#`, `&#x;`).
fn numeric(s: &str, out: &mut String) -> Option<usize> {
    let (digits, radix, skip) = match s.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, 1),
        None => (s, 10, 0),
    };
    let len = digits
        .bytes()
        .take_while(|b| (*b as char).is_digit(radix))
        .count();
    if len == 0 {
        return None;
    }
    // past U+10FFFF the value stays there, however many digits follow
    let code = digits[..len].bytes().fold(0u32, |n, b| {
        let d = (b as char).to_digit(radix).unwrap_or(0);
        n.saturating_mul(radix).saturating_add(d).min(0x11_0000)
    });
    out.push(match code {
        0 => '\u{FFFD}',
        0x80..=0x9F => C1_REPLACEMENTS[(code - 0x80) as usize]
            .unwrap_or_else(|| char::from_u32(code).unwrap_or('\u{FFFD}')),
        // surrogates and past U+10FFFF are not characters
        _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
    });
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some(skip + len + semicolon)
}

/// A named reference after its `&`: the longest name of the table the text starts with.
/// Pushes its characters and returns its length, or `None` (left as written) when no name
/// matches, or when one without its semicolon is followed by a letter, digit or `=`.
fn named(s: &str, out: &mut String) -> Option<usize> {
    // The table holds every prefix of every name too (mapped to (0, 0)), so the name grows
    // while it is a prefix of one; names are ASCII letters and digits, then `;`.
    let mut found = None;
    for (i, b) in s.bytes().enumerate() {
        if !(b.is_ascii_alphanumeric() || b == b';') {
            break;
        }
        let key = &s[..=i];
        match NAMED_ENTITIES.get(key) {
            None => break,
            Some(&(0, _)) => {}
            Some(&chars) => found = Some((key.len(), chars)),
        }
        if b == b';' {
            break;
        }
    }
    let (len, (first, second)) = found?;
    let legacy = !s[..len].ends_with(';');
    if legacy
        && s[len..]
            .bytes()
            .next()
            .is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric())
    {
        return None;
    }
    out.extend(char::from_u32(first));
    if second != 0 {
        out.extend(char::from_u32(second));
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_metadata_carries() {
        assert_eq!(decode_entities("M&#038;A &amp; more"), "M&A & more");
        assert_eq!(
            decode_entities("Traveler&#8217;s &#x2014; x"),
            "Traveler’s — x"
        );
        assert_eq!(
            decode_entities("AT&T; R&D &unknown; &#0; &"),
            "AT&T; R&D &unknown; \u{FFFD} &"
        );
        assert!(matches!(decode_entities("plain"), Cow::Borrowed(_)));
    }

    /// The examples of issue 23.
    #[test]
    fn names_the_short_list_did_not_know() {
        assert_eq!(
            decode_entities("Fran&ccedil;ois M&uuml;ller"),
            "François Müller"
        );
        assert_eq!(
            decode_entities("می&zwnj;خواهم&rlm; a&lrm;b"),
            "می\u{200C}خواهم\u{200F} a\u{200E}b"
        );
        assert_eq!(decode_entities("it&#146;s"), "it’s");
    }

    #[test]
    fn legacy_names_without_a_semicolon() {
        assert_eq!(
            decode_entities("Tom &amp Jerry &copy 2024"),
            "Tom & Jerry © 2024"
        );
        assert_eq!(decode_entities("caf&eacute"), "café");
        // followed by a letter, a digit or `=`: as written, as in an attribute value
        assert_eq!(decode_entities("?a=1&copy=2&reg3"), "?a=1&copy=2&reg3");
        assert_eq!(decode_entities("&ampx"), "&ampx");
        // the longest name wins: `&notin;` over `&not`; `&notit;` is `&not` then a
        // letter, as written (in text, not an attribute, it would be `¬it;`)
        assert_eq!(
            decode_entities("&notin; &not; &not &notit;"),
            "∉ ¬ ¬ &notit;"
        );
        // names that need their semicolon
        assert_eq!(decode_entities("&hellip &mdash"), "&hellip &mdash");
    }

    #[test]
    fn two_code_points() {
        assert_eq!(decode_entities("&NotEqualTilde;"), "\u{2242}\u{338}");
        assert_eq!(decode_entities("&fjlig;"), "fj");
    }

    #[test]
    fn numeric_edge_cases() {
        let cases = [
            ("&#65;&#x41;&#X41;&#65", "AAAA"),
            ("&#x41g", "Ag"),
            ("&#0;&#x0;", "\u{FFFD}\u{FFFD}"),
            ("&#xD800;&#xDFFF;", "\u{FFFD}\u{FFFD}"),
            ("&#x110000;&#99999999999999999999999;", "\u{FFFD}\u{FFFD}"),
            ("&#x10FFFF;", "\u{10FFFF}"),
            ("&#128;&#x9F;&#150;", "€Ÿ–"),
            // the five of 0x80–0x9F the table leaves as they are
            (
                "&#x81;&#x8D;&#x8F;&#x90;&#x9D;",
                "\u{81}\u{8D}\u{8F}\u{90}\u{9D}",
            ),
            ("&#1;&#xFFFE;", "\u{1}\u{FFFE}"),
            ("&#; &#x; &#xg; &# &", "&#; &#x; &#xg; &# &"),
        ];
        for (input, want) in cases {
            assert_eq!(decode_entities(input), want, "{input}");
        }
    }
}

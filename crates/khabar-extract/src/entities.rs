//! Character references left in metadata strings. JSON-LD and meta values are meant to be
//! plain text, but many publishing systems write them HTML-escaped (`M&#038;A`,
//! `Traveler&#8217;s`, `&amp;`); a reader wants the characters.

/// Named references seen in metadata, with their characters.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("bull", '•'),
    ("middot", '·'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("eacute", 'é'),
];

/// Replaces numeric (`&#8217;`, `&#x2019;`) and common named references; anything else
/// is left as written. Borrows when there is nothing to replace.
pub fn decode_entities(input: &str) -> std::borrow::Cow<'_, str> {
    if !input.contains('&') {
        return std::borrow::Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| reference(&after[..end]).map(|c| (c, end)))
        {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn reference(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    NAMED.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
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
            "AT&T; R&D &unknown; &#0; &"
        );
        assert!(matches!(
            decode_entities("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}

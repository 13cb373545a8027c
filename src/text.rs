//! Text normalisation shared by every field of the record (see `record.md`).

/// Characters removed outright: bidi controls, zero-width space and the byte-order mark.
fn is_removed(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Folds runs of white space (no-break spaces and line breaks included) into one space,
/// trims both ends and removes bidi control marks and zero-width spaces. Letters, digits,
/// diacritics, tatweel and punctuation are kept as written.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    push_normalized(&mut out, input);
    let trimmed_len = out.trim_end_matches(' ').len();
    out.truncate(trimmed_len);
    out
}

/// Appends `input` to `out`, normalised, where `out` already holds normalised text: white
/// space at the seam folds into one space and no leading space is ever written. Runs of
/// ordinary characters are copied whole; only white space, controls and the removed marks
/// are looked at one by one.
pub fn push_normalized(out: &mut String, input: &str) {
    out.reserve(input.len());
    let bytes = input.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // decided from the bytes where that is enough: ASCII, the two-byte scripts (Latin,
        // Greek, Cyrillic, Hebrew, Arabic…) and four-byte characters; the three-byte
        // blocks that hold spaces and marks are decoded and looked up
        let (len, kind) = match b {
            0x21..=0x7E => (1, CharKind::Keep),
            0x00..=0x20 | 0x7F => (1, CharKind::Space),
            // U+0080–U+00A0: C1 controls and the no-break space
            0xC2 if bytes[i + 1] <= 0xA0 => (2, CharKind::Space),
            // U+061C ARABIC LETTER MARK
            0xD8 if bytes[i + 1] == 0x9C => (2, CharKind::Remove),
            0xC2..=0xDF => (2, CharKind::Keep),
            0xE1 | 0xE2 | 0xE3 | 0xEF => {
                let c = input[i..].chars().next().expect("on a char boundary");
                (3, classify(c))
            }
            0xE0..=0xEF => (3, CharKind::Keep),
            _ => (4, CharKind::Keep),
        };
        if kind != CharKind::Keep {
            out.push_str(&input[run_start..i]);
            if kind == CharKind::Space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            run_start = i + len;
        }
        i += len;
    }
    out.push_str(&input[run_start..]);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CharKind {
    Keep,
    Space,
    Remove,
}

/// What normalisation does with a character of a block that holds spaces or marks.
fn classify(c: char) -> CharKind {
    if is_removed(c) {
        CharKind::Remove
    } else if c.is_whitespace() || c.is_control() {
        CharKind::Space
    } else {
        CharKind::Keep
    }
}

/// [`normalize`], then `None` for a string that is empty afterwards.
pub fn normalize_opt(input: &str) -> Option<String> {
    let s = normalize(input);
    (!s.is_empty()).then_some(s)
}

/// Words in normalised paragraphs: space-separated tokens that hold at least one letter or
/// digit (a lone dash or guillemet is not a word).
pub fn word_count<S: AsRef<str>>(paragraphs: &[S]) -> usize {
    paragraphs
        .iter()
        .flat_map(|p| p.as_ref().split(' '))
        .filter(|w| is_word(w))
        .count()
}

fn is_word(token: &str) -> bool {
    token.chars().any(|c| match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        // Arabic letters and Arabic-Indic digits, without a table lookup
        0x0620..=0x064A | 0x0660..=0x0669 | 0x0671..=0x06D3 | 0x06F0..=0x06F9 => true,
        _ => c.is_alphanumeric(),
    })
}

/// A folded form for matching words whatever their spelling: diacritics and tatweel
/// removed, the hamza forms of alef, alef maqsura and teh marbuta folded, Arabic-Indic
/// digits made ASCII, Latin lower-cased. Used for month names and keyword lists, never for
/// output.
pub fn fold_for_matching(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            'ؤ' => out.push('و'),
            'ئ' => out.push('ي'),
            '\u{0660}'..='\u{0669}' => {
                out.push(char::from(b'0' + (c as u32 - 0x0660) as u8));
            }
            '\u{06F0}'..='\u{06F9}' => {
                out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8));
            }
            c if is_removed(c) => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule, written the slow and obvious way.
    fn reference(input: &str) -> String {
        let mut out = String::new();
        for c in input.chars().filter(|c| !is_removed(*c)) {
            if c.is_whitespace() || c.is_control() {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
        out.trim_end().to_string()
    }

    proptest! {
        #[test]
        fn fast_path_agrees_with_the_rule(s in "[ a-z\u{0080}-\u{00ff}\u{0600}-\u{06ff}\u{1680}\u{2000}-\u{206f}\u{3000}\u{feff}\u{1f600}\t\n]{0,60}") {
            prop_assert_eq!(normalize(&s), reference(&s));
        }

        #[test]
        fn fast_path_agrees_on_any_text(s in "\\PC{0,60}") {
            prop_assert_eq!(normalize(&s), reference(&s));
        }
    }

    #[test]
    fn folds_white_space_and_trims() {
        assert_eq!(normalize("  a\u{00A0}\u{00A0}b\n\t c  "), "a b c");
        assert_eq!(normalize("\u{2003}x\u{3000}y"), "x y");
    }

    #[test]
    fn removes_bidi_marks_and_zero_width_spaces() {
        assert_eq!(
            normalize("\u{200F}مالي\u{200E} و\u{061C}روسيا\u{200B}"),
            "مالي وروسيا"
        );
        assert_eq!(normalize("\u{202B}a\u{202C} \u{2067}b\u{2069}"), "a b");
        assert_eq!(normalize("\u{FEFF}x"), "x");
    }

    #[test]
    fn keeps_tatweel_diacritics_and_arabic_indic_digits() {
        let s = "رَمضان الـحرب ١٤٤٥ «فاغنر»";
        assert_eq!(normalize(s), s);
    }

    #[test]
    fn mark_between_spaces_does_not_leave_double_space() {
        assert_eq!(normalize("a \u{200F} b"), "a b");
    }

    #[test]
    fn runs_and_seams() {
        let mut out = String::new();
        push_normalized(&mut out, "  أ\u{00A0}ب ");
        push_normalized(&mut out, " \u{200F}ج\tد\u{0085}é\u{3000}");
        assert_eq!(out, "أ ب ج د é ");
        assert_eq!(normalize("\u{1680}x\u{202F}y\u{205F}\u{2028}z"), "x y z");
        assert_eq!(normalize("a\u{0080}b\u{009F}c"), "a b c");
        assert_eq!(normalize("ي\u{061C}ا"), "يا");
    }

    #[test]
    fn empty_after_normalising_is_none() {
        assert_eq!(normalize_opt(" \u{200F}\u{00A0} "), None);
        assert_eq!(normalize_opt(" x "), Some("x".to_string()));
    }

    #[test]
    fn counts_words_with_letters_or_digits_only() {
        assert_eq!(word_count(&["موسكو - رويترز: قال", "٣ أيام — 2024"]), 6);
        assert_eq!(word_count::<&str>(&[]), 0);
    }

    #[test]
    fn folding_unifies_spellings() {
        assert_eq!(fold_for_matching("أبريل"), fold_for_matching("ابريل"));
        assert_eq!(fold_for_matching("آذار"), "اذار");
        assert_eq!(fold_for_matching("رَمضان"), "رمضان");
        assert_eq!(fold_for_matching("١٢ March"), "12 march");
        assert_eq!(fold_for_matching("مـ"), "م");
    }
}

//! Text normalisation shared by every field of the record (see `docs/record.md`).

use icu_normalizer::ComposingNormalizerBorrowed;

static NFC: ComposingNormalizerBorrowed<'static> = ComposingNormalizerBorrowed::new_nfc();

/// Characters removed outright: bidi controls, zero-width space, word joiner, soft hyphen
/// (a line-break hint: «Ita\u{AD}li\u{AD}ens» is «Italiens») and the byte-order mark.
fn is_removed(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Composes the text (NFC), folds runs of white space (no-break spaces and line breaks
/// included) into one space, trims both ends and removes bidi control marks, zero-width
/// spaces and soft hyphens. Letters, digits, diacritics, tatweel and punctuation are kept
/// as written.
pub(crate) fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    push_normalized(&mut out, input);
    let trimmed_len = out.trim_end_matches(' ').len();
    out.truncate(trimmed_len);
    out
}

/// Appends `input` to `out`, normalised, where `out` already holds normalised text: white
/// space at the seam folds into one space and no leading space is ever written. Runs of
/// ordinary characters are copied whole; only the bytes `NEEDS_A_LOOK` marks are looked
/// at more closely.
pub(crate) fn push_normalized(out: &mut String, input: &str) {
    // composed first (NFC): «e» + U+0301 is «é», as search and comparison expect
    let composed = NFC.normalize(input);
    let input = composed.as_ref();
    out.reserve(input.len());
    let bytes = input.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !NEEDS_A_LOOK[usize::from(b)] {
            i += 1;
            continue;
        }
        // `start..start + len` is the character looked at
        let (start, len, kind) = match b {
            // one plain space after kept text stays in the run: what folding would write
            b' ' if i > run_start && bytes[i - 1] != b' ' => (i, 1, CharKind::Keep),
            0x00..=0x20 | 0x7F => (i, 1, CharKind::Space),
            // U+0080–U+00A0: C1 controls and the no-break space
            0xC2 if bytes[i + 1] <= 0xA0 => (i, 2, CharKind::Space),
            // U+00AD SOFT HYPHEN
            0xC2 if bytes[i + 1] == 0xAD => (i, 2, CharKind::Remove),
            // U+061C ARABIC LETTER MARK is D8 9C; 0x9C is looked at rather than the lead
            // byte, which most Arabic letters share
            0x9C if i > 0 && bytes[i - 1] == 0xD8 => (i - 1, 2, CharKind::Remove),
            // the three-byte blocks that hold spaces and marks are decoded and looked up
            0xE1 | 0xE2 | 0xE3 | 0xEF => {
                let c = input[i..].chars().next().expect("on a char boundary");
                (i, 3, classify(c))
            }
            _ => (i, 1, CharKind::Keep),
        };
        if kind != CharKind::Keep {
            out.push_str(&input[run_start..start]);
            if kind == CharKind::Space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            run_start = start + len;
        }
        i = start + len;
    }
    out.push_str(&input[run_start..]);
}

/// The bytes [`push_normalized`] looks at: ASCII white space and controls, DEL, the lead
/// bytes of U+0080–U+00BF and of the three-byte blocks with spaces or marks (U+1xxx,
/// U+2xxx, U+3xxx, U+Fxxx), and 0x9C, the last byte of U+061C. Every other byte (letters
/// of the two-byte scripts, continuation bytes, four-byte characters) is copied as it is.
static NEEDS_A_LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b <= 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7F] = true;
    table[0x9C] = true;
    table[0xC2] = true;
    table[0xE1] = true;
    table[0xE2] = true;
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

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

/// A text quoted in a trace line (`--explain`): «…», cut after 60 characters.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        format!("«{s}»")
    } else {
        format!("«{}…»", s.chars().take(MAX).collect::<String>())
    }
}

/// [`normalize`], then `None` for a string that is empty afterwards.
pub(crate) fn normalize_opt(input: &str) -> Option<String> {
    let s = normalize(input);
    (!s.is_empty()).then_some(s)
}

/// Words in normalised paragraphs: space-separated tokens that hold at least one letter or
/// digit (a lone dash or guillemet is not a word).
pub(crate) fn word_count<S: AsRef<str>>(paragraphs: &[S]) -> usize {
    paragraphs.iter().map(|p| words_in(p.as_ref())).sum()
}

/// [`word_count`] of one paragraph, in one pass over its bytes: a token is decided at its
/// first letter or digit and the rest of it skipped.
fn words_in(paragraph: &str) -> usize {
    let bytes = paragraph.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' {
            i += 1;
        } else if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                count += 1;
                i = next_space(bytes, i);
            }
        } else {
            let c = paragraph[i..].chars().next().expect("on a char boundary");
            i += c.len_utf8();
            if is_word_char(c) {
                count += 1;
                i = next_space(bytes, i);
            }
        }
    }
    count
}

/// The index of the first space at or after `from`, or the end.
fn next_space(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b' ')
        .map_or(bytes.len(), |p| from + p)
}

fn is_word_char(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        // Arabic letters and Arabic-Indic digits, without a table lookup
        0x0620..=0x064A | 0x0660..=0x0669 | 0x0671..=0x06D3 | 0x06F0..=0x06F9 => true,
        _ => c.is_alphanumeric(),
    }
}

/// A folded form for matching words whatever their spelling: diacritics and tatweel
/// removed, the hamza forms of alef, alef maqsura and teh marbuta folded, Arabic-Indic
/// digits made ASCII, Latin lower-cased. Used for month names and keyword lists, never for
/// output.
pub(crate) fn fold_for_matching(input: &str) -> String {
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
        for c in NFC.normalize(input).chars().filter(|c| !is_removed(*c)) {
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

    /// Words counted the slow and obvious way.
    fn reference_words(paragraph: &str) -> usize {
        paragraph
            .split(' ')
            .filter(|w| w.chars().any(is_word_char))
            .count()
    }

    proptest! {
        #[test]
        fn word_count_agrees_with_the_rule(s in "[ a-z0-9\u{0080}-\u{00ff}\u{0600}-\u{06ff}\u{2000}-\u{206f}«»\u{1f600}-]{0,60}") {
            prop_assert_eq!(word_count(&[&s]), reference_words(&s));
        }

        #[test]
        fn word_count_agrees_on_any_text(s in "\\PC{0,60}") {
            prop_assert_eq!(word_count(&[&s]), reference_words(&s));
        }

        #[test]
        fn seams_agree_with_the_rule(a in "[ a\u{00a0}\u{061c}\u{0627}\u{200f}\u{3000}]{0,12}", b in "[ b\u{00a0}\u{061c}\u{069c}\u{0628}\u{200f}]{0,12}") {
            let mut out = String::new();
            push_normalized(&mut out, &a);
            push_normalized(&mut out, &b);
            prop_assert_eq!(out.trim_end(), reference(&format!("{a}{b}")));
        }

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
        // composed: «e» and a combining acute accent are «é»; alef and hamza above are «أ»
        assert_eq!(normalize("Jane\u{301} Koos"), "Jan\u{E9} Koos");
        assert_eq!(normalize("\u{627}\u{654}"), "\u{623}");
        assert_eq!(
            normalize("Ita\u{AD}li\u{AD}ens, neben Baro\u{2060}lo"),
            "Italiens, neben Barolo"
        );
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

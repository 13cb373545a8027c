//! Datelines: where a story was filed and who filed it. Three shapes are read:
//! a byline «القاهرة: حمدي عابدين», a card line «الشرق الأوسط» (باكو), and the opening of a
//! first paragraph «موسكو - رويترز: …», «الرياض: «الشرق الأوسط»: …», «WASHINGTON (Reuters) - …».

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use crate::text::{fold_for_matching, normalize};

/// Where a story was filed and who filed it, as the record carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place it was filed from.
    pub place: Option<String>,
    /// The credited outlet, agency or reporter, without the guillemets around it.
    pub source: Option<String>,
    /// The text the dateline was read from, normalised.
    pub raw: String,
}

/// A parsed dateline and whether its source reads as a person's name (not in guillemets,
/// not a news agency or the paper itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDateline {
    /// The dateline.
    pub dateline: Dateline,
    /// Whether `source` reads as a person's name.
    pub source_is_person: bool,
}

const PLACE: &str = r"[^\s:«»()\-–—,،.][^:«»()\-–—,،.]{0,38}?";
const QUOTED: &str = r"«([^«»]{1,60})»";

/// «{source}» ({place}), as on the site's related cards; «{source}» alone.
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^{QUOTED}\s*(?:\(([^()]{{1,40}})\))?$")).expect("card"));
/// {place}: {name} or {place}: «{source}».
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^({PLACE})\s*:\s*(?:{QUOTED}|([^:«»]{{1,60}}))$")).expect("byline")
});
/// The opening of a first paragraph.
static OPENING_DASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^({PLACE})\s+[-–—]\s+(?:{QUOTED}|([^\s:«»()\-–—][^:«»()\-–—]{{0,30}}?))\s*:"
    ))
    .expect("opening dash")
});
static OPENING_COLON_QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^({PLACE})\s*:\s*{QUOTED}\s*:")).expect("opening colon")
});
static OPENING_LATIN: LazyLock<Regex> = LazyLock::new(|| {
    // «CAIRO (Reuters) - », «LISBON, March 3 (Meridian Wire) — »: place, an optional
    // date, an optional source, a dash
    Regex::new(
        r"^([A-Z][A-Z .,'’]{1,38}?)(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\(([^()]{1,40})\))?\s+[-–—]\s+",
    )
        .expect("opening latin")
});

/// Names that are outlets, not people, as folded by [`fold_for_matching`].
const OUTLETS: &[&str] = &[
    "الشرق الاوسط",
    "رويترز",
    "ا.ف.ب",
    "ا ف ب",
    "ا.ب",
    "د.ب.ا",
    "د ب ا",
    "واس",
    "ا.ب.ا",
    "وام",
    "كونا",
    "قنا",
    "بنا",
    "سبا",
    "سانا",
    "واج",
    "وكالات",
    "وكالة الصحافة الفرنسية",
    "اسوشيتد برس",
    "الاناضول",
    "شينخوا",
    "تاس",
    "نوفوستي",
    "reuters",
    "ap",
    "afp",
    "dpa",
    "epa",
    "upi",
    "xinhua",
    "tass",
    "bloomberg",
    "agencies",
];

/// Whether `name` is a news agency or outlet khabar knows (or the paper itself), compared
/// after folding for matching.
pub(crate) fn is_outlet(name: &str) -> bool {
    let folded = fold_for_matching(name);
    OUTLETS.iter().any(|o| *o == folded)
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn clean(s: &str) -> Option<String> {
    let s = normalize(s);
    (!s.is_empty()).then_some(s)
}

/// A byline or card line, the whole text being the dateline.
pub fn parse_line(raw_text: &str) -> Option<ParsedDateline> {
    let raw = normalize(raw_text);
    if raw.is_empty() || raw.chars().count() > 120 {
        return None;
    }
    if let Some(c) = CARD.captures(&raw) {
        let source = clean(&c[1]);
        let place = c.get(2).and_then(|m| clean(m.as_str()));
        return Some(ParsedDateline {
            dateline: Dateline { place, source, raw },
            source_is_person: false,
        });
    }
    if let Some(c) = BYLINE.captures(&raw) {
        let place = clean(&c[1]).filter(|p| words(p) <= 4);
        if let Some(q) = c.get(2) {
            return Some(ParsedDateline {
                dateline: Dateline {
                    place,
                    source: clean(q.as_str()),
                    raw,
                },
                source_is_person: false,
            });
        }
        let name = c.get(3).and_then(|m| clean(m.as_str()));
        let person = name
            .as_deref()
            .is_some_and(|n| !is_outlet(n) && words(n) <= 5);
        return Some(ParsedDateline {
            dateline: Dateline {
                place,
                source: name,
                raw,
            },
            source_is_person: person,
        });
    }
    // Anything else short enough: kept raw, unparsed.
    Some(ParsedDateline {
        dateline: Dateline {
            place: None,
            source: None,
            raw,
        },
        source_is_person: false,
    })
}

/// The dateline a first paragraph opens with, if it opens with one. The paragraph itself is
/// not changed.
pub fn parse_opening(paragraph: &str) -> Option<Dateline> {
    let p = normalize(paragraph);
    let head: String = p.chars().take(120).collect();
    if let Some(c) = OPENING_COLON_QUOTED.captures(&head) {
        let place = clean(&c[1]).filter(|p| words(p) <= 4)?;
        let raw = normalize(head[..c.get(0)?.end()].trim_end_matches(':'));
        return Some(Dateline {
            place: Some(place),
            source: clean(&c[2]),
            raw,
        });
    }
    if let Some(c) = OPENING_DASH.captures(&head) {
        let place = clean(&c[1]).filter(|p| words(p) <= 4)?;
        let source = c
            .get(2)
            .or(c.get(3))
            .and_then(|m| clean(m.as_str()))
            .filter(|s| words(s) <= 5)?;
        let raw = normalize(head[..c.get(0)?.end()].trim_end_matches(':'));
        return Some(Dateline {
            place: Some(place),
            source: Some(source),
            raw,
        });
    }
    if let Some(c) = OPENING_LATIN.captures(&head) {
        let place = clean(c[1].trim_end_matches([',', ' ']))?;
        let source = c.get(2).and_then(|m| clean(m.as_str()));
        let end = c.get(0)?.end();
        let raw = normalize(head[..end].trim_end().trim_end_matches(['-', '–', '—']));
        return Some(Dateline {
            place: Some(place),
            source,
            raw,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dl(place: Option<&str>, source: Option<&str>, raw: &str) -> Dateline {
        Dateline {
            place: place.map(Into::into),
            source: source.map(Into::into),
            raw: raw.into(),
        }
    }

    #[test]
    fn card_lines() {
        let p = parse_line("«الشرق الأوسط» (باكو)").unwrap();
        assert_eq!(
            p.dateline,
            dl(Some("باكو"), Some("الشرق الأوسط"), "«الشرق الأوسط» (باكو)")
        );
        assert!(!p.source_is_person);
        let p = parse_line("«الشرق الأوسط»").unwrap();
        assert_eq!(p.dateline, dl(None, Some("الشرق الأوسط"), "«الشرق الأوسط»"));
    }

    #[test]
    fn bylines() {
        let p = parse_line("القاهرة: حمدي عابدين").unwrap();
        assert_eq!(
            p.dateline,
            dl(Some("القاهرة"), Some("حمدي عابدين"), "القاهرة: حمدي عابدين")
        );
        assert!(p.source_is_person);
        let p = parse_line(" الرياض:\u{00A0}«الشرق الأوسط» ").unwrap();
        assert_eq!(
            p.dateline,
            dl(Some("الرياض"), Some("الشرق الأوسط"), "الرياض: «الشرق الأوسط»")
        );
        assert!(!p.source_is_person);
        let p = parse_line("لندن: رويترز").unwrap();
        assert!(!p.source_is_person);
        assert_eq!(p.dateline.source.as_deref(), Some("رويترز"));
    }

    #[test]
    fn unparsed_line_is_kept_raw() {
        let p = parse_line("بقلم فريق التحرير").unwrap();
        assert_eq!(p.dateline, dl(None, None, "بقلم فريق التحرير"));
        assert!(parse_line("  ").is_none());
    }

    #[test]
    fn first_paragraph_openings() {
        assert_eq!(
            parse_opening("موسكو - رويترز: قال الكرملين اليوم إن …").unwrap(),
            dl(Some("موسكو"), Some("رويترز"), "موسكو - رويترز")
        );
        assert_eq!(
            parse_opening("الرياض: «الشرق الأوسط»: أعلنت الهيئة …").unwrap(),
            dl(Some("الرياض"), Some("الشرق الأوسط"), "الرياض: «الشرق الأوسط»")
        );
        assert_eq!(
            parse_opening("WASHINGTON (Reuters) - The U.S. Senate on Tuesday …").unwrap(),
            dl(Some("WASHINGTON"), Some("Reuters"), "WASHINGTON (Reuters)")
        );
        assert_eq!(
            parse_opening("NEW YORK — Stocks fell …").unwrap(),
            dl(Some("NEW YORK"), None, "NEW YORK")
        );
    }

    #[test]
    fn ordinary_sentences_are_not_datelines() {
        assert!(parse_opening("ذكرت كل من مالي وروسيا أن الرئيس الروسي …").is_none());
        assert!(parse_opening("وقال غويتا على موقع التواصل الاجتماعي «إكس»: «ناقشنا»").is_none());
        assert!(parse_opening("The minister said: we will act.").is_none());
        assert!(parse_opening("").is_none());
    }
}

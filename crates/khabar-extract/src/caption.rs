//! Image captions: the text and a trailing parenthesised credit, «… (أ.ف.ب)».

use serde::{Deserialize, Serialize};

use crate::text::normalize;

/// One of the article's own images, as the record carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caption {
    /// The caption text, normalised, with its credit split off.
    pub text: String,
    /// The credit (photographer or agency), from trailing parentheses or its own element.
    pub credit: Option<String>,
    /// The image's URL, absolute.
    pub image_url: Option<String>,
}

/// Longest credit taken from trailing parentheses: longer text in brackets is part of the
/// caption, not a credit.
const MAX_CREDIT_CHARS: usize = 60;

/// Splits normalised caption text into its text and credit: «الرئيس الروسي فلاديمير
/// بوتين (أ.ف.ب)» → ("الرئيس الروسي فلاديمير بوتين", Some("أ.ف.ب")). Returns `None` when
/// nothing but white space is left.
pub fn split_credit(raw: &str) -> Option<(String, Option<String>)> {
    let s = normalize(raw);
    if s.is_empty() {
        return None;
    }
    if let Some(stripped) = s.strip_suffix(')')
        && let Some(open) = stripped.rfind('(')
    {
        let credit = stripped[open + 1..].trim();
        let text = stripped[..open].trim();
        if !credit.is_empty()
            && !credit.contains(['(', ')'])
            && credit.chars().count() <= MAX_CREDIT_CHARS
            && !text.is_empty()
        {
            return Some((text.to_string(), Some(credit.to_string())));
        }
    }
    Some((s, None))
}

/// Captions in page order, each (text, credit) once; a later copy fills in an image the
/// first one lacked.
#[derive(Debug, Default)]
pub(crate) struct CaptionList {
    items: Vec<Caption>,
}

impl CaptionList {
    /// Adds a caption from its raw text, splitting off a trailing credit; a caption already
    /// listed is not added again (it only lends its image URL to the listed one, if that
    /// lacks one).
    pub(crate) fn push(&mut self, raw_text: &str, image_url: Option<String>) {
        let Some((text, credit)) = split_credit(raw_text) else {
            return;
        };
        if let Some(existing) = self
            .items
            .iter_mut()
            .find(|c| c.text == text && c.credit == credit)
        {
            if existing.image_url.is_none() {
                existing.image_url = image_url;
            }
            return;
        }
        self.items.push(Caption {
            text,
            credit,
            image_url,
        });
    }

    /// Adds a caption whose credit the markup gives apart (a credit element of its own).
    pub(crate) fn push_parts(
        &mut self,
        text: &str,
        credit: Option<&str>,
        image_url: Option<String>,
    ) {
        let credit = credit.and_then(crate::text::normalize_opt);
        match credit {
            None => self.push(text, image_url),
            Some(credit) => {
                let Some(text) = crate::text::normalize_opt(text) else {
                    return;
                };
                if self
                    .items
                    .iter()
                    .any(|c| c.text == text && c.credit.as_ref() == Some(&credit))
                {
                    return;
                }
                self.items.push(Caption {
                    text,
                    credit: Some(credit),
                    image_url,
                });
            }
        }
    }

    /// The captions, in the order they were added.
    pub(crate) fn into_vec(self) -> Vec<Caption> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, Option<String>) {
        split_credit(s).unwrap()
    }

    #[test]
    fn splits_agency_credits() {
        assert_eq!(
            split("الرئيس الروسي فلاديمير بوتين (أ.ف.ب)"),
            ("الرئيس الروسي فلاديمير بوتين".into(), Some("أ.ف.ب".into()))
        );
        assert_eq!(split("أسلحة (أ.ب)"), ("أسلحة".into(), Some("أ.ب".into())));
        assert_eq!(
            split("لقطة (بشار طالب/أ.ف.ب)").1.as_deref(),
            Some("بشار طالب/أ.ف.ب")
        );
        assert_eq!(
            split("منتخب (الشرق الأوسط)").1.as_deref(),
            Some("الشرق الأوسط")
        );
    }

    #[test]
    fn keeps_captions_without_a_trailing_credit_whole() {
        assert_eq!(
            split("منظمة (WHO) في جنيف"),
            ("منظمة (WHO) في جنيف".into(), None)
        );
        assert_eq!(split("صورة بلا مصدر"), ("صورة بلا مصدر".into(), None));
        assert_eq!(split("(أ.ف.ب)"), ("(أ.ف.ب)".into(), None));
    }

    #[test]
    fn normalises_before_splitting() {
        assert_eq!(
            split(" أسلحة\u{00A0}\u{200F}(أ.ب) \n"),
            ("أسلحة".into(), Some("أ.ب".into()))
        );
        assert!(split_credit(" \u{200F} ").is_none());
    }

    #[test]
    fn lists_a_repeated_caption_once() {
        let mut list = CaptionList::default();
        list.push("بوتين (أ.ف.ب)", None);
        list.push("بوتين  (أ.ف.ب)", Some("https://x/a.jpg".into()));
        list.push("بوتين (أ.ب)", None);
        let v = list.into_vec();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].image_url.as_deref(), Some("https://x/a.jpg"));
    }
}

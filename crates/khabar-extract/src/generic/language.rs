//! The language of a page that declares none (no `<html lang>`, Content-Language,
//! og:locale or JSON-LD inLanguage): detected from the article's own text with
//! `whatlang` (trigram profiles of 70 languages and the script, compiled in: no model
//! file to load). Only an answer whatlang calls reliable is kept.

/// Characters of the body read for the detection: enough for a reliable answer, few
/// enough to cost nothing next to the parse.
const SAMPLE_CHARS: usize = 2_000;
/// Fewer letters than this and the answer is a guess: no language.
const MIN_LETTERS: usize = 40;

/// The BCP 47 tag (ISO 639-1 where there is one) of the text's language, when whatlang
/// is sure of it.
pub(crate) fn detect(headline: Option<&str>, body: &[String]) -> Option<String> {
    let mut sample = String::new();
    for p in headline.into_iter().chain(body.iter().map(String::as_str)) {
        if sample.chars().count() >= SAMPLE_CHARS {
            break;
        }
        if !sample.is_empty() {
            sample.push('\n');
        }
        sample.extend(p.chars().take(SAMPLE_CHARS));
    }
    if sample.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        return None;
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    Some(bcp47(info.lang()).to_string())
}

/// whatlang names languages by ISO 639-3; a BCP 47 tag uses the two-letter ISO 639-1 code
/// where the language has one.
fn bcp47(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_only_when_sure() {
        let en = vec![
            "The council voted on Tuesday to extend the tram line to the harbour, a project \
             that has been discussed for more than a decade."
                .to_string(),
        ];
        assert_eq!(detect(None, &en).as_deref(), Some("en"));
        let ar = vec![
            "ذكرت كل من مالي وروسيا أن الرئيس الروسي فلاديمير بوتين ناقش في مكالمة هاتفية \
             التعاون الأمني بين البلدين."
                .to_string(),
        ];
        assert_eq!(detect(None, &ar).as_deref(), Some("ar"));
        assert_eq!(detect(Some("Hi"), &["ok".to_string()]), None);
    }
}

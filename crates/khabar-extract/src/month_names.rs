//! Gregorian month names in the languages news pages are written in, as
//! [`fold_for_matching`](crate::text::fold_for_matching) folds them (lower case, Arabic
//! letters unified), with their number. A name is only ever read between a day and a year
//! (or a month and a day), so a name that is also a word («mar», «set», «mai») reads as a
//! month only in a date.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One calendar's names, January first; several names for one month are split by `|`.
type Calendar = [&'static str; 12];

const ARABIC_EGYPTIAN: Calendar = [
    "يناير",
    "فبراير",
    "مارس",
    "ابريل",
    "مايو",
    "يونيو|يونيه",
    "يوليو|يوليه",
    "اغسطس",
    "سبتمبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
];
/// Levantine and Iraqi; two-word names are listed whole.
const ARABIC_LEVANTINE: Calendar = [
    "كانون الثاني",
    "شباط",
    "اذار",
    "نيسان",
    "ايار",
    "حزيران",
    "تموز",
    "اب",
    "ايلول",
    "تشرين الاول",
    "تشرين الثاني",
    "كانون الاول",
];
const ARABIC_MOROCCAN: Calendar = [
    "",
    "",
    "",
    "",
    "ماي",
    "",
    "يوليوز",
    "غشت",
    "شتنبر",
    "",
    "نونبر",
    "دجنبر",
];
const ARABIC_ALGERIAN: Calendar = [
    "جانفي",
    "فيفري",
    "",
    "افريل",
    "",
    "جوان",
    "جويليه",
    "اوت",
    "",
    "",
    "",
    "",
];
const ENGLISH: Calendar = [
    "january|jan",
    "february|feb",
    "march|mar",
    "april|apr",
    "may",
    "june|jun",
    "july|jul",
    "august|aug",
    "september|sep|sept",
    "october|oct",
    "november|nov",
    "december|dec",
];
const GERMAN: Calendar = [
    "januar|jänner|jan",
    "februar|feber|feb",
    "märz|maerz|mär|mrz",
    "april|apr",
    "mai",
    "juni",
    "juli",
    "august|aug",
    "september|sept|sep",
    "oktober|okt",
    "november|nov",
    "dezember|dez",
];
const FRENCH: Calendar = [
    "janvier|janv",
    "février|fevrier|févr|fevr|fév",
    "mars",
    "avril|avr",
    "mai",
    "juin",
    "juillet|juil",
    "août|aout",
    "septembre|sept",
    "octobre|oct",
    "novembre|nov",
    "décembre|decembre|déc|dec",
];
const SPANISH: Calendar = [
    "enero|ene",
    "febrero|feb",
    "marzo|mar",
    "abril|abr",
    "mayo|may",
    "junio|jun",
    "julio|jul",
    "agosto|ago",
    "septiembre|setiembre|sep|sept",
    "octubre|oct",
    "noviembre|nov",
    "diciembre|dic",
];
const ITALIAN: Calendar = [
    "gennaio|gen",
    "febbraio|feb",
    "marzo|mar",
    "aprile|apr",
    "maggio|mag",
    "giugno|giu",
    "luglio|lug",
    "agosto|ago",
    "settembre|set",
    "ottobre|ott",
    "novembre|nov",
    "dicembre|dic",
];
const PORTUGUESE: Calendar = [
    "janeiro|jan",
    "fevereiro|fev",
    "março|marco|mar",
    "abril|abr",
    "maio|mai",
    "junho|jun",
    "julho|jul",
    "agosto|ago",
    "setembro|set",
    "outubro|out",
    "novembro|nov",
    "dezembro|dez",
];
const DUTCH: Calendar = [
    "januari|jan",
    "februari|feb",
    "maart|mrt",
    "april|apr",
    "mei",
    "juni|jun",
    "juli|jul",
    "augustus|aug",
    "september|sep|sept",
    "oktober|okt",
    "november|nov",
    "december|dec",
];
/// Polish, Russian and Ukrainian dates name the month in the genitive («5 августа 2016»).
const POLISH: Calendar = [
    "stycznia|styczeń",
    "lutego|luty",
    "marca|marzec",
    "kwietnia|kwiecień",
    "maja|maj",
    "czerwca|czerwiec",
    "lipca|lipiec",
    "sierpnia|sierpień",
    "września|wrzesień",
    "października|październik",
    "listopada|listopad",
    "grudnia|grudzień",
];
const RUSSIAN: Calendar = [
    "января|январь",
    "февраля|февраль",
    "марта|март",
    "апреля|апрель",
    "мая|май",
    "июня|июнь",
    "июля|июль",
    "августа|август",
    "сентября|сентябрь",
    "октября|октябрь",
    "ноября|ноябрь",
    "декабря|декабрь",
];
const UKRAINIAN: Calendar = [
    "січня|січень",
    "лютого|лютий",
    "березня|березень",
    "квітня|квітень",
    "травня|травень",
    "червня|червень",
    "липня|липень",
    "серпня|серпень",
    "вересня|вересень",
    "жовтня|жовтень",
    "листопада|листопад",
    "грудня|грудень",
];
const TURKISH: Calendar = [
    "ocak",
    "şubat|subat",
    "mart",
    "nisan",
    "mayıs|mayis",
    "haziran",
    "temmuz",
    "ağustos|agustos",
    "eylül|eylul",
    "ekim",
    "kasım|kasim",
    "aralık|aralik",
];

const CALENDARS: &[&Calendar] = &[
    &ARABIC_EGYPTIAN,
    &ARABIC_LEVANTINE,
    &ARABIC_MOROCCAN,
    &ARABIC_ALGERIAN,
    &ENGLISH,
    &GERMAN,
    &FRENCH,
    &SPANISH,
    &ITALIAN,
    &PORTUGUESE,
    &DUTCH,
    &POLISH,
    &RUSSIAN,
    &UKRAINIAN,
    &TURKISH,
];

/// Every name with its month. No name means two months: a test below holds that.
static MONTHS: LazyLock<HashMap<&'static str, u32>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for calendar in CALENDARS {
        for (i, names) in calendar.iter().enumerate() {
            for name in names.split('|').filter(|n| !n.is_empty()) {
                map.insert(name, i as u32 + 1);
            }
        }
    }
    map
});

/// The month named by the words starting at `words[i]` (a trailing `.` or `,` of an
/// abbreviation set aside): its number and how many words the name took.
pub(crate) fn month_at(words: &[&str], i: usize) -> Option<(u32, usize)> {
    let w = words.get(i)?.trim_end_matches(['.', ',']);
    if let Some(next) = words.get(i + 1)
        && w.chars().all(|c| !c.is_ascii())
    {
        let two = format!("{w} {next}");
        if let Some(&m) = MONTHS.get(two.as_str()) {
            return Some((m, 2));
        }
    }
    MONTHS.get(w).map(|&m| (m, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_name_means_two_months() {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        for calendar in CALENDARS {
            for (i, names) in calendar.iter().enumerate() {
                for name in names.split('|').filter(|n| !n.is_empty()) {
                    let m = i as u32 + 1;
                    assert_eq!(*seen.entry(name).or_insert(m), m, "«{name}»");
                    assert_eq!(name.to_lowercase(), name, "«{name}» is not folded");
                }
            }
        }
    }

    #[test]
    fn names_in_several_languages() {
        let m = |s: &str| {
            let words: Vec<&str> = s.split(' ').collect();
            month_at(&words, 0)
        };
        assert_eq!(m("märz"), Some((3, 1)));
        assert_eq!(m("févr."), Some((2, 1)));
        assert_eq!(m("تشرين الاول"), Some((10, 2)));
        assert_eq!(m("августа"), Some((8, 1)));
        assert_eq!(m("mayo"), Some((5, 1)));
        assert_eq!(m("monday"), None);
    }
}

//! Dates: machine timestamps (RFC 3339 and its common relatives) and the visible date
//! lines news pages print, in Arabic (Egyptian, Levantine, Maghreb and Algerian month
//! names, Arabic-Indic digits, a Hijri date beside the Gregorian one), English and the
//! European languages of [`crate::month_names`].
//! Output is always RFC 3339 with an offset, to the second.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeZone,
};
use regex::Regex;
use std::sync::LazyLock;

use crate::month_names::month_at;
use crate::text::fold_for_matching;
use crate::zone::Zone;

/// Formats a timestamp the way every record carries it: `2024-03-27T13:52:00+00:00`.
pub fn format_rfc3339(dt: &DateTime<FixedOffset>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A timestamp another program wrote (a web archive's `WARC-Date`) as records carry
/// one: RFC 3339 kept as written, a near form (`2024-03-27 13:52`) rewritten, anything
/// else `None`.
pub fn rfc3339_or_none(s: &str) -> Option<String> {
    let s = s.trim();
    if DateTime::parse_from_rfc3339(s).is_ok() {
        return Some(s.to_string());
    }
    parse_machine(s, Zone::utc()).map(|d| format_rfc3339(&d))
}

/// Parses a machine timestamp: RFC 3339, ISO 8601 with or without an offset or with a
/// compact one (`+0300`), a space instead of `T`, a bare date, or RFC 2822 (feeds). A
/// timestamp without an offset is read in `default_zone`.
pub fn parse_machine(input: &str, default_zone: Zone) -> Option<DateTime<FixedOffset>> {
    // RFC 3339 has four-digit years; chrono reads signed and longer ones
    parse_machine_any_year(input, default_zone).filter(|d| (1..=9999).contains(&d.year()))
}

fn parse_machine_any_year(input: &str, default_zone: Zone) -> Option<DateTime<FixedOffset>> {
    let s = input.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    let iso = s.replacen(' ', "T", 1);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&iso, fmt) {
            return Some(dt);
        }
    }
    if let Some(stripped) = iso.strip_suffix('Z')
        && let Some(dt) = parse_naive(stripped)
    {
        return Some(FixedOffset::east_opt(0)?.from_utc_datetime(&dt));
    }
    if let Some(naive) = parse_naive(&iso) {
        return default_zone.local(&naive);
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt);
    }
    leading_date_time(s, default_zone)
}

/// A timestamp with a malformed tail, as some sites' JSON-LD writes it
/// («2022-01-10T22:06:08:684Z»): the well-formed date and time at its start, read in
/// `default_zone` since its offset cannot be trusted.
fn leading_date_time(s: &str, default_zone: Zone) -> Option<DateTime<FixedOffset>> {
    static LEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})[:.,]\d+(?:Z|[+-]\d{2}:?\d{2})?$")
            .expect("leading timestamp")
    });
    let c = LEADING.captures(s)?;
    let naive =
        NaiveDateTime::parse_from_str(&format!("{}T{}", &c[1], &c[2]), "%Y-%m-%dT%H:%M:%S").ok()?;
    default_zone.local(&naive)
}

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_time(NaiveTime::MIN));
    }
    None
}

/// `HH:MM[:SS]` with an optional AM/PM marker right after it: «مـ»/«م» (PM) and «صـ»/«ص»
/// (AM) as folded, `pm`/`am`, «مساء»/«صباحا».
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(p\.?m\.?|a\.?m\.?|مساء|صباحا|م|ص)(?:[^\p{L}]|$))?",
    )
    .expect("time pattern")
});
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b").expect("iso date"));
/// Year, month and day as Chinese, Japanese and Korean pages write them: «2022年1月26日»,
/// «2022년 1월 26일».
static CJK_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]").expect("cjk date")
});
static DMY_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b").expect("dmy date"));
/// Day, month and year set apart by a spaced bar or slash, as some layouts print them
/// («26 | 01 | 2022»): the same mark twice.
static SPACED_DMY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2}) ([|/]) (\d{1,2}) ([|/]) (\d{4})\b").expect("spaced dmy date")
});

/// Reads a date in a `<meta>` value: a machine timestamp ([`parse_machine`]), a date as a
/// reader would write it («July 17, 2025», [`parse_visible`]), or a value that is only a
/// year-first date, as citation metadata writes it («2023 Jan 7»). Year first is read only
/// when it is the whole value: in running text «the 2021 Jan. 6 riot» is not a date line.
pub(crate) fn parse_meta_value(input: &str, zone: Zone) -> Option<DateTime<FixedOffset>> {
    parse_machine(input, zone)
        .or_else(|| parse_visible(input, zone))
        .or_else(|| {
            let folded = fold_for_matching(input);
            let words: Vec<&str> = folded.split_whitespace().collect();
            let year = year_number(words.first()?)?;
            let (month, used) = month_at(&words, 1)?;
            let [day] = &words[1 + used..] else {
                return None;
            };
            let date = NaiveDate::from_ymd_opt(year, month, day_number(day)?)?;
            zone.local(&date.and_time(NaiveTime::MIN))
        })
}

/// Reads a visible date line such as «نُشر: 13:52-27 مارس (آذار) 2024 م ـ 17 رَمضان 1445 هـ»,
/// «١٢ شباط/فبراير ٢٠٢٤», «March 27, 2024 1:52 PM» or «27/03/2024». The Gregorian date is
/// taken; a Hijri date beside it is never mistaken for it. A time with no offset is read
/// in `zone`; a date with no time is midnight.
pub fn parse_visible(input: &str, zone: Zone) -> Option<DateTime<FixedOffset>> {
    if input.len() > 512 {
        return None;
    }
    let folded = fold_for_matching(input);
    let (time, rest) = match TIME.captures(&folded) {
        Some(c) => {
            let mut hour: u32 = c[1].parse().ok()?;
            let minute: u32 = c[2].parse().ok()?;
            let second: u32 = c.get(3).map_or(Ok(0), |m| m.as_str().parse()).ok()?;
            if let Some(marker) = c.get(4) {
                let pm = matches!(marker.as_str().chars().next(), Some('p' | 'م'));
                if pm && hour < 12 {
                    hour += 12;
                } else if !pm && hour == 12 {
                    hour = 0;
                }
            }
            let whole = c.get(0)?;
            let time = NaiveTime::from_hms_opt(hour, minute, second);
            let rest = format!("{} {}", &folded[..whole.start()], &folded[whole.end()..]);
            (time, rest)
        }
        None => (None, folded.clone()),
    };
    let date = find_date(&rest)?;
    let naive = date.and_time(time.unwrap_or(NaiveTime::MIN));
    zone.local(&naive)
}

fn find_date(folded: &str) -> Option<NaiveDate> {
    if let Some(c) = ISO_DATE.captures(folded)
        && let Some(d) = ymd(&c[1], &c[2], &c[3])
    {
        return Some(d);
    }
    if let Some(c) = DMY_DATE.captures(folded) {
        let (a, b): (u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
        // Day first, as Arabic and European pages write it, unless that cannot be a date.
        let (day, month) = if a > 12 || b <= 12 { (a, b) } else { (b, a) };
        if let Some(d) = NaiveDate::from_ymd_opt(c[3].parse().ok()?, month, day) {
            return Some(d);
        }
    }
    if let Some(c) = SPACED_DMY_DATE.captures(folded)
        && c[2] == c[4]
        && let Some(d) = ymd(&c[5], &c[3], &c[1])
    {
        return Some(d);
    }
    if let Some(c) = CJK_DATE.captures(folded)
        && let Some(d) = ymd(&c[1], &c[2], &c[3])
    {
        return Some(d);
    }
    // a dot stays after a number, not before a letter: «26.Jan.2022» reads as «26 jan 2022»
    let chars: Vec<char> = folded.chars().collect();
    let cleaned: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let after_number = i > 0 && chars[i - 1].is_ascii_digit();
            let before_letter = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
            if c.is_alphanumeric() || (c == '.' && after_number && !before_letter) {
                c
            } else {
                ' '
            }
        })
        .collect();
    // a year run into the next word, «December 22, 2022Updated: January 2, 2026»
    let words: Vec<&str> = cleaned
        .split_whitespace()
        .flat_map(|w| match w.char_indices().nth(4) {
            Some((at, c)) if c.is_alphabetic() && w[..at].bytes().all(|b| b.is_ascii_digit()) => {
                vec![&w[..at], &w[at..]]
            }
            _ => vec![w],
        })
        .collect();
    for i in 0..words.len() {
        // day month [month] year
        if let Some(day) = day_number(words[i])
            && let Some((month, used)) = month_at(&words, connected(&words, i + 1))
        {
            let mut j = connected(&words, i + 1) + used;
            // the same month in another naming: «مارس (آذار)», «شباط/فبراير»
            if let Some((_, used2)) = month_at(&words, j) {
                j += used2;
            }
            let j = connected(&words, j);
            if let Some(d) = words
                .get(j)
                .and_then(|y| year_number(y))
                .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
            {
                return Some(d);
            }
        }
        // month day year (English)
        if let Some((month, used)) = month_at(&words, i) {
            let j = i + used;
            if let (Some(day), Some(year)) = (
                words
                    .get(j)
                    .and_then(|w| day_number(w.trim_end_matches(|c: char| c.is_alphabetic()))),
                words.get(j + 1).and_then(|y| year_number(y)),
            ) && let Some(d) = NaiveDate::from_ymd_opt(year, month, day)
            {
                return Some(d);
            }
        }
    }
    None
}

/// The word at `i`, past a connecting «de» / «del» / «of» («6 de mayo de 2022», «6 de
/// maio», «the 1st of May 2021»).
fn connected(words: &[&str], i: usize) -> usize {
    match words.get(i) {
        Some(&("de" | "del" | "of")) => i + 1,
        _ => i,
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A day of the month, with a dot or an ordinal's ending after it («26.», «26th», «1er»,
/// «1º»).
fn day_number(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    let w = ["st", "nd", "rd", "th", "er", "º", "°"]
        .iter()
        .find_map(|end| w.strip_suffix(end))
        .unwrap_or(w);
    (w.len() <= 2)
        .then(|| w.parse().ok())
        .flatten()
        .filter(|d| (1..=31).contains(d))
}

fn year_number(w: &str) -> Option<i32> {
    let w = w.trim_end_matches('.');
    (w.len() == 4)
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1800..=2200).contains(y))
}

/// Parses a profile's `timezone` key: `+03:00`, `-05:00`, `+0300`, `Z` or `UTC`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> Zone {
        Zone::utc()
    }
    fn visible(s: &str) -> Option<String> {
        parse_visible(s, utc()).map(|d| format_rfc3339(&d))
    }
    fn machine(s: &str) -> Option<String> {
        parse_machine(s, utc()).map(|d| format_rfc3339(&d))
    }

    #[test]
    fn machine_timestamps() {
        assert_eq!(
            machine("2024-03-27T13:52:00+00:00").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(
            machine("2024-03-27T13:52:00Z").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(
            machine("2024-03-27T16:52:00.123+03:00").unwrap(),
            "2024-03-27T16:52:00+03:00"
        );
        assert_eq!(
            machine("2024-03-27T16:52:00+0300").unwrap(),
            "2024-03-27T16:52:00+03:00"
        );
        assert_eq!(
            machine("2024-03-27 13:52:00").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(
            machine("2024-03-27T13:52").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(machine("2024-03-27").unwrap(), "2024-03-27T00:00:00+00:00");
        assert_eq!(
            machine("Wed, 27 Mar 2024 13:52:00 +0000").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(
            machine("2022-01-10T22:06:08:684Z").unwrap(),
            "2022-01-10T22:06:08+00:00"
        );
        assert_eq!(machine("2022-01-10T22:06:08:684 and more"), None);
        assert_eq!(machine("نُشر: 13:52-27 مارس 2024"), None);
        assert_eq!(machine(""), None);
        // found by fuzzing: chrono reads signed, six-digit years, RFC 3339 cannot write them
        assert_eq!(machine(" -202024-3-2"), None);
        assert_eq!(machine("+12024-03-02"), None);
    }

    #[test]
    fn another_program_s_timestamp_as_records_carry_one() {
        assert_eq!(
            rfc3339_or_none("2024-03-27T13:52:00Z").as_deref(),
            Some("2024-03-27T13:52:00Z")
        );
        assert_eq!(
            rfc3339_or_none("2024-03-27 13:52").as_deref(),
            Some("2024-03-27T13:52:00+00:00")
        );
        assert_eq!(rfc3339_or_none("yesterday"), None);
    }

    #[test]
    fn machine_timestamp_without_offset_uses_the_profile_offset() {
        let riyadh = Zone::parse("+03:00").unwrap();
        let d = parse_machine("2024-03-27T16:52:00", riyadh).unwrap();
        assert_eq!(format_rfc3339(&d), "2024-03-27T16:52:00+03:00");
    }

    #[test]
    fn aawsat_date_line_with_hijri_date_beside_it() {
        assert_eq!(
            visible("نُشر: 13:52-27 مارس 2024 م ـ 17 رَمضان 1445 هـ").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(
            visible("نُشر: 13:52-27 مارس (آذار) 2024 م ـ 17 رَمضان 1445 هـ").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
    }

    #[test]
    fn ordinal_days_dotted_names_and_cjk_dates() {
        for (text, want) in [
            ("26th January 2022", "2022-01-26"),
            ("Posted on the 1st of May 2021", "2021-05-01"),
            ("1er février 2022", "2022-02-01"),
            ("1º de mayo de 2022", "2022-05-01"),
            ("26.Jan.2022", "2022-01-26"),
            ("26. Jan. 2022", "2022-01-26"),
            ("2022年1月26日", "2022-01-26"),
            ("2022 年 1 月 26 日 10:30", "2022-01-26"),
            ("2022년 1월 26일", "2022-01-26"),
            ("26 | 01 | 2022", "2022-01-26"),
            ("26 / 01 / 2022", "2022-01-26"),
        ] {
            let got = visible(text).unwrap_or_else(|| panic!("«{text}» not read"));
            assert_eq!(&got[..10], want, "«{text}»");
        }
        // a price before a month is not a day
        assert_eq!(visible("costs 26.50 in January 2022"), None);
    }

    #[test]
    fn hijri_date_alone_is_not_a_gregorian_date() {
        assert_eq!(visible("17 رمضان 1445 هـ"), None);
        assert_eq!(visible("1 محرم 1446"), None);
    }

    #[test]
    fn egyptian_and_levantine_names_and_combined_forms() {
        assert_eq!(
            visible("27 مارس (آذار) 2024").unwrap(),
            "2024-03-27T00:00:00+00:00"
        );
        assert_eq!(
            visible("12 شباط/فبراير 2024").unwrap(),
            "2024-02-12T00:00:00+00:00"
        );
        assert_eq!(
            visible("3 كانون الثاني 2023").unwrap(),
            "2023-01-03T00:00:00+00:00"
        );
        assert_eq!(
            visible("3 كانون الثاني (يناير) 2023").unwrap(),
            "2023-01-03T00:00:00+00:00"
        );
        assert_eq!(
            visible("5 تشرين الأول 2022").unwrap(),
            "2022-10-05T00:00:00+00:00"
        );
        assert_eq!(visible("9 آب 2021").unwrap(), "2021-08-09T00:00:00+00:00");
    }

    #[test]
    fn hamza_less_spellings() {
        assert_eq!(
            visible("1 ابريل 2024").unwrap(),
            "2024-04-01T00:00:00+00:00"
        );
        assert_eq!(
            visible("1 إبريل 2024").unwrap(),
            "2024-04-01T00:00:00+00:00"
        );
        assert_eq!(
            visible("20 اكتوبر 2024").unwrap(),
            "2024-10-20T00:00:00+00:00"
        );
        assert_eq!(
            visible("20 اغسطس 2024").unwrap(),
            "2024-08-20T00:00:00+00:00"
        );
        assert_eq!(
            visible("20 ايار 2024").unwrap(),
            "2024-05-20T00:00:00+00:00"
        );
    }

    #[test]
    fn maghreb_and_algerian_names() {
        assert_eq!(
            visible("7 شتنبر 2023").unwrap(),
            "2023-09-07T00:00:00+00:00"
        );
        assert_eq!(visible("7 غشت 2023").unwrap(), "2023-08-07T00:00:00+00:00");
        assert_eq!(
            visible("7 دجنبر 2023").unwrap(),
            "2023-12-07T00:00:00+00:00"
        );
        assert_eq!(visible("7 جوان 2023").unwrap(), "2023-06-07T00:00:00+00:00");
        assert_eq!(
            visible("7 جويلية 2023").unwrap(),
            "2023-07-07T00:00:00+00:00"
        );
        assert_eq!(
            visible("7 فيفري 2023").unwrap(),
            "2023-02-07T00:00:00+00:00"
        );
    }

    #[test]
    fn arabic_indic_digits_and_pm_am_markers() {
        assert_eq!(
            visible("نُشر: ٠٤:١٥ مـ - ١٢ شباط/فبراير ٢٠٢٤ م ـ ٢ شعبان ١٤٤٥ هـ").unwrap(),
            "2024-02-12T16:15:00+00:00"
        );
        assert_eq!(
            visible("09:30 صـ 1 مايو 2024").unwrap(),
            "2024-05-01T09:30:00+00:00"
        );
        assert_eq!(
            visible("12:10 ص 1 مايو 2024").unwrap(),
            "2024-05-01T00:10:00+00:00"
        );
        assert_eq!(
            visible("12:10 م 1 مايو 2024").unwrap(),
            "2024-05-01T12:10:00+00:00"
        );
        assert_eq!(
            visible("۱۲ مارس ۲۰۲۴").unwrap(),
            "2024-03-12T00:00:00+00:00"
        );
    }

    #[test]
    fn a_month_name_after_a_time_is_not_a_marker() {
        assert_eq!(
            visible("10:05 مايو 3, 2024").unwrap(),
            "2024-05-03T10:05:00+00:00"
        );
        assert_eq!(
            visible("10:05 - 3 مايو 2024").unwrap(),
            "2024-05-03T10:05:00+00:00"
        );
    }

    #[test]
    fn english_dates() {
        assert_eq!(
            visible("March 27, 2024").unwrap(),
            "2024-03-27T00:00:00+00:00"
        );
        assert_eq!(
            visible("Published Mar. 27, 2024 1:52 PM").unwrap(),
            "2024-03-27T13:52:00+00:00"
        );
        assert_eq!(
            visible("27 March 2024, 09:00").unwrap(),
            "2024-03-27T09:00:00+00:00"
        );
        assert_eq!(
            visible("September 3rd 2021").unwrap(),
            "2021-09-03T00:00:00+00:00"
        );
        assert_eq!(
            visible("Updated 12:00 a.m. June 1, 2020").unwrap(),
            "2020-06-01T00:00:00+00:00"
        );
        assert_eq!(
            visible("December 22, 2022Updated: January 02, 2026").unwrap(),
            "2022-12-22T00:00:00+00:00"
        );
    }

    #[test]
    fn a_year_first_date_is_read_only_as_a_whole_meta_value() {
        let meta = |s: &str| parse_meta_value(s, Zone::utc()).map(|d| format_rfc3339(&d));
        assert_eq!(meta("2023 Jan 7").unwrap(), "2023-01-07T00:00:00+00:00");
        assert_eq!(meta(" 2024 June 30 ").unwrap(), "2024-06-30T00:00:00+00:00");
        assert_eq!(meta("July 17, 2025").unwrap(), "2025-07-17T00:00:00+00:00");
        assert_eq!(
            meta("2025-05-27T06:03:43.274Z").unwrap(),
            "2025-05-27T06:03:43+00:00"
        );
        // never inside running text: a headline naming an event's date is not a date line
        for text in [
            "Three years after the 2021 Jan. 6 riot, trials go on",
            "2024 March 5 readers",
            "Class of 2024 May 5 graduates",
        ] {
            assert_eq!(meta(text), None, "{text}");
            assert_eq!(visible(text), None, "{text}");
        }
    }

    #[test]
    fn dates_in_european_languages() {
        for (text, want) in [
            ("13. Januar 2014", "2014-01-13"),
            ("Samstag, 5. Oktober 2013", "2013-10-05"),
            (
                "Pressemitteilung vom 25. Januar 2022 | Berlin",
                "2022-01-25",
            ),
            ("jeudi 13 juin 2019", "2019-06-13"),
            ("le 07 Mai 2020", "2020-05-07"),
            ("30 septembre 2018", "2018-09-30"),
            ("6 de mayo de 2022", "2022-05-06"),
            ("15 серпня 2016", "2016-08-15"),
            ("3 févr. 2021", "2021-02-03"),
        ] {
            assert_eq!(
                visible(text).as_deref().map(|d| &d[..10]),
                Some(want),
                "{text}"
            );
        }
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(visible("27/03/2024").unwrap(), "2024-03-27T00:00:00+00:00");
        assert_eq!(visible("2024-03-27").unwrap(), "2024-03-27T00:00:00+00:00");
        assert_eq!(visible("03/27/2024").unwrap(), "2024-03-27T00:00:00+00:00");
    }

    #[test]
    fn nonsense_is_none() {
        assert_eq!(visible("الأربعاء"), None);
        assert_eq!(visible("31 فبراير 2024"), None);
        assert_eq!(visible(""), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+03:00").unwrap().local_minus_utc(), 3 * 3600);
        assert_eq!(
            parse_offset("-0430").unwrap().local_minus_utc(),
            -(4 * 3600 + 30 * 60)
        );
        assert_eq!(parse_offset("UTC").unwrap().local_minus_utc(), 0);
        assert!(parse_offset("03:00").is_none());
        assert!(parse_offset("+25:00").is_none());
    }
}

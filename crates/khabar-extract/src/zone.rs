//! The time zone a site prints its times in: a fixed offset (`+03:00`) or an IANA zone
//! (`Asia/Beirut`), whose offset follows daylight saving on the date being read.

use std::fmt;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeDelta, TimeZone};
use chrono_tz::Tz;

use crate::datetime::parse_offset;

/// Where a time printed without an offset is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The same offset all year.
    Fixed(FixedOffset),
    /// A zone of the IANA time zone database, daylight saving included.
    Named(Tz),
}

impl Zone {
    /// Coordinated Universal Time: where a page with no profile is read.
    pub fn utc() -> Self {
        Self::Fixed(FixedOffset::east_opt(0).expect("zero offset"))
    }

    /// Reads a profile's `timezone`: an offset (`+03:00`, `-0500`, `UTC`, `Z`) or an IANA
    /// zone name (`Africa/Cairo`; the case of its letters does not matter).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(offset) = parse_offset(s) {
            return Some(Self::Fixed(offset));
        }
        if let Ok(tz) = s.parse::<Tz>() {
            return Some(Self::Named(tz));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(s))
            .map(|tz| Self::Named(*tz))
    }

    /// The instant a wall-clock time of this zone names, with the offset in force then.
    /// A time the autumn change makes happen twice is taken the first time; a time the
    /// spring change skips is read with the offset that follows it, as a clock set
    /// forward would show it.
    pub fn local(&self, naive: &NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Self::Fixed(offset) => offset.from_local_datetime(naive).single(),
            Self::Named(tz) => match tz.from_local_datetime(naive) {
                LocalResult::Single(d) => Some(d.fixed_offset()),
                LocalResult::Ambiguous(first, _) => Some(first.fixed_offset()),
                LocalResult::None => {
                    let after = tz
                        .from_local_datetime(&naive.checked_add_signed(TimeDelta::hours(3))?)
                        .earliest()?
                        .fixed_offset();
                    after.checked_sub_signed(TimeDelta::hours(3))
                }
            },
        }
    }
}

impl Default for Zone {
    fn default() -> Self {
        Self::utc()
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(offset) => write!(f, "{offset}"),
            Self::Named(tz) => f.write_str(tz.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(zone: &str, y: i32, m: u32, d: u32, h: u32, min: u32) -> String {
        let naive = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap();
        Zone::parse(zone)
            .unwrap()
            .local(&naive)
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn offsets_and_names_are_read() {
        assert_eq!(
            Zone::parse("+03:00"),
            Some(Zone::Fixed(FixedOffset::east_opt(3 * 3600).unwrap()))
        );
        assert_eq!(Zone::parse("UTC"), Some(Zone::utc()));
        assert_eq!(
            Zone::parse("Africa/Cairo"),
            Some(Zone::Named(Tz::Africa__Cairo))
        );
        assert_eq!(
            Zone::parse("asia/beirut"),
            Some(Zone::Named(Tz::Asia__Beirut))
        );
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        assert_eq!(Zone::parse("03:00"), None);
        assert_eq!(Zone::Named(Tz::Asia__Beirut).to_string(), "Asia/Beirut");
    }

    /// Beirut moves its clocks on the last Sundays of March and October: the same wall
    /// time a day apart is two different offsets.
    #[test]
    fn daylight_saving_moves_the_offset() {
        assert_eq!(
            at("Asia/Beirut", 2024, 3, 30, 12, 0),
            "2024-03-30T12:00:00+02:00"
        );
        assert_eq!(
            at("Asia/Beirut", 2024, 3, 31, 12, 0),
            "2024-03-31T12:00:00+03:00"
        );
        assert_eq!(
            at("Asia/Beirut", 2024, 10, 27, 12, 0),
            "2024-10-27T12:00:00+02:00"
        );
        // Cairo brought summer time back in 2023: last Friday of April
        assert_eq!(
            at("Africa/Cairo", 2024, 4, 25, 9, 30),
            "2024-04-25T09:30:00+02:00"
        );
        assert_eq!(
            at("Africa/Cairo", 2024, 4, 27, 9, 30),
            "2024-04-27T09:30:00+03:00"
        );
        // a fixed offset does not move
        assert_eq!(at("+02:00", 2024, 7, 1, 12, 0), "2024-07-01T12:00:00+02:00");
    }

    /// The hour the clocks skip, and the one they repeat, still give a time.
    #[test]
    fn skipped_and_repeated_hours() {
        // Beirut, 31 March 2024: midnight became 01:00
        assert_eq!(
            at("Asia/Beirut", 2024, 3, 31, 0, 30),
            "2024-03-31T00:30:00+03:00"
        );
        // 27 October 2024: 00:00 came back to 23:00 the day before, so 23:30 happened twice
        assert_eq!(
            at("Asia/Beirut", 2024, 10, 26, 23, 30),
            "2024-10-26T23:30:00+03:00"
        );
    }
}

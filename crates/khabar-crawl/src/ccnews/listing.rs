//! What to read: the months of a date range, each month's listing
//! (`crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`, gzip, one path a line) and the archives of
//! it whose time stamp (`CC-NEWS-20240301001500-01234.warc.gz`: 2024-03-01T00:15:00 UTC)
//! falls in the range, dates inclusive.

use std::io::Read;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// One month of CC-NEWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Month {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// The folder of the month below the source: `crawl-data/CC-NEWS/2024/03/`.
    pub(super) fn folder(&self) -> String {
        format!("crawl-data/CC-NEWS/{:04}/{:02}/", self.year, self.month)
    }

    /// The listing's path below the source: `crawl-data/CC-NEWS/2024/03/warc.paths.gz`.
    pub(super) fn listing_path(&self) -> String {
        format!("{}warc.paths.gz", self.folder())
    }

    fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month's first day and its last.
    fn days(self) -> (NaiveDate, NaiveDate) {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN);
        let n = self.next();
        let last = NaiveDate::from_ymd_opt(n.year, n.month, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        (first, last)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The months a date range touches, in order.
pub(super) fn months(from: NaiveDate, to: NaiveDate) -> Vec<Month> {
    let mut out = Vec::new();
    let last = Month {
        year: to.year(),
        month: to.month(),
    };
    let mut m = Month {
        year: from.year(),
        month: from.month(),
    };
    while m <= last {
        out.push(m);
        m = m.next();
    }
    out
}

/// One archive to read: its path below the source, as the listing gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Archive {
    /// `crawl-data/CC-NEWS/2024/03/CC-NEWS-20240301001500-01234.warc.gz` (or, when a
    /// listing names them so, an absolute `http(s)://` address).
    pub path: String,
    /// The time stamp in its name, when it has one.
    pub stamp: Option<NaiveDateTime>,
}

/// The time stamp in an archive's file name: its first run of exactly 14 digits, read as
/// `YYYYMMDDHHMMSS` (UTC).
pub(super) fn name_stamp(path: &str) -> Option<NaiveDateTime> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 14 {
                return NaiveDateTime::parse_from_str(&name[start..i], "%Y%m%d%H%M%S").ok();
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The lines of a listing: gzip (as Common Crawl serves it) or plain text (a listing
/// decompressed on the way), one path a line; blank lines and `#` comments are skipped.
pub(super) fn parse_listing(bytes: &[u8]) -> std::io::Result<Vec<String>> {
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(bytes).read_to_string(&mut s)?;
        s
    } else {
        String::from_utf8(bytes.to_vec())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// What a month's listing holds for the range: the archives whose time stamp is in it, in
/// time order, and how many had no readable time stamp and were left out (those are kept
/// when the whole month is in the range).
pub(super) fn select(
    month: Month,
    paths: Vec<String>,
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<Archive>, usize) {
    let (first, last) = month.days();
    let whole_month = from <= first && last <= to;
    let mut unreadable = 0;
    let mut out: Vec<Archive> = paths
        .into_iter()
        .filter_map(|path| {
            let stamp = name_stamp(&path);
            let keep = match stamp {
                Some(t) => {
                    let day = t.date();
                    from <= day && day <= to
                }
                None if whole_month => true,
                None => {
                    unreadable += 1;
                    false
                }
            };
            keep.then_some(Archive { path, stamp })
        })
        .collect();
    out.sort_by(|a, b| a.stamp.cmp(&b.stamp).then_with(|| a.path.cmp(&b.path)));
    out.dedup_by(|a, b| a.path == b.path);
    (out, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_across_a_year_end() {
        let m: Vec<String> = months(d("2023-11-30"), d("2024-02-01"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(m, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(months(d("2024-03-05"), d("2024-03-05")).len(), 1);
        assert!(months(d("2024-03-05"), d("2024-02-05")).is_empty());
        assert_eq!(
            Month {
                year: 2024,
                month: 3
            }
            .listing_path(),
            "crawl-data/CC-NEWS/2024/03/warc.paths.gz"
        );
    }

    #[test]
    fn time_stamps_from_file_names() {
        let t =
            name_stamp("crawl-data/CC-NEWS/2024/03/CC-NEWS-20240301001500-01234.warc.gz").unwrap();
        assert_eq!(t.to_string(), "2024-03-01 00:15:00");
        assert_eq!(name_stamp("CC-NEWS-2024030100150-01234.warc.gz"), None);
        assert_eq!(name_stamp("CC-NEWS-20241399001500-01234.warc.gz"), None);
        assert_eq!(name_stamp("x/20240301001500/other.warc.gz"), None);
    }

    #[test]
    fn the_range_is_inclusive_and_files_without_a_stamp_need_the_whole_month() {
        let month = Month {
            year: 2024,
            month: 3,
        };
        let paths = vec![
            "p/CC-NEWS-20240302000000-00002.warc.gz".to_string(),
            "p/CC-NEWS-20240301000000-00001.warc.gz".to_string(),
            "p/CC-NEWS-20240301235959-00003.warc.gz".to_string(),
            "p/odd.warc.gz".to_string(),
        ];
        let (got, unreadable) = select(month, paths.clone(), d("2024-02-28"), d("2024-03-01"));
        let names: Vec<&str> = got.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "p/CC-NEWS-20240301000000-00001.warc.gz",
                "p/CC-NEWS-20240301235959-00003.warc.gz"
            ]
        );
        assert_eq!(unreadable, 1);
        let (got, unreadable) = select(month, paths, d("2024-03-01"), d("2024-03-31"));
        assert_eq!(got.len(), 4);
        assert_eq!(unreadable, 0);
    }

    #[test]
    fn listings_gzip_or_plain() {
        use std::io::Write;
        let text = "a/1.warc.gz\n\n# note\nb/2.warc.gz\r\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(parse_listing(&gz).unwrap(), ["a/1.warc.gz", "b/2.warc.gz"]);
        assert_eq!(
            parse_listing(text.as_bytes()).unwrap(),
            ["a/1.warc.gz", "b/2.warc.gz"]
        );
        assert!(parse_listing(&gz[..gz.len() / 2]).is_err());
    }
}

//! The pages of an archive: its successful HTML `response` records, each with what an
//! extractor needs (the address, the HTTP charset, the body) and what cites it (date,
//! record id, offset). Everything else is passed over and counted by kind.

use std::collections::BTreeMap;
use std::io::Read;

use crate::error::{HttpError, WarcError};
use crate::http::HttpResponse;
use crate::reader::WarcReader;
use crate::record::{RecordType, WarcRecord};

/// One HTML page of an archive: a `response` record with a 2xx HTML HTTP message.
#[derive(Debug)]
pub struct HtmlPage {
    /// The record's `WARC-Target-URI`.
    pub target_uri: Option<String>,
    /// The record's `WARC-Date`.
    pub date: Option<String>,
    /// The record's `WARC-Record-ID`.
    pub record_id: Option<String>,
    /// Where the record starts in the file (its gzip member's start in a `.warc.gz`).
    pub offset: u64,
    /// The HTTP response, its body decoded of any content or transfer encoding.
    pub http: HttpResponse,
}

impl HtmlPage {
    fn new(record: &WarcRecord, http: HttpResponse) -> Self {
        Self {
            target_uri: record.target_uri().map(str::to_string),
            date: record.date().map(str::to_string),
            record_id: record.record_id().map(str::to_string),
            offset: record.offset,
            http,
        }
    }
}

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The record itself is damaged (the reader goes on with the next one).
    #[error(transparent)]
    Record(#[from] WarcError),
    /// A `response` record whose HTTP message cannot be read.
    #[error("offset {offset}: the response record's HTTP message is unreadable: {source}")]
    Http {
        /// The record's offset.
        offset: u64,
        /// What is wrong with the message.
        source: HttpError,
    },
}

impl PageError {
    /// The offset of the record the error is about.
    pub fn offset(&self) -> u64 {
        match self {
            PageError::Record(e) => e.offset(),
            PageError::Http { offset, .. } => *offset,
        }
    }
}

/// The HTML pages of an archive, in file order: its `response` records with a 2xx HTML
/// HTTP message, each with what an extractor needs and what cites it ([`HtmlPage`]).
/// Everything else is passed over and counted by kind ([`passed`](Self::passed)).
pub struct HtmlPages<R> {
    records: WarcReader<R>,
    passed: BTreeMap<&'static str, u64>,
}

impl<R: Read> HtmlPages<R> {
    /// Reads the pages of `records`.
    pub fn new(records: WarcReader<R>) -> Self {
        Self {
            records,
            passed: BTreeMap::new(),
        }
    }

    /// The records passed over so far, by kind: `revisit records`, `request records`,
    /// `other records`, `non-HTTP responses`, `non-2xx responses`, `non-HTML responses`
    /// (`warcinfo` records are not counted).
    pub fn passed(&self) -> &BTreeMap<&'static str, u64> {
        &self.passed
    }

    fn pass(&mut self, why: &'static str) {
        *self.passed.entry(why).or_default() += 1;
    }
}

impl<R: Read> Iterator for HtmlPages<R> {
    type Item = Result<HtmlPage, PageError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.records.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e.into())),
            };
            match record.record_type() {
                RecordType::Response => {}
                RecordType::Revisit => {
                    self.pass("revisit records");
                    continue;
                }
                RecordType::Request => {
                    self.pass("request records");
                    continue;
                }
                RecordType::Warcinfo => continue,
                _ => {
                    self.pass("other records");
                    continue;
                }
            }
            let http = match record.http_response() {
                Some(Ok(h)) => h,
                Some(Err(source)) => {
                    return Some(Err(PageError::Http {
                        offset: record.offset,
                        source,
                    }));
                }
                None => {
                    self.pass("non-HTTP responses");
                    continue;
                }
            };
            if !(200..300).contains(&http.status) {
                self.pass("non-2xx responses");
                continue;
            }
            if !http.is_html() {
                self.pass("non-HTML responses");
                continue;
            }
            return Some(Ok(HtmlPage::new(&record, http)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::{Exchange, WarcWriter, WriterOptions};

    #[test]
    fn only_successful_html_responses_are_pages() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = WarcWriter::new(dir.path(), WriterOptions::default()).unwrap();
        let html = |cs: &str| vec![("Content-Type".to_string(), format!("text/html{cs}"))];
        let png = vec![("Content-Type".to_string(), "image/png".to_string())];
        let (h1, h2, h4) = (html("; charset=windows-1256"), html(""), html(""));
        let now = std::time::SystemTime::now();
        for ex in [
            Exchange::new("https://a.example/1", 200, &h1, b"<p>one", now),
            Exchange::new("https://a.example/2", 404, &h2, b"<p>gone", now),
            Exchange::new("https://a.example/3", 200, &png, b"\x89PNG", now),
            Exchange::new("https://a.example/4", 200, &h4, b"<p>four", now),
        ] {
            writer.write_exchange(&ex).unwrap();
        }
        let path = writer.finish().unwrap().pop().unwrap();
        let file = std::fs::File::open(path).unwrap();
        let mut pages = HtmlPages::new(WarcReader::new(file));
        let got: Vec<HtmlPage> = pages.by_ref().map(Result::unwrap).collect();
        let urls: Vec<&str> = got.iter().filter_map(|p| p.target_uri.as_deref()).collect();
        assert_eq!(urls, ["https://a.example/1", "https://a.example/4"]);
        assert_eq!(got[0].http.charset(), Some("windows-1256"));
        assert_eq!(got[1].http.body, b"<p>four");
        assert!(got[1].record_id.is_some() && got[1].date.is_some());
        assert_eq!(pages.passed()["request records"], 4);
        assert_eq!(pages.passed()["non-2xx responses"], 1);
        assert_eq!(pages.passed()["non-HTML responses"], 1);
    }
}

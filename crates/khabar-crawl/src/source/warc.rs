//! Pages out of web archives: the HTML `response` records of a `.warc` or `.warc.gz` file
//! (one gzip member per record, as Common Crawl's CC-NEWS ships them), read as a stream.
//! Each page's address is the record's target URI and its charset the one its HTTP header
//! named; a damaged record is reported with the file and offset and the next one is read.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use khabar_extract::{SourceInfo, SourceKind};
use khabar_warc::{HtmlPages, PageError, WarcReader};
use url::Url;

use super::{InputError, LoadedPage};

/// Whether a file name says it is a web archive.
pub(super) fn is_warc_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// The HTML pages of one archive, in file order.
pub(super) struct WarcPages {
    label: String,
    pages: HtmlPages<BufReader<File>>,
    extracted: u64,
    damaged: u64,
    reported: bool,
}

impl WarcPages {
    /// Opens an archive.
    pub(super) fn open(path: &Path) -> Result<Self, InputError> {
        let label = path.display().to_string();
        let file = File::open(path).map_err(|source| InputError::Read {
            path: label.clone(),
            source,
        })?;
        Ok(Self {
            label,
            pages: HtmlPages::new(WarcReader::new(BufReader::with_capacity(256 * 1024, file))),
            extracted: 0,
            damaged: 0,
            reported: false,
        })
    }

    /// One line for the log once the archive is read: what was extracted and passed over.
    fn report(&mut self) {
        if self.reported {
            return;
        }
        self.reported = true;
        let passed: Vec<String> = self
            .pages
            .passed()
            .iter()
            .map(|(why, n)| format!("{why} {n}"))
            .collect();
        let passed = if passed.is_empty() {
            String::new()
        } else {
            format!("; passed over: {}", passed.join(", "))
        };
        tracing::info!(
            "{}: {} HTML responses read{passed}{}",
            self.label,
            self.extracted,
            if self.damaged > 0 {
                format!("; {} damaged records skipped", self.damaged)
            } else {
                String::new()
            }
        );
    }
}

impl Iterator for WarcPages {
    type Item = Result<LoadedPage, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let page = match self.pages.next() {
            None => {
                self.report();
                return None;
            }
            Some(Err(e)) => {
                self.damaged += 1;
                let message = match &e {
                    PageError::Record(e) => e.problem(),
                    PageError::Http { source, .. } => {
                        format!("the response record's HTTP message is unreadable: {source}")
                    }
                };
                return Some(Err(InputError::Warc {
                    path: self.label.clone(),
                    offset: e.offset(),
                    message,
                }));
            }
            Some(Ok(p)) => p,
        };
        self.extracted += 1;
        let offset = page.offset;
        let url = page.target_uri.as_deref().and_then(|u| Url::parse(u).ok());
        let http_charset = page.http.charset().map(str::to_string);
        let status = page.http.status;
        let bytes = page.http.body;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Some(Err(InputError::Empty {
                path: format!("{}@{offset}", self.label),
            }));
        }
        Some(Ok(LoadedPage {
            label: format!("{}@{offset}", self.label),
            url,
            http_charset,
            bytes,
            source: SourceInfo {
                kind: SourceKind::Warc,
                file: Some(self.label.clone()),
                fetched_at: page
                    .date
                    .as_deref()
                    .and_then(khabar_extract::dates::rfc3339_or_none),
                status: Some(status),
                record_id: page.record_id,
                offset: Some(offset),
            },
            fallback_url: None,
        }))
    }
}

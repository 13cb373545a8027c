//! The pages of a streamed archive: its records read one at a time, each response's host
//! checked against the filter from the `WARC-Target-URI` header before anything else is
//! read of it, and the successful HTML responses kept handed over as pages, with where
//! each record ends (the next record boundary, for the state).
//!
//! Also the [`PageSource`] `khabar extract` reads an `http(s)://…warc.gz` address through
//! ([`RemoteArchives`]), and one that chains sources ([`ChainSource`]).

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use khabar_extract::{SourceInfo, SourceKind};
use khabar_warc::{RecordType, WarcError, WarcReader, WarcRecord};
use url::Url;

use super::filter::HostFilter;
use super::http::{Http, HttpOptions, OpenError, is_remote};
use crate::source::{InputError, LoadedPage, PageSource};

/// What reading on in an archive gave.
pub(crate) enum Step {
    /// A page to extract, and where its record ends.
    Page(Box<LoadedPage>, u64),
    /// A record passed over, and where it ends.
    Passed(u64),
    /// A damaged record or an unusable response (and where it ends, when known); the next
    /// one is read.
    Damaged(InputError, Option<u64>),
    /// The transfer failed for good: what happened.
    Failed(String),
    /// Asked to stop.
    Stopped,
}

/// Counts of one archive's records.
#[derive(Debug, Default, Clone)]
pub(crate) struct ArchiveCounts {
    pub records: u64,
    pub responses: u64,
    pub kept: u64,
    pub damaged: u64,
    /// Records passed over, by why.
    pub passed: BTreeMap<&'static str, u64>,
}

/// The records of one archive (see the module's notes).
pub(crate) struct ArchiveRecords {
    records: WarcReader<Box<dyn Read + Send>>,
    /// The offset in the file of the reader's first byte.
    base: u64,
    /// The archive's address: messages and `source.file`.
    label: String,
    filter: Option<Arc<HostFilter>>,
    stop: Arc<AtomicBool>,
    pub counts: ArchiveCounts,
    finished: bool,
}

impl ArchiveRecords {
    /// The records of `reader`, the archive `label` from byte `base` on (a record boundary).
    pub(crate) fn new(
        reader: Box<dyn Read + Send>,
        base: u64,
        label: String,
        filter: Option<Arc<HostFilter>>,
        stop: Arc<AtomicBool>,
    ) -> Self {
        Self {
            records: WarcReader::new(reader),
            base,
            label,
            filter,
            stop,
            counts: ArchiveCounts::default(),
            finished: false,
        }
    }

    fn pass(&mut self, why: &'static str, end: u64) -> Step {
        *self.counts.passed.entry(why).or_default() += 1;
        Step::Passed(end)
    }

    /// One line for the log: what was read and passed over.
    pub(crate) fn report(&self) -> String {
        let c = &self.counts;
        let passed: Vec<String> = c.passed.iter().map(|(w, n)| format!("{w} {n}")).collect();
        let mut s = format!(
            "{} records, {} responses, {} pages kept",
            c.records, c.responses, c.kept
        );
        if !passed.is_empty() {
            s.push_str(&format!("; passed over: {}", passed.join(", ")));
        }
        if c.damaged > 0 {
            s.push_str(&format!("; {} damaged records skipped", c.damaged));
        }
        s
    }

    fn record(&mut self, rec: WarcRecord) -> Step {
        self.counts.records += 1;
        let offset = self.base + rec.offset;
        let end = offset + rec.length;
        match rec.record_type() {
            RecordType::Response => {}
            RecordType::Warcinfo => return Step::Passed(end),
            RecordType::Request => return self.pass("request records", end),
            RecordType::Revisit => return self.pass("revisit records", end),
            _ => return self.pass("other records", end),
        }
        self.counts.responses += 1;
        let uri = rec.target_uri();
        if let Some(f) = &self.filter
            && !uri.is_some_and(|u| f.keeps(u))
        {
            return self.pass("on other hosts", end);
        }
        let http = match rec.http_response() {
            None => return self.pass("non-HTTP responses", end),
            Some(Err(e)) => {
                self.counts.damaged += 1;
                return Step::Damaged(
                    InputError::Warc {
                        path: self.label.clone(),
                        offset,
                        message: format!("the response record's HTTP message is unreadable: {e}"),
                    },
                    Some(end),
                );
            }
            Some(Ok(h)) => h,
        };
        if !(200..300).contains(&http.status) {
            return self.pass("non-2xx responses", end);
        }
        if !http.is_html() {
            return self.pass("non-HTML responses", end);
        }
        if http.body.iter().all(u8::is_ascii_whitespace) {
            return self.pass("empty pages", end);
        }
        self.counts.kept += 1;
        let page = LoadedPage {
            label: format!("{}@{offset}", self.label),
            url: uri.and_then(|u| Url::parse(u).ok()),
            http_charset: http.charset().map(str::to_string),
            source: SourceInfo {
                kind: SourceKind::Warc,
                file: Some(self.label.clone()),
                fetched_at: rec.date().and_then(khabar_extract::dates::rfc3339_or_none),
                status: Some(http.status),
                record_id: rec.record_id().map(str::to_string),
                offset: Some(offset),
            },
            bytes: http.body,
            fallback_url: None,
        };
        Step::Page(Box::new(page), end)
    }
}

impl Iterator for ArchiveRecords {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.finished {
            return None;
        }
        let item = match self.records.next() {
            Some(item) => item,
            None => {
                self.finished = true;
                return None;
            }
        };
        Some(match item {
            Ok(rec) => self.record(rec),
            Err(WarcError::Io { source, .. }) => {
                self.finished = true;
                if self.stop.load(Ordering::Relaxed) {
                    Step::Stopped
                } else {
                    Step::Failed(source.to_string())
                }
            }
            Err(e) => {
                self.counts.damaged += 1;
                Step::Damaged(
                    InputError::Warc {
                        path: self.label.clone(),
                        offset: self.base + e.offset(),
                        message: e.problem(),
                    },
                    None,
                )
            }
        })
    }
}

/// The HTML pages of web archives streamed from `http(s)://` addresses, one archive after
/// the other, for `khabar extract`: each page's `source` names the address as its file.
/// Nothing is written to disk; a broken transfer is taken up where it stopped.
pub struct RemoteArchives {
    http: Http,
    urls: std::vec::IntoIter<Url>,
    current: Option<ArchiveRecords>,
    stop: Arc<AtomicBool>,
    bytes: Arc<AtomicU64>,
}

/// An address given to [`RemoteArchives`] that is not an `http(s)://` URL.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not an http(s):// address of a web archive")]
pub struct BadArchiveUrl(pub String);

impl RemoteArchives {
    /// Streams the archives at `urls`, in order. Build it outside an async runtime.
    pub fn new(urls: &[String], http: HttpOptions) -> Result<Self, super::CcNewsError> {
        let mut parsed = Vec::with_capacity(urls.len());
        for u in urls {
            let url = Url::parse(u)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| super::CcNewsError::BadSource {
                    address: u.clone(),
                    message: BadArchiveUrl(u.clone()).to_string(),
                })?;
            parsed.push(url);
        }
        let http = Http::new(http).map_err(|message| super::CcNewsError::BadSource {
            address: urls.join(" "),
            message,
        })?;
        Ok(Self {
            http,
            urls: parsed.into_iter(),
            current: None,
            stop: Arc::new(AtomicBool::new(false)),
            bytes: Arc::new(AtomicU64::new(0)),
        })
    }

    /// A flag that stops the reading when set (the next read fails and the source ends).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// The bytes received so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

impl PageSource for RemoteArchives {
    fn next_page(&mut self) -> Option<Result<LoadedPage, InputError>> {
        loop {
            if let Some(archive) = self.current.as_mut() {
                match archive.next() {
                    Some(Step::Page(page, _)) => return Some(Ok(*page)),
                    Some(Step::Passed(_)) => continue,
                    Some(Step::Damaged(e, _)) => return Some(Err(e)),
                    Some(Step::Failed(message)) => {
                        let label = archive.label.clone();
                        self.current = None;
                        return Some(Err(InputError::Read {
                            path: label,
                            source: std::io::Error::other(message),
                        }));
                    }
                    Some(Step::Stopped) => {
                        self.current = None;
                        return None;
                    }
                    None => {
                        tracing::info!("{}: {}", archive.label, archive.report());
                        self.current = None;
                    }
                }
            }
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            let url = self.urls.next()?;
            let label = url.to_string();
            match self.http.open(url, 0, self.stop.clone()) {
                Ok(mut body) => {
                    body.count_into(self.bytes.clone());
                    self.current = Some(ArchiveRecords::new(
                        Box::new(body),
                        0,
                        label,
                        None,
                        self.stop.clone(),
                    ));
                }
                Err(e) => {
                    let message = match e {
                        OpenError::NotFound => "not found (HTTP 404)".to_string(),
                        OpenError::Failed(m) => m,
                        OpenError::Stopped => return None,
                    };
                    return Some(Err(InputError::Read {
                        path: label,
                        source: std::io::Error::other(message),
                    }));
                }
            }
        }
    }
}

/// Pages of several sources, one after the other.
pub struct ChainSource {
    sources: std::collections::VecDeque<Box<dyn PageSource>>,
}

impl ChainSource {
    /// The pages of `sources`, in order.
    pub fn new(sources: Vec<Box<dyn PageSource>>) -> Self {
        Self {
            sources: sources.into(),
        }
    }
}

impl PageSource for ChainSource {
    fn next_page(&mut self) -> Option<Result<LoadedPage, InputError>> {
        while let Some(s) = self.sources.front_mut() {
            if let Some(p) = s.next_page() {
                return Some(p);
            }
            self.sources.pop_front();
        }
        None
    }

    fn len_hint(&self) -> Option<usize> {
        self.sources
            .iter()
            .map(|s| s.len_hint())
            .try_fold(0usize, |acc, n| n.map(|n| acc + n))
    }
}

/// `extract`'s inputs split into the `http(s)://` addresses to stream and the rest (files,
/// folders, `-`), each in the order given.
pub fn split_inputs(inputs: &[String]) -> (Vec<String>, Vec<String>) {
    inputs.iter().cloned().partition(|i| is_remote(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_warc::{Exchange, WarcWriter, WriterOptions};
    use std::time::SystemTime;

    fn archive(pages: &[(&str, &str, &str)]) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(dir.path(), WriterOptions::default()).unwrap();
        for (url, ctype, body) in pages {
            let h = vec![("Content-Type".to_string(), ctype.to_string())];
            w.write_exchange(&Exchange::new(
                url,
                200,
                &h,
                body.as_bytes(),
                SystemTime::now(),
            ))
            .unwrap();
        }
        let path = w.finish().unwrap().pop().unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn pages_of_other_hosts_are_passed_over_before_their_http_is_read() {
        let bytes = archive(&[
            ("https://a.com/1", "text/html", "<p>one"),
            ("https://b.com/2", "text/html", "<p>two"),
            ("https://www.a.com/3", "image/png", "PNG"),
            ("https://www.a.com/4", "text/html", "<p>four"),
        ]);
        let filter = Arc::new(HostFilter::new(&["a.com".into()], None).unwrap());
        let mut recs = ArchiveRecords::new(
            Box::new(std::io::Cursor::new(bytes.clone())),
            0,
            "http://x/a.warc.gz".into(),
            Some(filter),
            Arc::new(AtomicBool::new(false)),
        );
        let mut pages = Vec::new();
        let mut last_end = 0;
        for step in recs.by_ref() {
            match step {
                Step::Page(p, end) => {
                    assert_eq!(p.source.file.as_deref(), Some("http://x/a.warc.gz"));
                    assert_eq!(p.source.kind, SourceKind::Warc);
                    assert!(p.source.offset.unwrap() < end);
                    pages.push(p.url.unwrap().to_string());
                    last_end = end;
                }
                Step::Passed(end) => last_end = end,
                _ => panic!("unexpected step"),
            }
        }
        assert_eq!(pages, ["https://a.com/1", "https://www.a.com/4"]);
        assert_eq!(
            last_end,
            bytes.len() as u64,
            "the last record ends the file"
        );
        assert_eq!(recs.counts.passed["on other hosts"], 1);
        assert_eq!(recs.counts.passed["non-HTML responses"], 1);
        assert_eq!(recs.counts.responses, 4);
    }

    #[test]
    fn read_from_a_record_boundary_offsets_are_the_files() {
        let bytes = archive(&[
            ("https://a.com/1", "text/html", "<p>one"),
            ("https://a.com/2", "text/html", "<p>two"),
        ]);
        // each page's (offset, end) read from `bytes`, which start at `offset` in the file
        let pages_from = |bytes: &[u8], offset: u64| -> Vec<(u64, u64)> {
            ArchiveRecords::new(
                Box::new(std::io::Cursor::new(bytes.to_vec())),
                offset,
                "f".into(),
                None,
                Arc::new(AtomicBool::new(false)),
            )
            .filter_map(|s| match s {
                Step::Page(p, end) => Some((p.source.offset.unwrap(), end)),
                _ => None,
            })
            .collect()
        };
        let all = pages_from(&bytes, 0);
        assert_eq!(all.len(), 2);
        let (start2, _) = all[1];
        let from = pages_from(&bytes[start2 as usize..], start2);
        assert_eq!(from, all[1..]);
    }
}

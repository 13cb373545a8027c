//! Web archives from Python: `khabar.read_warc` (the HTML pages of a `.warc` or `.warc.gz`,
//! as `WarcPage` objects) and the pages `Extractor.extract_warc` extracts. Records are read
//! as a stream with the GIL released; damaged ones are skipped and listed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::sync::Mutex;

use khabar_extract::{SourceInfo, SourceKind};
use khabar_warc::{HtmlPage, HtmlPages, PageError, WarcReader};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use url::Url;

use crate::page::Page;

/// Damaged records listed at most (the count goes on).
const MAX_ERRORS_KEPT: usize = 1000;

/// The HTML pages of one archive, as the extractor takes them.
pub struct ArchivePages {
    label: String,
    pages: HtmlPages<BufReader<File>>,
    errors: Vec<String>,
    empty: u64,
}

impl ArchivePages {
    pub fn open(path: PathBuf) -> PyResult<Self> {
        let label = path.display().to_string();
        let file = File::open(&path)
            .map_err(|e| PyOSError::new_err(format!("cannot read {label}: {e}")))?;
        Ok(Self {
            label,
            pages: HtmlPages::new(WarcReader::new(BufReader::with_capacity(256 * 1024, file))),
            errors: Vec::new(),
            empty: 0,
        })
    }

    /// The archive's path, as given.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The next HTML page with a body, damaged records skipped (and listed).
    pub fn next_html(&mut self) -> Option<HtmlPage> {
        loop {
            match self.pages.next()? {
                Ok(page) if page.http.body.iter().all(u8::is_ascii_whitespace) => {
                    self.empty += 1;
                }
                Ok(page) => return Some(page),
                Err(e) => self.damaged(&e),
            }
        }
    }

    /// The next page to extract: its source says which archive and record it came from.
    pub fn next_page(&mut self) -> Option<Page> {
        let page = self.next_html()?;
        let source = SourceInfo {
            kind: SourceKind::Warc,
            file: Some(self.label.clone()),
            fetched_at: page
                .date
                .as_deref()
                .and_then(khabar_extract::dates::rfc3339_or_none),
            status: Some(page.http.status),
            record_id: page.record_id.clone(),
            offset: Some(page.offset),
        };
        Some(Page {
            url: page.target_uri.as_deref().and_then(|u| Url::parse(u).ok()),
            charset: page.http.charset().map(str::to_string),
            bytes: page.http.body,
            source,
        })
    }

    fn damaged(&mut self, e: &PageError) {
        if self.errors.len() < MAX_ERRORS_KEPT {
            let what = match e {
                PageError::Record(e) => e.to_string(),
                PageError::Http { source, .. } => {
                    format!("the response record's HTTP message is unreadable: {source}")
                }
            };
            self.errors.push(format!(
                "{}: record at offset {}: {what}",
                self.label,
                e.offset()
            ));
        }
    }

    /// Records passed over, by kind; HTML responses with an empty body as `empty HTML
    /// responses`.
    pub fn passed(&self) -> BTreeMap<String, u64> {
        let mut passed: BTreeMap<String, u64> = self
            .pages
            .passed()
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        if self.empty > 0 {
            passed.insert("empty HTML responses".to_string(), self.empty);
        }
        passed
    }

    /// Damaged records skipped, the first thousand.
    pub fn errors(&self) -> &[String] {
        &self.errors
    }
}

/// One HTML page of a web archive: a successful `response` record whose HTTP message is
/// HTML. `html` is its body, decoded of any HTTP content or transfer encoding.
#[pyclass(module = "khabar", frozen, get_all)]
pub struct WarcPage {
    /// The record's `WARC-Target-URI`: the page's address.
    url: Option<String>,
    /// The record's `WARC-Date` (when it was fetched).
    date: Option<String>,
    /// The record's `WARC-Record-ID`.
    record_id: Option<String>,
    /// Where the record starts in the file (its gzip member, in a `.warc.gz`).
    offset: u64,
    /// The HTTP status.
    status: u16,
    /// The HTTP headers, in order, as (name, value) pairs.
    headers: Vec<(String, String)>,
    /// The charset the HTTP `Content-Type` names, if any.
    charset: Option<String>,
    /// The body.
    html: Py<PyBytes>,
}

#[pymethods]
impl WarcPage {
    fn __repr__(&self) -> String {
        format!(
            "WarcPage(url={:?}, offset={}, status={})",
            self.url.as_deref().unwrap_or(""),
            self.offset,
            self.status
        )
    }
}

/// The HTML pages of a web archive (`khabar.read_warc`).
#[pyclass(module = "khabar", frozen)]
pub struct WarcPages {
    pages: Mutex<ArchivePages>,
}

impl WarcPages {
    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, ArchivePages>> {
        self.pages.try_lock().map_err(|_| {
            PyValueError::new_err("this iterator is already being read by another thread")
        })
    }
}

#[pymethods]
impl WarcPages {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<WarcPage>> {
        let mut guard = self.lock()?;
        let pages: &mut ArchivePages = &mut guard;
        let Some(page) = py.detach(|| pages.next_html()) else {
            return Ok(None);
        };
        Ok(Some(WarcPage {
            url: page.target_uri,
            date: page.date,
            record_id: page.record_id,
            offset: page.offset,
            status: page.http.status,
            headers: page
                .http
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            charset: page.http.charset().map(str::to_string),
            html: PyBytes::new(py, &page.http.body).unbind(),
        }))
    }

    /// Records the archive held that are not HTML pages, by kind, so far.
    #[getter]
    fn passed(&self) -> PyResult<BTreeMap<String, u64>> {
        Ok(self.lock()?.passed())
    }

    /// Damaged records skipped so far, each as `file: record at offset N: what is wrong`.
    #[getter]
    fn errors(&self) -> PyResult<Vec<String>> {
        Ok(self.lock()?.errors().to_vec())
    }
}

/// The HTML pages of a web archive (`.warc` or `.warc.gz`), in file order, as `WarcPage`
/// objects; damaged records are skipped and listed in the iterator's `errors`.
#[pyfunction]
pub fn read_warc(path: PathBuf) -> PyResult<WarcPages> {
    Ok(WarcPages {
        pages: Mutex::new(ArchivePages::open(path)?),
    })
}

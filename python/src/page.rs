//! A page handed over from Python, owned (so that it can be extracted with the GIL
//! released, on any thread), and its extraction.

use khabar_extract::{Extractor, PageInput, Record, SourceInfo, SourceKind};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use url::Url;

/// One page: its bytes, address and HTTP charset, and where it came from.
pub struct Page {
    pub bytes: Vec<u8>,
    pub url: Option<Url>,
    pub charset: Option<String>,
    pub source: SourceInfo,
}

impl Page {
    /// `html` as `bytes` (its charset decided as the command line decides it: byte-order
    /// mark, `charset`, `<meta>`, detection) or `str` (already text: read as UTF-8 whatever
    /// its `<meta>` says).
    pub fn from_python(
        html: &Bound<'_, PyAny>,
        url: Option<&str>,
        charset: Option<String>,
    ) -> PyResult<Self> {
        let (bytes, charset) = if let Ok(b) = html.cast::<PyBytes>() {
            (b.as_bytes().to_vec(), charset)
        } else if let Ok(s) = html.cast::<PyString>() {
            (s.to_cow()?.as_bytes().to_vec(), Some("utf-8".to_string()))
        } else if let Ok(b) = html.extract::<Vec<u8>>() {
            // bytearray, memoryview
            (b, charset)
        } else {
            return Err(PyTypeError::new_err(format!(
                "html must be bytes or str, not {}",
                html.get_type().name()?
            )));
        };
        Ok(Self {
            bytes,
            url: parse_url(url)?,
            charset,
            source: SourceInfo::of_kind(SourceKind::Memory),
        })
    }

    /// An item of `extract_many`'s iterable: `(html, url)`, or `html` alone.
    pub fn from_item(item: &Bound<'_, PyAny>, index: usize) -> PyResult<Self> {
        let at = |e: PyErr| {
            let py = item.py();
            PyErr::from_type(e.get_type(py), format!("pages[{index}]: {}", e.value(py)))
        };
        if item.cast::<PyBytes>().is_ok() || item.cast::<PyString>().is_ok() {
            return Self::from_python(item, None, None).map_err(at);
        }
        let (html, url): (Bound<'_, PyAny>, Option<String>) = item.extract().map_err(|_| {
            at(PyTypeError::new_err(
                "each page is (html, url) or html alone (bytes or str)",
            ))
        })?;
        Self::from_python(&html, url.as_deref(), None).map_err(at)
    }

    /// The records of the page's articles, in page order; none for what is not a page at
    /// all (nothing but white space, or binary data), which the command line refuses by name.
    pub fn extract(&self, extractor: &Extractor) -> Vec<Record> {
        if self.bytes.iter().all(u8::is_ascii_whitespace)
            || khabar_extract::looks_binary(&self.bytes)
        {
            return Vec::new();
        }
        let input = PageInput {
            bytes: &self.bytes,
            page_url: self.url.clone(),
            http_charset: self.charset.as_deref(),
            source: self.source.clone(),
            fallback_url: None,
        };
        extractor
            .extract(&input)
            .articles
            .into_iter()
            .map(|(record, _)| record)
            .collect()
    }
}

fn parse_url(url: Option<&str>) -> PyResult<Option<Url>> {
    url.map(|u| {
        Url::parse(u.trim()).map_err(|e| {
            PyValueError::new_err(format!(
                "url {u:?} is not an absolute address ({e}): give the page's full address, \
                 e.g. https://example.com/news/1, or None"
            ))
        })
    })
    .transpose()
}

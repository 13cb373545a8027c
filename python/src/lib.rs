//! `khabar._khabar`: the Rust side of the Python package `khabar` (see `python/khabar/`).
//! Pages are handed over as bytes or str, extracted with the GIL released, and come back as
//! dicts with exactly the fields of the command line's NDJSON records.

mod config;
mod extractor;
mod page;
mod pool;
mod records;
mod streams;
mod warc;

use pyo3::prelude::*;
use pyo3::types::PyList;

use config::{ConfigError, KhabarError};
use extractor::{Extractor, extract_page};
use page::Page;

/// The records of one page's articles, with the configuration built into khabar: dicts
/// with the fields of the command line's NDJSON for the same page and address. `html` is
/// bytes (charset decided as the command line does) or str; `url` picks the site profile
/// and resolves links; `profile` names the profile for a page whose host none covers;
/// `charset` is the one an HTTP header named, if any.
#[pyfunction]
#[pyo3(signature = (html, url = None, *, profile = None, charset = None))]
fn extract<'py>(
    py: Python<'py>,
    html: &Bound<'py, PyAny>,
    url: Option<&str>,
    profile: Option<String>,
    charset: Option<String>,
) -> PyResult<Bound<'py, PyList>> {
    let page = Page::from_python(html, url, charset)?;
    let extractor = Extractor::shared(py, profile)?;
    extract_page(py, &extractor, page)
}

#[pymodule]
fn _khabar(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("KhabarError", py.get_type::<KhabarError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add_class::<Extractor>()?;
    m.add_class::<streams::PageStream>()?;
    m.add_class::<streams::ArchiveRecords>()?;
    m.add_class::<warc::WarcPage>()?;
    m.add_class::<warc::WarcPages>()?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(warc::read_warc, m)?)?;
    m.add_function(wrap_pyfunction!(records::to_markdown, m)?)?;
    m.add_function(wrap_pyfunction!(records::to_text, m)?)?;
    m.add_function(wrap_pyfunction!(records::to_html, m)?)?;
    m.add_function(wrap_pyfunction!(extractor::_extractor_from_text, m)?)?;
    Ok(())
}

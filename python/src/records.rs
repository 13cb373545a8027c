//! Records as Python dicts — the same fields, names and values as the command line's NDJSON —
//! and back, for the renderers.

use khabar_extract::Record;
use khabar_extract::render::Format;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::config::KhabarError;
use crate::pool::Outcome;

/// A record as a dict.
pub fn to_dict<'py>(py: Python<'py>, record: &Record) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, record)?)
}

/// A page's records as a list of dicts, or the extractor's failure as `KhabarError`.
pub fn page_list<'py>(
    py: Python<'py>,
    outcome: Outcome,
    what: &str,
) -> PyResult<Bound<'py, PyList>> {
    let records = outcome.map_err(|message| {
        KhabarError::new_err(format!(
            "{what}: the extractor failed ({message}); this is a bug in khabar, please report it \
             with the page"
        ))
    })?;
    let dicts = records
        .iter()
        .map(|r| to_dict(py, r))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, dicts)
}

/// A dict back into a record, for the renderers.
fn from_dict(record: &Bound<'_, PyAny>) -> PyResult<Record> {
    pythonize::depythonize(record).map_err(|e| {
        PyValueError::new_err(format!(
            "not a khabar record ({e}): pass a dict as extract() returns it"
        ))
    })
}

fn render(record: &Bound<'_, PyAny>, format: Format, metadata: bool) -> PyResult<String> {
    let record = from_dict(record)?;
    Ok(if metadata {
        format.document(&record)
    } else {
        format.body(&record)
    })
}

/// The record as Markdown (CommonMark, GitHub tables): with `metadata`, a document with YAML
/// front matter and the headline; without, the body alone.
#[pyfunction]
#[pyo3(signature = (record, *, metadata = true))]
pub fn to_markdown(record: &Bound<'_, PyAny>, metadata: bool) -> PyResult<String> {
    render(record, Format::Markdown, metadata)
}

/// The record as plain text: with `metadata`, the headline and lines of metadata on top.
#[pyfunction]
#[pyo3(signature = (record, *, metadata = true))]
pub fn to_text(record: &Bound<'_, PyAny>, metadata: bool) -> PyResult<String> {
    render(record, Format::Text, metadata)
}

/// The record as minimal, safe HTML: with `metadata`, a whole document with a header;
/// without, the body's elements alone.
#[pyfunction]
#[pyo3(signature = (record, *, metadata = true))]
pub fn to_html(record: &Bound<'_, PyAny>, metadata: bool) -> PyResult<String> {
    render(record, Format::Html, metadata)
}

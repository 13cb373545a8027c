//! `khabar.Extractor`: a configuration compiled once, then pages in and records out — one
//! page, many in parallel, or a whole archive — with the GIL released while it works.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use khabar_extract::Extractor as RustExtractor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::config::ConfigSource;
use crate::page::Page;
use crate::pool::panic_message;
use crate::records::page_list;
use crate::streams::{ArchiveRecords, PageStream};
use crate::warc::ArchivePages;

/// Site profiles compiled once; pages in, one record per article out.
///
/// `config` is the path of a configuration file (str or os.PathLike), the TOML text of one
/// (a str of several lines), or None for the configuration built into khabar. `profile`
/// names the profile for pages whose host no profile covers (the command line's
/// `--profile`). An Extractor can be pickled: it ships to process pools and to Spark, Dask
/// or Ray workers, where it is compiled again from its configuration's text.
#[pyclass(module = "khabar", frozen)]
pub struct Extractor {
    inner: Arc<RustExtractor>,
    config: ConfigSource,
}

impl Extractor {
    fn from_source(py: Python<'_>, config: ConfigSource) -> PyResult<Self> {
        Ok(Self {
            inner: Arc::new(config.compile(py)?),
            config,
        })
    }

    /// The extractor of the built-in configuration (and `profile`), compiled once per
    /// process: what `khabar.extract` uses.
    pub fn shared(py: Python<'_>, profile: Option<String>) -> PyResult<Arc<RustExtractor>> {
        static SHARED: OnceLock<Mutex<HashMap<Option<String>, Arc<RustExtractor>>>> =
            OnceLock::new();
        let cache = SHARED.get_or_init(Default::default);
        if let Some(found) = cache.lock().ok().and_then(|c| c.get(&profile).cloned()) {
            return Ok(found);
        }
        let compiled = Arc::new(ConfigSource::builtin(profile.clone()).compile(py)?);
        if let Ok(mut c) = cache.lock() {
            c.insert(profile, Arc::clone(&compiled));
        }
        Ok(compiled)
    }
}

/// One page's records, extracted with the GIL released.
pub fn extract_page<'py>(
    py: Python<'py>,
    extractor: &RustExtractor,
    page: Page,
) -> PyResult<Bound<'py, PyList>> {
    let outcome = py.detach(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| page.extract(extractor)))
            .map_err(|panic| panic_message(&panic))
    });
    page_list(py, outcome, "the page")
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn threads_or_default(threads: Option<usize>) -> PyResult<usize> {
    match threads {
        None => Ok(default_threads()),
        Some(0) => Err(PyValueError::new_err(
            "threads must be at least 1 (None: one per CPU)",
        )),
        Some(n) => Ok(n),
    }
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (config = None, *, profile = None))]
    fn new(
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        profile: Option<String>,
    ) -> PyResult<Self> {
        Self::from_source(py, ConfigSource::from_python(config, profile)?)
    }

    /// The records of one page's articles, as dicts with the fields of the command line's
    /// NDJSON. `html` is bytes (its charset decided as the command line decides it:
    /// byte-order mark, `charset` — the one an HTTP header named —, `<meta>`, detection) or
    /// str; `url` is the page's address (it picks the profile and resolves links).
    #[pyo3(signature = (html, url = None, *, charset = None))]
    fn extract<'py>(
        &self,
        py: Python<'py>,
        html: &Bound<'py, PyAny>,
        url: Option<&str>,
        charset: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let page = Page::from_python(html, url, charset)?;
        extract_page(py, &self.inner, page)
    }

    /// Many pages on `threads` threads (default: one per CPU), the GIL released: an iterator
    /// over one list of records per page, in the order of `pages` — an iterable of
    /// `(html, url)` pairs (or of `html` alone). Pages are read from `pages` as results are
    /// taken, a few per thread ahead.
    #[pyo3(signature = (pages, threads = None))]
    fn extract_many(
        &self,
        pages: &Bound<'_, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<PageStream> {
        let threads = threads_or_default(threads)?;
        let iterator = pages.try_iter()?.unbind();
        Ok(PageStream::new(iterator, Arc::clone(&self.inner), threads))
    }

    /// The records of a web archive's HTML pages (`.warc` or `.warc.gz`), one at a time,
    /// in file order, extracted on `threads` threads (default: one per CPU). Each record's
    /// `source` names the archive, the record's offset and id. Damaged records are skipped
    /// and listed in the iterator's `errors`; what is not an HTML page is counted in its
    /// `passed`.
    #[pyo3(signature = (path, threads = None))]
    fn extract_warc(&self, path: PathBuf, threads: Option<usize>) -> PyResult<ArchiveRecords> {
        let threads = threads_or_default(threads)?;
        let archive = ArchivePages::open(path)?;
        Ok(ArchiveRecords::new(
            archive,
            Arc::clone(&self.inner),
            threads,
        ))
    }

    /// Where the configuration came from: a path, `<string>` or `<built-in config.toml>`.
    #[getter]
    fn config(&self) -> &str {
        &self.config.origin
    }

    /// The names of the configuration's site profiles.
    #[getter]
    fn profiles(&self) -> Vec<String> {
        self.inner
            .profiles()
            .names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Extractor(config={:?}, profiles={:?})",
            self.config.origin,
            self.profiles()
        )
    }

    /// Pickled as its configuration's text: compiled again where it is unpickled.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py
            .import("khabar._khabar")?
            .getattr("_extractor_from_text")?;
        let args = (
            self.config.text.clone(),
            self.config.origin.clone(),
            self.config.profile.clone(),
        );
        PyTuple::new(py, [restore, args.into_pyobject(py)?.into_any()])
    }
}

/// An Extractor from its configuration's text (how a pickled one is made again).
#[pyfunction]
#[pyo3(signature = (text, origin, profile = None))]
pub fn _extractor_from_text(
    py: Python<'_>,
    text: String,
    origin: String,
    profile: Option<String>,
) -> PyResult<Extractor> {
    Extractor::from_source(
        py,
        ConfigSource {
            text,
            origin,
            profile,
        },
    )
}

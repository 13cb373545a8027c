//! Many pages through the worker pool: `Extractor.extract_many` (pages from a Python
//! iterable, one list of records per page) and `Extractor.extract_warc` (the HTML pages of
//! an archive, one record at a time). Both are Python iterators: pages are read as results
//! are taken, a few per thread ahead, so a stream of any length runs in flat memory.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use khabar_extract::{Extractor, Record};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyList};

use crate::page::Page;
use crate::pool::{Outcome, Pool};
use crate::records::{page_list, to_dict};
use crate::warc::ArchivePages;

/// Where the pages come from.
enum Source {
    Python { pages: Py<PyIterator>, taken: usize },
    Archive(Box<ArchivePages>),
}

/// Pages read from a source into the pool, results taken out in order.
struct Feed {
    source: Source,
    exhausted: bool,
    pool: Pool,
}

impl Feed {
    fn new(source: Source, extractor: Arc<Extractor>, threads: usize) -> Self {
        Self {
            source,
            exhausted: false,
            pool: Pool::new(extractor, threads),
        }
    }

    /// The next page from the source, or `None` at its end.
    fn pull(&mut self, py: Python<'_>) -> PyResult<Option<Page>> {
        match &mut self.source {
            Source::Python { pages, taken } => {
                let Some(item) = pages.bind(py).clone().next() else {
                    return Ok(None);
                };
                let index = *taken;
                *taken += 1;
                Page::from_item(&item?, index).map(Some)
            }
            Source::Archive(archive) => Ok(py.detach(|| archive.next_page())),
        }
    }

    /// The next page's outcome, in input order, or `None` when all are done.
    fn next_outcome(&mut self, py: Python<'_>) -> PyResult<Option<Outcome>> {
        while !self.exhausted && self.pool.has_room() {
            match self.pull(py)? {
                Some(page) => self.pool.submit(page),
                None => self.exhausted = true,
            }
        }
        let pool = &mut self.pool;
        Ok(py.detach(|| pool.next_in_order()))
    }
}

/// Takes the iterator's state, refusing a second thread while one is inside (it would wait
/// for the GIL that the first needs back).
fn take(state: &Mutex<Feed>) -> PyResult<MutexGuard<'_, Feed>> {
    state
        .try_lock()
        .map_err(|_| PyValueError::new_err("this iterator is already being read by another thread"))
}

/// The records of many pages, one list per page, in input order (`Extractor.extract_many`).
#[pyclass(module = "khabar", frozen)]
pub struct PageStream {
    state: Mutex<Feed>,
}

impl PageStream {
    pub fn new(pages: Py<PyIterator>, extractor: Arc<Extractor>, threads: usize) -> Self {
        let source = Source::Python { pages, taken: 0 };
        Self {
            state: Mutex::new(Feed::new(source, extractor, threads)),
        }
    }
}

#[pymethods]
impl PageStream {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let mut feed = take(&self.state)?;
        let taken = feed.pool_delivered();
        match feed.next_outcome(py)? {
            Some(outcome) => page_list(py, outcome, &format!("pages[{taken}]")).map(Some),
            None => Ok(None),
        }
    }
}

impl Feed {
    fn pool_delivered(&self) -> usize {
        self.pool.delivered()
    }
}

/// The records of an archive's HTML pages, one at a time (`Extractor.extract_warc`).
#[pyclass(module = "khabar", frozen)]
pub struct ArchiveRecords {
    state: Mutex<(Feed, VecDeque<Record>)>,
}

impl ArchiveRecords {
    pub fn new(archive: ArchivePages, extractor: Arc<Extractor>, threads: usize) -> Self {
        let feed = Feed::new(Source::Archive(Box::new(archive)), extractor, threads);
        Self {
            state: Mutex::new((feed, VecDeque::new())),
        }
    }

    fn lock(&self) -> PyResult<MutexGuard<'_, (Feed, VecDeque<Record>)>> {
        self.state.try_lock().map_err(|_| {
            PyValueError::new_err("this iterator is already being read by another thread")
        })
    }
}

#[pymethods]
impl ArchiveRecords {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut state = self.lock()?;
        let (feed, pending) = &mut *state;
        loop {
            if let Some(record) = pending.pop_front() {
                return to_dict(py, &record).map(Some);
            }
            let Some(outcome) = feed.next_outcome(py)? else {
                return Ok(None);
            };
            let label = match &feed.source {
                Source::Archive(a) => a.label().to_string(),
                Source::Python { .. } => String::new(),
            };
            let records = outcome.map_err(|message| {
                crate::config::KhabarError::new_err(format!(
                    "{label}: the extractor failed ({message}); this is a bug in khabar, please \
                     report it"
                ))
            })?;
            pending.extend(records);
        }
    }

    /// Records the archive held that are not HTML pages, by kind (`request records`,
    /// `non-2xx responses`, …), so far.
    #[getter]
    fn passed(&self) -> PyResult<std::collections::BTreeMap<String, u64>> {
        let state = self.lock()?;
        Ok(match &state.0.source {
            Source::Archive(a) => a.passed(),
            Source::Python { .. } => Default::default(),
        })
    }

    /// Damaged records skipped so far, each as `file: record at offset N: what is wrong`.
    #[getter]
    fn errors(&self) -> PyResult<Vec<String>> {
        let state = self.lock()?;
        Ok(match &state.0.source {
            Source::Archive(a) => a.errors().to_vec(),
            Source::Python { .. } => Vec::new(),
        })
    }
}

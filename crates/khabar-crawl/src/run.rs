//! The `extract` command's pipeline: pages from a [`PageSource`] are extracted on worker
//! threads, records are written to a [`RecordSink`] on the calling thread in input order,
//! each page's records flushed together, so a run that stops keeps everything written
//! before it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::sink::RecordSink;
use crate::source::{InputError, LoadedPage, PageSource};
use khabar_extract::{Extractor, PageOutput};

/// How `extract` runs.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Worker threads; at least 1.
    pub jobs: usize,
    /// Write an account of every record to the explain stream.
    pub explain: bool,
    /// How often a progress line is logged on long runs.
    pub progress_every: Duration,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            jobs: 1,
            explain: false,
            progress_every: Duration::from_secs(5),
        }
    }
}

/// What an `extract` run did.
#[derive(Debug, Default)]
pub struct ExtractStats {
    /// Pages read and extracted.
    pub pages: u64,
    /// Records written.
    pub records: u64,
    /// Inputs that could not be read or were not pages.
    pub failed: u64,
    /// Pages extracted with a problem the user was told of (e.g. malformed bytes).
    pub with_problems: u64,
    /// The write that stopped the run, if one did (the records before it are written
    /// whole; a closed pipe is one too).
    pub write_error: Option<io::Error>,
}

impl ExtractStats {
    /// Whether every page was read and extracted without a problem.
    pub fn all_ok(&self) -> bool {
        self.failed == 0 && self.with_problems == 0
    }
}

type PageResult = Result<(String, PageOutput), InputError>;

fn process(extractor: &Extractor, page: LoadedPage) -> (String, PageOutput) {
    let out = extractor.extract(&page.input());
    (page.label, out)
}

/// Extracts every page of `source` and writes its records to `sink`, in input order, each
/// page's records flushed together. One thread reads the source, `opts.jobs` threads
/// extract, the calling thread writes. Returns the run's counts, with the error that
/// stopped writing if one did (a broken pipe among them: the caller decides it is no
/// failure).
pub fn run_extract(
    source: &mut dyn PageSource,
    extractor: &Extractor,
    sink: &mut dyn RecordSink,
    opts: &ExtractOptions,
    explain_out: &mut dyn Write,
) -> ExtractStats {
    let total = source.len_hint();
    let jobs = opts.jobs.clamp(1, total.unwrap_or(usize::MAX).max(1));
    let stop = AtomicBool::new(false);
    let mut stats = ExtractStats::default();
    let started = Instant::now();
    let mut last_progress = started;

    // the reader: pages in input order, a few ahead of the workers
    let (page_tx, page_rx) =
        mpsc::sync_channel::<(usize, Result<LoadedPage, InputError>)>(jobs * 2);
    let page_rx = Mutex::new(page_rx);
    std::thread::scope(|scope| {
        let stop_reading = &stop;
        scope.spawn(move || {
            let mut i = 0;
            while !stop_reading.load(Ordering::Relaxed) {
                let Some(page) = source.next_page() else {
                    break;
                };
                if page_tx.send((i, page)).is_err() {
                    break;
                }
                i += 1;
            }
        });
        let (tx, rx) = mpsc::sync_channel::<(usize, PageResult)>(jobs * 4);
        for _ in 0..jobs {
            let tx = tx.clone();
            let page_rx = &page_rx;
            scope.spawn(move || {
                loop {
                    let next = page_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((i, page)) = next else { break };
                    let res = page.map(|p| process(extractor, p));
                    if tx.send((i, res)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);

        let mut pending: BTreeMap<usize, PageResult> = BTreeMap::new();
        let mut next_out = 0;
        let result = (|| -> io::Result<()> {
            for (i, res) in rx.iter() {
                pending.insert(i, res);
                while let Some(res) = pending.remove(&next_out) {
                    next_out += 1;
                    write_page(res, sink, opts, explain_out, &mut stats)?;
                }
                if last_progress.elapsed() >= opts.progress_every
                    && total.is_none_or(|t| next_out < t)
                {
                    last_progress = Instant::now();
                    let secs = started.elapsed().as_secs_f64();
                    let of = total.map_or(String::new(), |t| format!("/{t}"));
                    tracing::info!(
                        "{next_out}{of} inputs, {} records, {} failed, {:.0} pages/s",
                        stats.records,
                        stats.failed,
                        stats.pages as f64 / secs.max(1e-9)
                    );
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            stop.store(true, Ordering::Relaxed);
            stats.write_error = Some(e);
        }
        drop(rx);
        // the workers end when the reader does; it ends at the next page it reads
        drop(page_rx.lock().map(|rx| while rx.try_recv().is_ok() {}));
    });
    if let Err(e) = sink.close()
        && stats.write_error.is_none()
    {
        stats.write_error = Some(e);
    }
    stats
}

fn write_page(
    res: PageResult,
    sink: &mut dyn RecordSink,
    opts: &ExtractOptions,
    explain_out: &mut dyn Write,
    stats: &mut ExtractStats,
) -> io::Result<()> {
    let (label, out) = match res {
        Ok(v) => v,
        Err(e) => {
            stats.failed += 1;
            tracing::error!("{e}");
            return Ok(());
        }
    };
    stats.pages += 1;
    let empty = out
        .articles
        .iter()
        .filter(|(r, _)| r.headline.is_none() && r.body.is_empty())
        .count();
    if !out.problems.is_empty() || empty > 0 {
        stats.with_problems += 1;
        for p in &out.problems {
            tracing::warn!("{label}: {p}");
        }
        if empty > 0 {
            tracing::warn!(
                "{label}: no headline and no text found: not an article page, or a profile whose selectors no longer match (see --explain)"
            );
        }
    }
    let n = out.articles.len();
    for (i, (record, trace)) in out.articles.iter().enumerate() {
        sink.write(record)?;
        stats.records += 1;
        if opts.explain {
            let label = format!("{label}, article {} of {n}", i + 1);
            explain_out.write_all(trace.render(record, &label).as_bytes())?;
        }
    }
    sink.flush()
}

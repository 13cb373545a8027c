//! The `extract` command's pipeline: inputs are read and extracted on worker threads,
//! records are written on the calling thread in input order, each page's records flushed
//! together, so a run that stops keeps everything written before it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use khabar_extract::extract::{Extractor, PageInput, PageOutput};
use crate::sink::NdjsonWriter;
use crate::source::{InputError, InputItem, load};

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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractStats {
    /// Pages read and extracted.
    pub pages: u64,
    pub records: u64,
    /// Inputs that could not be read or were not pages.
    pub failed: u64,
    /// Pages extracted with a problem the user was told of (e.g. malformed bytes).
    pub with_problems: u64,
}

impl ExtractStats {
    pub fn all_ok(&self) -> bool {
        self.failed == 0 && self.with_problems == 0
    }
}

type PageResult = Result<(String, PageOutput), InputError>;

fn process(extractor: &Extractor, item: InputItem) -> PageResult {
    let page = load(item)?;
    let input = PageInput {
        bytes: &page.bytes,
        page_url: page.item.url.clone(),
        http_charset: None,
        source: page.source.clone(),
        fallback_url: page.fallback_url.clone(),
    };
    Ok((page.item.label(), extractor.extract(&input)))
}

/// Extracts every input and writes its records. Returns the run's counts, or the error
/// that stopped writing (a broken pipe among them: the caller decides it is no failure).
pub fn run_extract<W: Write>(
    items: Vec<InputItem>,
    extractor: &Extractor,
    sink: &mut NdjsonWriter<W>,
    opts: &ExtractOptions,
    explain_out: &mut dyn Write,
) -> io::Result<ExtractStats> {
    let total = items.len();
    let jobs = opts.jobs.clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut stats = ExtractStats::default();
    let started = Instant::now();
    let mut last_progress = started;

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, PageResult)>(jobs * 4);
        for _ in 0..jobs {
            let tx = tx.clone();
            let (items, next, stop) = (&items, &next, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if tx.send((i, process(extractor, item.clone()))).is_err() {
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
                if last_progress.elapsed() >= opts.progress_every && next_out < total {
                    last_progress = Instant::now();
                    let secs = started.elapsed().as_secs_f64();
                    tracing::info!(
                        "{next_out}/{total} inputs, {} records, {} failed, {:.0} pages/s",
                        stats.records,
                        stats.failed,
                        stats.pages as f64 / secs.max(1e-9)
                    );
                }
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        drop(rx);
        result
    })?;
    Ok(stats)
}

fn write_page<W: Write>(
    res: PageResult,
    sink: &mut NdjsonWriter<W>,
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
    if !out.problems.is_empty() {
        stats.with_problems += 1;
        for p in &out.problems {
            tracing::warn!("{label}: {p}");
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

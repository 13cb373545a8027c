//! The run: the listings are read first; then `connections` threads stream archives (one
//! each at a time), pass every record through the host filter and hand the pages kept to
//! `jobs` extraction threads; the calling thread writes the records, each archive's in
//! file order, and commits to the state the record boundary reached once the records
//! before it are written and flushed.
//!
//! Each archive's items carry a sequence number, so the writer puts them back in order
//! whatever thread extracted them. Besides pages, a reader sends a mark now and then (the
//! boundary reached through records passed over) and an end (read to its end, failed,
//! stopped). Channels are bounded: a slow writer holds the extraction back, which holds the
//! transfers back, so memory stays a few pages per thread.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use khabar_extract::{Extractor, PageOutput};

use super::filter::HostFilter;
use super::http::OpenError;
use super::listing::{self, Archive};
use super::pages::{ArchiveRecords, Step};
use super::progress::{CcNewsCounts, CcNewsProgress};
use super::source::{KeepCopy, Listing, Source};
use super::state::CcNewsState;
use super::{CcNewsError, CcNewsOptions, CcNewsSummary, MAX_CONNECTIONS};
use crate::sink::RecordSink;
use crate::source::LoadedPage;

/// A mark is sent after this many bytes of records passed over…
const MARK_BYTES: u64 = 8 * 1024 * 1024;
/// …or this long after the last one.
const MARK_EVERY: Duration = Duration::from_secs(2);

/// An archive to read, and where.
struct Todo {
    /// As listed (the state's key).
    path: String,
    /// Its address (messages, `source.file`).
    address: String,
    /// The record boundary an earlier run reached.
    offset: u64,
}

/// A page for an extraction thread.
struct Work {
    archive: usize,
    seq: u64,
    end: u64,
    page: Box<LoadedPage>,
}

/// How reading an archive ended.
enum Outcome {
    /// Read to its end.
    Read { size: Option<u64>, report: String },
    /// Given up on.
    Failed(String),
    /// Asked to stop.
    Stopped,
}

/// What the writer receives, per archive, in sequence.
enum Item {
    Page {
        end: u64,
        label: String,
        out: PageOutput,
    },
    Mark {
        end: u64,
    },
    End(Outcome),
}

struct Done {
    archive: usize,
    seq: u64,
    item: Item,
}

/// Counts the reader threads add to.
#[derive(Default)]
struct Shared {
    bytes: Arc<AtomicU64>,
    warc_records: AtomicU64,
    responses: AtomicU64,
    damaged: AtomicU64,
    /// Sizes of the archives opened: how many, their sum, and the sum of what was left to
    /// read in each (size less the offset taken up at).
    sized: AtomicU64,
    size_sum: AtomicU64,
    left_sum: AtomicU64,
}

/// Per archive, on the writer's side.
#[derive(Default)]
struct Lane {
    next: u64,
    waiting: BTreeMap<u64, Item>,
    records: u64,
}

/// Reads the CC-NEWS archives of `opts.from` to `opts.to`, keeps the pages on the hosts
/// asked for, extracts them and writes their records to `sink`. Call it from outside an
/// async runtime. Returns what the run did; an `Err` is a problem found before anything
/// was read (the range, the source, the hosts, the state) or the state failing on the way.
/// The sink is closed at the end (files synced).
pub fn run_ccnews(
    extractor: &Extractor,
    opts: &CcNewsOptions,
    sink: &mut dyn RecordSink,
    progress: &mut dyn CcNewsProgress,
) -> Result<CcNewsSummary, CcNewsError> {
    let started = Instant::now();
    if opts.from > opts.to {
        return Err(CcNewsError::BadRange {
            from: opts.from,
            to: opts.to,
        });
    }
    if opts.connections == 0 || opts.connections > MAX_CONNECTIONS {
        return Err(CcNewsError::Connections(opts.connections));
    }
    let profiles = if opts.profiles_hosts {
        let p = extractor.profiles();
        if p.list.is_empty() {
            return Err(CcNewsError::NoProfiles {
                origin: p.origin.display().to_string(),
            });
        }
        Some(p.clone())
    } else {
        None
    };
    let filter = Arc::new(HostFilter::new(&opts.hosts, profiles)?);
    if filter.keeps_all() {
        tracing::warn!(
            "no --host and no --profiles: every HTML page of every archive is extracted"
        );
    }
    let source = Source::new(&opts.source, opts.http.clone())?;
    if opts.keep.is_some() && source.is_local() {
        tracing::info!("--keep: the archives are read from a folder already; no copy is made");
    }
    tracing::info!(
        "CC-NEWS from {} to {}, read from {}, keeping pages of {}",
        opts.from,
        opts.to,
        source.describe(),
        match (filter.hosts().is_empty(), opts.profiles_hosts) {
            (true, false) => "every host".to_string(),
            (false, false) => filter.hosts().join(", "),
            (true, true) => "the hosts the profiles cover".to_string(),
            (false, true) => format!(
                "{} and the hosts the profiles cover",
                filter.hosts().join(", ")
            ),
        }
    );
    let state = opts
        .state
        .as_deref()
        .map(|p| CcNewsState::open(p, &filter.selection()))
        .transpose()?;
    let halt = Arc::new(AtomicBool::new(false));
    let asked_to_stop = || {
        opts.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    };

    let mut summary = CcNewsSummary::default();
    // the listings
    let months = listing::months(opts.from, opts.to);
    summary.months = months.len();
    let mut archives: Vec<Archive> = Vec::new();
    for month in months {
        if asked_to_stop() {
            summary.stopped = true;
            break;
        }
        match source.listing(month, &halt) {
            Listing::Found(paths) => {
                let listed = paths.len();
                let (found, unreadable) = listing::select(month, paths, opts.from, opts.to);
                if unreadable > 0 {
                    tracing::warn!(
                        "{month}: {unreadable} archives without a time stamp in their name left out (the range covers part of the month only)"
                    );
                }
                tracing::info!("{month}: {} of {listed} archives in the range", found.len());
                archives.extend(found);
            }
            Listing::Missing(place) => {
                tracing::warn!(
                    "{month}: no listing at {place} (CC-NEWS has none for this month, or the source is not laid out as crawl-data/CC-NEWS/YYYY/MM/); going on with the other months"
                );
                summary.months_missing.push(place);
            }
            Listing::Failed(why) => {
                tracing::error!(
                    "{month}: the listing cannot be read: {why}; going on with the other months"
                );
                summary.months_failed.push(why);
            }
        }
    }
    summary.archives = archives.len();

    // what earlier runs did
    let mut todo = Vec::new();
    for a in archives {
        let status = match &state {
            Some(s) => s.status(&a.path)?,
            None => Default::default(),
        };
        if status.done {
            summary.archives_before += 1;
            continue;
        }
        let address = source.address(&a.path);
        if status.offset > 0 {
            tracing::info!(
                "{address}: taken up at byte {} (an earlier run wrote the {} records before it)",
                status.offset,
                status.records
            );
        }
        todo.push(Todo {
            path: a.path,
            address,
            offset: status.offset,
        });
    }
    if summary.archives_before > 0 {
        tracing::info!(
            "{} of {} archives were read to their end by earlier runs; {} left",
            summary.archives_before,
            summary.archives,
            todo.len()
        );
    }

    let shared = Shared::default();
    let jobs = opts.jobs.max(1);
    let connections = opts.connections.min(todo.len().max(1));
    let queue: Mutex<VecDeque<usize>> = Mutex::new((0..todo.len()).collect());
    let mut fatal: Option<CcNewsError> = None;

    if !todo.is_empty() && !summary.stopped {
        let (work_tx, work_rx) = mpsc::sync_channel::<Work>(jobs * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::sync_channel::<Done>(jobs * 4 + connections * 4);
        std::thread::scope(|scope| {
            for _ in 0..connections {
                let ctx = Reader {
                    todo: &todo,
                    queue: &queue,
                    source: &source,
                    filter: filter.clone(),
                    keep: opts.keep.as_deref(),
                    halt: halt.clone(),
                    shared: &shared,
                    work: work_tx.clone(),
                    done: done_tx.clone(),
                };
                std::thread::Builder::new()
                    .name("khabar-ccnews-read".into())
                    .spawn_scoped(scope, move || ctx.run())
                    .expect("reader thread");
            }
            drop(work_tx);
            for _ in 0..jobs {
                let rx = work_rx.clone();
                let tx = done_tx.clone();
                std::thread::Builder::new()
                    .name("khabar-ccnews-extract".into())
                    .spawn_scoped(scope, move || extract_pages(extractor, rx, tx))
                    .expect("extraction thread");
            }
            drop(work_rx);
            drop(done_tx);

            let mut writer = Writer {
                todo: &todo,
                lanes: (0..todo.len()).map(|_| Lane::default()).collect(),
                sink: &mut *sink,
                state: state.as_ref(),
                summary: &mut summary,
                max_records: opts.max_records,
            };
            let result = writer.run(done_rx, &halt, &asked_to_stop, &shared, started, progress);
            if let Err(e) = result {
                fatal = Some(e);
            }
            halt.store(true, Ordering::Relaxed);
        });
    }
    progress.finish();
    if let Err(e) = sink.close()
        && summary.write_error.is_none()
    {
        summary.write_error = Some(e);
    }
    if let Some(e) = fatal {
        return Err(e);
    }
    summary.bytes = shared.bytes.load(Ordering::Relaxed);
    summary.warc_records = shared.warc_records.load(Ordering::Relaxed);
    summary.responses = shared.responses.load(Ordering::Relaxed);
    summary.damaged = shared.damaged.load(Ordering::Relaxed);
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// One reader thread's view of the run.
struct Reader<'a> {
    todo: &'a [Todo],
    queue: &'a Mutex<VecDeque<usize>>,
    source: &'a Source,
    filter: Arc<HostFilter>,
    keep: Option<&'a std::path::Path>,
    halt: Arc<AtomicBool>,
    shared: &'a Shared,
    work: SyncSender<Work>,
    done: SyncSender<Done>,
}

impl Reader<'_> {
    /// Takes archives off the queue and reads them, until it is empty or the run stops.
    fn run(self) {
        loop {
            if self.halt.load(Ordering::Relaxed) {
                return;
            }
            let Some(i) = self
                .queue
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop_front()
            else {
                return;
            };
            if !self.read(i) {
                return;
            }
        }
    }

    /// Reads archive `i`; false when the writer is gone.
    fn read(&self, i: usize) -> bool {
        let t = &self.todo[i];
        let mut seq = 0;
        let send = |seq: &mut u64, item: Item| -> bool {
            let ok = self
                .done
                .send(Done {
                    archive: i,
                    seq: *seq,
                    item,
                })
                .is_ok();
            *seq += 1;
            ok
        };
        let opened =
            match self
                .source
                .open(&t.path, t.offset, &self.halt, self.shared.bytes.clone())
            {
                Ok(o) => o,
                Err(e) => {
                    let outcome = match e {
                        OpenError::NotFound => Outcome::Failed("not found (HTTP 404)".into()),
                        OpenError::Failed(m) => Outcome::Failed(m),
                        OpenError::Stopped => Outcome::Stopped,
                    };
                    return send(&mut seq, Item::End(outcome));
                }
            };
        if let Some(size) = opened.size {
            self.shared.sized.fetch_add(1, Ordering::Relaxed);
            self.shared.size_sum.fetch_add(size, Ordering::Relaxed);
            self.shared
                .left_sum
                .fetch_add(size.saturating_sub(t.offset), Ordering::Relaxed);
        }
        tracing::debug!("{}: reading from byte {}", t.address, t.offset);
        let reader: Box<dyn std::io::Read + Send> = match self.keep {
            Some(dir) if !self.source.is_local() => {
                Box::new(KeepCopy::new(opened.reader, dir, &t.path, t.offset))
            }
            _ => opened.reader,
        };
        let filter = (!self.filter.keeps_all()).then(|| self.filter.clone());
        let mut records = ArchiveRecords::new(
            reader,
            t.offset,
            t.address.clone(),
            filter,
            self.halt.clone(),
        );
        let mut counted = (0, 0, 0);
        let mut marked = t.offset;
        let mut marked_at = Instant::now();
        let outcome = loop {
            let Some(step) = records.next() else {
                break Outcome::Read {
                    size: opened.size,
                    report: records.report(),
                };
            };
            let end = match step {
                Step::Page(page, end) => {
                    let w = Work {
                        archive: i,
                        seq,
                        end,
                        page,
                    };
                    seq += 1;
                    if self.work.send(w).is_err() {
                        return false;
                    }
                    marked = end;
                    marked_at = Instant::now();
                    self.count(&records, &mut counted);
                    continue;
                }
                Step::Passed(end) => Some(end),
                Step::Damaged(e, end) => {
                    tracing::warn!("{e}");
                    end
                }
                Step::Failed(why) => break Outcome::Failed(why),
                Step::Stopped => break Outcome::Stopped,
            };
            self.count(&records, &mut counted);
            if let Some(end) = end
                && (end - marked >= MARK_BYTES || marked_at.elapsed() >= MARK_EVERY)
            {
                marked = end;
                marked_at = Instant::now();
                if !send(&mut seq, Item::Mark { end }) {
                    return false;
                }
            }
        };
        self.count(&records, &mut counted);
        send(&mut seq, Item::End(outcome))
    }

    /// Adds what the archive's counts gained since `last` to the run's.
    fn count(&self, records: &ArchiveRecords, last: &mut (u64, u64, u64)) {
        let c = &records.counts;
        let s = self.shared;
        s.warc_records
            .fetch_add(c.records - last.0, Ordering::Relaxed);
        s.responses
            .fetch_add(c.responses - last.1, Ordering::Relaxed);
        s.damaged.fetch_add(c.damaged - last.2, Ordering::Relaxed);
        *last = (c.records, c.responses, c.damaged);
    }
}

/// An extraction thread: pages in, records out, until either side is gone.
fn extract_pages(extractor: &Extractor, rx: Arc<Mutex<Receiver<Work>>>, tx: SyncSender<Done>) {
    loop {
        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(w) = next else { return };
        let out = extractor.extract(&w.page.input());
        let done = Done {
            archive: w.archive,
            seq: w.seq,
            item: Item::Page {
                end: w.end,
                label: w.page.label,
                out,
            },
        };
        if tx.send(done).is_err() {
            return;
        }
    }
}

/// The calling thread's part: records written in order, the state committed after.
struct Writer<'a> {
    todo: &'a [Todo],
    lanes: Vec<Lane>,
    sink: &'a mut dyn RecordSink,
    state: Option<&'a CcNewsState>,
    summary: &'a mut CcNewsSummary,
    max_records: Option<u64>,
}

/// Whether the writer goes on.
enum Next {
    Go,
    Stop,
}

impl Writer<'_> {
    fn run(
        &mut self,
        rx: Receiver<Done>,
        halt: &AtomicBool,
        asked_to_stop: &dyn Fn() -> bool,
        shared: &Shared,
        started: Instant,
        progress: &mut dyn CcNewsProgress,
    ) -> Result<(), CcNewsError> {
        loop {
            if asked_to_stop() {
                self.summary.stopped = true;
                halt.store(true, Ordering::Relaxed);
                return Ok(());
            }
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(done) => {
                    let lane = &mut self.lanes[done.archive];
                    lane.waiting.insert(done.seq, done.item);
                    if let Next::Stop = self.drain(done.archive)? {
                        halt.store(true, Ordering::Relaxed);
                        return Ok(());
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            progress.update(&self.counts(shared, started));
        }
    }

    fn counts(&self, shared: &Shared, started: Instant) -> CcNewsCounts {
        let sized = shared.sized.load(Ordering::Relaxed) as usize;
        let bytes_expected = (sized > 0).then(|| {
            let mean = shared.size_sum.load(Ordering::Relaxed) / sized as u64;
            shared.left_sum.load(Ordering::Relaxed)
                + (self.todo.len().saturating_sub(sized) as u64) * mean
        });
        CcNewsCounts {
            archives: self.summary.archives,
            archives_before: self.summary.archives_before,
            archives_done: self.summary.archives_done,
            archives_failed: self.summary.archives_failed.len(),
            bytes: shared.bytes.load(Ordering::Relaxed),
            bytes_expected,
            warc_records: shared.warc_records.load(Ordering::Relaxed),
            pages: self.summary.pages,
            records: self.summary.records,
            elapsed: started.elapsed(),
        }
    }

    /// Handles archive `a`'s items that are next in its sequence.
    fn drain(&mut self, a: usize) -> Result<Next, CcNewsError> {
        loop {
            let lane = &mut self.lanes[a];
            let Some(item) = lane.waiting.remove(&lane.next) else {
                return Ok(Next::Go);
            };
            lane.next += 1;
            if let Next::Stop = self.handle(a, item)? {
                return Ok(Next::Stop);
            }
        }
    }

    fn handle(&mut self, a: usize, item: Item) -> Result<Next, CcNewsError> {
        let t = &self.todo[a];
        match item {
            Item::Page { end, label, out } => {
                self.summary.pages += 1;
                let empty = out
                    .articles
                    .iter()
                    .filter(|(r, _)| r.headline.is_none() && r.body.is_empty())
                    .count();
                if !out.problems.is_empty() || empty > 0 {
                    self.summary.with_problems += 1;
                    for p in &out.problems {
                        tracing::debug!("{label}: {p}");
                    }
                    if empty > 0 {
                        tracing::debug!(
                            "{label}: no headline and no text found: not an article page, or a profile whose selectors no longer match"
                        );
                    }
                }
                let n = out.articles.len() as u64;
                let written = out
                    .articles
                    .iter()
                    .try_for_each(|(record, _)| self.sink.write(record))
                    .and_then(|()| self.sink.flush());
                if let Err(e) = written {
                    self.summary.write_error = Some(e);
                    return Ok(Next::Stop);
                }
                self.summary.records += n;
                self.lanes[a].records += n;
                if let Some(s) = self.state {
                    s.commit(&t.path, end, n, 1)?;
                }
                if self.max_records.is_some_and(|m| self.summary.records >= m) {
                    self.summary.stopped = true;
                    return Ok(Next::Stop);
                }
            }
            Item::Mark { end } => {
                if let Some(s) = self.state {
                    s.commit(&t.path, end, 0, 0)?;
                }
            }
            Item::End(Outcome::Read { size, report }) => {
                if let Some(s) = self.state {
                    s.finish(&t.path, size)?;
                }
                self.summary.archives_done += 1;
                tracing::info!(
                    "{}: read to its end: {report}; {} records written",
                    t.address,
                    self.lanes[a].records
                );
            }
            Item::End(Outcome::Failed(why)) => {
                let at = match self.state {
                    Some(s) => format!(
                        "; the next run takes it up at byte {}",
                        s.status(&t.path)?.offset
                    ),
                    None => String::new(),
                };
                tracing::error!("{}: given up: {why}{at}", t.address);
                self.summary.archives_failed.push((t.address.clone(), why));
            }
            Item::End(Outcome::Stopped) => {}
        }
        Ok(Next::Go)
    }
}

//! Where records go, and as what: a [`Destination`] (standard output, a file, a folder of
//! files rotated by the hour or the day, a folder of one file per article) opened for an
//! [`OutputFormat`] (NDJSON, or documents) gives a [`RecordSink`]; [`NdjsonWriter`] writes
//! NDJSON to any writer. A [`crate::Crawler`] hands what it finds over as [`Output`].
//!
//! A crawl's output thread: records are written to their [`RecordSink`] and, with a crawl
//! state, what each one means for the state is committed only after it is written. This is
//! the one place that order is kept: a crash in between writes the record again on the next
//! run, with the same id and revision, and never loses one.
//!
//! A quit asked for while a line is being written ([`quit_after_line`], the second Ctrl-C)
//! waits for that line to be whole.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use khabar_extract::Record;

use crate::frontier::FrontierStore;
pub use crate::sink::{Destination, NdjsonWriter, OutputFormat, RecordSink, Rotate};
pub(crate) use crate::state::{ArticleUpdate, FetchUpdate};
use crate::state::{CrawlState, StateError};

/// What the crawl hands to the output thread.
#[derive(Debug)]
pub enum Output {
    /// A record to write and, with a crawl state, what to remember of it once written.
    Record(Box<Record>, Option<ArticleUpdate>),
    /// A fetch to remember in the crawl state (nothing is written).
    Fetch(FetchUpdate),
    /// A request done: off the stored frontier, once what it gave is written.
    Done(String),
}

/// Where the output thread commits what was written: the crawl state and the frontier.
#[derive(Clone)]
pub(crate) struct Committer {
    /// Fetches and articles.
    pub state: Arc<dyn CrawlState>,
    /// Requests done.
    pub frontier: Arc<dyn FrontierStore>,
}

/// Why the output thread stopped early.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    /// The records could not be written.
    #[error("{0}")]
    Write(#[from] io::Error),
    /// The state could not be committed.
    #[error("{0}")]
    State(#[from] StateError),
}

impl OutputError {
    /// Whether the reader of the output went away (not an error of khabar's).
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// How the output thread ended: the records it wrote whole, and what stopped it early.
#[derive(Debug)]
pub(crate) struct OutputEnd {
    /// Records written whole.
    pub written: u64,
    /// What stopped it before the crawl ended, if anything.
    pub error: Option<OutputError>,
}

/// Asked to quit: the writer stops before its next line.
static QUIT: AtomicBool = AtomicBool::new(false);
/// A line is being written.
static WRITING: AtomicBool = AtomicBool::new(false);

/// Asks the output thread to stop before its next line, and waits (at most `limit`) for the
/// line it is writing, if any, to be whole. The caller may then end the process.
pub fn quit_after_line(limit: Duration) -> bool {
    QUIT.store(true, Ordering::SeqCst);
    let start = Instant::now();
    while WRITING.load(Ordering::SeqCst) {
        if start.elapsed() >= limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

/// Writes records arriving on a channel, one line each, flushed at once, on a thread of
/// its own so that a slow reader never stalls the crawl's scheduler; commits to `commit`
/// after each write. The destination is opened before this returns: one that cannot be
/// written is an error now, not after the first page. The thread ends when every sender
/// is gone or a write fails (a closed pipe among them).
pub(crate) fn spawn_output_writer(
    destination: Destination,
    format: OutputFormat,
    commit: Option<Committer>,
) -> io::Result<(SyncSender<Output>, JoinHandle<OutputEnd>)> {
    let (tx, rx) = mpsc::sync_channel::<Output>(1024);
    let (opened_tx, opened_rx) = mpsc::channel::<io::Result<()>>();
    let handle = std::thread::spawn(move || -> OutputEnd {
        let mut sink = match destination.open(&format) {
            Ok(sink) => {
                let _ = opened_tx.send(Ok(()));
                sink
            }
            Err(e) => {
                let _ = opened_tx.send(Err(e));
                return OutputEnd {
                    written: 0,
                    error: None,
                };
            }
        };
        let mut end = drain(rx, sink.as_mut(), commit.as_ref());
        // whatever happened, what was written is made durable
        if let Err(e) = sink.close()
            && end.error.is_none()
        {
            end.error = Some(e.into());
        }
        end
    });
    match opened_rx.recv() {
        Ok(Ok(())) => Ok((tx, handle)),
        Ok(Err(e)) => {
            let _ = handle.join();
            Err(e)
        }
        Err(_) => Err(io::Error::other("the output thread failed")),
    }
}

fn drain(rx: Receiver<Output>, sink: &mut dyn RecordSink, commit: Option<&Committer>) -> OutputEnd {
    let mut written = 0;
    let fail = |written, e: OutputError| OutputEnd {
        written,
        error: Some(e),
    };
    for item in rx {
        match item {
            Output::Record(record, update) => {
                // announce the line before looking at QUIT: a quit either stops it here or
                // waits for it (see quit_after_line)
                WRITING.store(true, Ordering::SeqCst);
                if QUIT.load(Ordering::SeqCst) {
                    WRITING.store(false, Ordering::SeqCst);
                    break;
                }
                let wrote = sink.write(&record).and_then(|()| sink.flush());
                WRITING.store(false, Ordering::SeqCst);
                if let Err(e) = wrote {
                    return fail(written, e.into());
                }
                written += 1;
                if let (Some(c), Some(u)) = (commit, update)
                    && let Err(e) = c.state.record_article(&u)
                {
                    return fail(written, e.into());
                }
            }
            Output::Done(url) => {
                if let Some(c) = commit
                    && let Err(e) = c.frontier.done(&url)
                {
                    return fail(written, e.into());
                }
            }
            Output::Fetch(f) => {
                if let Some(c) = commit
                    && let Err(e) = c.state.record_fetch(&f)
                {
                    return fail(written, e.into());
                }
            }
        }
    }
    OutputEnd {
        written,
        error: None,
    }
}

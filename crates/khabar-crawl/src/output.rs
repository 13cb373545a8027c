//! A crawl's output thread: records are written to their [`RecordSink`] and, with a crawl
//! state, what each one means for the state is committed only after it is written. This is
//! the one place that order is kept: a crash in between writes the record again on the next
//! run, with the same id and revision, and never loses one.

use std::io;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use khabar_extract::Record;

use crate::frontier::FrontierStore;
use crate::sink::RecordSink;
pub use crate::sink::{Destination, Rotate};
pub use crate::state::{ArticleUpdate, FetchUpdate};
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
pub struct Committer {
    /// Fetches and articles.
    pub state: Arc<dyn CrawlState>,
    /// Requests done.
    pub frontier: Arc<dyn FrontierStore>,
}

/// Why the output thread stopped early.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The records could not be written.
    #[error("{0}")]
    Write(#[from] io::Error),
    /// The state could not be committed.
    #[error("{0}")]
    State(#[from] StateError),
}

impl OutputError {
    /// Whether the reader of the output went away (not an error of khabar's).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Writes records arriving on a channel, one line each, flushed at once, on a thread of
/// its own so that a slow reader never stalls the crawl's scheduler; commits to `commit`
/// after each write. The thread ends when every sender is gone or a write fails (a closed
/// pipe among them); its result says which, and how many records were written.
pub fn spawn_output_writer(
    destination: Destination,
    commit: Option<Committer>,
) -> (SyncSender<Output>, JoinHandle<Result<u64, OutputError>>) {
    let (tx, rx) = mpsc::sync_channel::<Output>(1024);
    let handle = std::thread::spawn(move || -> Result<u64, OutputError> {
        let mut sink = destination.open()?;
        let result = drain(rx, sink.as_mut(), commit.as_ref());
        // whatever happened, what was written is made durable
        let closed = sink.close();
        let written = result?;
        closed?;
        Ok(written)
    });
    (tx, handle)
}

fn drain(
    rx: Receiver<Output>,
    sink: &mut dyn RecordSink,
    commit: Option<&Committer>,
) -> Result<u64, OutputError> {
    let mut written = 0;
    for item in rx {
        match item {
            Output::Record(record, update) => {
                sink.write(&record)?;
                sink.flush()?;
                written += 1;
                if let (Some(c), Some(u)) = (commit, update) {
                    c.state.record_article(&u)?;
                }
            }
            Output::Done(url) => {
                if let Some(c) = commit {
                    c.frontier.done(&url)?;
                }
            }
            Output::Fetch(f) => {
                if let Some(c) = commit {
                    c.state.record_fetch(&f)?;
                }
            }
        }
    }
    Ok(written)
}

//! Where a crawl's records go: standard output, a file, or a folder of files rotated by the
//! hour or the day. Written by a thread of its own, which also commits to the crawl state
//! what each record means once the record is on disk.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};

use khabar_extract::record::Record;
use crate::sink::{NdjsonWriter, open_append};
use crate::state::{StateError, StateStore};

/// How often `--output-dir` starts a new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotate {
    Hourly,
    Daily,
}

impl Rotate {
    /// The file name for records written at `t`: `khabar-2026-11-29T03.ndjson` (hourly),
    /// `khabar-2026-11-29.ndjson` (daily), UTC.
    pub fn file_name(self, t: DateTime<Utc>) -> String {
        match self {
            Rotate::Hourly => t.format("khabar-%Y-%m-%dT%H.ndjson").to_string(),
            Rotate::Daily => t.format("khabar-%Y-%m-%d.ndjson").to_string(),
        }
    }
}

/// Where records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// Appended to one file.
    File(PathBuf),
    /// Appended to files in a folder, a new one each hour or day.
    Dir {
        dir: PathBuf,
        rotate: Rotate,
    },
}

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

/// An article as the crawl state keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleUpdate {
    pub id: String,
    pub url: String,
    pub content_hash: String,
    pub revision: u32,
}

/// A fetch as the crawl state keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchUpdate {
    pub url: String,
    pub host: String,
    pub status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub error: Option<String>,
}

/// Why the output thread stopped early.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}")]
    Write(#[from] io::Error),
    #[error("{0}")]
    State(#[from] StateError),
}

impl OutputError {
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Writes records arriving on a channel, one line each, flushed at once, on a thread of
/// its own so that a slow reader never stalls the crawl's scheduler. With a crawl state,
/// what a record means for it is committed only after the record is written: a crash in
/// between writes the record again on the next run, with the same id and revision, and
/// never loses one. The thread ends when every sender is gone or a write fails (a closed
/// pipe among them); its result says which, and how many records were written.
pub fn spawn_output_writer(
    destination: Destination,
    state: Option<StateStore>,
) -> (SyncSender<Output>, JoinHandle<Result<u64, OutputError>>) {
    let (tx, rx) = mpsc::sync_channel::<Output>(1024);
    let handle = std::thread::spawn(move || -> Result<u64, OutputError> {
        let mut lines = Lines::open(destination)?;
        let result = drain(rx, &mut lines, state);
        // whatever happened, what was written is made durable
        let closed = lines.close();
        let written = result?;
        closed?;
        Ok(written)
    });
    (tx, handle)
}

fn drain(
    rx: Receiver<Output>,
    lines: &mut Lines,
    mut state: Option<StateStore>,
) -> Result<u64, OutputError> {
    let mut written = 0;
    for item in rx {
        match item {
            Output::Record(record, update) => {
                lines.write(&record)?;
                written += 1;
                if let (Some(st), Some(u)) = (state.as_mut(), update) {
                    st.record_article(&u.id, &u.url, &u.content_hash, u.revision)?;
                }
            }
            Output::Done(url) => {
                if let Some(st) = state.as_mut() {
                    st.frontier_done(&url)?;
                }
            }
            Output::Fetch(f) => {
                if let Some(st) = state.as_mut() {
                    st.record_fetch(
                        &f.url,
                        &f.host,
                        f.status,
                        f.etag.as_deref(),
                        f.last_modified.as_deref(),
                        f.error.as_deref(),
                    )?;
                }
            }
        }
    }
    Ok(written)
}

/// The open output: records are written whole and flushed one by one; files are synced
/// to disk when rotated and when closed.
enum Lines {
    Stdout(NdjsonWriter<BufWriter<io::StdoutLock<'static>>>),
    File(NdjsonWriter<BufWriter<File>>),
    Dir {
        dir: PathBuf,
        rotate: Rotate,
        current: Option<(String, NdjsonWriter<BufWriter<File>>)>,
    },
}

impl Lines {
    fn open(d: Destination) -> io::Result<Self> {
        Ok(match d {
            Destination::Stdout => {
                Lines::Stdout(NdjsonWriter::new(BufWriter::new(io::stdout().lock())))
            }
            Destination::File(p) => Lines::File(NdjsonWriter::new(open_append(&p)?)),
            Destination::Dir { dir, rotate } => {
                std::fs::create_dir_all(&dir)?;
                Lines::Dir {
                    dir,
                    rotate,
                    current: None,
                }
            }
        })
    }

    fn write(&mut self, record: &Record) -> io::Result<()> {
        let sink = match self {
            Lines::Stdout(w) => {
                w.write(record)?;
                return w.flush();
            }
            Lines::File(w) => w,
            Lines::Dir {
                dir,
                rotate,
                current,
            } => {
                let name = rotate.file_name(Utc::now());
                if current.as_ref().is_none_or(|(n, _)| *n != name) {
                    if let Some((_, old)) = current.take() {
                        sync(old)?;
                    }
                    *current = Some((
                        name.clone(),
                        NdjsonWriter::new(open_append(&dir.join(&name))?),
                    ));
                }
                &mut current.as_mut().expect("just opened").1
            }
        };
        sink.write(record)?;
        sink.flush()
    }

    fn close(self) -> io::Result<()> {
        match self {
            Lines::Stdout(mut w) => w.flush(),
            Lines::File(w) => sync(w),
            Lines::Dir { current, .. } => current.map_or(Ok(()), |(_, w)| sync(w)),
        }
    }
}

fn sync(w: NdjsonWriter<BufWriter<File>>) -> io::Result<()> {
    let file = w.into_inner()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()
}

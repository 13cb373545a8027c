//! Writing records: one JSON object per line. A line is serialised whole before any of it
//! is written, so a reader never sees half a record from khabar itself.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use serde::Serialize;

use crate::record::Record;
use crate::state::{StateError, StateStore};

pub struct NdjsonWriter<W: Write> {
    out: W,
    line: Vec<u8>,
    written: u64,
}

impl<W: Write> NdjsonWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            line: Vec::with_capacity(16 * 1024),
            written: 0,
        }
    }

    /// Serialises `record` into one line and writes it.
    pub fn write<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record).map_err(io::Error::other)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        self.written += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// Opens `path` for appending records. When the file's last line was left unfinished (a
/// run that was killed mid-write by something else), a line break is written first so
/// that every new record starts on a line of its own.
pub fn open_append(path: &Path) -> io::Result<BufWriter<File>> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)?;
    let len = file.metadata()?.len();
    if len > 0 {
        file.seek(SeekFrom::Start(len - 1))?;
        let mut last = [0u8; 1];
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    Ok(BufWriter::with_capacity(64 * 1024, file))
}

/// What the crawl hands to the output thread.
#[derive(Debug)]
pub enum Output {
    /// A record to write and, with a crawl state, what to remember of it once written.
    Record(Box<Record>, Option<ArticleUpdate>),
    /// A fetch to remember in the crawl state (nothing is written).
    Fetch(FetchUpdate),
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
    output: Option<PathBuf>,
    state: Option<StateStore>,
) -> (SyncSender<Output>, JoinHandle<Result<u64, OutputError>>) {
    let (tx, rx) = mpsc::sync_channel::<Output>(1024);
    let handle = std::thread::spawn(move || -> Result<u64, OutputError> {
        fn drain<W: Write>(
            rx: Receiver<Output>,
            out: W,
            mut state: Option<StateStore>,
        ) -> Result<u64, OutputError> {
            let mut sink = NdjsonWriter::new(out);
            for item in rx {
                match item {
                    Output::Record(record, update) => {
                        sink.write(&*record)?;
                        sink.flush()?;
                        if let (Some(st), Some(u)) = (state.as_mut(), update) {
                            st.record_article(&u.id, &u.url, &u.content_hash, u.revision)?;
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
            Ok(sink.written())
        }
        match output {
            Some(path) => drain(rx, open_append(&path)?, state),
            None => drain(rx, io::BufWriter::new(io::stdout().lock()), state),
        }
    });
    (tx, handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_object_per_line() {
        let mut w = NdjsonWriter::new(Vec::new());
        w.write(&serde_json::json!({"a": "x\ny"})).unwrap();
        w.write(&serde_json::json!({"b": 1})).unwrap();
        assert_eq!(
            String::from_utf8(w.out).unwrap(),
            "{\"a\":\"x\\ny\"}\n{\"b\":1}\n"
        );
    }

    #[test]
    fn appending_after_a_torn_line_starts_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.ndjson");
        std::fs::write(&p, "{\"a\":1}\n{\"torn\":").unwrap();
        let mut w = NdjsonWriter::new(open_append(&p).unwrap());
        w.write(&serde_json::json!({"b": 2})).unwrap();
        w.flush().unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"a\":1}\n{\"torn\":\n{\"b\":2}\n"
        );
    }
}

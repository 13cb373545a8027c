//! Where records go: one JSON object per line, to standard output, a file, or a folder of
//! files rotated by the hour or the day. A line is serialised whole before any of it is
//! written, so a reader never sees half a record from khabar itself. A new kind of output
//! is one more [`RecordSink`].

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use khabar_extract::Record;

/// Something records are written to, one at a time, each whole or not at all. A sink is
/// opened on the thread that writes to it (standard output's lock stays on its thread).
pub trait RecordSink {
    /// Writes one record.
    fn write(&mut self, record: &Record) -> io::Result<()>;
    /// Hands what was written on to the reader (after a page's records).
    fn flush(&mut self) -> io::Result<()>;
    /// Makes everything written durable (files are synced to disk).
    fn close(&mut self) -> io::Result<()>;
}

/// How often [`RotatingSink`] starts a new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotate {
    /// One file per hour.
    Hourly,
    /// One file per day.
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
    /// Standard output.
    Stdout,
    /// Appended to one file.
    File(PathBuf),
    /// Appended to files in a folder, a new one each hour or day.
    Dir {
        /// The folder.
        dir: PathBuf,
        /// How often a new file starts.
        rotate: Rotate,
    },
}

impl Destination {
    /// Opens the destination for writing records.
    pub fn open(&self) -> io::Result<Box<dyn RecordSink>> {
        Ok(match self {
            Destination::Stdout => Box::new(NdjsonWriter::new(BufWriter::with_capacity(
                64 * 1024,
                io::stdout().lock(),
            ))),
            Destination::File(p) => Box::new(FileSink(NdjsonWriter::new(open_append(p)?))),
            Destination::Dir { dir, rotate } => {
                std::fs::create_dir_all(dir)?;
                Box::new(RotatingSink {
                    dir: dir.clone(),
                    rotate: *rotate,
                    current: None,
                })
            }
        })
    }
}

/// Serialises values as NDJSON lines to any writer.
pub struct NdjsonWriter<W: Write> {
    out: W,
    line: Vec<u8>,
    written: u64,
}

impl<W: Write> NdjsonWriter<W> {
    /// Lines go to `out`.
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

    /// Flushes the writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The underlying writer, flushed.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> RecordSink for NdjsonWriter<W> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        NdjsonWriter::write(self, record)
    }

    fn flush(&mut self) -> io::Result<()> {
        NdjsonWriter::flush(self)
    }

    fn close(&mut self) -> io::Result<()> {
        NdjsonWriter::flush(self)
    }
}

/// Records appended to a file, synced to disk when closed.
pub struct FileSink(pub NdjsonWriter<BufWriter<File>>);

impl RecordSink for FileSink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.0.write(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }

    fn close(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.0.out.get_ref().sync_all()
    }
}

/// Records appended to files in a folder, a new file each hour or day (UTC); a file is
/// synced to disk when the next one starts and when the sink is closed.
pub struct RotatingSink {
    dir: PathBuf,
    rotate: Rotate,
    current: Option<(String, FileSink)>,
}

impl RecordSink for RotatingSink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        let name = self.rotate.file_name(Utc::now());
        if self.current.as_ref().is_none_or(|(n, _)| *n != name) {
            if let Some((_, mut old)) = self.current.take() {
                old.close()?;
            }
            let file = FileSink(NdjsonWriter::new(open_append(&self.dir.join(&name))?));
            self.current = Some((name, file));
        }
        let (_, sink) = self.current.as_mut().expect("just opened");
        sink.write(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.current.as_mut().map_or(Ok(()), |(_, s)| s.flush())
    }

    fn close(&mut self) -> io::Result<()> {
        self.current.as_mut().map_or(Ok(()), |(_, s)| s.close())
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

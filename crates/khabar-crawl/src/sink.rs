//! Writing records: one JSON object per line. A line is serialised whole before any of it
//! is written, so a reader never sees half a record from khabar itself.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Serialize;

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

    /// The underlying writer, flushed.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
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

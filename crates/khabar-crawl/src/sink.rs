//! Where records go, and as what: the destination (standard output, a file, a folder of
//! files rotated by the hour or the day, or a folder of one file per article) and the
//! format (NDJSON records, optionally with the article as Markdown, text or HTML in a field
//! of each; or documents in one of those formats) are chosen apart. A record is written
//! whole or not at all:
//! - it is serialised whole before any of it is written, and written with one call;
//! - in a file (also standard output sent to a file), a write that fails (a full disk) is
//!   undone by cutting the file back to its last whole line;
//! - a line left unfinished by a khabar run that was killed mid-write is cut off when the
//!   file is next opened for appending (a line another program left unfinished is kept,
//!   and khabar starts on a new line).
//!
//! A new kind of output is one more [`RecordSink`].

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use khabar_extract::Record;
use khabar_extract::render::Format;

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

/// How often a new file starts in a folder of rotated files ([`Destination::Dir`]).
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
    pub(crate) fn file_name(self, t: DateTime<Utc>) -> String {
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
    /// Written to one file, emptied first (`-O`): once per job, then appended to.
    Replace(PathBuf),
    /// Appended to files in a folder, a new one each hour or day.
    Dir {
        /// The folder.
        dir: PathBuf,
        /// How often a new file starts.
        rotate: Rotate,
    },
    /// One file per article in a folder, named by its id (`ID.md`, `ID.json`…); a new
    /// revision of an article replaces its file.
    Files(PathBuf),
}

/// What records are written as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputFormat {
    /// Documents in this format, metadata on top; `None`: NDJSON records.
    pub document: Option<Format>,
    /// With NDJSON: the article in these formats too, each in a field of the record named
    /// by the format (`markdown`, `text`, `html`).
    pub fields: Vec<Format>,
}

/// A record with the article in other formats in fields of its own.
#[derive(Serialize)]
struct WithFields<'a> {
    #[serde(flatten)]
    record: &'a Record,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
}

impl OutputFormat {
    /// NDJSON records, nothing added.
    pub fn ndjson() -> Self {
        Self::default()
    }

    /// One record as it is written to a stream: an NDJSON line, or a document and a blank
    /// line, into `out` (cleared first).
    pub(crate) fn encode(&self, record: &Record, out: &mut Vec<u8>) -> io::Result<()> {
        out.clear();
        match self.document {
            Some(f) => {
                out.extend_from_slice(f.document(record).as_bytes());
                out.push(b'\n');
            }
            None if self.fields.is_empty() => ndjson_line(record, out)?,
            None => {
                let field = |f: Format| self.fields.contains(&f).then(|| f.body(record));
                let with = WithFields {
                    record,
                    markdown: field(Format::Markdown),
                    text: field(Format::Text),
                    html: field(Format::Html),
                };
                ndjson_line(&with, out)?;
            }
        }
        Ok(())
    }

    /// The extension of a file holding one record: `json`, or the document format's.
    pub(crate) fn extension(&self) -> &'static str {
        self.document.map_or("json", Format::extension)
    }
}

impl Destination {
    /// Readies the destination for a job of one or more runs: a file to replace is
    /// emptied now, once, and appended to by every run (an `--every` loop keeps what its
    /// earlier runs wrote).
    pub(crate) fn start(&self) -> io::Result<Destination> {
        Ok(match self {
            Destination::Replace(p) => {
                std::fs::File::create(p)?;
                Destination::File(p.clone())
            }
            other => other.clone(),
        })
    }

    /// Opens the destination for writing records in `format`: a file is created (and a
    /// line a killed khabar left unfinished at its end cut off), a folder made.
    pub fn open(&self, format: &OutputFormat) -> io::Result<Box<dyn RecordSink>> {
        Ok(match self {
            Destination::Stdout => match AppendFile::stdout(format.clone())? {
                Some(file) => Box::new(file),
                None => Box::new(StreamSink {
                    out: BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
                    format: format.clone(),
                    buf: Vec::new(),
                }),
            },
            Destination::File(p) => Box::new(AppendFile::open(p, format.clone())?),
            Destination::Replace(p) => {
                std::fs::File::create(p)?;
                Box::new(AppendFile::open(p, format.clone())?)
            }
            Destination::Dir { dir, rotate } => {
                std::fs::create_dir_all(dir)?;
                // a folder that cannot be written fails now, not at the first record
                tempfile_probe(dir)?;
                Box::new(RotatingSink {
                    dir: dir.clone(),
                    rotate: *rotate,
                    format: format.clone(),
                    current: None,
                })
            }
            Destination::Files(dir) => {
                std::fs::create_dir_all(dir)?;
                tempfile_probe(dir)?;
                Box::new(FilesSink {
                    dir: dir.clone(),
                    format: format.clone(),
                    buf: Vec::new(),
                })
            }
        })
    }

    /// The destination as messages name it.
    pub fn describe(&self) -> String {
        match self {
            Destination::Stdout => "standard output".into(),
            Destination::File(p) | Destination::Replace(p) => p.display().to_string(),
            Destination::Dir { dir, .. } | Destination::Files(dir) => dir.display().to_string(),
        }
    }
}

/// Records written to a stream (a pipe, a terminal), each with one write.
struct StreamSink<W: Write> {
    out: W,
    format: OutputFormat,
    buf: Vec<u8>,
}

impl<W: Write> RecordSink for StreamSink<W> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.format.encode(record, &mut self.buf)?;
        self.out.write_all(&self.buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn close(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One file per article in a folder, each written to a temporary name first and renamed
/// into place: a file is whole or not there.
struct FilesSink {
    dir: PathBuf,
    format: OutputFormat,
    buf: Vec<u8>,
}

impl RecordSink for FilesSink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.format.encode(record, &mut self.buf)?;
        let name = format!("{}.{}", record.id, self.format.extension());
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let result = std::fs::write(&tmp, &self.buf)
            .and_then(|()| File::open(&tmp)?.sync_all())
            .and_then(|()| std::fs::rename(&tmp, self.dir.join(&name)));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        File::open(&self.dir)?.sync_all()
    }
}

/// Creates and removes a file in `dir`: whether records can be written there.
fn tempfile_probe(dir: &Path) -> io::Result<()> {
    let probe = dir.join(format!(".khabar-probe-{}", std::process::id()));
    File::create(&probe)?;
    std::fs::remove_file(&probe)
}

/// Serialises `record` as one NDJSON line, line break included, into `line`.
pub(crate) fn ndjson_line<T: Serialize>(record: &T, line: &mut Vec<u8>) -> io::Result<()> {
    line.clear();
    serde_json::to_writer(&mut *line, record).map_err(io::Error::other)?;
    line.push(b'\n');
    Ok(())
}

/// Serialises values as NDJSON lines to any writer, each line with one `write_all`.
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
        ndjson_line(record, &mut self.line)?;
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

/// A file records are appended to, a whole line per write; a write that fails cuts the
/// file back to its last whole line. Synced to disk when closed.
pub(crate) struct AppendFile {
    file: File,
    /// The file's length up to its last whole record.
    whole: u64,
    format: OutputFormat,
    line: Vec<u8>,
}

/// What opening a file for appending found at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TailRepair {
    /// Nothing to do: empty, or ending with a line break.
    Clean,
    /// A line another program left unfinished: a line break was added after it.
    LineBreakAdded,
    /// A record khabar left unfinished (killed mid-write): these many bytes were cut off.
    Cut(u64),
}

impl AppendFile {
    /// Opens (creating) `path` for appending records in `format`, repairing its end (see
    /// [`repair_tail`]).
    pub(crate) fn open(path: &Path, format: OutputFormat) -> io::Result<Self> {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        match repair_tail(&mut file)? {
            TailRepair::Clean => {}
            TailRepair::LineBreakAdded => tracing::info!(
                "{}: its last line was unfinished (not a khabar record): records start on a new line",
                path.display()
            ),
            TailRepair::Cut(n) => tracing::warn!(
                "{}: a record a stopped khabar run left unfinished at its end ({n} bytes) was cut off",
                path.display()
            ),
        }
        let whole = file.metadata()?.len();
        Ok(Self {
            file,
            whole,
            format,
            line: Vec::with_capacity(16 * 1024),
        })
    }

    /// Standard output, when it is a regular file (`> out.ndjson`, `>> out.ndjson`): then it
    /// gets a file's guarantees. `None` for a pipe or a terminal.
    #[cfg(unix)]
    pub(crate) fn stdout(format: OutputFormat) -> io::Result<Option<Self>> {
        use std::os::fd::AsFd;
        let fd = io::stdout().as_fd().try_clone_to_owned()?;
        let mut file = File::from(fd);
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return Ok(None);
        }
        let pos = file.stream_position()?;
        if pos == 0 {
            // appended to (`>>`): a line a killed run left unfinished is cut off
            repair_tail(&mut file)?;
        }
        let whole = pos.max(file.metadata()?.len());
        Ok(Some(Self {
            file,
            whole,
            format,
            line: Vec::with_capacity(16 * 1024),
        }))
    }

    /// Standard output is never treated as a file here.
    #[cfg(not(unix))]
    pub fn stdout(_: OutputFormat) -> io::Result<Option<Self>> {
        Ok(None)
    }

    /// Writes one record, or, if that fails, cuts the file back to its last whole record
    /// and returns the error.
    pub(crate) fn write_record(&mut self, record: &Record) -> io::Result<()> {
        self.format.encode(record, &mut self.line)?;
        self.write_encoded()
    }

    /// Writes any value as one NDJSON line, as [`AppendFile::write_record`] does.
    #[cfg(test)]
    fn write_line<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        ndjson_line(value, &mut self.line)?;
        self.write_encoded()
    }

    fn write_encoded(&mut self) -> io::Result<()> {
        if let Err(e) = self.file.write_all(&self.line) {
            if let Err(cut) = self.file.set_len(self.whole) {
                tracing::error!("cannot cut the output back to its last whole record: {cut}");
            }
            return Err(e);
        }
        self.whole += self.line.len() as u64;
        Ok(())
    }
}

impl RecordSink for AppendFile {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.write_record(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        self.file.sync_all()
    }
}

/// The prefix of every khabar record's line.
const RECORD_PREFIX: &[u8] = b"{\"schema\":\"khabar.";

/// Most bytes read back looking for the start of an unfinished last line.
const TAIL_SCAN: u64 = 256 * 1024 * 1024;

/// Looks at the end of a file opened for appending: when its last line is unfinished, a
/// khabar record cut short is cut off (a whole one only lacking its line break gets it),
/// and anything else gets a line break after it.
pub(crate) fn repair_tail(file: &mut File) -> io::Result<TailRepair> {
    let len = file.metadata()?.len();
    if len == 0 || last_byte(file, len)? == b'\n' {
        return Ok(TailRepair::Clean);
    }
    let start = last_line_start(file, len)?;
    let line_len = len - start;
    let mut head = vec![0u8; RECORD_PREFIX.len().min(line_len as usize)];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut head)?;
    if head == RECORD_PREFIX && !is_whole_json(file, start, line_len)? {
        file.set_len(start)?;
        return Ok(TailRepair::Cut(line_len));
    }
    file.write_all(b"\n")?;
    Ok(TailRepair::LineBreakAdded)
}

fn last_byte(file: &mut File, len: u64) -> io::Result<u8> {
    let mut b = [0u8; 1];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut b)?;
    Ok(b[0])
}

/// Where the file's last line starts (just past the last line break), looking back at most
/// [`TAIL_SCAN`] bytes.
fn last_line_start(file: &mut File, len: u64) -> io::Result<u64> {
    let mut end = len;
    let mut buf = vec![0u8; 64 * 1024];
    while end > 0 && len - end < TAIL_SCAN {
        let from = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(chunk)?;
        if let Some(nl) = memchr::memrchr(b'\n', chunk) {
            return Ok(from + nl as u64 + 1);
        }
        end = from;
    }
    Ok(end)
}

/// Whether the `len` bytes from `start` are one whole JSON object.
fn is_whole_json(file: &mut File, start: u64, len: u64) -> io::Result<bool> {
    if len > TAIL_SCAN {
        return Ok(false);
    }
    let mut line = vec![0u8; len as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut line)?;
    Ok(serde_json::from_slice::<serde::de::IgnoredAny>(&line).is_ok())
}

/// Records appended to files in a folder, a new file each hour or day (UTC); a file is
/// synced to disk when the next one starts and when the sink is closed.
pub(crate) struct RotatingSink {
    dir: PathBuf,
    rotate: Rotate,
    format: OutputFormat,
    current: Option<(String, AppendFile)>,
}

impl RecordSink for RotatingSink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        let name = self.rotate.file_name(Utc::now());
        if self.current.as_ref().is_none_or(|(n, _)| *n != name) {
            if let Some((_, mut old)) = self.current.take() {
                old.close()?;
            }
            let file = AppendFile::open(&self.dir.join(&name), self.format.clone())?;
            self.current = Some((name, file));
        }
        let (_, sink) = self.current.as_mut().expect("just opened");
        sink.write(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        self.current.as_mut().map_or(Ok(()), |(_, s)| s.close())
    }
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

    fn appended(before: &str) -> (String, TailRepair) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.ndjson");
        std::fs::write(&p, before).unwrap();
        let mut f = OpenOptions::new().append(true).read(true).open(&p).unwrap();
        let repair = repair_tail(&mut f).unwrap();
        drop(f);
        let mut w = AppendFile::open(&p, OutputFormat::ndjson()).unwrap();
        w.write_line(&serde_json::json!({"b": 2})).unwrap();
        (std::fs::read_to_string(&p).unwrap(), repair)
    }

    #[test]
    fn another_programs_unfinished_line_is_kept_and_a_new_line_started() {
        let (text, repair) = appended("{\"a\":1}\n{\"torn\":");
        assert_eq!(text, "{\"a\":1}\n{\"torn\":\n{\"b\":2}\n");
        assert_eq!(repair, TailRepair::LineBreakAdded);
    }

    #[test]
    fn a_record_khabar_left_unfinished_is_cut_off() {
        let torn = "{\"schema\":\"khabar.article/1\",\"id\":\"ab";
        let (text, repair) = appended(&format!("{{\"a\":1}}\n{torn}"));
        assert_eq!(text, "{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(repair, TailRepair::Cut(torn.len() as u64));
        // the only line of the file
        let (text, _) = appended(torn);
        assert_eq!(text, "{\"b\":2}\n");
        // a whole record that only lacks its line break is kept
        let whole = "{\"schema\":\"khabar.article/1\",\"id\":\"ab\"}";
        let (text, repair) = appended(whole);
        assert_eq!(text, format!("{whole}\n{{\"b\":2}}\n"));
        assert_eq!(repair, TailRepair::LineBreakAdded);
        // clean files are left alone
        assert_eq!(appended("").1, TailRepair::Clean);
        assert_eq!(appended("{\"a\":1}\n").1, TailRepair::Clean);
    }

    /// A device that is always full: a write fails after part of the line, and the file is
    /// cut back to what it held.
    #[test]
    #[cfg(target_os = "linux")]
    fn a_failed_write_is_cut_back_to_the_last_whole_line() {
        let full = std::path::Path::new("/dev/full");
        if !full.exists() {
            return;
        }
        let mut f = AppendFile {
            file: OpenOptions::new().write(true).open(full).unwrap(),
            whole: 0,
            format: OutputFormat::ndjson(),
            line: Vec::new(),
        };
        let err = f.write_line(&serde_json::json!({"b": 2})).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28), "ENOSPC: {err}");
        assert_eq!(f.whole, 0);
    }
}

//! The crate's error types. Every reader error names the byte offset of the record (or gzip
//! member) it is about, so a caller can report `file:offset` and go on.

use std::io;
use std::path::PathBuf;

/// What went wrong with one record while reading an archive.
///
/// `offset` is where the damaged record starts: the compressed offset of its gzip member in a
/// `.warc.gz`, the byte offset of its `WARC/1.x` line in a plain `.warc`. After any of these
/// but [`WarcError::Io`] the reader resynchronises and goes on with the next record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcError {
    /// The underlying reader failed; the iteration ends after this error.
    #[error("offset {offset}: read error: {source}")]
    Io {
        /// Position in the input when the read failed.
        offset: u64,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A gzip member that does not decompress (bad header, bad deflate data, CRC mismatch),
    /// or bytes between members that are not a gzip member.
    #[error("offset {offset}: corrupt gzip member: {detail}")]
    Gzip {
        /// Compressed offset of the member.
        offset: u64,
        /// The decoder's complaint.
        detail: String,
    },
    /// A record header that is not `WARC/1.x` followed by `Name: value` lines and a blank line,
    /// or lacks `WARC-Type`.
    #[error("offset {offset}: bad record header: {detail}")]
    BadHeader {
        /// Offset of the record.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// `Content-Length` missing, not a number, or not matching where the next record starts.
    #[error("offset {offset}: bad Content-Length: {detail}")]
    BadContentLength {
        /// Offset of the record.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// The input (or the gzip member) ends before the record does.
    #[error("offset {offset}: truncated record: {detail}")]
    Truncated {
        /// Offset of the record.
        offset: u64,
        /// How much was expected and found.
        detail: String,
    },
    /// A record bigger than the reader's limit; it is skipped without being held in memory.
    #[error("offset {offset}: record over the limit of {limit} bytes: {detail}")]
    TooLarge {
        /// Offset of the record.
        offset: u64,
        /// The limit in force ([`crate::WarcReader::with_max_record_size`]).
        limit: u64,
        /// The declared size, where known.
        detail: String,
    },
}

impl WarcError {
    /// The offset of the damaged record (or of the failed read).
    pub fn offset(&self) -> u64 {
        match self {
            WarcError::Io { offset, .. }
            | WarcError::Gzip { offset, .. }
            | WarcError::BadHeader { offset, .. }
            | WarcError::BadContentLength { offset, .. }
            | WarcError::Truncated { offset, .. }
            | WarcError::TooLarge { offset, .. } => *offset,
        }
    }

    /// What is wrong, without the offset: for a caller that names the place itself.
    pub fn problem(&self) -> String {
        let whole = self.to_string();
        let prefix = format!("offset {}: ", self.offset());
        whole
            .strip_prefix(&prefix)
            .map_or_else(|| whole.clone(), str::to_string)
    }
}

/// An HTTP message in a record's block that cannot be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The block does not start with an `HTTP/x.y NNN` status line.
    #[error("bad HTTP status line: {0}")]
    BadStatusLine(String),
    /// A header line without a colon, or an empty name.
    #[error("bad HTTP header line: {0}")]
    BadHeader(String),
}

/// A failure while writing an archive. The file named is left ending at its last whole record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Creating, writing or truncating a file failed.
    #[error("{}: offset {offset}: {source}", path.display())]
    Io {
        /// The file (or directory) concerned.
        path: PathBuf,
        /// Where in the file the write started (0 for directories and new files).
        offset: u64,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

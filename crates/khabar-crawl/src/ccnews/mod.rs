//! News archives at scale: Common Crawl's news crawl (CC-NEWS) by date range, streamed,
//! filtered by host, extracted and resumable.
//!
//! ```text
//! months of the range → warc.paths.gz → archives in the range → stream (HTTP Range on a
//! break) → WARC records → host filter (WARC-Target-URI) → extract → records → sink → state
//! ```
//!
//! - The listing: the months of the range, each month's `warc.paths.gz`, and the archives
//!   whose time stamp is in the range.
//! - The archives are read as they arrive, over HTTP(S) or from a local folder laid out
//!   the same way, with the WARC reader; nothing is stored unless a copy is asked for
//!   (`keep`). A transfer that breaks off is taken up where it stopped (`Range`); failed
//!   requests and `429`/`5xx` answers are tried again after a growing wait, or the one
//!   `Retry-After` asks for.
//! - [`HostFilter`]: responses are kept when their address is on one of the hosts asked
//!   for (subdomains included) or on a host a site profile covers, decided from the
//!   record's header before its HTTP message or HTML is read.
//! - Kept pages are extracted on `jobs` threads; records are written on the calling
//!   thread, each archive's in file order.
//! - [`CcNewsState`]: each finished archive, and the record boundary reached in one under
//!   way, committed after the records before it are written and flushed: a second run does
//!   only what is left and writes nothing twice.
//! - [`CcNewsProgress`]: archives done of all, bytes, pages kept, records, rate, time left.
//!
//! The entry point is [`run_ccnews`]. [`RemoteArchives`] streams `http(s)://…warc.gz`
//! addresses for `khabar extract`.

mod filter;
mod http;
mod listing;
mod pages;
mod progress;
mod run;
mod signals;
mod source;
mod state;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use chrono::NaiveDate;

pub use filter::{BadHost, HostFilter};
pub use http::{HttpOptions, is_remote};
pub use pages::{BadArchiveUrl, ChainSource, RemoteArchives, split_inputs};
pub use progress::{CcNewsCounts, CcNewsProgress, LogProgress, NoCcNewsProgress};
pub use run::run_ccnews;
pub use signals::{EXIT_INTERRUPTED, stop_on_signals};
pub use state::{ArchiveStatus, CcNewsState};

/// Common Crawl's address, where CC-NEWS is read from unless told otherwise.
pub const DEFAULT_SOURCE: &str = "https://data.commoncrawl.org/";
/// Where the state is kept unless told otherwise (relative to the working folder).
pub const DEFAULT_STATE_PATH: &str = ".khabar/ccnews.db";
/// Archives streamed at once, unless told otherwise.
pub const DEFAULT_CONNECTIONS: usize = 2;
/// The most archives streamed at once: Common Crawl asks for few connections.
pub const MAX_CONNECTIONS: usize = 16;

/// Parses a day as given on the command line: `YYYY-MM-DD` (UTC).
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a day: write it YYYY-MM-DD, e.g. 2024-03-01"))
}

/// What to read and how.
#[derive(Debug, Clone)]
pub struct CcNewsOptions {
    /// The base address (`https://data.commoncrawl.org/`, a mirror) or a local folder laid
    /// out the same way (`crawl-data/CC-NEWS/YYYY/MM/`).
    pub source: String,
    /// The first day, UTC, inclusive.
    pub from: NaiveDate,
    /// The last day, UTC, inclusive.
    pub to: NaiveDate,
    /// Keep pages on these hosts and their subdomains.
    pub hosts: Vec<String>,
    /// Keep pages on the hosts the site profiles cover, too.
    pub profiles_hosts: bool,
    /// Extraction threads; at least 1.
    pub jobs: usize,
    /// Archives streamed at once (one connection each); 1 to [`MAX_CONNECTIONS`].
    pub connections: usize,
    /// Keep a copy of each archive read in this folder, at its path below the source.
    pub keep: Option<PathBuf>,
    /// The state file; `None`: nothing remembered, every archive read from its start.
    pub state: Option<PathBuf>,
    /// Requests: User-Agent, time limit, retries, backoff.
    pub http: HttpOptions,
    /// Stop once this many records are written (after the page that reaches it).
    pub max_records: Option<u64>,
    /// Set it to stop the run (Ctrl-C): it ends at a record boundary, with what was
    /// written committed to the state.
    pub stop: Option<Arc<AtomicBool>>,
}

impl CcNewsOptions {
    /// Every page of CC-NEWS from `from` to `to` (give hosts, or the profiles option, to
    /// keep fewer), with the defaults: Common Crawl's address, two connections, one
    /// extraction thread per CPU, the state in [`DEFAULT_STATE_PATH`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            source: DEFAULT_SOURCE.to_string(),
            from,
            to,
            hosts: Vec::new(),
            profiles_hosts: false,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            connections: DEFAULT_CONNECTIONS,
            keep: None,
            state: Some(PathBuf::from(DEFAULT_STATE_PATH)),
            http: HttpOptions::default(),
            max_records: None,
            stop: None,
        }
    }
}

/// Why a run could not start, or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum CcNewsError {
    /// The range ends before it starts.
    #[error("--from {from} is after --to {to}: give the first day, then the last")]
    BadRange {
        /// The first day given.
        from: NaiveDate,
        /// The last day given.
        to: NaiveDate,
    },
    /// The source is neither an http(s) address nor a folder.
    #[error("--source `{address}`: {message}")]
    BadSource {
        /// The source as given.
        address: String,
        /// What is wrong.
        message: String,
    },
    /// A host that is no host name.
    #[error(transparent)]
    BadHost(#[from] BadHost),
    /// The profiles option with a configuration that has no profiles.
    #[error("--profiles: the configuration ({origin}) has no site profiles")]
    NoProfiles {
        /// Where the configuration came from.
        origin: String,
    },
    /// Too many connections asked for.
    #[error(
        "--connections {0}: give 1 to {MAX_CONNECTIONS} (Common Crawl asks for few connections)"
    )]
    Connections(usize),
    /// The state cannot be opened, read or written.
    #[error("ccnews state {}: {message}", path.display())]
    State {
        /// The state file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// What a run did.
#[derive(Debug, Default)]
pub struct CcNewsSummary {
    /// Months in the range.
    pub months: usize,
    /// Months without a listing: where it was looked for.
    pub months_missing: Vec<String>,
    /// Months whose listing could not be read: why.
    pub months_failed: Vec<String>,
    /// Archives in the range.
    pub archives: usize,
    /// Of those, read to their end by earlier runs (passed over).
    pub archives_before: usize,
    /// Read to their end by this run.
    pub archives_done: usize,
    /// Given up on (address, why); the next run takes each up where this one stopped.
    pub archives_failed: Vec<(String, String)>,
    /// Bytes received (as stored).
    pub bytes: u64,
    /// WARC records read.
    pub warc_records: u64,
    /// Responses among them.
    pub responses: u64,
    /// Pages kept and extracted.
    pub pages: u64,
    /// Records written.
    pub records: u64,
    /// Pages whose extraction found no headline and no text, or a problem with the bytes.
    pub with_problems: u64,
    /// Damaged records passed over.
    pub damaged: u64,
    /// Stopped before the end (asked to, or `max_records` reached).
    pub stopped: bool,
    /// The write that stopped the run, if one did (what was written before is whole and
    /// committed).
    pub write_error: Option<io::Error>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl CcNewsSummary {
    /// Whether every month was listed, every archive read, every record written.
    pub fn all_ok(&self) -> bool {
        self.months_failed.is_empty()
            && self.archives_failed.is_empty()
            && self.write_error.is_none()
            && self.months_missing.len() < self.months.max(1)
    }

    /// One line for the log.
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mut s = format!(
            "{} of {} archives read ({} before), {} failed; {} at {}/s; {} WARC records, {} pages kept, {} records written in {:.1} s",
            self.archives_done,
            self.archives,
            self.archives_before,
            self.archives_failed.len(),
            progress::bytes(self.bytes),
            progress::bytes((self.bytes as f64 / secs.max(1e-9)) as u64),
            self.warc_records,
            self.pages,
            self.records,
            secs
        );
        if !self.months_missing.is_empty() {
            s.push_str(&format!(
                "; {} of {} months without a listing",
                self.months_missing.len(),
                self.months
            ));
        }
        if self.with_problems > 0 {
            s.push_str(&format!(
                "; {} pages with no article found or with bad bytes (-v shows them)",
                self.with_problems
            ));
        }
        if self.damaged > 0 {
            s.push_str(&format!("; {} damaged records skipped", self.damaged));
        }
        if self.stopped {
            s.push_str("; stopped early: the next run takes it up");
        }
        s
    }
}

//! `crawl --warc DIR`: every response the crawl receives is also written to rotating
//! `.warc.gz` files (a `request` and a `response` record per fetch, `WARC-Date`, payload
//! digest), on a thread of its own so that compression never stalls the crawl. The archive
//! can be replayed through `khabar extract` later and gives the same records.

use std::net::IpAddr;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::SystemTime;

use khabar_warc::{Exchange, RequestHead, WarcWriter, WriteError, WriterOptions};
use tokio::sync::mpsc;

use crate::fetch::Fetched;

/// One response to archive, owned (it crosses to the writer's thread).
#[derive(Debug)]
pub(crate) struct ArchivedResponse {
    /// The URL fetched.
    pub url: String,
    /// The response's status.
    pub status: u16,
    /// The response's headers as received, in order (values read as text).
    pub headers: Vec<(String, String)>,
    /// The body as the client handed it over (decompressed).
    pub body: Vec<u8>,
    /// When it was received.
    pub fetched_at: SystemTime,
    /// The server's address, if known.
    pub ip: Option<IpAddr>,
    /// The request's own headers (the ones khabar set: User-Agent, validators).
    pub request_headers: Vec<(String, String)>,
}

impl ArchivedResponse {
    /// What to archive of a fetch.
    pub(crate) fn of(f: &Fetched, agent: &str, extra: &[(&'static str, String)]) -> Self {
        let mut request_headers = vec![("User-Agent".to_string(), agent.to_string())];
        request_headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        Self {
            url: f.url.to_string(),
            status: f.status,
            headers: f.headers.clone(),
            body: f.body.clone(),
            fetched_at: f.received_at,
            ip: f.remote_ip,
            request_headers,
        }
    }
}

/// What the archive thread wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ArchiveSummary {
    /// Responses written.
    pub responses: u64,
    /// The files written to, in order.
    pub files: Vec<PathBuf>,
}

/// The sending end, held by the crawl's requests.
#[derive(Debug, Clone)]
pub(crate) struct ArchiveSender(mpsc::Sender<ArchivedResponse>);

impl ArchiveSender {
    /// Hands a response to the archive thread (waits while it is behind). False when the
    /// thread has stopped (its error is reported when the crawl ends).
    pub(crate) async fn send(&self, r: ArchivedResponse) -> bool {
        self.0.send(r).await.is_ok()
    }
}

/// The archive thread and the way to it.
pub(crate) struct Archiver {
    sender: ArchiveSender,
    thread: JoinHandle<Result<ArchiveSummary, WriteError>>,
}

impl Archiver {
    /// Starts writing to `dir` (created if need be), a new file past `max_file_size` bytes.
    pub(crate) fn start(dir: PathBuf, max_file_size: u64) -> Result<Self, WriteError> {
        let options = WriterOptions {
            max_file_size,
            software: format!("khabar/{}", env!("CARGO_PKG_VERSION")),
            ..WriterOptions::default()
        };
        let mut writer = WarcWriter::new(dir, options)?;
        let (tx, mut rx) = mpsc::channel::<ArchivedResponse>(64);
        let thread = std::thread::spawn(move || -> Result<ArchiveSummary, WriteError> {
            let mut responses = 0;
            while let Some(r) = rx.blocking_recv() {
                let mut ex = Exchange::new(&r.url, r.status, &r.headers, &r.body, r.fetched_at);
                ex.request = RequestHead::Parts {
                    method: "GET",
                    headers: &r.request_headers,
                };
                ex.ip_address = r.ip;
                writer.write_exchange(&ex)?;
                responses += 1;
            }
            let files = writer.finish()?;
            Ok(ArchiveSummary { responses, files })
        });
        Ok(Self {
            sender: ArchiveSender(tx),
            thread,
        })
    }

    /// A sending end for the crawl.
    pub(crate) fn sender(&self) -> ArchiveSender {
        self.sender.clone()
    }

    /// Waits for everything sent to be written and the last file synced to disk. Every
    /// sender must be gone (the crawl over).
    pub(crate) fn finish(self) -> Result<ArchiveSummary, String> {
        drop(self.sender);
        match self.thread.join() {
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the archive thread failed".into()),
        }
    }
}

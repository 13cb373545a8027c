//! A crawl job as the `crawl` command runs it: the crawl state opened (and locked) once,
//! one crawl after another when `--every` is given (never two at once, a little jitter
//! between them), records to their destination, signals handled: Ctrl-C or SIGTERM stops
//! scheduling, lets requests in flight finish, saves, and ends the job; a second Ctrl-C
//! quits at once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::archive::Archiver;
use crate::output::{Committer, Destination, OutputError, OutputFormat, spawn_output_writer};
use crate::shared::{RedisFrontier, RedisState, Server};
use crate::signals::{Caught, Signals};
use crate::state::{HostRun, SqliteFrontier, SqliteState, StateError, StateStore};
use crate::{CrawlError, CrawlProgress, CrawlSettings, Crawler, NoProgress};
use khabar_extract::Extractor;

/// Makes the progress display of each run.
pub type ProgressFactory = Arc<dyn Fn() -> Box<dyn CrawlProgress> + Send + Sync>;

/// What a job is asked to do.
#[derive(Clone)]
pub struct JobOptions {
    /// The crawl's settings, the same for every run.
    pub settings: CrawlSettings,
    /// The crawl state; `None` for a one-shot crawl (or a shared frontier, which
    /// [`CrawlSettings::frontier`] names and which holds the state too).
    pub state: Option<PathBuf>,
    /// Where records go.
    pub destination: Destination,
    /// As what.
    pub format: OutputFormat,
    /// Run again this long after each run ends (with ±5% jitter); `None`: once.
    pub every: Option<Duration>,
    /// `--warc DIR`: every response also written to rotating `.warc.gz` files there, a new
    /// file past the size in bytes.
    pub warc: Option<(PathBuf, u64)>,
    /// The progress display of each run (`None`: none).
    pub progress: Option<ProgressFactory>,
    /// Called on a second Ctrl-C: the caller quits at once (the command line exits 130).
    pub on_second_interrupt: Option<Arc<dyn Fn() + Send + Sync>>,
    /// `--stats FILE`: each run's statistics as one JSON object, the file replaced at the
    /// end of every run ([`crate::stats::CrawlStats::to_json`]).
    pub stats: Option<PathBuf>,
}

impl std::fmt::Debug for JobOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobOptions")
            .field("settings", &self.settings)
            .field("state", &self.state)
            .field("destination", &self.destination)
            .field("every", &self.every)
            .field("stats", &self.stats)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    /// Every run ran to its end.
    Done,
    /// Ctrl-C.
    Interrupted,
    /// SIGTERM (a service manager stopping it).
    Terminated,
    /// The reader of the output went away (a closed pipe): not an error.
    OutputClosed,
    /// The output could not be written (disk full…): the state was not advanced past it.
    OutputFailed {
        /// What went wrong.
        error: String,
        /// Records the run that failed wrote whole before it.
        written: u64,
    },
    /// The shared frontier lost the crawl (its server was flushed, or restarted empty).
    FrontierLost(String),
    /// The last run could not fetch a single page.
    NothingFetched,
    /// The web archive could not be written (the records were).
    ArchiveFailed(String),
}

/// Why a job stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The crawl state could not be opened, read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// A crawl could not start (no seeds, a bad seed, no HTTP client).
    #[error(transparent)]
    Crawl(#[from] CrawlError),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The web archive could not be started (its folder cannot be made or written).
    #[error("cannot start the web archive: {0}")]
    Archive(String),
    /// The output cannot be opened.
    #[error("cannot write to {target}: {source}")]
    Output {
        /// The destination, as named.
        target: String,
        /// Why it cannot be opened.
        source: std::io::Error,
    },
}

/// Signals as the job sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    None,
    Interrupt,
    Terminate,
}

/// Runs the job to its end.
pub fn run_job(extractor: Arc<Extractor>, mut opts: JobOptions) -> Result<JobEnd, JobError> {
    // what cannot be written fails now, before anything is fetched
    opts.destination = opts
        .destination
        .start()
        .map_err(|source| JobError::Output {
            target: opts.destination.describe(),
            source,
        })?;
    if let Some(path) = &opts.stats {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| JobError::Output {
                target: path.display().to_string(),
                source,
            })?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(JobError::Runtime)?;
    let store = match &opts.settings.frontier {
        Some(address) => Backend::Shared(Server::connect(
            address,
            opts.settings.frontier_ca_file.as_deref(),
        )?),
        None => match opts.state.as_deref() {
            Some(path) => Backend::Embedded(SqliteState::new(StateStore::open(path)?)),
            None => Backend::None,
        },
    };
    runtime.block_on(async move {
        let (stop_tx, stop_rx) = watch::channel(Stop::None);
        tokio::spawn(watch_signals(stop_tx, opts.on_second_interrupt.clone()));
        let mut run_no = 0u64;
        loop {
            run_no += 1;
            let end = run_once(&extractor, &opts, &store, stop_rx.clone()).await?;
            let stop = *stop_rx.borrow();
            match (&end, stop) {
                (_, Stop::Interrupt) => return Ok(JobEnd::Interrupted),
                (_, Stop::Terminate) => return Ok(JobEnd::Terminated),
                (JobEnd::Done, _) | (JobEnd::NothingFetched, _) if opts.every.is_some() => {}
                _ => return Ok(end),
            }
            let every = opts.every.expect("checked above");
            let pause = every.mul_f64(1.0 + (fastrand::f64() - 0.5) * 0.1);
            tracing::info!(
                "run {run_no} done; next run in {:.0} s",
                pause.as_secs_f64()
            );
            let mut stop_rx = stop_rx.clone();
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                stop = stop_rx.wait_for(|s| *s != Stop::None) => {
                    let terminated = stop.is_ok_and(|s| *s == Stop::Terminate);
                    return Ok(if terminated { JobEnd::Terminated } else { JobEnd::Interrupted });
                }
            }
        }
    })
}

/// Where a job keeps what lasts between runs.
enum Backend {
    /// Nothing: a one-shot crawl.
    None,
    /// The embedded store of one machine.
    Embedded(SqliteState),
    /// A frontier and state many workers share.
    Shared(Arc<Server>),
}

impl Backend {
    /// The state and frontier of one run.
    fn for_run(&self, settings: &CrawlSettings) -> Result<Option<Committer>, JobError> {
        Ok(match self {
            Backend::None => None,
            // one connection for the scheduler and the output thread: no lock waits
            Backend::Embedded(s) => Some(Committer {
                state: Arc::new(s.clone()),
                frontier: Arc::new(SqliteFrontier::new(s.connection())),
            }),
            Backend::Shared(server) => {
                let frontier = RedisFrontier::join(server.clone(), settings.lease_timeout)?;
                tracing::info!(
                    "worker {} {} crawl {} on the shared frontier {}",
                    frontier.worker(),
                    if frontier.joined() { "joins" } else { "starts" },
                    frontier.generation(),
                    server.shown()
                );
                Some(Committer {
                    state: Arc::new(RedisState::new(server.clone(), frontier.worker())),
                    frontier: Arc::new(frontier),
                })
            }
        })
    }
}

/// One crawl: state connections, output thread, crawler, the run recorded in the state.
async fn run_once(
    extractor: &Arc<Extractor>,
    opts: &JobOptions,
    store: &Backend,
    stop: watch::Receiver<Stop>,
) -> Result<JobEnd, JobError> {
    let started = Instant::now();
    let started_at = chrono::Utc::now();
    let commit = store.for_run(&opts.settings)?;
    let state = commit.as_ref().map(|c| c.state.clone());
    let frontier = commit.as_ref().map(|c| c.frontier.clone());
    let (records, writer) = spawn_output_writer(
        opts.destination.clone(),
        opts.format.clone(),
        commit.clone(),
    )
    .map_err(|source| JobError::Output {
        target: opts.destination.describe(),
        source,
    })?;
    let run = state.as_ref().map(|s| s.begin_run()).transpose()?;
    let mut crawler = Crawler::new(opts.settings.clone(), extractor.clone()).await?;
    let archiver = match &opts.warc {
        Some((dir, size)) => Some(
            Archiver::start(dir.clone(), *size).map_err(|e| JobError::Archive(e.to_string()))?,
        ),
        None => None,
    };
    if let Some(a) = &archiver {
        crawler = crawler.with_archive(a.sender());
    }
    if let Some(c) = commit {
        crawler = crawler.with_state(c.state, c.frontier);
    }
    let (crawl_stop_tx, crawl_stop_rx) = watch::channel(false);
    let forward = {
        let mut stop = stop.clone();
        tokio::spawn(async move {
            if stop.wait_for(|s| *s != Stop::None).await.is_ok() {
                let _ = crawl_stop_tx.send(true);
            }
            // keep the sender alive until the crawl is over: a dropped one reads as a stop
            std::future::pending::<()>().await;
        })
    };
    let mut progress: Box<dyn CrawlProgress> = match &opts.progress {
        Some(make) => make(),
        None => Box::new(NoProgress),
    };
    let outcome = crawler.run(records, crawl_stop_rx, progress.as_mut()).await;
    forward.abort();
    let archived = archiver.map(|a| {
        let done = a.finish();
        match &done {
            Ok(s) => tracing::info!(
                "archived {} responses in {} WARC file(s)",
                s.responses,
                s.files.len()
            ),
            Err(e) => tracing::error!("cannot write the web archive: {e}"),
        }
        done
    });
    let written = tokio::task::spawn_blocking(move || writer.join())
        .await
        .ok()
        .and_then(Result::ok);
    // only now that every record is written and every request marked done: what this
    // worker took and did not finish goes back to a shared frontier
    if let Some(shared) = frontier.as_deref().and_then(|f| f.shared())
        && let Err(e) = shared.leave()
    {
        tracing::warn!("{e}");
    }
    // a signal that came as the last requests finished still ends the run as stopped
    let signalled = *stop.borrow();
    let ending = if outcome.frontier_lost.is_some() {
        "stopped (the shared frontier lost it)"
    } else if signalled == Stop::Terminate {
        "stopped (SIGTERM)"
    } else if outcome.interrupted || signalled == Stop::Interrupt {
        "interrupted"
    } else if outcome.timed_out {
        "stopped (time limit)"
    } else if outcome.output_closed {
        "stopped (the output closed)"
    } else {
        "finished"
    };
    let mut outcome = outcome;
    outcome.stats.written = written.as_ref().map(|end| end.written);
    let summary = outcome.stats.summary(ending, started.elapsed());
    tracing::info!("{summary}");
    if let Some(path) = &opts.stats {
        let json = outcome.stats.to_json(ending, started_at, started.elapsed());
        if let Err(e) = write_whole(path, &json) {
            tracing::error!("cannot write the statistics to {}: {e}", path.display());
        }
    }
    if let (Some(s), Some(run)) = (&state, run) {
        s.end_run(run, &summary)?;
        let hosts: Vec<_> = outcome
            .stats
            .hosts
            .iter()
            .map(|(k, h)| HostRun {
                host: k.clone(),
                requests: h.requests,
                rate: h.achieved_rate(),
                robots: h.robots.clone(),
            })
            .collect();
        s.record_hosts(&hosts)?;
    }
    let Some(end) = written else {
        return Ok(JobEnd::OutputFailed {
            error: "the output thread failed".into(),
            written: 0,
        });
    };
    Ok(match end.error {
        Some(e) if e.is_broken_pipe() => JobEnd::OutputClosed,
        Some(OutputError::State(e)) => return Err(e.into()),
        Some(e) => JobEnd::OutputFailed {
            error: e.to_string(),
            written: end.written,
        },
        None if outcome.frontier_lost.is_some() => {
            JobEnd::FrontierLost(outcome.frontier_lost.unwrap_or_default())
        }
        None if outcome.stats.pages == 0 && outcome.stats.errors_total() > 0 => {
            JobEnd::NothingFetched
        }
        None if matches!(archived, Some(Err(_))) => {
            JobEnd::ArchiveFailed(archived.and_then(Result::err).unwrap_or_default())
        }
        None => JobEnd::Done,
    })
}

async fn watch_signals(tx: watch::Sender<Stop>, on_second: Option<Arc<dyn Fn() + Send + Sync>>) {
    let mut signals = Signals::new();
    while let Some(caught) = signals.next().await {
        match caught {
            Caught::Interrupt if *tx.borrow() == Stop::Interrupt => {
                if let Some(quit) = &on_second {
                    tracing::error!(
                        "interrupted twice: quitting once the record being written is whole"
                    );
                    quit();
                }
            }
            Caught::Interrupt => {
                tracing::warn!(
                    "interrupted: finishing the requests in flight (Ctrl-C again to quit sooner)"
                );
                let _ = tx.send(Stop::Interrupt);
            }
            Caught::Terminate => {
                tracing::warn!("terminated: finishing the requests in flight, then stopping");
                let _ = tx.send(Stop::Terminate);
            }
        }
    }
}

/// Replaces `path` with `value` as one JSON line, whole or not at all (written beside it,
/// then renamed over it).
fn write_whole(path: &std::path::Path, value: &serde_json::Value) -> std::io::Result<()> {
    let mut text = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    text.push(b'\n');
    let name = path
        .file_name()
        .map_or("stats".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, &text)?;
    std::fs::rename(&tmp, path)
}

/// The longest `--every` period: a year.
const MAX_EVERY_SECS: f64 = 365.0 * 86_400.0;

/// Parses `--every`: a number and its unit, `90s`, `15m`, `1h`, `1d`. A bare number is
/// refused: `--every 15` may mean minutes to one reader and seconds to another.
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: write it as 90s, 15m, 1h or 1d"))?;
    let secs = match unit.trim() {
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        "" => {
            return Err(format!(
                "`{s}` has no unit: write {num}s for seconds, {num}m for minutes, {num}h for hours or {num}d for days"
            ));
        }
        _ => return Err(format!("`{s}`: the unit must be s, m, h or d")),
    };
    if !(secs.is_finite() && (1.0..=MAX_EVERY_SECS).contains(&secs)) {
        return Err(format!(
            "`{s}`: the period must be between one second and a year"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_every("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_every("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_every("90s").unwrap(), Duration::from_secs(90));
        let bare = parse_every("15").unwrap_err();
        assert!(bare.contains("no unit") && bare.contains("15m"), "{bare}");
        assert!(parse_every(&format!("1{}d", "0".repeat(300))).is_err());
        assert!(parse_every("366d").is_err());
        assert_eq!(parse_every("1.5s").unwrap(), Duration::from_millis(1500));
        assert!(parse_every("0s").is_err());
        assert!(parse_every("5y").is_err());
        assert!(parse_every("soon").is_err());
    }
}

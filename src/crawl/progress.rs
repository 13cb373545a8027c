//! Feedback on long crawls: a live line on stderr when it is a terminal, a log line every
//! few seconds otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::crawl::stats::CrawlStats;

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last_log: Instant,
    log_every: Duration,
    quiet: bool,
}

impl Progress {
    /// `quiet`: no feedback at all (the summary is still logged by the caller).
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .expect("template"),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            last_log: Instant::now(),
            log_every: Duration::from_secs(5),
            quiet,
        }
    }

    /// No feedback: for tests and embedding.
    pub fn silent() -> Self {
        Self {
            bar: None,
            started: Instant::now(),
            last_log: Instant::now(),
            log_every: Duration::MAX,
            quiet: true,
        }
    }

    pub fn update(&mut self, stats: &CrawlStats, queued: usize, in_flight: usize) {
        if self.quiet {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let msg = format!(
            "fetched {} · queued {queued} · in flight {in_flight} · records {} · errors {} · {:.1} req/s",
            stats.requests,
            stats.records,
            stats.errors_total(),
            stats.requests as f64 / secs
        );
        match &self.bar {
            Some(bar) => bar.set_message(msg),
            None => {
                if self.last_log.elapsed() >= self.log_every {
                    self.last_log = Instant::now();
                    tracing::info!("{msg}");
                }
            }
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

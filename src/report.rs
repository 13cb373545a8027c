//! `khabar state`: what the crawl state knows, for people.

use khabar_crawl::shared::SharedReport;
use khabar_crawl::state::{StateError, StateStore};

/// What the store knows, for people: counts, the last runs, hosts.
pub fn state_report(store: &StateStore) -> Result<String, StateError> {
    let c = store.counts()?;
    let mut report = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(report, "crawl state {}", store.path().display());
    let _ = writeln!(
        report,
        "  URLs known {}, fetched ok {}, errors {}",
        c.urls, c.fetched_ok, c.errors
    );
    let _ = writeln!(
        report,
        "  articles {}, revised at least once {}",
        c.articles, c.revised
    );
    let _ = writeln!(
        report,
        "  queued by a crawl that stopped early {}",
        c.queued
    );
    let _ = writeln!(report, "last runs:");
    for r in store.last_runs(5)? {
        let end = r.ended_at.as_deref().unwrap_or("(did not finish)");
        let _ = writeln!(report, "  #{} {} → {}", r.id, r.started_at, end);
        if let Some(first) = r.summary.as_deref().and_then(|s| s.lines().next()) {
            let _ = writeln!(report, "     {first}");
        }
    }
    let _ = writeln!(report, "hosts:");
    for h in store.hosts()? {
        let _ = writeln!(
            report,
            "  {} {} URLs, last fetch {}",
            h.host,
            h.urls,
            h.last_fetch.as_deref().unwrap_or("-")
        );
        if let Some(n) = h.last_run_requests {
            let rate = h
                .last_run_rate
                .map_or("-".to_string(), |r| format!("{r:.2}/s"));
            let robots = h.robots.as_deref().unwrap_or("not read");
            let _ = writeln!(
                report,
                "     last run: {n} requests at {rate}; robots.txt: {robots}"
            );
        }
    }
    Ok(report)
}

/// What a shared frontier holds, for people: the crawl under way, its workers, what waits
/// per host, the shared state's counts, the last runs, hosts.
pub fn shared_report(r: &SharedReport) -> String {
    let mut report = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(report, "shared frontier {}", r.server);
    if r.generation == 0 {
        let _ = writeln!(report, "  no crawl yet");
    } else {
        let waiting: u64 = r.waiting.iter().map(|(_, n)| n).sum();
        let _ = writeln!(
            report,
            "  crawl {}: waiting {waiting} on {} hosts, taken by workers {}, URLs seen {}, pages {}",
            r.generation,
            r.waiting.len(),
            r.held,
            r.seen,
            r.pages
        );
        let _ = writeln!(
            report,
            "  workers alive {}{}",
            r.workers_alive.len(),
            if r.workers_alive.is_empty() {
                String::new()
            } else {
                format!(": {}", r.workers_alive.join(", "))
            }
        );
        if !r.workers_gone.is_empty() {
            let _ = writeln!(
                report,
                "  workers gone (what they took goes back when a worker next looks): {}",
                r.workers_gone.join(", ")
            );
        }
        for (host, n) in r.waiting.iter().take(10) {
            let _ = writeln!(report, "    {host}: {n} waiting");
        }
    }
    let _ = writeln!(
        report,
        "  URLs known {}, fetched ok {}, errors {}",
        r.urls, r.fetched_ok, r.errors
    );
    let _ = writeln!(
        report,
        "  articles {}, revised at least once {}",
        r.articles, r.revised
    );
    let _ = writeln!(report, "last runs:");
    for (run, worker) in &r.runs {
        let end = run.ended_at.as_deref().unwrap_or("(did not finish)");
        let _ = writeln!(
            report,
            "  #{} {} → {} (worker {worker})",
            run.id, run.started_at, end
        );
        if let Some(first) = run.summary.as_deref().and_then(|s| s.lines().next()) {
            let _ = writeln!(report, "     {first}");
        }
    }
    let _ = writeln!(report, "hosts:");
    for (host, requests, rate, robots) in &r.hosts {
        let rate = rate.map_or("-".to_string(), |r| format!("{r:.2}/s"));
        let robots = robots.as_deref().unwrap_or("not read");
        let _ = writeln!(
            report,
            "  {host} last run of a worker: {requests} requests at {rate}; robots.txt: {robots}"
        );
    }
    report
}

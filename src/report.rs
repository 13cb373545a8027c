//! `khabar state`: what the crawl state knows, for people.

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

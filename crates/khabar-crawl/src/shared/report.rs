//! What a shared frontier holds, for `khabar state --frontier`: read without joining it.

use std::sync::Arc;

use super::server::{Keys, Server, lasting};
use super::state::HostEntry;
use crate::state::{RunRow, StateError};

/// A shared frontier and state at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharedReport {
    /// The server (its password hidden).
    pub server: String,
    /// The current crawl's number (0: none yet).
    pub generation: u64,
    /// Workers of the current crawl whose heartbeat is alive.
    pub workers_alive: Vec<String>,
    /// Workers of the current crawl whose heartbeat expired (what they held is given back
    /// by the next worker that looks).
    pub workers_gone: Vec<String>,
    /// Requests waiting, per host (all lanes), most first.
    pub waiting: Vec<(String, u64)>,
    /// Requests workers hold.
    pub held: u64,
    /// URLs seen in the current crawl.
    pub seen: u64,
    /// Pages dispatched in the current crawl.
    pub pages: u64,
    /// URLs in the fetch log; those last answered 2xx/3xx; those that failed.
    pub urls: u64,
    /// URLs whose last fetch was answered 2xx or 3xx.
    pub fetched_ok: u64,
    /// URLs whose last fetch failed or was answered 4xx or 5xx.
    pub errors: u64,
    /// Articles written; those written in more than one revision.
    pub articles: u64,
    /// Articles written in more than one revision.
    pub revised: u64,
    /// The last runs (every worker's run is one), newest first, with the worker's id.
    pub runs: Vec<(RunRow, String)>,
    /// Hosts: requests the last run that reached them sent, its rate, what robots.txt said.
    pub hosts: Vec<(String, u64, Option<f64>, Option<String>)>,
}

/// The current crawl's workers, waiting queues, held requests, seen URLs and pages.
type CrawlCounts = (Vec<String>, Vec<(String, u64)>, u64, u64, Option<u64>);

/// Reads what the shared frontier at `server` holds; `runs`: how many of the last runs.
pub fn report(server: &Arc<Server>, runs: usize) -> Result<SharedReport, StateError> {
    let mut conn = server.get()?;
    let generation: Option<u64> =
        server.call(redis::cmd("GET").arg(lasting("gen")).query(&mut *conn))?;
    let generation = generation.unwrap_or(0);
    let keys = Keys::of(generation);
    let (workers, waiting, held, seen, pages): CrawlCounts = server.call(
        redis::pipe()
            .smembers(keys.key("workers"))
            .hgetall(keys.key("waiting"))
            .hlen(keys.key("leased"))
            .scard(keys.key("seen"))
            .get(keys.key("pages"))
            .query(&mut *conn),
    )?;
    let mut r = SharedReport {
        server: server.shown().to_string(),
        generation,
        held,
        seen,
        pages: pages.unwrap_or(0),
        ..Default::default()
    };
    for w in workers {
        let alive: bool = server.call(
            redis::cmd("EXISTS")
                .arg(lasting(&format!("worker:{w}")))
                .query(&mut *conn),
        )?;
        if alive {
            r.workers_alive.push(w);
        } else {
            r.workers_gone.push(w);
        }
    }
    r.workers_alive.sort();
    r.workers_gone.sort();
    let mut per_host = std::collections::BTreeMap::<String, u64>::new();
    for (field, n) in waiting {
        if let Some((_, host)) = field.split_once(' ') {
            *per_host.entry(host.to_string()).or_default() += n;
        }
    }
    r.waiting = per_host.into_iter().filter(|(_, n)| *n > 0).collect();
    r.waiting.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (urls, articles, counts): (u64, u64, Vec<(String, i64)>) = server.call(
        redis::pipe()
            .hlen(lasting("fetch"))
            .hlen(lasting("articles"))
            .hgetall(lasting("counts"))
            .query(&mut *conn),
    )?;
    r.urls = urls;
    r.articles = articles;
    for (name, n) in counts {
        let n = n.max(0) as u64;
        match name.as_str() {
            "ok" => r.fetched_ok = n,
            "errors" => r.errors = n,
            "revised" => r.revised = n,
            _ => {}
        }
    }
    let ids: Vec<i64> = server.call(
        redis::cmd("LRANGE")
            .arg(lasting("runs"))
            .arg(0)
            .arg(runs.saturating_sub(1))
            .query(&mut *conn),
    )?;
    for id in ids {
        let fields: std::collections::HashMap<String, String> = server.call(
            redis::cmd("HGETALL")
                .arg(lasting(&format!("run:{id}")))
                .query(&mut *conn),
        )?;
        let row = RunRow {
            id,
            started_at: fields.get("started").cloned().unwrap_or_default(),
            ended_at: fields.get("ended").cloned(),
            summary: fields.get("summary").cloned(),
        };
        r.runs
            .push((row, fields.get("worker").cloned().unwrap_or_default()));
    }
    let hosts: Vec<(String, String)> = server.call(
        redis::cmd("HGETALL")
            .arg(lasting("hosts"))
            .query(&mut *conn),
    )?;
    for (host, raw) in hosts {
        let e: HostEntry = serde_json::from_str(&raw)
            .map_err(|e| server.corrupt(format!("hosts of {host}: {e}")))?;
        r.hosts.push((host, e.requests, e.rate, e.robots));
    }
    r.hosts.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(r)
}

//! [`RedisState`]: the crawl state many workers share, on the Redis server of the shared
//! frontier: the fetch log (status, validators), the articles written (content hash,
//! revision), the runs and the hosts. Lasting keys:
//! - `khabar:fetch`: hash url → `{"t": fetched at, "s": status, "e": ETag, "m": Last-Modified, "h": host, "x": error, "a": gave a record}`;
//! - `khabar:articles`: hash id → `{"h": content hash, "r": revision, "u": url}`;
//! - `khabar:counts`: hash of counters (`ok`, `errors`, `revised`);
//! - `khabar:runs:next`, `khabar:run:{n}` (hash: started, ended, worker, summary), `khabar:runs`
//!   (list of run numbers, newest first);
//! - `khabar:hosts`: hash host → the last run's `{"requests", "rate", "robots", "at"}`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::server::{Server, lasting};
use crate::state::{
    ArticleState, ArticleUpdate, CrawlState, FetchUpdate, HostRun, StateError, UrlState, now_text,
};

/// Runs kept in the list (their hashes are kept too; older ones are dropped).
const RUNS_KEPT: isize = 1000;

#[derive(Debug, Default, Serialize, Deserialize)]
struct FetchEntry {
    #[serde(rename = "t")]
    fetched_at: String,
    #[serde(rename = "s", skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(rename = "e", skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(rename = "m", skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
    #[serde(rename = "h")]
    host: String,
    #[serde(rename = "x", skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(rename = "a", default, skip_serializing_if = "std::ops::Not::not")]
    article: bool,
}

impl FetchEntry {
    fn ok(&self) -> bool {
        matches!(self.status, Some(200..=399))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct ArticleEntry {
    #[serde(rename = "h")]
    content_hash: String,
    #[serde(rename = "r")]
    revision: u32,
    #[serde(rename = "u")]
    url: String,
}

/// What a host's last run did, as kept.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct HostEntry {
    pub requests: u64,
    pub rate: Option<f64>,
    pub robots: Option<String>,
    pub at: String,
}

/// The shared crawl state of the workers on one server.
#[derive(Clone)]
pub struct RedisState {
    server: Arc<Server>,
    worker: String,
}

impl RedisState {
    /// The state on `server`, written by `worker` (its runs carry the name).
    pub fn new(server: Arc<Server>, worker: &str) -> Self {
        Self {
            server,
            worker: worker.to_string(),
        }
    }

    fn get_json<T: for<'de> Deserialize<'de>>(
        &self,
        hash: &str,
        field: &str,
    ) -> Result<Option<T>, StateError> {
        let mut conn = self.server.get()?;
        let raw: Option<String> = self.server.call(
            redis::cmd("HGET")
                .arg(lasting(hash))
                .arg(field)
                .query(&mut *conn),
        )?;
        raw.map(|r| {
            serde_json::from_str(&r)
                .map_err(|e| self.server.corrupt(format!("{hash} of {field}: {e}: {r}")))
        })
        .transpose()
    }
}

impl RedisState {
    /// Forgets a URL (its fetch and the articles written from it), so the next crawl
    /// fetches it anew. Returns how many entries went.
    pub fn forget_url(&self, url: &str) -> Result<u64, StateError> {
        let mut n = self.forget_where("fetch", |field, _| field == url)?;
        n += self.forget_where("articles", |_, raw| {
            serde_json::from_str::<ArticleEntry>(raw).is_ok_and(|a| a.url == url)
        })?;
        Ok(n)
    }

    /// Forgets every URL of a host, on whatever port (`localhost` forgets
    /// `localhost:8080` too; `localhost:8080` only that one).
    pub fn forget_host(&self, host: &str) -> Result<u64, StateError> {
        let host = host.to_ascii_lowercase();
        self.forget_where("fetch", |_, raw| {
            serde_json::from_str::<FetchEntry>(raw).is_ok_and(|e| {
                // the host on any port: host keys carry one when it is not the default
                e.host == host
                    || e.host
                        .strip_prefix(host.as_str())
                        .is_some_and(|port| port.starts_with(':'))
            })
        })
    }

    /// Deletes the fields of a lasting hash that `doomed` picks (read with HSCAN, so the
    /// server is never blocked for long).
    fn forget_where(
        &self,
        hash: &str,
        doomed: impl Fn(&str, &str) -> bool,
    ) -> Result<u64, StateError> {
        let mut conn = self.server.get()?;
        let key = lasting(hash);
        let mut cursor = 0u64;
        let mut gone = Vec::new();
        loop {
            let (next, page): (u64, Vec<(String, String)>) = self.server.call(
                redis::cmd("HSCAN")
                    .arg(&key)
                    .arg(cursor)
                    .arg("COUNT")
                    .arg(1000)
                    .query(&mut *conn),
            )?;
            gone.extend(
                page.into_iter()
                    .filter(|(f, v)| doomed(f, v))
                    .map(|(f, _)| f),
            );
            if next == 0 {
                break;
            }
            cursor = next;
        }
        for chunk in gone.chunks(1000) {
            self.server.call(
                redis::cmd("HDEL")
                    .arg(&key)
                    .arg(chunk)
                    .query::<()>(&mut *conn),
            )?;
        }
        Ok(gone.len() as u64)
    }
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

impl CrawlState for RedisState {
    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StateError> {
        Ok(self
            .get_json::<FetchEntry>("fetch", url)?
            .map(|e| UrlState {
                fetched_at: DateTime::parse_from_rfc3339(&e.fetched_at)
                    .ok()
                    .map(|t| t.with_timezone(&Utc)),
                status: e.status,
                etag: e.etag,
                last_modified: e.last_modified,
                article: e.article,
            }))
    }

    fn record_fetch(&self, f: &FetchUpdate) -> Result<(), StateError> {
        let old = self.get_json::<FetchEntry>("fetch", &f.url)?;
        let keep = |new: &Option<String>, old: Option<String>| {
            // a 304 answer that sends no validator keeps the one it confirmed
            new.clone()
                .or(if f.status == Some(304) { old } else { None })
        };
        let (old_etag, old_modified, was_ok, was_article) = match old {
            Some(o) => {
                let ok = Some(o.ok());
                (o.etag, o.last_modified, ok, o.article)
            }
            None => (None, None, None, false),
        };
        let entry = FetchEntry {
            fetched_at: now_text(),
            status: f.status,
            etag: keep(&f.etag, old_etag),
            last_modified: keep(&f.last_modified, old_modified),
            host: f.host.clone(),
            error: f.error.clone(),
            // a 304 keeps what the last full answer said
            article: if f.status == Some(304) {
                was_article
            } else {
                f.article
            },
        };
        let mut pipe = redis::pipe();
        pipe.hset(lasting("fetch"), &f.url, json(&entry)).ignore();
        let counts = lasting("counts");
        match (was_ok, entry.ok()) {
            (None, true) => pipe.hincr(&counts, "ok", 1).ignore(),
            (None, false) => pipe.hincr(&counts, "errors", 1).ignore(),
            (Some(false), true) => pipe
                .hincr(&counts, "ok", 1)
                .ignore()
                .hincr(&counts, "errors", -1)
                .ignore(),
            (Some(true), false) => pipe
                .hincr(&counts, "ok", -1)
                .ignore()
                .hincr(&counts, "errors", 1)
                .ignore(),
            _ => &mut pipe,
        };
        let mut conn = self.server.get()?;
        self.server.call(pipe.query::<()>(&mut *conn))
    }

    fn article(&self, id: &str) -> Result<Option<ArticleState>, StateError> {
        Ok(self
            .get_json::<ArticleEntry>("articles", id)?
            .map(|a| ArticleState {
                content_hash: a.content_hash,
                revision: a.revision,
            }))
    }

    fn record_article(&self, a: &ArticleUpdate) -> Result<(), StateError> {
        let entry = ArticleEntry {
            content_hash: a.content_hash.clone(),
            revision: a.revision,
            url: a.url.clone(),
        };
        let mut pipe = redis::pipe();
        pipe.hset(lasting("articles"), &a.id, json(&entry)).ignore();
        if a.revision == 2 {
            pipe.hincr(lasting("counts"), "revised", 1).ignore();
        }
        let mut conn = self.server.get()?;
        self.server.call(pipe.query::<()>(&mut *conn))
    }

    fn begin_run(&self) -> Result<i64, StateError> {
        let mut conn = self.server.get()?;
        let run: i64 = self.server.call(
            redis::cmd("INCR")
                .arg(lasting("runs:next"))
                .query(&mut *conn),
        )?;
        self.server.call(
            redis::pipe()
                .hset_multiple(
                    lasting(&format!("run:{run}")),
                    &[("started", now_text()), ("worker", self.worker.clone())],
                )
                .ignore()
                .lpush(lasting("runs"), run)
                .ignore()
                .ltrim(lasting("runs"), 0, RUNS_KEPT - 1)
                .ignore()
                .query::<()>(&mut *conn),
        )?;
        Ok(run)
    }

    fn end_run(&self, run: i64, summary: &str) -> Result<(), StateError> {
        let mut conn = self.server.get()?;
        self.server.call(
            redis::cmd("HSET")
                .arg(lasting(&format!("run:{run}")))
                .arg("ended")
                .arg(now_text())
                .arg("summary")
                .arg(summary)
                .query::<()>(&mut *conn),
        )
    }

    fn record_hosts(&self, hosts: &[HostRun]) -> Result<(), StateError> {
        if hosts.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        let at = now_text();
        for h in hosts {
            let entry = HostEntry {
                requests: h.requests,
                rate: h.rate,
                robots: h.robots.clone(),
                at: at.clone(),
            };
            pipe.hset(lasting("hosts"), &h.host, json(&entry)).ignore();
        }
        let mut conn = self.server.get()?;
        self.server.call(pipe.query::<()>(&mut *conn))
    }
}

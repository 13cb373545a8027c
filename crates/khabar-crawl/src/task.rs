//! One request, start to end, on its own task: the fetch (conditional when the crawl state
//! knows the page), then, for a page, one parse on a blocking thread that yields both its
//! links and its records. What comes back is folded in by the engine.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::archive::{ArchiveSender, ArchivedResponse};
use crate::discover::{
    DocKind, FeedEntries, SitemapEntries, SitemapRefused, parse_feed, read_sitemap,
    sitemap_byte_limit, sniff,
};
use crate::fetch::{BodyLimit, FetchError, Fetched, Fetcher};
use crate::frontier::{Kind, Request};
use crate::policy::SkipReason;
use crate::robots::{MAX_ROBOTS_BYTES, Robots};
use crate::scope::Scope;
use khabar_extract::{Extractor, PageInput, Record, SourceInfo, SourceKind};

pub(super) struct TaskCtx {
    pub(super) fetcher: Fetcher,
    pub(super) scope: Scope,
    pub(super) extractor: Arc<Extractor>,
    pub(super) agent: String,
    pub(super) robots_timeout: Duration,
    pub(super) max_body: u64,
    /// The full User-Agent, as sent (for archived request records).
    pub(super) user_agent: String,
    /// Where every response also goes, with `--warc`.
    pub(super) archive: Option<ArchiveSender>,
}

impl TaskCtx {
    /// Hands a response to the archive, if there is one.
    async fn archive(&self, f: &Fetched, extra: &[(&'static str, String)]) {
        if let Some(a) = &self.archive
            && !a
                .send(ArchivedResponse::of(f, &self.user_agent, extra))
                .await
        {
            tracing::debug!("{}: not archived: the archive writer has stopped", f.url);
        }
    }
}

/// What asking for a host's robots.txt gave.
pub(super) enum RobotsAnswer {
    /// Rules to follow (read, or allow-all for a 4xx, or none at all for an internal
    /// address).
    Rules(Robots),
    /// No answer worth reading: a 5xx or 429, or the host could not be reached. Tried
    /// again, then the host is unreachable for this run.
    Failed {
        why: String,
        retry_after: Option<Duration>,
    },
}

pub(super) enum Outcome {
    Failed(FetchError),
    Status {
        status: u16,
        retry_after: Option<Duration>,
        location: Option<String>,
    },
    Robots(RobotsAnswer),
    Html {
        records: Vec<Record>,
        links: Vec<Url>,
        problems: Vec<String>,
    },
    Sitemap(SitemapEntries),
    Feed(FeedEntries),
    /// 304 to a conditional request: nothing new.
    NotModified,
    Skipped(SkipReason),
}

pub(super) struct Done {
    pub(super) req: Request,
    pub(super) host: String,
    pub(super) bytes: u64,
    pub(super) outcome: Outcome,
    /// What the crawl state keeps of the fetch (not for robots.txt).
    pub(super) fetch: Option<FetchFacts>,
}

/// A fetch's status and validators, or its error.
#[derive(Debug, Clone, Default)]
pub(super) struct FetchFacts {
    pub(super) status: Option<u16>,
    pub(super) etag: Option<String>,
    pub(super) last_modified: Option<String>,
    pub(super) error: Option<String>,
}

pub(super) async fn run_request(ctx: Arc<TaskCtx>, req: Request, host: String) -> Done {
    if req.kind == Kind::Robots {
        let answer = match fetch_robots(&ctx, &req.url).await {
            Ok(f) if (200..300).contains(&f.status) => {
                RobotsAnswer::Rules(Robots::parse_bytes(&f.body, &ctx.agent))
            }
            Ok(f) if (400..500).contains(&f.status) && f.status != 429 => {
                RobotsAnswer::Rules(Robots::allow_all())
            }
            Ok(f) => RobotsAnswer::Failed {
                why: format!("robots.txt answered HTTP {}", f.status),
                retry_after: f.retry_after,
            },
            Err(e @ FetchError::Refused(_)) => {
                tracing::warn!("{}: {e}: nothing on {host} is fetched", req.url);
                RobotsAnswer::Rules(Robots::refused_address())
            }
            Err(FetchError::Other(e)) if e == TOO_MANY_ROBOTS_REDIRECTS => {
                // RFC 9309, 2.3.1.2: past five redirects it MAY be taken as unavailable, and
                // an unavailable robots.txt allows everything (2.3.1.3)
                tracing::warn!("{}: {e}: taken as no robots.txt", req.url);
                RobotsAnswer::Rules(Robots::allow_all())
            }
            Err(e) => RobotsAnswer::Failed {
                why: format!("robots.txt: {e}"),
                retry_after: None,
            },
        };
        return Done {
            req,
            host,
            bytes: 0,
            outcome: Outcome::Robots(answer),
            fetch: None,
        };
    }
    let mut conditional: Vec<(&'static str, String)> = Vec::new();
    if let Some(v) = &req.validators {
        if let Some(etag) = &v.etag {
            conditional.push(("if-none-match", etag.clone()));
        }
        if let Some(lm) = &v.last_modified {
            conditional.push(("if-modified-since", lm.clone()));
        }
    }
    // a sitemap may be as large as the protocol allows (a seed may be one)
    let sitemap_limit = sitemap_byte_limit(ctx.max_body);
    let limit = match req.kind {
        Kind::Sitemap | Kind::Seed => BodyLimit::FailPast(sitemap_limit),
        _ => BodyLimit::Fail,
    };
    let fetched = match ctx
        .fetcher
        .get_limited(&req.url, &conditional, None, limit)
        .await
    {
        Ok(f) => {
            ctx.archive(&f, &conditional).await;
            f
        }
        Err(e) => {
            let e = match e {
                FetchError::TooLarge(n) if req.kind == Kind::Sitemap => {
                    FetchError::SitemapTooLarge(n)
                }
                e => e,
            };
            let fetch = Some(FetchFacts {
                error: Some(e.kind().to_string()),
                ..FetchFacts::default()
            });
            return Done {
                req,
                host,
                bytes: 0,
                outcome: Outcome::Failed(e),
                fetch,
            };
        }
    };
    let bytes = fetched.body.len() as u64;
    let fetch = Some(FetchFacts {
        status: Some(fetched.status),
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        error: None,
    });
    if fetched.status == 304 && req.validators.is_some() {
        return Done {
            req,
            host,
            bytes,
            outcome: Outcome::NotModified,
            fetch,
        };
    }
    if !(200..300).contains(&fetched.status) {
        let outcome = Outcome::Status {
            status: fetched.status,
            retry_after: fetched.retry_after,
            location: fetched.location,
        };
        return Done {
            req,
            host,
            bytes,
            outcome,
            fetch,
        };
    }
    let kind = sniff(fetched.content_type.as_deref(), &fetched.body);
    if kind != DocKind::Sitemap && bytes > ctx.max_body {
        // a seed read up to the sitemap limit that is no sitemap
        let outcome = Outcome::Failed(FetchError::TooLarge(ctx.max_body));
        return Done {
            req,
            host,
            bytes,
            outcome,
            fetch,
        };
    }
    let outcome = match kind {
        DocKind::Html => {
            let ctx = ctx.clone();
            let article_hint = req.kind;
            match tokio::task::spawn_blocking(move || read_html(&ctx, &fetched, article_hint)).await
            {
                Ok(o) => o,
                Err(_) => Outcome::Failed(FetchError::Other("extraction thread failed".into())),
            }
        }
        DocKind::Sitemap => {
            // inflating and parsing a large sitemap is work for a blocking thread
            let parsed = tokio::task::spawn_blocking(move || {
                read_sitemap(&fetched.body, sitemap_limit).map_err(|e| match e {
                    SitemapRefused::TooLarge(n) => FetchError::SitemapTooLarge(n),
                    e @ SitemapRefused::BadGzip(_) => FetchError::Other(e.to_string()),
                })
            })
            .await;
            match parsed {
                Ok(Ok(entries)) => Outcome::Sitemap(entries),
                Ok(Err(e)) => Outcome::Failed(e),
                Err(_) => Outcome::Failed(FetchError::Other("sitemap thread failed".into())),
            }
        }
        DocKind::Feed => match tokio::task::spawn_blocking(move || parse_feed(&fetched.body)).await
        {
            Ok(entries) => Outcome::Feed(entries),
            Err(_) => Outcome::Failed(FetchError::Other("feed thread failed".into())),
        },
        DocKind::Other => Outcome::Skipped(SkipReason::NotHtml(
            fetched
                .content_type
                .clone()
                .unwrap_or_else(|| "no content type".into()),
        )),
    };
    Done {
        req,
        host,
        bytes,
        outcome,
        fetch,
    }
}

/// Fetches robots.txt, following up to five redirects as RFC 9309 asks.
async fn fetch_robots(ctx: &TaskCtx, url: &Url) -> Result<Fetched, FetchError> {
    let mut url = url.clone();
    // the first request and up to five redirects
    for _ in 0..=5 {
        if ctx.scope.refuses_address(&url) {
            return Err(FetchError::Refused(format!(
                "robots.txt redirects to an internal address: {url}"
            )));
        }
        let limit = BodyLimit::Truncate(MAX_ROBOTS_BYTES as u64);
        let f = ctx
            .fetcher
            .get_limited(&url, &[], Some(ctx.robots_timeout), limit)
            .await?;
        ctx.archive(&f, &[]).await;
        match f
            .location
            .as_deref()
            .filter(|_| (300..400).contains(&f.status))
            .and_then(|l| url.join(l).ok())
        {
            Some(next) if matches!(next.scheme(), "http" | "https") => url = next,
            _ => return Ok(f),
        }
    }
    Err(FetchError::Other(TOO_MANY_ROBOTS_REDIRECTS.into()))
}

const TOO_MANY_ROBOTS_REDIRECTS: &str = "robots.txt redirects more than five times";

/// Parses a fetched HTML page once: its links, and its records when it is an article.
fn read_html(ctx: &TaskCtx, f: &Fetched, kind: Kind) -> Outcome {
    let input = PageInput {
        bytes: &f.body,
        page_url: Some(f.url.clone()),
        http_charset: f.charset.as_deref(),
        source: SourceInfo {
            kind: SourceKind::Http,
            file: None,
            fetched_at: Some(f.fetched_at.clone()),
            status: Some(f.status),
            record_id: None,
            offset: None,
        },
        fallback_url: None,
    };
    let parsed = ctx.extractor.parse(&input);
    let links = parsed.links();
    let is_article = match (kind, parsed.profile()) {
        (Kind::Page { article: true }, _) => true,
        (_, Some(p)) if !p.article_urls.is_empty() => {
            // the address it was fetched from, or the one it calls its own (a mirror, a
            // short link, a page whose profile was found through its canonical link)
            let canonical = parsed.canonical_url();
            let matches = |u: &str| p.article_urls.iter().any(|r| r.is_match(u));
            matches(f.url.as_str()) || canonical.is_some_and(|c| matches(c.as_str()))
        }
        _ => parsed.metadata_says_article(),
    };
    if !is_article {
        return Outcome::Html {
            records: Vec::new(),
            links,
            problems: Vec::new(),
        };
    }
    let out = ctx.extractor.records(&parsed, &input);
    Outcome::Html {
        records: out.articles.into_iter().map(|(r, _)| r).collect(),
        links,
        problems: out.problems,
    }
}

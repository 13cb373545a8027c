//! The crawler against a news site of its own: an HTTP/1.1 server on 127.0.0.1 (see
//! `support/site.rs`) that logs every request it gets. The tests assert from what the server
//! saw (paths, counts, times) and from the records; some drive the library, some the built
//! binary as a user would.
//!
//! Nothing here sends a packet beyond 127.0.0.0/8: every seed is a test server's address (all on
//! 127.0.0.1 but one decoy on 127.0.0.2, which the crawler should never reach),
//! off-site links point at `.invalid` names or internal IP literals that the crawler must refuse
//! on scope before any connection (and a `deny` pattern backs that up where the scope is widened
//! on purpose). Each test checks that the crawler's own request count equals what its server(s)
//! received, so a request sent anywhere else would show.
//!
//! Timing assertions are one-sided (never "fast enough"): a busy machine only makes requests
//! later, which none of them forbid.

use crate::support;

use std::collections::{BTreeSet, HashSet};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use regex::Regex;

use support::process::wait_with_limit;
use support::site::{FEED_ONLY, SITEMAP_ONLY, Site, SiteOptions, headline_for};
use support::{crawl, khabar_crawl, records_for, settings};

/// The crawler sent exactly the requests the given servers received: nothing went anywhere else.
fn assert_only_these_servers(stats: &khabar_crawl::CrawlStats, sites: &[&Site]) {
    let seen: u64 = sites.iter().map(|s| s.requests().len() as u64).sum();
    assert_eq!(
        stats.requests, seen,
        "requests counted by the crawler vs received by the test servers"
    );
    let hosts: BTreeSet<String> = stats.hosts.keys().cloned().collect();
    let ours: BTreeSet<String> = sites.iter().map(|s| s.host_key()).collect();
    assert!(
        hosts.is_subset(&ours),
        "requests went to {hosts:?}, servers are {ours:?}"
    );
}

fn skipped(stats: &khabar_crawl::CrawlStats, why: &str) -> u64 {
    stats.skipped.get(why).copied().unwrap_or(0)
}

fn errors(stats: &khabar_crawl::CrawlStats, kind: &str) -> u64 {
    stats.errors.get(kind).copied().unwrap_or(0)
}

/// Every line of `bytes` as a JSON object; fails on a partial line or anything that is not one.
fn json_lines(bytes: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(bytes).expect("stdout is UTF-8");
    let tail: String = text
        .chars()
        .rev()
        .take(200)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "output ends mid-line: …{tail}"
    );
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not a whole JSON record ({e}): {l}"));
            assert!(v.is_object(), "not an object: {l}");
            v
        })
        .collect()
}

/// A record as the crawler writes it: from HTTP, status 200, a fetch time, the page's address.
fn assert_http_record(r: &serde_json::Value, site: &Site) {
    let base = format!("{}/", site.base());
    assert_eq!(r["source"]["kind"], "http", "{r}");
    assert_eq!(r["source"]["status"], 200, "{r}");
    assert!(r["source"]["file"].is_null(), "{r}");
    let fetched = r["source"]["fetched_at"]
        .as_str()
        .unwrap_or_else(|| panic!("no fetched_at: {r}"));
    chrono::DateTime::parse_from_rfc3339(fetched)
        .unwrap_or_else(|e| panic!("fetched_at {fetched}: {e}"));
    assert!(
        r["page_url"].as_str().is_some_and(|u| u.starts_with(&base)),
        "{r}"
    );
    assert!(
        r["url"].as_str().is_some_and(|u| u.starts_with(&base)),
        "{r}"
    );
    assert_eq!(r["site"], "aawsat-local", "{r}");
    assert!(r["headline"].as_str().is_some_and(|h| !h.is_empty()), "{r}");
    assert!(r["body"].as_array().is_some_and(|b| !b.is_empty()), "{r}");
}

/// Waits until `cond` holds, polling; fails after `limit`.
fn wait_until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------------------------
// robots.txt

#[tokio::test(flavor = "multi_thread")]
async fn robots_txt_is_read_once_per_host_first_and_disallowed_paths_are_never_requested() {
    // two hosts (same address, two ports: the crawler paces and reads robots.txt per host:port)
    let a = Site::start(SiteOptions::default());
    let b = Site::start(SiteOptions::default());
    let seeds = vec![
        a.url("/hub/robots?from=9100"),
        b.url("/hub/robots?from=9300"),
    ];
    let (out, records) = crawl(settings(&seeds)).await;

    for (site, from) in [(&a, 9100), (&b, 9300)] {
        let reqs = site.requests();
        assert_eq!(
            site.count("/robots.txt"),
            1,
            "robots.txt once on {}: {:?}",
            site.base(),
            site.targets()
        );
        assert_eq!(
            reqs[0].target, "/robots.txt",
            "robots.txt before anything else on the host"
        );
        assert!(
            reqs.iter().all(|r| !r.path().starts_with("/private/")),
            "a disallowed path was requested: {:?}",
            site.targets()
        );
        // the redirect itself is allowed; its target, disallowed, is checked again and refused
        assert_eq!(site.count("/sneaky"), 1);
        for i in 1..=2 {
            let path = format!("/world/{}-open-story", from + i);
            assert_eq!(site.count(&path), 1, "{path}");
            assert_eq!(
                records_for(&records, &site.url(&path)).len(),
                1,
                "record for {path}"
            );
        }
        for r in &reqs {
            assert_eq!(
                r.header("user-agent"),
                Some(khabar_crawl::settings::DEFAULT_USER_AGENT)
            );
        }
    }
    // per host: /private/secret linked, /private/other redirected to
    assert_eq!(out.stats.robots_blocked, 4, "{:?}", out.stats);
    assert_eq!(records.len(), 4);
    assert_only_these_servers(&out.stats, &[&a, &b]);
}

/// Crawls `/hub/NAME` and checks that no path under `/private/` or `/أرشيف/` (both disallowed
/// by the site's robots.txt) was requested, whatever its spelling.
async fn assert_robots_rules_cover(hub: &str) {
    let site = Site::start(SiteOptions::default());
    let (out, records) = crawl(settings(&[site.url(&format!("/hub/{hub}?from=9400"))])).await;
    let decoded: Vec<String> = site
        .targets()
        .iter()
        .map(|t| {
            percent_encoding::percent_decode_str(t)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let disallowed: Vec<&String> = decoded
        .iter()
        .filter(|p| p.starts_with("/private/") || p.starts_with("/أرشيف/"))
        .collect();
    assert!(
        disallowed.is_empty(),
        "disallowed paths requested: {disallowed:?} (as sent: {:?})",
        site.targets()
    );
    assert_eq!(out.stats.robots_blocked, 1, "{:?}", out.stats);
    assert_eq!(records.len(), 1);
    assert_only_these_servers(&out.stats, &[&site]);
}

/// RFC 9309, 2.2.2: non-ASCII octets are percent-encoded on both sides before comparing (its
/// example: `/foo/bar/ツ` in robots.txt matches `/foo/bar/%E3%83%84`). Arabic sites write their
/// paths in Arabic in robots.txt; the crawler requests them percent-encoded.
#[tokio::test(flavor = "multi_thread")]

async fn robots_rule_written_in_utf8_covers_the_percent_encoded_path() {
    assert_robots_rules_cover("robots-utf8").await;
}

/// RFC 9309, 2.2.2: a percent-encoded unreserved ASCII octet in the URI is decoded before
/// comparing (its example: `/foo/bar/%62%61%7A` matches as `/foo/bar/baz`), so that
/// `/%70rivate/x` does not get round `Disallow: /private/`.
#[tokio::test(flavor = "multi_thread")]

async fn robots_rule_covers_percent_encoded_unreserved_characters() {
    assert_robots_rules_cover("robots-escaped").await;
}

/// robots.txt redirects are followed (RFC 9309 asks for five hops, across hosts too), but the
/// internal-address guard must hold on those hops as on every other: robots.txt of the seed's
/// host (127.0.0.1, allowed because the user named it) redirects to 127.0.0.2, another loopback
/// address that nobody allowed. (Both live in 127.0.0.0/8: nothing leaves the machine.)
#[tokio::test(flavor = "multi_thread")]

async fn robots_txt_redirect_to_an_internal_address_is_not_followed() {
    let inner = Site::start_at("127.0.0.2", SiteOptions::default());
    let site = Site::start(SiteOptions {
        robots_redirect: Some(inner.url("/robots.txt")),
        ..SiteOptions::default()
    });
    let _ = crawl(settings(&[site.url("/hub/small")])).await;
    assert_eq!(site.count("/robots.txt"), 1);
    assert!(
        inner.requests().is_empty(),
        "followed robots.txt's redirect to {}: {:?}",
        inner.base(),
        inner.targets()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn robots_txt_missing_allows_everything_and_robots_txt_failing_disallows_everything() {
    let missing = Site::start(SiteOptions {
        robots_status: Some(404),
        ..SiteOptions::default()
    });
    let failing = Site::start(SiteOptions {
        robots_status: Some(503),
        ..SiteOptions::default()
    });
    let seeds = vec![
        missing.url("/hub/robots?from=9100"),
        failing.url("/hub/robots?from=9300"),
    ];
    let (out, records) = crawl(settings(&seeds)).await;

    // 404: no rules at all
    assert_eq!(missing.count("/robots.txt"), 1);
    assert_eq!(
        missing.count("/private/secret"),
        1,
        "{:?}",
        missing.targets()
    );
    assert_eq!(
        missing.count("/private/other"),
        1,
        "{:?}",
        missing.targets()
    );
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r.url.starts_with(missing.base())));
    // 503: the whole host is off limits for the run (RFC 9309, 2.3.1.4)
    assert!(failing.count("/robots.txt") >= 1);
    assert!(
        failing.targets().iter().all(|t| t == "/robots.txt"),
        "{:?}",
        failing.targets()
    );
    // after its tries the host is unreachable: its seed is counted so, not as blocked
    assert_eq!(out.stats.robots_blocked, 0);
    assert_eq!(
        out.stats.skipped.get("host unreachable"),
        Some(&1),
        "the seed on the failing host: {:?}",
        out.stats.skipped
    );
    assert_eq!(out.stats.errors.get("unreachable"), Some(&1));
    assert_only_these_servers(&out.stats, &[&missing, &failing]);
}

#[tokio::test(flavor = "multi_thread")]
async fn crawl_delay_spaces_the_requests_to_a_host() {
    let site = Site::start(SiteOptions {
        crawl_delay: Some(1.0),
        ..SiteOptions::default()
    });
    // rate 0 (unlimited) on our side: the pace comes from robots.txt alone. The idle watchdog,
    // shorter than the delay, must not take the waits between requests for a stalled crawl.
    let mut s = settings(&[site.url("/hub/small")]);
    s.idle_timeout = Duration::from_millis(500);
    let (out, records) = crawl(s).await;
    assert!(
        !out.timed_out,
        "waiting for the host's pace is not being idle"
    );
    let reqs = site.requests();
    let targets: Vec<&str> = reqs.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/robots.txt",
            "/hub/small",
            "/world/9201-small-story",
            "/world/9202-small-story"
        ]
    );
    // 1 s apart, less a little for the two requests' different trips through the sockets
    for w in reqs.windows(2) {
        let gap = w[1].at - w[0].at;
        assert!(
            gap >= Duration::from_millis(900),
            "{} came {gap:?} after {} (Crawl-delay: 1)",
            w[1].target,
            w[0].target
        );
    }
    let rate = out.stats.hosts[&site.host_key()]
        .achieved_rate()
        .expect("several requests");
    assert!(rate <= 1.05, "achieved rate {rate}/s with Crawl-delay: 1");
    assert_eq!(records.len(), 2);
    assert_only_these_servers(&out.stats, &[&site]);
}

#[test]
fn cli_ignore_robots_fetches_disallowed_pages_and_never_asks_for_robots_txt() {
    let site = Site::start(SiteOptions {
        sitemap_in_robots: true,
        ..SiteOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("records.ndjson");
    let child = khabar_crawl(&[
        &site.url("/hub/robots?from=9100"),
        "--rate",
        "0",
        "--ignore-robots",
        "-o",
        file.to_str().unwrap(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn khabar");
    let (status, stdout, stderr) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(site.count("/robots.txt"), 0, "{:?}", site.targets());
    assert_eq!(
        site.count("/sitemap-index.xml"),
        0,
        "sitemaps named by robots.txt are not known without it"
    );
    assert_eq!(site.count("/private/secret"), 1);
    assert_eq!(site.count("/sneaky"), 1);
    assert_eq!(site.count("/private/other"), 1);
    assert!(stdout.is_empty(), "records go to the -o file");
    let recs = json_lines(&std::fs::read(&file).unwrap());
    let urls: BTreeSet<String> = recs
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "/private/secret",
        "/private/other",
        "/world/9101-open-story",
        "/world/9102-open-story",
    ]
    .iter()
    .map(|p| site.url(p))
    .collect();
    assert_eq!(urls, expected);
    for r in &recs {
        assert_http_record(r, &site);
    }
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains("robots.txt")),
        "the user is warned that robots.txt is not obeyed: {stderr}"
    );
    assert!(stderr.contains("crawl finished"), "summary: {stderr}");
}

// ---------------------------------------------------------------------------------------------
// discovery: sitemaps, feeds, pagination

#[tokio::test(flavor = "multi_thread")]
async fn sitemap_index_with_a_gzipped_child_and_the_rss_feed_lead_to_their_articles() {
    let site = Site::start(SiteOptions {
        sitemap_in_robots: true,
        ..SiteOptions::default()
    });
    let (out, records) = crawl(settings(&[site.url("/")])).await;

    for doc in [
        "/robots.txt",
        "/sitemap-index.xml",
        "/sitemap-articles.xml.gz",
        "/feed",
    ] {
        assert_eq!(site.count(doc), 1, "{doc}: {:?}", site.targets());
    }
    // articles listed only in the gzipped sitemap or only in the feed
    for path in SITEMAP_ONLY.iter().chain(FEED_ONLY) {
        assert_eq!(site.count(path), 1, "{path}: {:?}", site.targets());
        let recs = records_for(&records, &site.url(path));
        assert_eq!(recs.len(), 1, "one record for {path}");
        assert_eq!(recs[0].source.status, Some(200));
        assert_eq!(recs[0].page_url.as_deref(), Some(site.url(path).as_str()));
        let id: u32 = path["/world/".len()..path.find('-').unwrap()]
            .parse()
            .unwrap();
        assert_eq!(
            recs[0].headline.as_deref(),
            Some(headline_for(id).as_str()),
            "{path} read with the aawsat selectors"
        );
    }
    // listed in the feed or the sitemap and linked from a section page: fetched once
    let targets = site.targets();
    let unique: HashSet<&String> = targets.iter().collect();
    assert_eq!(
        unique.len(),
        targets.len(),
        "some address was requested twice: {targets:?}"
    );

    let mut expected: BTreeSet<String> = BTreeSet::new();
    expected.insert(site.url("/world/1001-home-story"));
    for page in 1..=3 {
        for k in 1..=3 {
            expected.insert(site.url(&format!("/world/{page}10{k}-section-story")));
        }
    }
    for p in SITEMAP_ONLY.iter().chain(FEED_ONLY) {
        expected.insert(site.url(p));
    }
    let got: Vec<String> = records.iter().map(|r| r.url.clone()).collect();
    assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(got.len(), expected.len(), "one record per article: {got:?}");
    assert_eq!(site.count("/private/secret"), 0);
    assert_eq!(out.stats.robots_blocked, 1);
    assert!(out.stats.errors.is_empty(), "{:?}", out.stats.errors);
    assert_only_these_servers(&out.stats, &[&site]);
}

#[tokio::test(flavor = "multi_thread")]
async fn section_pagination_is_followed_to_the_last_page() {
    let site = Site::start(SiteOptions::default());
    let (out, records) = crawl(settings(&[site.url("/section/world?page=1")])).await;
    for page in 1..=3 {
        assert_eq!(
            site.count(&format!("/section/world?page={page}")),
            1,
            "page {page}: {:?}",
            site.targets()
        );
        for k in 1..=3 {
            let path = format!("/world/{page}10{k}-section-story");
            assert_eq!(site.count(&path), 1, "{path}");
            assert_eq!(records_for(&records, &site.url(&path)).len(), 1, "{path}");
        }
    }
    assert_eq!(
        site.count_path("/section/world"),
        3,
        "no page past the last, none twice"
    );
    assert_eq!(records.len(), 9);
    assert_only_these_servers(&out.stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// redirects

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_followed_in_scope_refused_off_scope_and_loops_and_chains_end() {
    let site = Site::start(SiteOptions::default());
    let mut s = settings(&[site.url("/hub/redirects")]);
    s.max_redirects = 5;
    let (out, records) = crawl(s).await;
    let targets = site.targets();

    // 301 to an article: the target is fetched and recorded under its own address
    assert_eq!(site.count("/moved"), 1);
    assert_eq!(site.count("/world/4001-moved-target"), 1, "{targets:?}");
    let target = site.url("/world/4001-moved-target");
    let recs = records_for(&records, &target);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].page_url.as_deref(), Some(target.as_str()));

    // 302 to another host: refused on scope (nothing sent, no name looked up)
    assert_eq!(site.count("/offsite"), 1);
    assert_eq!(site.count_path("/x"), 0);
    assert_eq!(
        skipped(&out.stats, "off-scope host"),
        1,
        "{:?}",
        out.stats.skipped
    );

    // a loop: each end once, then the crawl goes on and ends
    assert_eq!(site.count("/loop-a"), 1, "{targets:?}");
    assert_eq!(site.count("/loop-b"), 1, "{targets:?}");

    // an endless chain: max_redirects hops followed, then an error
    for n in 1..=6 {
        assert_eq!(
            site.count(&format!("/chain/{n}")),
            1,
            "/chain/{n}: {targets:?}"
        );
    }
    assert_eq!(site.count("/chain/7"), 0, "{targets:?}");
    assert_eq!(
        errors(&out.stats, "too-many-redirects"),
        1,
        "{:?}",
        out.stats.errors
    );

    assert_eq!(records.len(), 1);
    assert!(!out.timed_out);
    assert_only_these_servers(&out.stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// retries

#[tokio::test(flavor = "multi_thread")]
async fn too_many_requests_is_retried_after_retry_after_and_503_is_retried() {
    let site = Site::start(SiteOptions::default());
    let mut s = settings(&[site.url("/hub/retry")]);
    s.retries = 2;
    let (out, records) = crawl(s).await;
    let reqs = site.requests();

    let busy: Vec<_> = reqs.iter().filter(|r| r.target == "/busy").collect();
    assert_eq!(busy.len(), 2, "{:?}", site.targets());
    assert_eq!((busy[0].status, busy[1].status), (429, 200));
    let gap = busy[1].at - busy[0].at;
    assert!(
        gap >= Duration::from_secs(support::site::BUSY_RETRY_AFTER),
        "retried {gap:?} after a 429 with Retry-After: 2"
    );

    let flaky: Vec<_> = reqs.iter().filter(|r| r.target == "/flaky").collect();
    assert_eq!(
        flaky.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 200]
    );

    for path in ["/busy", "/flaky"] {
        let recs = records_for(&records, &site.url(path));
        assert_eq!(recs.len(), 1, "record for {path}");
        assert_eq!(recs[0].source.status, Some(200));
    }
    assert_eq!(out.stats.retries, 2, "{:?}", out.stats);
    assert!(out.stats.errors.is_empty(), "{:?}", out.stats.errors);
    assert_only_these_servers(&out.stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// pages that cannot be used

#[tokio::test(flavor = "multi_thread")]
async fn slow_huge_and_pdf_pages_are_counted_and_the_crawl_goes_on() {
    let site = Site::start(SiteOptions::default());
    let mut s = settings(&[site.url("/hub/errors")]);
    s.timeout = Duration::from_secs(1);
    s.retries = 1;
    s.max_body_bytes = 64 * 1024;
    let (out, records) = crawl(s).await;
    let stats = &out.stats;

    // the slow pages (no answer; half a body, then nothing): timed out, tried again once (a
    // timeout may pass), then counted
    assert_eq!(site.count("/slow"), 2, "{:?}", site.targets());
    assert_eq!(site.count("/slow-body"), 2, "{:?}", site.targets());
    assert_eq!(errors(stats, "timeout"), 2, "{:?}", stats.errors);
    // too large, announced, streamed, or once inflated: not retried
    assert_eq!(site.count("/huge"), 1);
    assert_eq!(site.count("/huge-chunked"), 1);
    assert_eq!(site.count("/bomb"), 1);
    assert_eq!(errors(stats, "too-large"), 3, "{:?}", stats.errors);
    assert_eq!(stats.errors.len(), 2, "no other error: {:?}", stats.errors);
    // not HTML: skipped
    assert_eq!(site.count("/report.pdf"), 1);
    assert_eq!(
        skipped(stats, "not html (application/pdf)"),
        1,
        "{:?}",
        stats.skipped
    );

    // the other pages: fine, the gzip-encoded one too
    let urls: BTreeSet<&str> = records.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        [site.url("/gzipped"), site.url("/world/5001-still-fine")]
            .iter()
            .map(String::as_str)
            .collect()
    );
    assert_eq!(records.len(), 2);
    assert!(!out.timed_out && !out.interrupted && !out.output_closed);
    assert_only_these_servers(stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// duplicates

#[tokio::test(flavor = "multi_thread")]
async fn tracking_parameters_fragments_and_canonical_copies_are_fetched_and_emitted_once() {
    let site = Site::start(SiteOptions::default());
    // one request at a time: the order pages are handled in is the order they are linked in
    let mut s = settings(&[site.url("/hub/dedupe")]);
    s.per_host = 1;
    s.concurrency = 1;
    let (out, records) = crawl(s).await;
    let targets = site.targets();

    // ?utm_source=x, #comments, ?utm_medium=…&fbclid=…, bare: one request, without the trackers
    assert_eq!(site.count("/world/6001-tracked"), 1, "{targets:?}");
    assert_eq!(site.count_path("/world/6001-tracked"), 1, "{targets:?}");
    assert!(
        !targets
            .iter()
            .any(|t| t.contains("utm_") || t.contains("fbclid") || t.contains('#')),
        "{targets:?}"
    );

    // canonical first, then a copy naming it: both fetched (nothing tells them apart before),
    // the copy's record dropped
    assert_eq!(site.count("/world/6002-twin"), 1);
    assert_eq!(site.count("/amp/world/6002-twin"), 1);
    assert_eq!(
        skipped(&out.stats, "duplicate article (canonical)"),
        1,
        "{:?}",
        out.stats.skipped
    );

    // the copy first: its canonical address counts as seen and is not fetched when linked later
    assert_eq!(site.count("/amp/world/6003-twin"), 1);
    assert_eq!(site.count("/hub/dedupe-later"), 1);
    assert_eq!(site.count("/world/6003-twin"), 0, "{targets:?}");

    for path in [
        "/world/6001-tracked",
        "/world/6002-twin",
        "/world/6003-twin",
    ] {
        assert_eq!(
            records_for(&records, &site.url(path)).len(),
            1,
            "one record for {path}"
        );
    }
    assert_eq!(
        records.len(),
        3,
        "{:?}",
        records.iter().map(|r| &r.url).collect::<Vec<_>>()
    );
    assert_eq!(
        records_for(&records, &site.url("/world/6003-twin"))[0]
            .page_url
            .as_deref(),
        Some(site.url("/amp/world/6003-twin").as_str())
    );
    // three variants of 6001, and 6003's canonical linked from the later page
    assert_eq!(
        skipped(&out.stats, "duplicate"),
        4,
        "{:?}",
        out.stats.skipped
    );
    assert_only_these_servers(&out.stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// limits and pace

#[tokio::test(flavor = "multi_thread")]
async fn max_pages_caps_the_page_requests_exactly_even_with_many_slots() {
    let site = Site::start(SiteOptions::default());
    let mut s = settings(&[site.url("/hub/many?n=40")]);
    s.max_pages = 5;
    s.per_host = 8;
    s.concurrency = 16;
    let (out, records) = crawl(s).await;
    let pages: Vec<String> = site
        .requests()
        .into_iter()
        .filter(|r| r.is_page())
        .map(|r| r.target)
        .collect();
    assert_eq!(pages.len(), 5, "page requests: {pages:?}");
    assert_eq!(site.count("/robots.txt"), 1);
    assert_eq!(out.stats.pages, 5);
    assert_eq!(records.len(), 4, "the hub and four articles");
    assert_eq!(
        skipped(&out.stats, "max-pages"),
        36,
        "{:?}",
        out.stats.skipped
    );
    assert_only_these_servers(&out.stats, &[&site]);

    // with sitemaps and a feed about: they do not count, but never lead past the budget
    let site = Site::start(SiteOptions {
        sitemap_in_robots: true,
        ..SiteOptions::default()
    });
    let mut s = settings(&[site.url("/")]);
    s.max_pages = 3;
    s.per_host = 8;
    let (out, records) = crawl(s).await;
    let pages: Vec<String> = site
        .requests()
        .into_iter()
        .filter(|r| r.is_page())
        .map(|r| r.target)
        .collect();
    assert!(pages.len() <= 3, "page requests: {pages:?}");
    assert!(records.len() <= 3);
    assert!(out.stats.pages <= 3);
    assert_only_these_servers(&out.stats, &[&site]);
}

#[tokio::test(flavor = "multi_thread")]
async fn per_host_and_overall_request_slots_are_never_exceeded() {
    let slow = || SiteOptions {
        article_delay: Some(Duration::from_millis(100)),
        ..SiteOptions::default()
    };
    // per host: 3 slots (of 16 overall)
    let site = Site::start(slow());
    let mut s = settings(&[site.url("/hub/many?n=20")]);
    s.per_host = 3;
    s.concurrency = 16;
    let (out, records) = crawl(s).await;
    assert_eq!(records.len(), 20);
    let most = support::site::most_at_once(&[site.requests()]);
    assert!(
        most <= 3,
        "{most} requests open at once on one host with per_host 3"
    );
    assert_only_these_servers(&out.stats, &[&site]);

    // overall: 2 slots for two hosts of 4 each
    let a = Site::start(slow());
    let b = Site::start(slow());
    let mut s = settings(&[
        a.url("/hub/many?n=10&from=8100"),
        b.url("/hub/many?n=10&from=8200"),
    ]);
    s.per_host = 4;
    s.concurrency = 2;
    let (out, records) = crawl(s).await;
    assert_eq!(records.len(), 20);
    let most = support::site::most_at_once(&[a.requests(), b.requests()]);
    assert!(
        most <= 2,
        "{most} requests open at once over two hosts with concurrency 2"
    );
    assert_only_these_servers(&out.stats, &[&a, &b]);
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_and_burst_hold_per_host() {
    let site = Site::start(SiteOptions::default());
    let mut s = settings(&[site.url("/hub/many?n=25")]);
    s.rate = 5.0;
    s.burst = 1;
    s.per_host = 4;
    let (out, records) = crawl(s).await;
    let times: Vec<Instant> = site.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 27, "robots.txt, the hub, 25 articles");
    assert_eq!(records.len(), 25);
    // no one-second window holds more than rate + burst requests
    let most = times
        .iter()
        .map(|t| {
            times
                .iter()
                .filter(|u| **u >= *t && **u < *t + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap();
    assert!(
        most <= 6,
        "{most} requests within one second at rate 5, burst 1"
    );
    // over the run, as the server saw it and as the crawler counted it
    let span = (*times.last().unwrap() - times[0]).as_secs_f64();
    let achieved = (times.len() - 1) as f64 / span;
    assert!(
        achieved <= 5.2,
        "server saw {achieved:.2} requests/s at rate 5"
    );
    let counted = out.stats.hosts[&site.host_key()].achieved_rate().unwrap();
    assert!(counted <= 5.2, "crawler reports {counted:.2}/s at rate 5");
    // and it kept its connections open rather than opening one per request
    assert!(
        site.connections() <= 4,
        "{} connections for {} requests",
        site.connections(),
        times.len()
    );
    assert_only_these_servers(&out.stats, &[&site]);
}

#[tokio::test(flavor = "multi_thread")]
async fn max_duration_stops_scheduling_at_the_deadline() {
    let site = Site::start(SiteOptions::default());
    // 40 articles at 2 requests/s: some 20 s without the limit
    let mut s = settings(&[site.url("/hub/many?n=40")]);
    s.rate = 2.0;
    s.max_duration = Duration::from_secs(1);
    let started = Instant::now();
    let (out, _records) = crawl(s).await;
    assert!(out.timed_out);
    assert!(!out.interrupted);
    // nothing sent after the deadline (a request sent just before it may land a little later)
    let late: Vec<String> = site
        .requests()
        .into_iter()
        .filter(|r| r.at > started + Duration::from_millis(1500))
        .map(|r| r.target)
        .collect();
    assert!(late.is_empty(), "requested after max_duration: {late:?}");
    assert_only_these_servers(&out.stats, &[&site]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_that_hangs_past_the_idle_timeout_stops_the_crawl() {
    let site = Site::start(SiteOptions::default());
    // /slow answers after 3 s; the request timeout (5 s) would wait, the watchdog (1 s) not
    let mut s = settings(&[site.url("/slow")]);
    s.idle_timeout = Duration::from_secs(1);
    let (out, records) = crawl(s).await;
    assert!(out.timed_out, "{:?}", out.stats);
    assert_eq!(
        errors(&out.stats, "abandoned-at-stop"),
        1,
        "{:?}",
        out.stats.errors
    );
    assert!(records.is_empty());
    assert_eq!(site.targets(), ["/robots.txt", "/slow"]);
    assert_only_these_servers(&out.stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// the private address guard (decisions only: nothing is sent)

#[tokio::test(flavor = "multi_thread")]
async fn links_to_internal_addresses_are_refused_before_any_connection() {
    // default scope: the seed's host only; the IP literals are other hosts
    let site = Site::start(SiteOptions::default());
    let (out, records) = crawl(settings(&[site.url("/hub/private")])).await;
    assert_eq!(
        skipped(&out.stats, "off-scope host"),
        2,
        "{:?}",
        out.stats.skipped
    );
    assert_eq!(records.len(), 1);
    assert_only_these_servers(&out.stats, &[&site]);

    // the scope widened to those addresses: the internal-address guard refuses them. A deny
    // pattern catches them too in case it did not, so that even then nothing is sent.
    let site = Site::start(SiteOptions::default());
    let mut s = settings(&[site.url("/hub/private")]);
    s.allowed_hosts = vec![
        "127.0.0.1".into(),
        "10.0.0.1".into(),
        "169.254.169.254".into(),
    ];
    s.deny = vec![Regex::new(r"^https?://(10\.0\.0\.1|169\.254\.169\.254)([:/]|$)").unwrap()];
    let (out, records) = crawl(s).await;
    assert_eq!(
        skipped(&out.stats, "private address refused"),
        2,
        "{:?}",
        out.stats.skipped
    );
    assert_eq!(
        skipped(&out.stats, "allow/deny patterns"),
        0,
        "the guard, not the safety net, refused them"
    );
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].url, site.url("/world/7001-public-story"));
    assert_only_these_servers(&out.stats, &[&site]);
}

// ---------------------------------------------------------------------------------------------
// the command line

#[test]
fn cli_crawl_writes_whole_http_records_and_a_summary() {
    let site = Site::start(SiteOptions {
        sitemap_in_robots: true,
        ..SiteOptions::default()
    });
    let ua = "khabar-test/0.1 (+local tests)";
    let child = khabar_crawl(&[
        &site.url("/"),
        "--rate",
        "0",
        "--max-depth",
        "10",
        "--user-agent",
        ua,
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn khabar");
    let (status, stdout, stderr) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    let recs = json_lines(&stdout);
    for r in &recs {
        assert_http_record(r, &site);
        assert_eq!(
            r["url"], r["page_url"],
            "articles here are canonical at their own address"
        );
    }
    let urls: Vec<&str> = recs.iter().map(|r| r["url"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = urls.iter().copied().collect();
    assert_eq!(unique.len(), urls.len(), "{urls:?}");
    assert_eq!(
        urls.len(),
        14,
        "home story, 9 section stories, 2 feed-only, 2 sitemap-only: {urls:?}"
    );
    for p in SITEMAP_ONLY.iter().chain(FEED_ONLY) {
        assert!(unique.contains(site.url(p).as_str()), "{p}");
    }
    assert!(
        site.requests()
            .iter()
            .all(|r| r.header("user-agent") == Some(ua)),
        "--user-agent is sent"
    );
    assert_eq!(site.count_path("/private/secret"), 0);
    assert!(
        stderr.contains("crawl finished"),
        "summary on stderr: {stderr}"
    );
}

#[test]
fn cli_crawl_writes_one_markdown_document_per_article() {
    let site = Site::start(SiteOptions {
        sitemap_in_robots: true,
        ..SiteOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let child = khabar_crawl(&[
        &site.url("/"),
        "--rate",
        "0",
        "--max-depth",
        "10",
        "--format",
        "markdown",
        "--output-dir",
        dir.path().to_str().unwrap(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn khabar");
    let (status, stdout, stderr) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(stdout.is_empty(), "documents go to files, not stdout");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            name.ends_with(".md") && name.len() == 64 + 3,
            "only ID.md files, nothing temporary left: {name}"
        );
        docs.push(std::fs::read_to_string(&path).unwrap());
    }
    assert_eq!(
        docs.len(),
        14,
        "the articles of cli_crawl_writes_whole_http_records"
    );
    for doc in &docs {
        let field = |key: &str| -> String {
            let v = doc
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("no {key} in the front matter: {doc}"));
            serde_json::from_str(v).unwrap()
        };
        assert!(field("url: ").starts_with(&site.url("/")));
        let title = field("title: ");
        assert!(
            !title.is_empty() && doc.contains(&format!("\n---\n\n# {title}\n\n")),
            "{doc}"
        );
    }
}

#[test]
fn cli_ctrl_c_stops_scheduling_writes_whole_records_and_exits_130() {
    let site = Site::start(SiteOptions::default());
    // 40 articles at 2 requests/s: some 20 s if nothing stopped it
    let child = khabar_crawl(&[&site.url("/hub/many?n=40"), "--rate", "2", "--timeout", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn khabar");
    let started = Instant::now();
    // running: robots.txt, the hub and an article seen, a second gone by
    wait_until(Duration::from_secs(20), "the crawl to start", || {
        site.requests().len() >= 3 && started.elapsed() >= Duration::from_secs(1)
    });
    let interrupted_at = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success());
    let (status, stdout, stderr) = wait_with_limit(child, Duration::from_secs(20));

    assert_eq!(status.code(), Some(130), "stderr: {stderr}");
    let recs = json_lines(&stdout);
    assert!(
        !recs.is_empty(),
        "records fetched before Ctrl-C are written"
    );
    for r in &recs {
        assert_http_record(r, &site);
    }
    assert!(
        stderr.contains("crawl interrupted after"),
        "summary on stderr: {stderr}"
    );
    // nothing new scheduled after the signal (requests already in flight may still land)
    let late: Vec<String> = site
        .requests()
        .into_iter()
        .filter(|r| r.at > interrupted_at + Duration::from_millis(1500))
        .map(|r| r.target)
        .collect();
    assert!(late.is_empty(), "requested after Ctrl-C: {late:?}");
    assert!(
        site.requests().len() < 42,
        "the crawl stopped early: {} requests",
        site.requests().len()
    );
}

#[test]
fn cli_closed_stdout_stops_the_crawl_with_exit_code_0() {
    let site = Site::start(SiteOptions::default());
    // 40 articles at 5 requests/s: some 8 s if the closed pipe went unnoticed
    let mut child = khabar_crawl(&[&site.url("/hub/many?n=40"), "--rate", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn khabar");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).expect("read one record");
    assert!(line.ends_with('\n'));
    let first: serde_json::Value = serde_json::from_str(&line).expect("a whole JSON record");
    assert_http_record(&first, &site);
    drop(reader); // the reader goes away, like `khabar crawl … | head -1`

    let (status, _, stderr) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let articles = site
        .requests()
        .iter()
        .filter(|r| r.path().starts_with("/world/"))
        .count();
    assert!(
        articles < 40,
        "the crawl went on to the end ({articles} articles) after its output was closed"
    );
}

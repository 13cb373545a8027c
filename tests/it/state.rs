//! Incremental crawls with a crawl state: the second run writes only what is new or
//! changed, asks conditionally for what it fetched before, and one crawl at a time holds a
//! store. Everything runs against a small site served on 127.0.0.1 by `support/pages.rs`.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::pages::{Site, article, config, home, news_site};

fn crawl(cfg: &Path, base: &str, state: &Path, out: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(cfg)
        .args([
            "crawl",
            &format!("{base}/"),
            "--rate",
            "0",
            "--timeout",
            "5",
        ])
        .arg("--state")
        .arg(state)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

fn records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_second_run_writes_only_new_and_changed_articles_with_their_revision() {
    let (site, base) = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state/state.db");
    site.set("/robots.txt", "User-agent: *\nDisallow:\n".into(), None);
    site.set("/", home(&[1, 2, 3, 5]), None);
    site.set(
        "/news/1-story",
        article(&base, 1, "النص الأول"),
        Some("\"1a\""),
    );
    site.set(
        "/news/2-story",
        article(&base, 2, "النص الثاني"),
        Some("\"2a\""),
    );
    site.set("/news/3-story", article(&base, 3, "النص الثالث"), None);
    site.set(
        "/news/5-story",
        article(&base, 5, "النص الخامس"),
        Some("\"5a\""),
    );

    // run 1: everything
    let out1 = dir.path().join("run1.ndjson");
    let o = crawl(&cfg, &base, &state, &out1);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let first = records(&out1);
    assert_eq!(first.len(), 4);
    assert!(first.iter().all(|r| r["revision"] == 1));
    site.take_log();

    // two articles change, one is added, one keeps its ETag, one has none and stays the same
    site.set("/", home(&[1, 2, 3, 4, 5]), None);
    site.set(
        "/news/1-story",
        article(&base, 1, "النص الأول بعد التعديل"),
        Some("\"1b\""),
    );
    site.set(
        "/news/2-story",
        article(&base, 2, "النص الثاني بعد التعديل"),
        Some("\"2b\""),
    );
    site.set(
        "/news/4-story",
        article(&base, 4, "خبر جديد"),
        Some("\"4a\""),
    );

    let out2 = dir.path().join("run2.ndjson");
    let o = crawl(&cfg, &base, &state, &out2);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let second = records(&out2);
    let mut got: Vec<(String, u64)> = second
        .iter()
        .map(|r| {
            (
                r["url"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                r["revision"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("1-story".into(), 2),
            ("2-story".into(), 2),
            ("4-story".into(), 1)
        ]
    );
    // the same article keeps its id across revisions
    let id1 = |rs: &[serde_json::Value]| {
        rs.iter()
            .find(|r| r["url"].as_str().unwrap().ends_with("/1-story"))
            .unwrap()["id"]
            .clone()
    };
    assert_eq!(id1(&first), id1(&second));

    // what the server saw: conditional requests for what was fetched before
    let log = site.take_log();
    let seen = |p: &str| {
        log.iter()
            .find(|s| s.path == p)
            .cloned()
            .unwrap_or_else(|| panic!("{p} not requested: {log:?}"))
    };
    assert_eq!(
        seen("/news/1-story").if_none_match.as_deref(),
        Some("\"1a\"")
    );
    assert_eq!(seen("/news/5-story").status, 304, "unchanged ETag: 304");
    assert_eq!(
        seen("/news/3-story").status,
        200,
        "no validators: fetched whole, same content, nothing written"
    );
    assert_eq!(
        seen("/news/4-story").if_none_match,
        None,
        "new article: plain request"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not modified (304) 1"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // run 3: nothing changed, nothing written
    let out3 = dir.path().join("run3.ndjson");
    let o = crawl(&cfg, &base, &state, &out3);
    assert_eq!(o.status.code(), Some(0));
    assert!(records(&out3).is_empty());

    // `khabar state` tells what is known
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("--config")
        .arg(&cfg)
        .arg("state")
        .arg("--state")
        .arg(&state)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        text.contains("articles 5, revised at least once 2"),
        "{text}"
    );
    assert_eq!(text.matches("crawl finished").count(), 3, "{text}");
    assert!(
        text.contains("last run: ") && text.contains("robots.txt: allow all"),
        "{text}"
    );
}

#[test]
fn a_second_crawl_on_the_same_state_fails_clearly() {
    let (site, base) = Site::start();
    site.set("/robots.txt", String::new(), None);
    site.set("/", home(&[]), None);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let _held = khabar_crawl::state::StateStore::open(&state).unwrap();
    let o = crawl(&cfg, &base, &state, &dir.path().join("out.ndjson"));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("in use by another khabar crawl"), "{err}");
    assert!(site.take_log().is_empty(), "nothing fetched");
}

#[test]
fn every_runs_again_until_sigterm_and_output_dir_rotates_by_utc_hour() {
    let (site, base) = Site::start();
    site.set("/robots.txt", String::new(), None);
    site.set("/", home(&[1, 2]), None);
    site.set("/news/1-story", article(&base, 1, "أول"), Some("\"1\""));
    site.set("/news/2-story", article(&base, 2, "ثان"), None);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let out_dir = dir.path().join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", &format!("{base}/"), "--rate", "0", "--every", "1s"])
        .arg("--state")
        .arg(&state)
        .arg("--output-dir")
        .arg(&out_dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // wait for the home page to be fetched by two runs
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while site.count_path("/") < 2 {
        assert!(std::time::Instant::now() < deadline, "no second run");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // the first run finished; the second finished too, or was the one SIGTERM stopped
    let finished = err.matches("crawl finished").count();
    let stopped = err.matches("crawl stopped (SIGTERM)").count();
    assert!(finished >= 1 && finished + stopped >= 2, "{err}");
    // SIGTERM is answered as SIGTERM: no "Ctrl-C again" advice to a service manager
    assert!(
        err.contains("terminated") && !err.contains("Ctrl-C"),
        "{err}"
    );
    // one file per UTC hour, whole lines; the second run found nothing new
    let files: Vec<PathBuf> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty() && files.len() <= 2, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("khabar-")
            && name.ends_with(".ndjson")
            && name.len() == "khabar-2026-11-29T03.ndjson".len(),
        "{name}"
    );
    let all: Vec<serde_json::Value> = files.iter().flat_map(|f| records(f)).collect();
    assert_eq!(all.len(), 2, "each article once across runs");
    let runs = khabar_crawl::state::StateStore::open_read_only(&state)
        .unwrap()
        .last_runs(10)
        .unwrap();
    assert!(runs.len() >= 2);
    assert!(
        runs.iter().all(|r| r.ended_at.is_some()),
        "every run saved before exiting"
    );
}

#[test]
fn crawls_killed_again_and_again_lose_no_article_and_tear_no_line() {
    let (_site, base, mut all) = news_site(5, 8);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let out = dir.path().join("news.ndjson");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .env_remove("KHABAR_LOG")
            .arg("--config")
            .arg(&cfg)
            .args([
                "-q",
                "crawl",
                &format!("{base}/"),
                "--rate",
                "25",
                "--per-host",
                "2",
            ])
            .arg("--state")
            .arg(&state)
            .arg("-o")
            .arg(&out)
            .spawn()
            .unwrap()
    };
    // kill -9 at moments spread over the crawl, each run resuming the last
    for delay_ms in [150u64, 420, 260, 610, 330, 500, 200, 700] {
        let mut child = run();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    let status = run().wait().unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    let mut seen = std::collections::HashMap::new();
    for line in text.lines() {
        let r: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("torn line ({e}): {line}"));
        let key = (
            r["id"].as_str().unwrap().to_string(),
            r["revision"].as_u64().unwrap(),
        );
        assert_eq!(key.1, 1, "nothing changed, so every copy is revision 1");
        seen.insert(r["url"].as_str().unwrap().to_string(), key);
    }
    let mut got: Vec<&String> = seen.keys().collect();
    got.sort();
    all.sort();
    assert_eq!(
        got,
        all.iter().collect::<Vec<_>>(),
        "every article written at least once"
    );
    // a last run has nothing left to do
    let store = khabar_crawl::state::StateStore::open_read_only(&state).unwrap();
    assert_eq!(store.counts().unwrap().queued, 0);
    assert_eq!(store.counts().unwrap().articles, all.len() as u64);
}

#[test]
fn a_frontier_larger_than_memory_holds_is_served_from_the_store_in_order_and_once() {
    let (site, base) = Site::start();
    site.set("/robots.txt", String::new(), None);
    let n = 700u32; // more than the 256 a lane keeps in memory
    let ids: Vec<u32> = (1000..1000 + n).collect();
    for id in &ids {
        site.set(
            &format!("/news/{id}-story"),
            article(&base, *id, &format!("نص {id}")),
            None,
        );
    }
    site.set("/", home(&ids), None);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let out = dir.path().join("out.ndjson");
    let o = crawl(&cfg, &base, &state, &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let recs = records(&out);
    assert_eq!(
        recs.len(),
        n as usize,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut urls: Vec<&str> = recs.iter().map(|r| r["url"].as_str().unwrap()).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), n as usize, "each article once");
    let mut fetched: Vec<String> = site
        .take_log()
        .into_iter()
        .map(|s| s.path)
        .filter(|p| p.starts_with("/news/"))
        .collect();
    // two requests at a time: the server may see neighbours swapped, never a page twice
    assert!(
        fetched
            .first()
            .is_some_and(|p| p == "/news/1000-story" || p == "/news/1001-story")
    );
    fetched.sort();
    let mut expected: Vec<String> = ids.iter().map(|id| format!("/news/{id}-story")).collect();
    expected.sort();
    assert_eq!(fetched, expected, "each page fetched once");
    let store = khabar_crawl::state::StateStore::open_read_only(&state).unwrap();
    assert_eq!(store.counts().unwrap().queued, 0);
}

#[test]
fn a_full_disk_stops_the_crawl_and_the_state_does_not_run_ahead_of_the_output() {
    let (site, base) = Site::start();
    site.set("/robots.txt", String::new(), None);
    site.set("/", home(&[1, 2, 3]), None);
    for id in 1..=3 {
        site.set(&format!("/news/{id}-story"), article(&base, id, "نص"), None);
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    // /dev/full takes the file open and refuses every write: "No space left on device"
    let o = crawl(&cfg, &base, &state, Path::new("/dev/full"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot write to /dev/full") && err.contains("No space left"),
        "{err}"
    );
    let store = khabar_crawl::state::StateStore::open_read_only(&state).unwrap();
    assert_eq!(
        store.counts().unwrap().articles,
        0,
        "no article counted as written"
    );
    // the next run, with room to write, gets every article
    let out = dir.path().join("out.ndjson");
    drop(store);
    let o = crawl(&cfg, &base, &state, &out);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(records(&out).len(), 3);
}

#[test]
fn a_sitemap_lastmod_older_than_the_last_fetch_skips_the_fetch() {
    let (site, base) = Site::start();
    site.set("/robots.txt", String::new(), None);
    let sitemap = |lastmod: &str| {
        format!(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/news/7-story</loc><lastmod>{lastmod}</lastmod></url></urlset>"#
        )
    };
    site.set("/sitemap.xml", sitemap("2020-01-01T00:00:00Z"), None);
    site.set("/news/7-story", article(&base, 7, "نص"), None);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let run = |name: &str| {
        let out = dir.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .env_remove("KHABAR_LOG")
            .arg("--config")
            .arg(&cfg)
            .args(["crawl", &format!("{base}/sitemap.xml"), "--rate", "0"])
            .arg("--state")
            .arg(&state)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        records(&out).len()
    };
    assert_eq!(run("1.ndjson"), 1);
    site.take_log();
    assert_eq!(run("2.ndjson"), 0);
    assert!(
        site.take_log().iter().all(|s| s.path != "/news/7-story"),
        "not fetched: unchanged since"
    );
    // a newer lastmod and new content: fetched and written again
    site.set("/sitemap.xml", sitemap("2099-01-01T00:00:00Z"), None);
    site.set("/news/7-story", article(&base, 7, "نص جديد"), None);
    assert_eq!(run("3.ndjson"), 1);
}

/// An article of a site no profile covers, found through a feed, is revisited the way a
/// profile's is: the second run asks conditionally (304 for what did not change) and
/// writes only the changed article; within the crawl's `recrawl_after_secs` nothing is
/// asked at all. The feed itself is read in full every run.
#[test]
fn articles_of_a_site_no_profile_covers_are_revisited_conditionally() {
    let (site, base) = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = |recrawl: &str| {
        let path = dir.path().join(format!("generic{}.toml", recrawl.len()));
        std::fs::write(&path, format!("[crawl]\n{recrawl}\n")).unwrap();
        path
    };
    let state = dir.path().join("state.db");
    let page = |id: u32, text: &str| {
        format!(
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Story {id}</title>\
             <meta property='og:type' content='article'>\
             <link rel=canonical href='{base}/a/{id}'></head><body><article><h1>Story {id}</h1>\
             <p>{text} This paragraph carries the story's words, enough of them to be read \
             as the body of an article by the generic extractor.</p></article></body></html>"
        )
    };
    let feed = format!(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>\
         <item><link>{base}/a/1</link></item><item><link>{base}/a/2</link></item>\
         <item><link>{base}/a/3</link></item></channel></rss>"
    );
    site.set("/robots.txt", "User-agent: *\nDisallow:\n".into(), None);
    site.set("/feed.xml", feed, Some("\"feed\""));
    for (id, etag) in [(1, "\"1a\""), (2, "\"2a\""), (3, "\"3a\"")] {
        site.set(&format!("/a/{id}"), page(id, "First words."), Some(etag));
    }
    let crawl_feed = |cfg: &Path, out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .env_remove("KHABAR_LOG")
            .arg("--config")
            .arg(cfg)
            .args(["crawl", &format!("{base}/feed.xml"), "--rate", "0"])
            .arg("--state")
            .arg(&state)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap()
    };
    let due_at_once = cfg("recrawl_after_secs = 0");

    let out1 = dir.path().join("run1.ndjson");
    let o = crawl_feed(&due_at_once, &out1);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(records(&out1).len(), 3);
    assert!(
        records(&out1)
            .iter()
            .all(|r| r["extraction"]["profile"].is_null())
    );
    site.take_log();

    site.set("/a/2", page(2, "Corrected words."), Some("\"2b\""));
    let out2 = dir.path().join("run2.ndjson");
    let o = crawl_feed(&due_at_once, &out2);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let second = records(&out2);
    assert_eq!(second.len(), 1, "only the changed article: {second:?}");
    assert!(second[0]["url"].as_str().unwrap().ends_with("/a/2"));
    assert_eq!(second[0]["revision"], 2);
    let log = site.take_log();
    let seen = |p: &str| log.iter().find(|s| s.path == p).cloned().unwrap();
    for (path, etag, status) in [
        ("/a/1", "\"1a\"", 304),
        ("/a/2", "\"2a\"", 200),
        ("/a/3", "\"3a\"", 304),
    ] {
        assert_eq!(seen(path).if_none_match.as_deref(), Some(etag), "{path}");
        assert_eq!(seen(path).status, status, "{path}");
    }
    assert_eq!(
        seen("/feed.xml").if_none_match,
        None,
        "a feed is read in full"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("fetched, nothing written: not modified (304) 2"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // with the default (an hour), a run right after asks for no article at all
    let out3 = dir.path().join("run3.ndjson");
    let o = crawl_feed(&cfg(""), &out3);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(records(&out3).is_empty());
    let log = site.take_log();
    assert!(
        log.iter().all(|s| !s.path.starts_with("/a/")),
        "nothing due: {log:?}"
    );
}

/// `--forget-host` forgets a host on whatever port it was crawled; naming a host or URL
/// the state does not know says so and exits 1 (a typo is not a success).
#[test]
fn forgetting_a_host_takes_every_port_and_a_miss_is_an_error() {
    use khabar_crawl::state::{FetchUpdate, StateStore};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    {
        let mut s = StateStore::open(&state).unwrap();
        for (url, host) in [
            ("http://localhost:8080/a", "localhost:8080"),
            ("http://localhost:8081/b", "localhost:8081"),
            ("http://localhostess.example/c", "localhostess.example"),
        ] {
            s.record_fetch(&FetchUpdate {
                url: url.into(),
                host: host.into(),
                status: Some(200),
                etag: None,
                last_modified: None,
                error: None,
                article: true,
            })
            .unwrap();
        }
    }
    let forget = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .env_remove("KHABAR_LOG")
            .arg("state")
            .arg("--state")
            .arg(&state)
            .args(args)
            .output()
            .unwrap()
    };
    let o = forget(&["--forget-host", "LOCALHOST"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("forgot host LOCALHOST (2 URLs)"), "{err}");
    let s = StateStore::open_read_only(&state).unwrap();
    assert!(
        s.url_state("http://localhostess.example/c")
            .unwrap()
            .is_some()
    );
    drop(s);
    let o = forget(&["--forget-host", "localhost"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("knows no URL of this host"), "{err}");
    let o = forget(&["--forget", "http://nowhere.example/"]);
    assert_eq!(o.status.code(), Some(1));
}

//! The command line's habits: `fetch`, `-i FILE`, `-O FILE`, `--stats FILE`, the manual
//! page and shell completions, and help that shows defaults. Servers on 127.0.0.1 only.

use std::path::Path;
use std::process::Output;

use crate::common::{records, run, run_with_stdin, stderr, write};
use crate::support::pages::Site;

/// A page no metadata calls an article: `crawl` would only follow its links; `fetch`
/// extracts it because it was asked to.
fn plain_page(n: u32) -> String {
    format!(
        "<html lang=en><head><title>Note {n}</title></head><body><h1>Note {n}</h1>\
         <p>The words of note number {n}, enough of them to make a paragraph of text.</p>\
         <a href='/other-{n}'>other</a></body></html>"
    )
}

fn site() -> (Site, String) {
    let (site, base) = Site::start();
    site.set(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\n".into(),
        None,
    );
    for n in 1..=3 {
        site.set(&format!("/n/{n}"), plain_page(n), None);
    }
    site.set("/private/4", plain_page(4), None);
    (site, base)
}

/// khabar with an empty config (no profile: the generic extractor) in `dir`.
fn khabar_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let cfg = write(dir, "empty.toml", b"");
    let mut all = vec!["--config", cfg.to_str().unwrap()];
    all.extend_from_slice(args);
    match stdin {
        Some(bytes) => run_with_stdin(&all, bytes),
        None => run(&all),
    }
}

#[test]
fn fetch_extracts_what_it_is_given_follows_nothing_and_obeys_robots() {
    let (site, base) = site();
    let dir = tempfile::tempdir().unwrap();
    let list = format!("# notes\n{base}/n/2\n\n{base}/private/4\n");
    let out = khabar_in(
        dir.path(),
        &[
            "fetch",
            &format!("{base}/n/1"),
            "-i",
            "-",
            "--allow-private",
            "--rate",
            "0",
        ],
        Some(list.as_bytes()),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let got: Vec<String> = records(&out)
        .iter()
        .map(|r| r["headline"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got.len(), 2, "{got:?} {err}");
    assert!(got.contains(&"Note 1".to_string()) && got.contains(&"Note 2".to_string()));
    let log = site.take_log();
    assert!(
        log.iter().all(|s| !s.path.starts_with("/other")),
        "no link followed: {log:?}"
    );
    assert!(
        log.iter().all(|s| s.path != "/private/4"),
        "robots.txt obeyed: {log:?}"
    );
    assert!(err.contains("1 blocked by robots.txt"), "{err}");
}

#[test]
fn a_bad_line_in_an_address_list_is_named_and_nothing_is_fetched() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "seeds.txt",
        b"https://a.example/\nnot an address\n",
    );
    let out = khabar_in(
        dir.path(),
        &["crawl", "--no-state", "-i", list.to_str().unwrap()],
        None,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("seeds.txt:2: `not an address`"), "{err}");
}

#[test]
fn crawl_reads_seeds_from_a_file_replaces_its_output_and_writes_stats() {
    let (site, base) = site();
    let dir = tempfile::tempdir().unwrap();
    let seeds = write(dir.path(), "seeds.txt", format!("{base}/n/3\n").as_bytes());
    let out_file = dir.path().join("out.ndjson");
    std::fs::write(&out_file, "old line\n").unwrap();
    let stats = dir.path().join("stats.json");
    let out = khabar_in(
        dir.path(),
        &[
            "crawl",
            "--no-state",
            "-i",
            seeds.to_str().unwrap(),
            "--allow-private",
            "--rate",
            "0",
            "--max-depth",
            "0",
            "-O",
            out_file.to_str().unwrap(),
            "--stats",
            stats.to_str().unwrap(),
        ],
        None,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(site.count_path("/n/3"), 1);
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(!text.contains("old line"), "-O replaces: {text}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(s["schema"], "khabar.crawl-stats/1");
    assert_eq!(s["ending"], "finished");
    assert_eq!(s["requests"], 2, "robots.txt and the page: {s}");
    assert_eq!(s["pages"], 1);
    let host = base.trim_start_matches("http://");
    assert_eq!(s["hosts"][host]["requests"], 2, "{s}");
    assert!(s["elapsed_secs"].as_f64().unwrap() >= 0.0);
}

#[test]
fn extract_replaces_with_capital_o_and_appends_with_small_o() {
    let dir = tempfile::tempdir().unwrap();
    let page = crate::common::fixture("seed.html");
    let out_file = dir.path().join("out.ndjson");
    let lines = |args: &[&str]| {
        let mut all = vec!["extract", page.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = run(&all);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read_to_string(&out_file).unwrap().lines().count()
    };
    let once = lines(&["-o", out_file.to_str().unwrap()]);
    assert_eq!(lines(&["-o", out_file.to_str().unwrap()]), 2 * once);
    assert_eq!(lines(&["-O", out_file.to_str().unwrap()]), once);
}

#[test]
fn the_manual_page_and_completions_come_from_the_flags() {
    let out = run(&["man"]);
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH khabar"),
        "{}",
        &man[..200]
    );
    for flag in ["output\\-replace", "input\\-file", "stats", "forget\\-host"] {
        assert!(man.contains(flag), "the manual lacks --{flag}");
    }
    assert!(man.contains("KHABAR FETCH") && man.contains("KHABAR CRAWL"));
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("output-replace") && script.contains("fetch"),
            "{shell}"
        );
    }
    // bash reads the script without a syntax error
    let out = run(&["completions", "bash"]);
    let check = std::process::Command::new("bash")
        .args(["-n", "-c", &String::from_utf8(out.stdout).unwrap()])
        .status()
        .unwrap();
    assert!(check.success());
}

#[test]
fn help_shows_defaults_and_examples() {
    let out = run(&["crawl", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("[default: 1; config: rate]"), "{help}");
    assert!(
        help.contains("[default: 1,000; config: max_pages]"),
        "{help}"
    );
    // every key with a flag has it, made from the same definition
    for key in khabar_crawl::settings::KEYS {
        if let Some(f) = &key.flag {
            assert!(help.contains(&format!("--{}", f.long)), "--{}", f.long);
        }
    }
    assert!(help.contains("Examples:"), "{help}");
}

/// An output that cannot be opened (`-o`, `--stats`) stops the crawl before anything is
/// fetched: no request reaches the site.
#[test]
fn an_output_that_cannot_be_opened_fails_before_any_request() {
    let (site, base) = site();
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no/such/folder/out.ndjson");
    for flag in ["-o", "--stats"] {
        let out = khabar_in(
            dir.path(),
            &[
                "crawl",
                "--no-state",
                &format!("{base}/n/1"),
                flag,
                nowhere.to_str().unwrap(),
            ],
            None,
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(err.contains("cannot write to"), "{flag}: {err}");
        assert!(site.take_log().is_empty(), "{flag}: nothing fetched");
    }
}

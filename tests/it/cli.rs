//! The `extract` command as a user runs it: inputs of every kind, bad input, exit codes,
//! pipes, config mistakes.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{fixture, khabar, records, run, run_with_stdin, stderr, write};

#[test]
fn bad_inputs_are_named_the_rest_is_processed_and_exit_code_is_1() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.html", b"");
    let binary = write(
        dir.path(),
        "image.html",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    );
    let bad_utf8 = write(
        dir.path(),
        "bad-utf8.html",
        b"<html lang=ar><head><meta charset=utf-8><title>t</title></head><body><p>\xff\xfe ok</p></body></html>",
    );
    let missing = dir.path().join("missing.html");
    let seed = fixture("seed.html");
    let args: Vec<String> = ["extract"]
        .iter()
        .map(|s| s.to_string())
        .chain(
            [&empty, &binary, &missing, &bad_utf8, &seed]
                .iter()
                .map(|p| p.display().to_string()),
        )
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for (file, what) in [
        ("empty.html", "empty"),
        ("image.html", "not an HTML page"),
        ("missing.html", "cannot read"),
        ("bad-utf8.html", "not valid in UTF-8 from byte"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(what)),
            "no message for {file}: {err}"
        );
    }
    let recs = records(&out);
    // the page with bad bytes still gives its record (with U+FFFD), and the seed its two
    assert_eq!(recs.len(), 3);
    assert!(
        recs[0]["extraction"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("U+FFFD")
    );
    assert_eq!(recs[1]["site"], "aawsat");
}

#[test]
fn everything_ok_exits_0_with_a_summary_on_stderr_only() {
    let out = run(&["extract", "fixtures/aawsat"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("5 pages, 6 records, 0 failed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(records(&out).len(), 6);
    let quiet = run(&["-q", "extract", "fixtures/aawsat"]);
    assert!(quiet.stderr.is_empty());
}

#[test]
fn stdin_with_url_picks_the_profile_and_records_the_address() {
    let html = std::fs::read(fixture("seed.html")).unwrap();
    let out = run_with_stdin(
        &[
            "extract",
            "-",
            "--url",
            "https://aawsat.com/x/4926491-y?utm_source=t",
        ],
        &html,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        recs[0]["page_url"],
        "https://aawsat.com/x/4926491-y?utm_source=t"
    );
    assert_eq!(recs[0]["source"]["kind"], "stdin");
    assert_eq!(recs[0]["source"]["file"], serde_json::Value::Null);
    assert!(
        recs[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://aawsat.com/%D8%A7"),
        "canonical wins"
    );
}

#[test]
fn url_picks_the_profile_of_a_page_without_canonical_link() {
    let page = "<html lang=ar><body><div class='node node--type-article'><div class=entry-title><h1>عنوان</h1></div>\
        <div class=printable-area><article><div class=entry-content><p>فقرة.</p></div></article></div></div></body></html>";
    let out = run_with_stdin(
        &["extract", "-", "--url", "https://www.aawsat.com/a/1-b"],
        page.as_bytes(),
    );
    let recs = records(&out);
    assert_eq!(recs[0]["site"], "aawsat");
    assert_eq!(recs[0]["url"], "https://www.aawsat.com/a/1-b");
    assert_eq!(recs[0]["body"], serde_json::json!(["فقرة."]));
    // the same page with no address and no --profile: metadata only, said in the warnings
    let out = run_with_stdin(&["extract", "-"], page.as_bytes());
    let recs = records(&out);
    assert_eq!(recs[0]["site"], "generic");
    assert!(
        recs[0]["extraction"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("no site profile")
    );
    // --profile is the fallback for such pages
    let out = run_with_stdin(&["extract", "-", "--profile", "aawsat"], page.as_bytes());
    assert_eq!(records(&out)[0]["headline"], "عنوان");
}

#[test]
fn manifest_gives_each_file_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = write(
        dir.path(),
        "pages.ndjson",
        b"{\"file\": \"seed.html\", \"url\": \"https://aawsat.com/p/1\"}\n{\"file\": \"cp1256.html\", \"url\": null}\n",
    );
    let out = run(&[
        "extract",
        "--manifest",
        manifest.to_str().unwrap(),
        "fixtures/aawsat",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["page_url"], "https://aawsat.com/p/1");
    assert_eq!(recs[0]["source"]["file"], "fixtures/aawsat/seed.html");
    assert_eq!(recs[2]["page_url"], serde_json::Value::Null);
}

#[test]
fn a_bad_manifest_line_is_named_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = write(
        dir.path(),
        "m.ndjson",
        b"{\"file\": \"seed.html\"}\n{oops\n",
    );
    let out = run(&[
        "extract",
        "--manifest",
        manifest.to_str().unwrap(),
        "fixtures/aawsat",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("m.ndjson:2:"), "{}", stderr(&out));
    assert_eq!(records(&out).len(), 2);
}

#[test]
fn explain_tells_where_each_field_came_from_on_stderr() {
    let out = run(&[
        "extract",
        "--explain",
        "fixtures/aawsat/byline-visible-date.html",
    ]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("profile          aawsat (host aawsat.com of the canonical link)"),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with("headline") && l.contains(".entry-title h1")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with("published_at") && l.contains("visible-text")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with("modified_at") && l.contains("(not found)"))
            || !err.contains("modified_at")
    );
    assert_eq!(records(&out).len(), 1, "records still on stdout");
}

#[test]
fn output_file_is_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.ndjson");
    for _ in 0..2 {
        let out = run(&[
            "extract",
            "fixtures/aawsat/seed.html",
            "-o",
            out_file.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        assert!(out.stdout.is_empty());
    }
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
    );
}

#[test]
fn closing_the_pipe_early_is_not_an_error() {
    let mut args = vec!["extract".to_string()];
    args.extend(std::iter::repeat_n("fixtures/aawsat".to_string(), 300));
    let mut child = khabar()
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // the reader is gone now, like `| head -1`
    let out = child.wait_with_output().unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&first).is_ok());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
}

#[test]
fn usage_mistakes_exit_2_and_say_what_to_do() {
    let out = run(&["extract"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no input given"));
    let out = run(&[
        "extract",
        "a.html",
        "b.html",
        "--url",
        "https://aawsat.com/a",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--manifest"));
    let out = run(&[
        "extract",
        "fixtures/aawsat/seed.html",
        "--url",
        "aawsat.com/a",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["extract", "fixtures/aawsat", "--profile", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no profile named `nope`") && stderr(&out).contains("aawsat"));
    assert!(out.stdout.is_empty());
}

#[test]
fn config_mistakes_exit_2_naming_file_line_profile_field_and_selector() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "bad.toml",
        b"[profiles.site]\nhosts = [\"site.com\"]\nbody = [\"p\", \"div..x\"]\n",
    );
    let out = run(&[
        "--config",
        cfg.to_str().unwrap(),
        "extract",
        "fixtures/aawsat",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml:3: profile `site`, field `body`: selector `div..x`"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let typo = write(
        dir.path(),
        "typo.toml",
        b"[profiles.site]\nhosts = [\"site.com\"]\nheadlnie = [\"h1\"]\n",
    );
    let out = run(&[
        "--config",
        typo.to_str().unwrap(),
        "extract",
        "fixtures/aawsat",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("typo.toml:3:") && stderr(&out).contains("did you mean `headline`?"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "--config",
        "/nonexistent/khabar.toml",
        "extract",
        "fixtures/aawsat",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/nonexistent/khabar.toml"), "{err}");
    // the cause once, not again after the message that quotes it
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn a_user_adds_a_site_with_a_profile_and_no_code() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "sites.toml",
        br#"[profiles.example]
hosts = ["news.example"]
timezone = "+03:00"
headline = ["h1.title"]
body = ["div.story > p"]
drop = [".promo"]
published = ["span.when"]
tags = ["ul.tags li"]
"#,
    );
    let page = write(
        dir.path(),
        "story.html",
        "<html lang='en'><head><link rel=canonical href='https://news.example/s/1'></head><body>\
         <h1 class=title>Rain in Riyadh</h1><span class=when>Published March 27, 2024 4:52 PM</span>\
         <div class=story><p>It rained.</p><p class=promo>Subscribe!</p><p>Streets<br>flooded.</p></div>\
         <ul class=tags><li>weather</li><li>Riyadh</li></ul></body></html>"
            .as_bytes(),
    );
    let out = run(&[
        "--config",
        cfg.to_str().unwrap(),
        "extract",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = &records(&out)[0];
    assert_eq!(r["site"], "example");
    assert_eq!(r["headline"], "Rain in Riyadh");
    assert_eq!(
        r["body"],
        serde_json::json!(["It rained.", "Streets", "flooded."])
    );
    assert_eq!(r["published_at"], "2024-03-27T16:52:00+03:00");
    assert_eq!(r["tags"], serde_json::json!(["weather", "Riyadh"]));
    assert_eq!(r["word_count"], 4);
    assert_eq!(r["language"], "en");
}

/// A profile's `timezone` may be an IANA zone: the same printed clock time on either side
/// of Beirut's spring change is read at two offsets; a wrong zone name stops the run
/// with the file and line.
#[test]
fn a_profile_in_a_zone_with_daylight_saving() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "sites.toml",
        br#"[profiles.beirut]
hosts = ["news.example"]
timezone = "Asia/Beirut"
headline = ["h1"]
body = ["div.story > p"]
published = ["span.when"]
"#,
    );
    let page = |name: &str, day: u32| {
        write(
            dir.path(),
            name,
            format!(
                "<html><head><link rel=canonical href='https://news.example/s/{day}'></head><body>\
                 <h1>Story {day}</h1><span class=when>{day} March 2024 10:15</span>\
                 <div class=story><p>Text of the story.</p></div></body></html>"
            )
            .as_bytes(),
        )
    };
    let before = page("before.html", 30);
    let after = page("after.html", 31);
    let out = run(&[
        "--config",
        cfg.to_str().unwrap(),
        "extract",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dates: Vec<_> = records(&out)
        .iter()
        .map(|r| r["published_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        dates,
        ["2024-03-30T10:15:00+02:00", "2024-03-31T10:15:00+03:00"]
    );

    let bad = write(
        dir.path(),
        "bad.toml",
        b"[profiles.x]\nhosts = [\"x.example\"]\ntimezone = \"Asia/Beyrouth\"\n",
    );
    let out = run(&[
        "--config",
        bad.to_str().unwrap(),
        "extract",
        before.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.toml:3:"), "{err}");
    assert!(
        err.contains("Asia/Beyrouth") && err.contains("Africa/Cairo"),
        "{err}"
    );
}

/// `-v` is khabar's own detail; the libraries' internals (the HTML parser's, the HTTP
/// pool's) come only at `-vvv`.
#[test]
fn verbose_is_khabar_s_own_detail() {
    let page = fixture("seed.html");
    let lines = |flag: &str| {
        let out = run(&[flag, "extract", page.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out).lines().count()
    };
    let (v, vvv) = (lines("-v"), lines("-vvv"));
    assert!(v < 20, "-v printed {v} lines");
    assert!(vvv > 10 * v, "-vvv printed {vvv} lines, -v {v}");
}

/// A page that gives a record with no headline and no text is a problem, not a success:
/// said on stderr, and exit 1.
#[test]
fn an_empty_record_is_a_problem() {
    let out = run_with_stdin(
        &["extract", "-", "--url", "https://x.example/a"],
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no headline and no text found"), "{err}");
    assert!(err.contains("1 with problems"), "{err}");
}

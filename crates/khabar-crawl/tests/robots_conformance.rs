//! robots.txt conformance: Google's robots.txt parser tests (google/robotstxt,
//! `robots_test.cc`) and khabar's own parser-level cases, both kept as data in
//! `tests/data/robots/` (the format is in the README there).
//!
//! Each check is run on the body as the crawler hands it over today (`Robots::parse` on the
//! body decoded as UTF-8, bad bytes replaced) and as bytes (`Robots::parse_bytes`), and
//! both must give the expected answer. A check where khabar answers the other way on
//! purpose says so in the data, with why; such a check must still answer that way.

use std::path::PathBuf;
use std::time::Duration;

use khabar_crawl::internals::robots::Robots;

/// What a check expects.
#[derive(Debug)]
enum Expect {
    /// `allowed` / `disallowed`, and khabar's own answer where it differs on purpose.
    Verdict {
        agent: String,
        url: String,
        allowed: bool,
        khabar: Option<(bool, String)>,
    },
    Sitemaps(Vec<String>),
    CrawlDelay {
        agent: String,
        secs: Option<f64>,
    },
}

#[derive(Debug)]
struct Check {
    line: usize,
    expect: Expect,
}

#[derive(Debug, Default)]
struct Case {
    name: String,
    body: Vec<u8>,
    /// The body is not UTF-8 on purpose: only `parse_bytes` is asked.
    bytes_only: bool,
    checks: Vec<Check>,
}

fn data_file(name: &str) -> (String, String) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "robots", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    (name.to_string(), text)
}

/// Decodes the escapes of the format: `\n \r \t \\ \" \xHH` and `\{N*TEXT}`.
fn unescape(s: &str, at: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let Some(&c) = b.get(i + 1) else {
            panic!("{at}: a lone backslash at the end of {s:?}");
        };
        match c {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'\\' => out.push(b'\\'),
            b'"' => out.push(b'"'),
            b'x' => {
                let hex = s
                    .get(i + 2..i + 4)
                    .unwrap_or_else(|| panic!("{at}: bad \\x"));
                out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("{at}: bad \\x")));
                i += 4;
                continue;
            }
            b'{' => {
                let star = s[i..].find('*').map(|p| p + i).expect("`*` in \\{N*TEXT}");
                let n: usize = s[i + 2..star].parse().expect("a count in \\{N*TEXT}");
                // the matching brace (TEXT may hold other repetitions)
                let mut depth = 1;
                let mut j = star + 1;
                while depth > 0 {
                    match b.get(j) {
                        Some(b'\\') if b.get(j + 1) == Some(&b'{') => {
                            depth += 1;
                            j += 1;
                        }
                        Some(b'\\') => j += 1,
                        Some(b'}') => depth -= 1,
                        Some(_) => {}
                        None => panic!("{at}: unclosed \\{{"),
                    }
                    j += 1;
                }
                let text = unescape(&s[star + 1..j - 1], at);
                for _ in 0..n {
                    out.extend_from_slice(&text);
                }
                i = j;
                continue;
            }
            other => panic!("{at}: unknown escape \\{}", other as char),
        }
        i += 2;
    }
    out
}

/// The quoted strings of a check line, unescaped.
fn quoted(rest: &str, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        assert_eq!(b[i], b'"', "{at}: expected a quoted string in {rest:?}");
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j] != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        assert!(j < b.len(), "{at}: unclosed string in {rest:?}");
        let bytes = unescape(&rest[start..j], at);
        out.push(String::from_utf8(bytes).expect("quoted strings are UTF-8"));
        i = j + 1;
    }
    out
}

fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let at = format!("{file}:{n}");
        if let Some(name) = line.strip_prefix("== ") {
            cases.push(Case {
                name: name.trim().to_string(),
                ..Case::default()
            });
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let case = cases
            .last_mut()
            .unwrap_or_else(|| panic!("{at}: outside a case"));
        if line == "|" || line.starts_with("| ") {
            assert!(case.checks.is_empty(), "{at}: body line after the checks");
            let text = line.get(2..).unwrap_or("");
            // an odd number of backslashes at the end: the last one means no line feed
            let trailing = text.bytes().rev().take_while(|&c| c == b'\\').count();
            if trailing % 2 == 1 {
                case.body.extend(unescape(&text[..text.len() - 1], &at));
            } else {
                case.body.extend(unescape(text, &at));
                case.body.push(b'\n');
            }
            continue;
        }
        if line.starts_with("bytes only:") {
            case.bytes_only = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("khabar ") {
            let (answer, why) = rest
                .split_once(':')
                .unwrap_or_else(|| panic!("{at}: `khabar allowed: why`"));
            let answer = match answer {
                "allowed" => true,
                "disallowed" => false,
                _ => panic!("{at}: `khabar allowed:` or `khabar disallowed:`"),
            };
            match case.checks.last_mut() {
                Some(Check {
                    expect:
                        Expect::Verdict {
                            allowed, khabar, ..
                        },
                    ..
                }) => {
                    assert_ne!(*allowed, answer, "{at}: that is the expected answer");
                    *khabar = Some((answer, why.trim().to_string()));
                }
                _ => panic!("{at}: `khabar …` follows an allowed/disallowed check"),
            }
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let expect = match word {
            "allowed" | "disallowed" => {
                let q = quoted(rest, &at);
                assert_eq!(q.len(), 2, "{at}: AGENT and URL");
                Expect::Verdict {
                    agent: q[0].clone(),
                    url: q[1].clone(),
                    allowed: word == "allowed",
                    khabar: None,
                }
            }
            "sitemaps" => Expect::Sitemaps(quoted(rest, &at)),
            "crawl-delay" => {
                let (agent, secs) = rest.rsplit_once(' ').expect("crawl-delay \"AGENT\" SECS");
                let q = quoted(agent, &at);
                Expect::CrawlDelay {
                    agent: q[0].clone(),
                    secs: (secs != "none").then(|| secs.parse().expect("seconds")),
                }
            }
            _ => panic!("{at}: unknown line {line:?}"),
        };
        case.checks.push(Check { line: n, expect });
    }
    cases
}

/// The path, parameters and query of a URL as robots.txt rules see them: scheme, authority
/// and fragment dropped, `/` for none (the contract of Google's `GetPathParamsQuery`).
fn path_of(url: &str) -> String {
    let start = if url.starts_with("//") { 2 } else { 0 };
    let find_from = |from: usize, pat: &[char]| url[from..].find(pat).map(|p| p + from);
    let early_path = find_from(start, &['/', '?', ';']);
    let mut protocol_end = url[start..].find("://").map(|p| p + start);
    if let (Some(e), Some(p)) = (early_path, protocol_end)
        && e < p
    {
        protocol_end = None;
    }
    let protocol_end = protocol_end.map_or(start, |p| p + 3);
    let Some(path_start) = find_from(protocol_end, &['/', '?', ';']) else {
        return "/".into();
    };
    let hash = url[start..].find('#').map(|p| p + start);
    if hash.is_some_and(|h| h < path_start) {
        return "/".into();
    }
    let path = &url[path_start..hash.unwrap_or(url.len())];
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// The robots.txt read both ways the crawler may read it, each with its label.
fn readings(case: &Case, agent: &str) -> Vec<(&'static str, Robots)> {
    let mut out = vec![("parse_bytes", Robots::parse_bytes(&case.body, agent))];
    if !case.bytes_only {
        let text = String::from_utf8_lossy(&case.body);
        out.push(("parse", Robots::parse(&text, agent)));
    }
    out
}

/// How one data file went.
#[derive(Default)]
struct Tally {
    checks: usize,
    /// Checks whose answer is the expected one.
    agree: usize,
    /// Checks answered the other way, as listed, on purpose.
    differ_on_purpose: Vec<String>,
    /// Checks answered wrongly.
    failures: Vec<String>,
}

fn run(file: &str) -> Tally {
    let (name, text) = data_file(file);
    let cases = parse_cases(&name, &text);
    assert!(!cases.is_empty(), "{name}: no cases");
    let mut t = Tally::default();
    for case in &cases {
        for check in &case.checks {
            t.checks += 1;
            let at = format!("{name}:{} ({})", check.line, case.name);
            // each reading must give the same answer; the first that does not is reported
            let mut wrong: Option<String> = None;
            let mut on_purpose: Option<String> = None;
            match &check.expect {
                Expect::Verdict {
                    agent,
                    url,
                    allowed,
                    khabar,
                } => {
                    let path = path_of(url);
                    let want = khabar.as_ref().map_or(*allowed, |(k, _)| *k);
                    for (how, r) in readings(case, agent) {
                        let got = r.allows(&path);
                        if got != want && wrong.is_none() {
                            let shown: String = url.chars().take(80).collect();
                            wrong = Some(format!(
                                "{at}: {how}: {agent:?} {shown:?} is {}, expected {}",
                                word(got),
                                word(want),
                            ));
                        }
                    }
                    if let Some((_, why)) = khabar {
                        on_purpose = Some(format!(
                            "{at}: expected {}, khabar says {}: {why}",
                            word(*allowed),
                            word(!*allowed)
                        ));
                    }
                }
                Expect::Sitemaps(want) => {
                    for (how, r) in readings(case, "FooBot") {
                        if &r.sitemaps != want && wrong.is_none() {
                            wrong = Some(format!("{at}: {how}: sitemaps {:?}", r.sitemaps));
                        }
                    }
                }
                Expect::CrawlDelay { agent, secs } => {
                    let want = secs.map(Duration::from_secs_f64);
                    for (how, r) in readings(case, agent) {
                        if r.crawl_delay != want && wrong.is_none() {
                            wrong = Some(format!("{at}: {how}: crawl-delay {:?}", r.crawl_delay));
                        }
                    }
                }
            }
            match (wrong, on_purpose) {
                (Some(w), _) => t.failures.push(w),
                (None, Some(p)) => t.differ_on_purpose.push(p),
                (None, None) => t.agree += 1,
            }
        }
    }
    eprintln!(
        "{name}: {} cases, {} checks: {} as expected, {} other on purpose, {} wrong",
        cases.len(),
        t.checks,
        t.agree,
        t.differ_on_purpose.len(),
        t.failures.len()
    );
    for d in &t.differ_on_purpose {
        eprintln!("  on purpose: {d}");
    }
    for f in &t.failures {
        eprintln!("  WRONG: {f}");
    }
    t
}

fn word(allowed: bool) -> &'static str {
    if allowed { "allowed" } else { "disallowed" }
}

#[test]
fn robots_google_cases() {
    let t = run("google_robots_test.txt");
    assert_eq!(t.checks, 145, "every matching check of robots_test.cc");
    assert!(
        t.failures.is_empty(),
        "{} wrong: {:#?}",
        t.failures.len(),
        t.failures
    );
    assert_eq!(t.agree + t.differ_on_purpose.len(), 145);
}

#[test]
fn robots_parser_cases() {
    let t = run("parser_cases.txt");
    assert!(
        t.failures.is_empty(),
        "{} wrong: {:#?}",
        t.failures.len(),
        t.failures
    );
    assert!(
        t.differ_on_purpose.is_empty(),
        "khabar's own cases say what khabar does"
    );
}

#[test]
fn robots_data_format() {
    assert_eq!(unescape(r"a\{3*b\{2*c}}d", "t"), b"abccbccbccd");
    assert_eq!(
        unescape(r"\xEF\xBB\r\n\\\t\{0*x}", "t"),
        b"\xEF\xBB\r\n\\\t"
    );
    for (url, path) in [
        ("", "/"),
        ("http://www.example.com", "/"),
        (
            "http://www.example.com/a/b?c=http://d.e/",
            "/a/b?c=http://d.e/",
        ),
        (
            "http://www.example.com/a/b?c=d&e=f#fragment",
            "/a/b?c=d&e=f",
        ),
        ("example.com/a", "/a"),
        ("a/b", "/b"),
        ("example.com?a", "/?a"),
        ("example.com/a;b#c", "/a;b"),
        ("//a/b/c", "/b/c"),
    ] {
        assert_eq!(path_of(url), path, "{url}");
    }
}

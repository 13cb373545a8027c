//! robots.txt (RFC 9309): groups by user agent, allow/disallow with `*` and `$`, the
//! longest match winning (allow on a tie), `Crawl-delay` and `Sitemap:` lines.
//!
//! Where the RFC leaves room, a file is read the way Google's open-source parser
//! (google/robotstxt) reads it: a UTF-8 byte order mark (whole or cut short) is skipped;
//! lines end at LF, CR or CRLF; a line is read up to [`MAX_LINE_BYTES`]; a missing colon
//! may be a space (`disallow /`); keys are matched case-insensitively by their start, with
//! the frequent typos (`disalow`, `useragent`); a user-agent value counts up to its first
//! character that cannot be in a product token (`FOO BAR` is `foo`, `FooBot/2.1` is
//! `foobot`); `* anything` is the `*` group; only `allow` and `disallow` lines end a
//! group's user-agent lines; and allowing `/dir/index.htm…` allows `/dir/` too.
//!
//! Where khabar answers otherwise, on purpose: the path asked about is percent-encoded
//! and its escaped unreserved characters decoded before it is compared, as RFC 9309 2.2.2
//! asks (Google leaves the path to its caller), and a product token may hold digits and
//! dots (Google's parser reads `FooBot2` as `FooBot`).

use std::time::Duration;

/// How much of a robots.txt file is read; the RFC asks for at least 500 KiB.
pub(crate) const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// How much of one line is read; the rest of a longer line is dropped, as Google's parser
/// does (8 × 2083 bytes, 2083 being the longest URL of some browsers, less one byte).
pub(crate) const MAX_LINE_BYTES: usize = 8 * 2083 - 1;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
    /// Not written in the file: the `/dir/$` an allowed `/dir/index.htm…` implies.
    implied: bool,
}

#[derive(Debug, Clone, Default)]
struct Group {
    /// Product tokens, lower case; `*` for the group of every crawler.
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

/// The known keys of a robots.txt line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    UserAgent,
    Allow,
    Disallow,
    Sitemap,
    CrawlDelay,
    Unknown,
}

impl Key {
    /// Matched by their start, case-insensitively, typos included (as Google's parser).
    fn of(key: &[u8]) -> Self {
        let starts = |word: &str| {
            key.len() >= word.len() && key[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        };
        if ["user-agent", "useragent", "user agent"]
            .into_iter()
            .any(starts)
        {
            Key::UserAgent
        } else if starts("allow") {
            Key::Allow
        } else if [
            "disallow",
            "dissallow",
            "dissalow",
            "disalow",
            "diasllow",
            "disallaw",
        ]
        .into_iter()
        .any(starts)
        {
            Key::Disallow
        } else if starts("sitemap") || starts("site-map") {
            Key::Sitemap
        } else if starts("crawl-delay") {
            Key::CrawlDelay
        } else {
            Key::Unknown
        }
    }
}

/// The rules that apply to one crawler on one host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    rules: Vec<Rule>,
    /// The chosen groups' `Crawl-delay` (at most a day), if one is given.
    pub crawl_delay: Option<Duration>,
    /// The URLs of every `Sitemap:` line, whatever group they stand in.
    pub sitemaps: Vec<String>,
    /// Disallow everything (a 5xx or unreachable robots.txt).
    disallow_all: bool,
    /// The host resolves to an internal address: nothing on it is fetched.
    pub refused_address: bool,
    /// The host's robots.txt could not be had (why): nothing on it is fetched this run.
    pub unreachable: Option<String>,
}

impl Robots {
    /// In a few words, for `khabar state`: `allow all`, `disallow all`, `3 rules,
    /// crawl-delay 2s`.
    pub fn describe(&self) -> String {
        if self.refused_address {
            return "none fetched (the host resolves to an internal address)".into();
        }
        if let Some(why) = &self.unreachable {
            return format!("none fetched: unreachable ({why})");
        }
        if self.disallow_all {
            return "disallow all (robots.txt failed)".into();
        }
        let mut s = match self.rules.iter().filter(|r| !r.implied).count() {
            0 => "allow all".to_string(),
            1 => "1 rule".to_string(),
            n => format!("{n} rules"),
        };
        if let Some(d) = self.crawl_delay {
            s.push_str(&format!(", crawl-delay {}s", d.as_secs_f64()));
        }
        s
    }

    /// Everything allowed: no robots.txt (4xx), or robots turned off.
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Nothing allowed: robots.txt answered 5xx or could not be fetched, after every try
    /// (RFC 9309: an unreachable robots.txt means complete disallow).
    pub fn unreachable(why: String) -> Self {
        Self {
            disallow_all: true,
            unreachable: Some(why),
            ..Self::default()
        }
    }

    /// Nothing allowed: the host's address is internal, refused by the guard.
    pub fn refused_address() -> Self {
        Self {
            disallow_all: true,
            refused_address: true,
            ..Self::default()
        }
    }

    /// Parses a robots.txt body, already decoded as text, for the crawler whose product
    /// token is `agent` (e.g. `khabar`): its own groups, else the `*` groups.
    ///
    /// A body decoded with bad bytes replaced (`String::from_utf8_lossy`) turns a byte
    /// order mark cut short into one U+FFFD at the start: that one is skipped as the mark
    /// would be. [`Robots::parse_bytes`] reads the body as it came, bytes that are not
    /// UTF-8 included.
    pub fn parse(body: &str, agent: &str) -> Self {
        Self::parse_bytes(
            body.strip_prefix('\u{FFFD}').unwrap_or(body).as_bytes(),
            agent,
        )
    }

    /// Parses a robots.txt body as fetched (RFC 9309 asks for UTF-8; other bytes outside
    /// US-ASCII are kept and percent-encoded in rules) for the crawler whose product token
    /// is `agent`: its own groups, else the `*` groups. At most [`MAX_ROBOTS_BYTES`] are
    /// read, and of each line at most [`MAX_LINE_BYTES`].
    pub fn parse_bytes(body: &[u8], agent: &str) -> Self {
        let body = within_limit(body);
        let body = skip_byte_order_mark(body);
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        // user-agent lines go on adding to the last group until a rule ends them
        let mut in_agent_lines = false;
        // lines end at LF, CR or CRLF; empty lines mean nothing
        for line in body.split(|&c| c == b'\n' || c == b'\r') {
            let Some((key, value)) = key_and_value(&line[..line.len().min(MAX_LINE_BYTES)]) else {
                continue;
            };
            match Key::of(key) {
                Key::UserAgent => {
                    if !in_agent_lines {
                        groups.push(Group::default());
                        in_agent_lines = true;
                    }
                    if let (Some(g), Some(token)) = (groups.last_mut(), agent_token(value)) {
                        g.agents.push(token);
                    }
                }
                key @ (Key::Allow | Key::Disallow) => {
                    // rules before the first user-agent line are in no group: dropped
                    let Some(g) = groups.last_mut() else {
                        continue;
                    };
                    in_agent_lines = false;
                    // an empty Disallow allows everything: no rule
                    if value.is_empty() {
                        continue;
                    }
                    let pattern = canonical_path(value);
                    if key == Key::Allow
                        && let Some(dir) = index_page_dir(&pattern)
                    {
                        g.rules.push(Rule {
                            allow: true,
                            pattern: format!("{dir}$"),
                            implied: true,
                        });
                    }
                    g.rules.push(Rule {
                        allow: key == Key::Allow,
                        pattern,
                        implied: false,
                    });
                }
                Key::CrawlDelay => {
                    // not a rule (RFC 9309 2.2.4: other records do not end a group)
                    if let (Some(g), Some(secs)) = (
                        groups.last_mut(),
                        std::str::from_utf8(value)
                            .ok()
                            .and_then(|v| v.parse::<f64>().ok()),
                    ) && secs.is_finite()
                        && secs >= 0.0
                    {
                        g.crawl_delay = Some(Duration::from_secs_f64(secs.min(86_400.0)));
                    }
                }
                Key::Sitemap => {
                    if !value.is_empty() {
                        sitemaps.push(String::from_utf8_lossy(value).into_owned());
                    }
                }
                Key::Unknown => {}
            }
        }
        let mine: Vec<&Group> = groups
            .iter()
            .filter(|g| g.agents.contains(&agent))
            .collect();
        let chosen: Vec<&Group> = if mine.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            mine
        };
        Self {
            rules: chosen
                .iter()
                .flat_map(|g| g.rules.iter().cloned())
                .collect(),
            crawl_delay: chosen.iter().find_map(|g| g.crawl_delay),
            sitemaps,
            disallow_all: false,
            refused_address: false,
            unreachable: None,
        }
    }

    /// Whether `path_and_query` (as in the URL, starting with `/`) may be fetched.
    pub fn allows(&self, path_and_query: &str) -> bool {
        let path_and_query = &canonical_path(path_and_query.as_bytes());
        if path_and_query == "/robots.txt" {
            return true;
        }
        if self.disallow_all {
            return false;
        }
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if pattern_matches(&rule.pattern, path_and_query) {
                let len = rule.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, rule.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// The part of a body that is read: at most [`MAX_ROBOTS_BYTES`], and never half a line
/// there: a rule cut short (`Disallow: /later/` read as `Disallow: /`) would mean
/// something else.
fn within_limit(body: &[u8]) -> &[u8] {
    if body.len() < MAX_ROBOTS_BYTES {
        return body;
    }
    let cut = &body[..MAX_ROBOTS_BYTES];
    let ends_a_line = |c: &u8| *c == b'\n' || *c == b'\r';
    if body.len() == MAX_ROBOTS_BYTES && cut.last().is_some_and(ends_a_line) {
        return cut;
    }
    cut.iter()
        .rposition(ends_a_line)
        .map_or(&[][..], |end| &cut[..end])
}

/// The body past a UTF-8 byte order mark at its start, or past the start of one (`EF`,
/// `EF BB`), as Google's parser skips them.
fn skip_byte_order_mark(body: &[u8]) -> &[u8] {
    const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
    let n = body.iter().zip(BOM).take_while(|(b, m)| **b == *m).count();
    &body[n..]
}

/// Whitespace around keys and values: ASCII space, tab, line feed, vertical tab, form
/// feed and carriage return.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s
        && is_space(*first)
    {
        s = rest;
    }
    while let [rest @ .., last] = s
        && is_space(*last)
    {
        s = rest;
    }
    s
}

/// A line's key and value, comment and surrounding whitespace dropped: `key: value`, or
/// `key value` when the colon is missing and the line is exactly two words.
fn key_and_value(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let line = match line.iter().position(|&c| c == b'#') {
        Some(hash) => &line[..hash],
        None => line,
    };
    let line = trim(line);
    let (key, value) = match line.iter().position(|&c| c == b':') {
        Some(colon) => (&line[..colon], &line[colon + 1..]),
        None => {
            let gap = line.iter().position(|&c| c == b' ' || c == b'\t')?;
            let value = trim(&line[gap..]);
            if value.iter().any(|&c| c == b' ' || c == b'\t') {
                return None;
            }
            (&line[..gap], value)
        }
    };
    let key = trim(key);
    (!key.is_empty()).then(|| (key, trim(value)))
}

/// The product token a user-agent line names, lower case: `*` for every crawler (also
/// `* anything`), else the value up to its first character that cannot be in a token
/// (`FOO BAR` → `foo`, `FooBot/2.1` → `foobot`). None for a value with no token.
fn agent_token(value: &[u8]) -> Option<String> {
    if let [b'*', rest @ ..] = value
        && rest.first().is_none_or(|c| is_space(*c))
    {
        return Some("*".into());
    }
    let end = value
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
        .unwrap_or(value.len());
    let token = std::str::from_utf8(&value[..end]).ok()?;
    (!token.is_empty()).then(|| token.to_ascii_lowercase())
}

/// `/dir/` for an allowed `/dir/index.htm…` (Google's parser: a directory's index page
/// stands for the directory).
fn index_page_dir(pattern: &str) -> Option<&str> {
    let slash = pattern.rfind('/')?;
    pattern[slash..]
        .starts_with("/index.htm")
        .then(|| &pattern[..=slash])
}

/// The form paths and patterns are compared in (RFC 9309, 2.2.2): bytes outside US-ASCII
/// percent-encoded, percent-encoded unreserved characters decoded, other escapes in upper
/// case. So `Disallow: /أرشيف/` covers `/%D8%A3%D8%B1…/` and `Disallow: /private/` covers
/// `/%70rivate/`.
fn canonical_path(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|x| (*x as char).to_digit(16)),
                b.get(i + 2).and_then(|x| (*x as char).to_digit(16)),
            )
        {
            let v = (h * 16 + l) as u8;
            if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                out.push(v as char);
            } else {
                out.push_str(&format!("%{v:02X}"));
            }
            i += 3;
            continue;
        }
        if c >= 0x80 {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
        i += 1;
    }
    out
}

/// The product token of a User-Agent string: `khabar/0.1 (…)` → `khabar`.
pub(crate) fn product_token(user_agent: &str) -> &str {
    user_agent.split(['/', ' ']).next().unwrap_or(user_agent)
}

/// Matches a robots pattern (a path prefix with `*` for any run of characters and a
/// trailing `$` for the end) against a path. Linear-time, with no recursion.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (pat, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p.as_bytes(), true),
        None => (pattern.as_bytes(), false),
    };
    let text = path.as_bytes();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pat.len() {
            if !anchored || t == text.len() {
                return true;
            }
        } else if pat[p] == b'*' {
            star = Some((p, t));
            p += 1;
            continue;
        } else if t < text.len() && pat[p] == text[t] {
            p += 1;
            t += 1;
            continue;
        }
        // mismatch (or anchored end not reached): let the last star take one more byte
        match star {
            Some((sp, st)) if st < text.len() => {
                star = Some((sp, st + 1));
                p = sp + 1;
                t = st + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROBOTS: &str = "\
# comment
User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Crawl-delay: 2

User-agent: khabar
User-agent: other
Disallow: /no-khabar
Allow: /no-khabar/yes

Sitemap: https://aawsat.com/sitemap.xml
";

    #[test]
    fn own_group_wins_over_star() {
        let r = Robots::parse(ROBOTS, "khabar");
        assert!(!r.allows("/no-khabar/x"));
        assert!(r.allows("/no-khabar/yes/1"));
        assert!(
            r.allows("/private/x"),
            "the * group does not apply to khabar"
        );
        assert_eq!(r.crawl_delay, None);
        assert_eq!(r.sitemaps, vec!["https://aawsat.com/sitemap.xml"]);
    }

    #[test]
    fn star_group_for_everyone_else() {
        let r = Robots::parse(ROBOTS, "KhabarBot");
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/open/x"), "longest match wins");
        assert!(!r.allows("/files/a.pdf"));
        assert!(r.allows("/files/a.pdf?x=1"), "$ anchors the end");
        assert!(r.allows("/"));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
    }

    #[test]
    fn allow_wins_a_tie() {
        let r = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "x");
        assert!(r.allows("/a"));
    }

    #[test]
    fn empty_disallow_allows_all_and_robots_txt_is_always_allowed() {
        let r = Robots::parse("User-agent: *\nDisallow:\n", "x");
        assert!(r.allows("/anything"));
        assert!(Robots::unreachable(String::new()).allows("/robots.txt"));
        assert!(!Robots::unreachable(String::new()).allows("/"));
        assert!(Robots::allow_all().allows("/x"));
    }

    #[test]
    fn wildcards() {
        assert!(pattern_matches("/*/article/*$", "/a/article/b"));
        assert!(!pattern_matches("/*/article/*.html$", "/a/article/b.htm"));
        assert!(pattern_matches("*", "/"));
        assert!(pattern_matches("/a*b*c", "/axxbyyc/z"));
        assert!(!pattern_matches("/a*b*c$", "/axxbyyc/z"));
        let long = "/".to_string() + &"a".repeat(10_000);
        assert!(!pattern_matches("/*b*c*d$", &long));
    }

    #[test]
    fn percent_encoding_is_compared_canonically() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /أرشيف/\nDisallow: /private/\nDisallow: /a%2fb\n",
            "x",
        );
        assert!(!r.allows("/%D8%A3%D8%B1%D8%B4%D9%8A%D9%81/2024"));
        assert!(!r.allows("/%d8%a3%d8%b1%d8%b4%d9%8a%d9%81/2024"));
        assert!(!r.allows("/%70rivate/x"));
        assert!(!r.allows("/a%2Fb"));
        assert!(r.allows("/a/b"), "an encoded slash is not a slash");
        assert!(r.allows("/%D8%A3/"));
        assert_eq!(canonical_path(b"/%7e%41%2f%zz"), "/~A%2F%zz");
    }

    #[test]
    fn a_rule_cut_at_the_limit_is_dropped_not_read_short() {
        let mut body = String::from("User-agent: *\nDisallow: /private/\n");
        while body.len() < MAX_ROBOTS_BYTES - 10 {
            body.push_str("# padding line\n");
        }
        body.push_str("Disallow: /later/\n");
        let r = Robots::parse(&body[..MAX_ROBOTS_BYTES], "x");
        assert!(!r.allows("/private/a"));
        assert!(
            r.allows("/"),
            "the cut `Disallow: /lat` must not become a rule"
        );
        assert!(r.allows("/later/x"));
    }

    #[test]
    fn lines_end_at_lf_cr_or_crlf_past_a_byte_order_mark() {
        for body in [
            "\u{FEFF}User-agent: x\nDisallow: /a\n",
            "User-agent: x\r\nDisallow: /a\r\n",
            "User-agent: x\rDisallow: /a",
        ] {
            let r = Robots::parse(body, "x");
            assert!(!r.allows("/a"), "{body:?}");
            assert!(r.allows("/b"), "{body:?}");
        }
        // a mark cut short, as bytes and as text decoded with bad bytes replaced
        for body in [
            &b"\xEF\xBBUser-agent: x\nDisallow: /a\n"[..],
            b"\xEFUser-agent: x\nDisallow: /a",
        ] {
            assert!(!Robots::parse_bytes(body, "x").allows("/a"));
            assert!(!Robots::parse(&String::from_utf8_lossy(body), "x").allows("/a"));
        }
        assert_eq!(skip_byte_order_mark(b"\xEF\x11\xBFU"), b"\x11\xBFU");
    }

    #[test]
    fn keys_values_and_agents() {
        assert_eq!(
            key_and_value(b" Disallow : /a # c"),
            Some((&b"Disallow"[..], &b"/a"[..]))
        );
        assert_eq!(
            key_and_value(b"disallow\t/a"),
            Some((&b"disallow"[..], &b"/a"[..]))
        );
        assert_eq!(key_and_value(b"disallow /a /b"), None);
        assert_eq!(key_and_value(b"disallow"), None);
        assert_eq!(key_and_value(b": /a"), None);
        assert_eq!(
            key_and_value(b"Disallow:"),
            Some((&b"Disallow"[..], &b""[..]))
        );
        assert_eq!(Key::of(b"DISALOW"), Key::Disallow);
        assert_eq!(Key::of(b"User Agent"), Key::UserAgent);
        assert_eq!(Key::of(b"Crawl-Delay"), Key::CrawlDelay);
        assert_eq!(Key::of(b"Host"), Key::Unknown);
        assert_eq!(agent_token(b"FOO BAR").as_deref(), Some("foo"));
        assert_eq!(agent_token(b"Googlebot/2.1").as_deref(), Some("googlebot"));
        assert_eq!(agent_token(b"MJ12bot").as_deref(), Some("mj12bot"));
        assert_eq!(agent_token(b"* all of you").as_deref(), Some("*"));
        assert_eq!(agent_token(b"*bot"), None);
        assert_eq!(agent_token("ツ".as_bytes()), None);
    }

    #[test]
    fn a_long_line_is_read_up_to_its_limit() {
        let body = format!(
            "User-agent: *\nDisallow: /{}\nDisallow: /b\n",
            "a".repeat(30_000)
        );
        let r = Robots::parse(&body, "x");
        let kept = MAX_LINE_BYTES - "Disallow: /".len();
        assert!(!r.allows(&format!("/{}", "a".repeat(kept))));
        assert!(r.allows(&format!("/{}", "a".repeat(kept - 1))));
        assert!(!r.allows("/b"), "the next line is read");
    }

    #[test]
    fn an_allowed_index_page_allows_its_directory_and_is_no_rule_of_its_own() {
        let r = Robots::parse("User-agent: *\nDisallow: /\nAllow: /n/index.html\n", "x");
        assert!(r.allows("/n/"));
        assert!(!r.allows("/n/other"));
        assert_eq!(r.describe(), "2 rules");
        assert_eq!(index_page_dir("/a/index.htm"), Some("/a/"));
        assert_eq!(index_page_dir("/a/index.php"), None);
    }

    #[test]
    fn product_tokens() {
        assert_eq!(product_token("khabar/0.1 (+x)"), "khabar");
        assert_eq!(product_token("Mozilla"), "Mozilla");
    }
}

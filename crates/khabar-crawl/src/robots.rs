//! robots.txt (RFC 9309): groups by user agent, allow/disallow with `*` and `$`, the
//! longest match winning (allow on a tie), `Crawl-delay` and `Sitemap:` lines.

use std::time::Duration;

/// How much of a robots.txt file is read; the RFC asks for at least 500 KiB.
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

#[derive(Debug, Clone, Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
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
        let mut s = match self.rules.len() {
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

    /// Parses a robots.txt body for the crawler whose product token is `agent` (e.g.
    /// `khabar`): its own groups, else the `*` groups.
    pub fn parse(body: &str, agent: &str) -> Self {
        // read at most the limit, and never half a line: a rule cut short
        // (`Disallow: /later/` read as `Disallow: /`) would mean something else
        let body = if body.len() >= MAX_ROBOTS_BYTES {
            let mut end = MAX_ROBOTS_BYTES.min(body.len());
            while !body.is_char_boundary(end) {
                end -= 1;
            }
            let cut = &body[..end];
            if body.len() > end || !cut.ends_with('\n') {
                cut.rfind('\n').map_or("", |nl| &cut[..nl])
            } else {
                cut
            }
        } else {
            body
        };
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        let mut in_agent_lines = false;
        for raw_line in body.lines() {
            let line = raw_line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agent_lines {
                        groups.push(Group::default());
                        in_agent_lines = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.agents.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agent_lines = false;
                    if let Some(g) = groups.last_mut() {
                        // an empty Disallow allows everything: no rule
                        if !value.is_empty() {
                            g.rules.push(Rule {
                                allow: key == "allow",
                                pattern: canonical_path(value),
                            });
                        }
                    }
                }
                "crawl-delay" => {
                    in_agent_lines = false;
                    if let (Some(g), Ok(secs)) = (groups.last_mut(), value.parse::<f64>())
                        && secs.is_finite()
                        && secs >= 0.0
                    {
                        g.crawl_delay = Some(Duration::from_secs_f64(secs.min(86_400.0)));
                    }
                }
                "sitemap" => {
                    // `Sitemap: https://…` — the value itself holds a colon
                    let url = line.split_once(':').map_or("", |(_, v)| v).trim();
                    if !url.is_empty() {
                        sitemaps.push(url.to_string());
                    }
                }
                _ => {}
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
        let path_and_query = &canonical_path(path_and_query);
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

/// The form paths and patterns are compared in (RFC 9309, 2.2.2): bytes outside US-ASCII
/// percent-encoded, percent-encoded unreserved characters decoded, other escapes in upper
/// case. So `Disallow: /أرشيف/` covers `/%D8%A3%D8%B1…/` and `Disallow: /private/` covers
/// `/%70rivate/`.
fn canonical_path(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
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
pub fn product_token(user_agent: &str) -> &str {
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
        assert_eq!(canonical_path("/%7e%41%2f%zz"), "/~A%2F%zz");
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
    fn product_tokens() {
        assert_eq!(product_token("khabar/0.1 (+x)"), "khabar");
        assert_eq!(product_token("Mozilla"), "Mozilla");
    }
}

//! The configuration file: site profiles. Loaded and checked once; every selector is
//! compiled here, and every mistake is reported with the file, line, profile, field and
//! selector, so that a user can fix it without reading code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use serde::Deserialize;
use toml::Spanned;

use regex::Regex;

use crate::crawl::settings::{CrawlSettings, RawCrawl};
use crate::dates::parse_offset;
use crate::selector::{FieldSelector, SelectorList};

/// The configuration shipped with khabar (the repository's `config.toml`), used when no
/// file is given and none is found in the working directory.
pub const BUILTIN_CONFIG: &str = include_str!("../config.toml");

/// A mistake in a configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}:{line}: profile `{profile}`, field `{field}`: selector `{selector}`: {message}"
    )]
    Selector {
        path: PathBuf,
        line: usize,
        profile: String,
        field: String,
        selector: String,
        message: String,
    },
    #[error("{path}:{line}: {}, field `{field}`: {message}", section_name(profile))]
    Value {
        path: PathBuf,
        line: usize,
        profile: String,
        field: String,
        message: String,
    },
}

fn section_name(profile: &str) -> String {
    if profile == "crawl" {
        "section [crawl]".to_string()
    } else {
        format!("profile `{profile}`")
    }
}

type Sel = Vec<Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    profiles: BTreeMap<String, RawProfile>,
    #[serde(default)]
    crawl: RawCrawl,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    article: Sel,
    #[serde(default)]
    url: Sel,
    #[serde(default)]
    headline: Sel,
    #[serde(default)]
    subtitle: Sel,
    #[serde(default)]
    body: Sel,
    #[serde(default)]
    drop: Sel,
    #[serde(default)]
    byline: Sel,
    #[serde(default)]
    authors: Sel,
    #[serde(default)]
    published: Sel,
    #[serde(default)]
    modified: Sel,
    #[serde(default)]
    section: Sel,
    #[serde(default)]
    tags: Sel,
    #[serde(default)]
    image: Sel,
    #[serde(default)]
    captions: RawCaptions,
    #[serde(default)]
    related: RawRelated,
    #[serde(default)]
    article_urls: Vec<Spanned<String>>,
    #[serde(default)]
    follow: Vec<Spanned<String>>,
    recrawl_after_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaptions {
    #[serde(default)]
    item: Sel,
    #[serde(default)]
    text: Sel,
    #[serde(default)]
    image: Sel,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelated {
    #[serde(default)]
    block: Sel,
    #[serde(default)]
    card: Sel,
    #[serde(default)]
    url: Sel,
    #[serde(default)]
    title: Sel,
    #[serde(default)]
    section: Sel,
    #[serde(default)]
    summary: Sel,
    #[serde(default)]
    dateline: Sel,
    #[serde(default)]
    caption: Sel,
    #[serde(default)]
    image: Sel,
}

/// Where the article's own images and their captions are.
#[derive(Debug, Clone, Default)]
pub struct CaptionRules {
    pub item: SelectorList,
    pub text: SelectorList,
    pub image: SelectorList,
}

/// Where the related-articles block and its cards are.
#[derive(Debug, Clone, Default)]
pub struct RelatedRules {
    pub block: SelectorList,
    pub card: SelectorList,
    pub url: SelectorList,
    pub title: SelectorList,
    pub section: SelectorList,
    pub summary: SelectorList,
    pub dateline: SelectorList,
    pub caption: SelectorList,
    pub image: SelectorList,
}

/// A site profile with its selectors compiled.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub hosts: Vec<String>,
    pub timezone: FixedOffset,
    pub article: SelectorList,
    pub url: SelectorList,
    pub headline: SelectorList,
    pub subtitle: SelectorList,
    pub body: SelectorList,
    pub drop: SelectorList,
    pub byline: SelectorList,
    pub authors: SelectorList,
    pub published: SelectorList,
    pub modified: SelectorList,
    pub section: SelectorList,
    pub tags: SelectorList,
    pub image: SelectorList,
    pub captions: CaptionRules,
    pub related: RelatedRules,
    /// Addresses of article pages (crawling): a page whose URL matches one is extracted.
    pub article_urls: Vec<Regex>,
    /// Addresses worth following for more links (crawling); empty: every in-scope link.
    pub follow: Vec<Regex>,
    /// With a crawl state: an article fetched less than this long ago is not fetched
    /// again; after it, it is asked for conditionally (If-None-Match, If-Modified-Since).
    pub recrawl_after: std::time::Duration,
}

/// How long an article is left alone after a fetch, unless its profile says otherwise.
pub const DEFAULT_RECRAWL_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

impl Profile {
    /// Whether this profile covers `host` (the host itself or a subdomain of it).
    pub fn covers(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| host_matches(host, h))
    }
}

fn host_matches(host: &str, profile_host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case(profile_host)
        || (host.len() > profile_host.len()
            && host[host.len() - profile_host.len()..].eq_ignore_ascii_case(profile_host)
            && host.as_bytes()[host.len() - profile_host.len() - 1] == b'.')
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from, for messages: a path, or `<built-in>`.
    pub origin: PathBuf,
    pub profiles: Vec<Profile>,
    /// The `[crawl]` section: seeds, scope, limits and politeness.
    pub crawl: CrawlSettings,
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// The configuration shipped inside the binary.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN_CONFIG, Path::new("<built-in config.toml>"))
            .expect("the shipped config.toml is valid (checked by the test suite)")
    }

    /// Parses and checks configuration text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| syntax_error(text, origin, &e))?;
        let ctx = Ctx { text, origin };
        ctx.check_hosts_unique(&raw)?;
        let mut profiles = Vec::with_capacity(raw.profiles.len());
        for (name, p) in raw.profiles {
            profiles.push(ctx.profile(name, p)?);
        }
        let crawl = CrawlSettings::from_raw(raw.crawl, &ctx)?;
        Ok(Self {
            origin: origin.to_path_buf(),
            profiles,
            crawl,
        })
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The profile covering `host`; the most specific host wins.
    pub fn profile_for_host(&self, host: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .filter_map(|p| {
                p.hosts
                    .iter()
                    .filter(|h| host_matches(host, h))
                    .map(|h| h.len())
                    .max()
                    .map(|len| (len, p))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, p)| p)
    }

    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.name.as_str()).collect()
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn syntax_error(text: &str, origin: &Path, e: &toml::de::Error) -> ConfigError {
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    let mut message = e.message().trim().to_string();
    if let Some(hint) = typo_hint(&message) {
        message.push_str(&format!("; did you mean `{hint}`?"));
    }
    ConfigError::Syntax {
        path: origin.to_path_buf(),
        line,
        column,
        message,
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" message: the expected name
/// closest to the unknown one, when it is close enough to be a typo.
fn typo_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|cand| (edit_distance(unknown, cand), cand))
        .filter(|(d, cand)| *d <= 2.max(cand.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Locates values in the config text for error messages.
pub(crate) struct Ctx<'a> {
    text: &'a str,
    origin: &'a Path,
}

impl Ctx<'_> {
    pub(crate) fn line(&self, span: &std::ops::Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    /// A located mistake in a value.
    pub(crate) fn value_error(
        &self,
        span: &std::ops::Range<usize>,
        section: &str,
        field: &str,
        message: String,
    ) -> ConfigError {
        ConfigError::Value {
            path: self.origin.to_path_buf(),
            line: self.line(span),
            profile: section.to_string(),
            field: field.to_string(),
            message,
        }
    }

    /// Compiles a list of regular expressions, each error located.
    pub(crate) fn regexes(
        &self,
        section: &str,
        field: &str,
        raw: Vec<Spanned<String>>,
    ) -> Result<Vec<Regex>, ConfigError> {
        raw.into_iter()
            .map(|r| {
                Regex::new(r.get_ref()).map_err(|e| {
                    let first = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    self.value_error(
                        &r.span(),
                        section,
                        field,
                        format!(
                            "`{}` is not a valid regular expression: {first}",
                            r.get_ref()
                        ),
                    )
                })
            })
            .collect()
    }

    fn list(&self, profile: &str, field: &str, raw: Sel) -> Result<SelectorList, ConfigError> {
        let mut out = Vec::with_capacity(raw.len());
        for s in raw {
            let span = s.span();
            let selector = s.into_inner();
            let compiled = FieldSelector::parse(&selector).map_err(|e| ConfigError::Selector {
                path: self.origin.to_path_buf(),
                line: self.line(&span),
                profile: profile.to_string(),
                field: field.to_string(),
                selector: selector.clone(),
                message: e.0,
            })?;
            out.push(compiled);
        }
        Ok(SelectorList(out))
    }

    fn profile(&self, name: String, p: RawProfile) -> Result<Profile, ConfigError> {
        let n = name.as_str();
        let timezone = match p.timezone {
            None => FixedOffset::east_opt(0).expect("zero offset"),
            Some(tz) => parse_offset(tz.get_ref()).ok_or_else(|| ConfigError::Value {
                path: self.origin.to_path_buf(),
                line: self.line(&tz.span()),
                profile: name.clone(),
                field: "timezone".into(),
                message: format!(
                    "`{}` is not an offset; write it as \"+03:00\", \"-05:00\" or \"UTC\"",
                    tz.get_ref()
                ),
            })?,
        };
        let mut hosts = Vec::with_capacity(p.hosts.len());
        for h in p.hosts {
            let host = h
                .get_ref()
                .trim()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if host.is_empty() || host.contains(['/', ':', ' ', '@']) {
                return Err(ConfigError::Value {
                    path: self.origin.to_path_buf(),
                    line: self.line(&h.span()),
                    profile: name.clone(),
                    field: "hosts".into(),
                    message: format!(
                        "`{}` is not a host name; write just the host, as \"example.com\"",
                        h.get_ref()
                    ),
                });
            }
            hosts.push(host);
        }
        let c = p.captions;
        let r = p.related;
        let article_urls = self.regexes(&name, "article_urls", p.article_urls)?;
        let follow = self.regexes(&name, "follow", p.follow)?;
        Ok(Profile {
            article_urls,
            follow,
            recrawl_after: p
                .recrawl_after_secs
                .map_or(DEFAULT_RECRAWL_AFTER, std::time::Duration::from_secs),
            hosts,
            timezone,
            article: self.list(n, "article", p.article)?,
            url: self.list(n, "url", p.url)?,
            headline: self.list(n, "headline", p.headline)?,
            subtitle: self.list(n, "subtitle", p.subtitle)?,
            body: self.list(n, "body", p.body)?,
            drop: self.list(n, "drop", p.drop)?,
            byline: self.list(n, "byline", p.byline)?,
            authors: self.list(n, "authors", p.authors)?,
            published: self.list(n, "published", p.published)?,
            modified: self.list(n, "modified", p.modified)?,
            section: self.list(n, "section", p.section)?,
            tags: self.list(n, "tags", p.tags)?,
            image: self.list(n, "image", p.image)?,
            captions: CaptionRules {
                item: self.list(n, "captions.item", c.item)?,
                text: self.list(n, "captions.text", c.text)?,
                image: self.list(n, "captions.image", c.image)?,
            },
            related: RelatedRules {
                block: self.list(n, "related.block", r.block)?,
                card: self.list(n, "related.card", r.card)?,
                url: self.list(n, "related.url", r.url)?,
                title: self.list(n, "related.title", r.title)?,
                section: self.list(n, "related.section", r.section)?,
                summary: self.list(n, "related.summary", r.summary)?,
                dateline: self.list(n, "related.dateline", r.dateline)?,
                caption: self.list(n, "related.caption", r.caption)?,
                image: self.list(n, "related.image", r.image)?,
            },
            name,
        })
    }

    /// A host belongs to one profile: the second claim is reported at its own line.
    fn check_hosts_unique(&self, raw: &RawConfig) -> Result<(), ConfigError> {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (name, p) in &raw.profiles {
            for h in &p.hosts {
                let host = h
                    .get_ref()
                    .trim()
                    .trim_end_matches('.')
                    .to_ascii_lowercase();
                if let Some(other) = seen.insert(host.clone(), name) {
                    return Err(ConfigError::Value {
                        path: self.origin.to_path_buf(),
                        line: self.line(&h.span()),
                        profile: name.clone(),
                        field: "hosts".into(),
                        message: format!(
                            "host `{host}` is already covered by profile `{other}`; a host belongs to one profile"
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config, ConfigError> {
        Config::parse(s, Path::new("test.toml"))
    }

    #[test]
    fn the_shipped_config_loads() {
        let c = Config::builtin();
        let p = c.profile("aawsat").unwrap();
        assert_eq!(p.hosts, vec!["aawsat.com"]);
        assert!(!p.body.is_empty() && !p.related.card.is_empty());
    }

    #[test]
    fn aawsat_article_and_follow_patterns() {
        let c = Config::builtin();
        let p = c.profile("aawsat").unwrap();
        let article = |u: &str| p.article_urls.iter().any(|r| r.is_match(u));
        assert!(article(
            "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/4926491-%D8%A8%D9%88"
        ));
        assert!(article("https://www.aawsat.com/a/b/5083812-%C2%AB%D9%83"));
        assert!(article("https://aawsat.com/node/4926491"));
        assert!(article("https://aawsat.com/home/article/123/slug"));
        assert!(!article(
            "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85"
        ));
        assert!(!article("https://aawsat.com/feed"));
        let follow = |u: &str| p.follow.iter().any(|r| r.is_match(u));
        assert!(follow(
            "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85?page=2"
        ));
        assert!(!follow("https://aawsat.com/search?q=x"));
        assert!(!follow("https://evil.com/aawsat.com/"));
        assert!(
            c.crawl
                .deny
                .iter()
                .any(|r| r.is_match("https://aawsat.com/a.jpg?x=1"))
        );
    }

    #[test]
    fn crawl_section_mistakes_are_located() {
        let e = parse("[crawl]\nrate = -1\n").unwrap_err().to_string();
        assert!(
            e.starts_with("test.toml:2: section [crawl], field `rate`"),
            "{e}"
        );
        let e = parse("[crawl]\nseeds = [\"aawsat.com\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an absolute http(s) address"), "{e}");
        let e = parse("[crawl]\ndeny = [\"(\"]\n").unwrap_err().to_string();
        assert!(
            e.contains("field `deny`") && e.contains("not a valid regular expression"),
            "{e}"
        );
        let e = parse("[crawl]\nconcurency = 3\n").unwrap_err().to_string();
        assert!(e.contains("did you mean `concurrency`?"), "{e}");
    }

    #[test]
    fn hosts_match_subdomains_and_most_specific_wins() {
        let c = parse(
            "[profiles.a]\nhosts = [\"example.com\"]\n[profiles.b]\nhosts = [\"news.example.com\"]\n",
        )
        .unwrap();
        assert_eq!(c.profile_for_host("www.example.com").unwrap().name, "a");
        assert_eq!(c.profile_for_host("news.example.com").unwrap().name, "b");
        assert_eq!(c.profile_for_host("EXAMPLE.com").unwrap().name, "a");
        assert!(c.profile_for_host("badexample.com").is_none());
    }

    #[test]
    fn unknown_key_names_the_line_and_suggests_the_right_key() {
        let e = parse("[profiles.a]\nhosts = [\"a.com\"]\nhedline = [\"h1\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("test.toml:3:"), "{e}");
        assert!(
            e.contains("hedline") && e.contains("did you mean `headline`?"),
            "{e}"
        );
    }

    #[test]
    fn bad_selector_names_file_line_profile_field_and_selector() {
        let e = parse("[profiles.a]\nhosts = [\"a.com\"]\n\nbody = [\"p\", \"div[\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("test.toml:4: profile `a`, field `body`: selector `div[`"),
            "{e}"
        );
        let e = parse("[profiles.a.related]\ncard = [\"a@\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("field `related.card`"), "{e}");
    }

    #[test]
    fn bad_values_are_reported() {
        let e = parse("[profiles.a]\ntimezone = \"Riyadh\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("test.toml:2: profile `a`, field `timezone`"),
            "{e}"
        );
        let e = parse("[profiles.a]\nhosts = [\"https://a.com/\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a host name"), "{e}");
        let e = parse("[profiles.a]\nhosts = [\"a.com\"]\n[profiles.b]\nhosts = [\"a.com\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("already covered by profile `a`"), "{e}");
        let e = parse("[profiles.a]\nheadline = \"h1\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("test.toml:2:"), "{e}");
        let e = parse("[profiles.a\n").unwrap_err().to_string();
        assert!(e.starts_with("test.toml:1:"), "{e}");
    }
}

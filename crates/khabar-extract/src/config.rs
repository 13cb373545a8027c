//! Site profiles: the `[profiles]` part of a configuration file. Compiled and checked once;
//! every selector is compiled here, and every mistake is reported with the file, line,
//! profile, field and selector, so that a user can fix it without reading code. The file
//! itself is read by whoever embeds the extractor (the `khabar` command reads one file with
//! `[profiles]` and `[crawl]`); [`ConfigText`] locates mistakes in it for both.

// a ConfigError is made once, when the config is read: boxing it would only change the API
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use serde::Deserialize;
use toml::Spanned;

use regex::Regex;

use crate::dates::parse_offset;
use crate::selector::{FieldSelector, SelectorList};

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

/// One `[profiles.NAME]` table as written, before it is checked and compiled.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
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

/// The site profiles of a configuration, compiled.
#[derive(Debug, Clone)]
pub struct Profiles {
    /// Where they came from, for messages: a path, or `<built-in>`.
    pub origin: PathBuf,
    /// The profiles, in name order.
    pub list: Vec<Profile>,
}

/// A document that holds only what this crate reads: `[profiles]`; other tables are left
/// to their readers.
#[derive(Debug, Deserialize)]
struct ProfilesDocument {
    #[serde(default)]
    profiles: BTreeMap<String, RawProfile>,
}

impl Profiles {
    /// Checks and compiles the `[profiles]` tables of a configuration text.
    pub fn compile(
        raw: BTreeMap<String, RawProfile>,
        text: &ConfigText<'_>,
    ) -> Result<Self, ConfigError> {
        text.check_hosts_unique(&raw)?;
        let mut list = Vec::with_capacity(raw.len());
        for (name, p) in raw {
            list.push(text.profile(name, p)?);
        }
        Ok(Self {
            origin: text.origin.to_path_buf(),
            list,
        })
    }

    /// Reads the `[profiles]` of a TOML text (other tables are ignored); `origin` names it
    /// in messages. For embedding the extractor without the rest of khabar's configuration.
    pub fn parse(toml_text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let text = ConfigText {
            text: toml_text,
            origin,
        };
        let doc: ProfilesDocument = toml::from_str(toml_text).map_err(|e| text.syntax_error(&e))?;
        Self::compile(doc.profiles, &text)
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.list.iter().find(|p| p.name == name)
    }

    /// The profile covering `host`; the most specific host wins.
    pub fn profile_for_host(&self, host: &str) -> Option<&Profile> {
        self.list
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

    /// The profiles' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.list.iter().map(|p| p.name.as_str()).collect()
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

/// A configuration text and where it came from: locates values in it for error messages.
pub struct ConfigText<'a> {
    /// The whole text.
    pub text: &'a str,
    /// Its path, or a name such as `<built-in config.toml>`.
    pub origin: &'a Path,
}

impl ConfigText<'_> {
    /// A TOML syntax or shape error, located, with a "did you mean" for a mistyped key.
    pub fn syntax_error(&self, e: &toml::de::Error) -> ConfigError {
        syntax_error(self.text, self.origin, e)
    }

    /// The line a span starts on.
    pub fn line(&self, span: &std::ops::Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    /// A located mistake in a value.
    pub fn value_error(
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
    pub fn regexes(
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
    fn check_hosts_unique(&self, raw: &BTreeMap<String, RawProfile>) -> Result<(), ConfigError> {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (name, p) in raw {
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

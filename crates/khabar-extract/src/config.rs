//! Site profiles: the `[profiles]` part of a configuration file. Compiled and checked once;
//! every selector is compiled here, and every mistake is reported with the file, line,
//! profile, field and selector, so that a user can fix it without reading code. The file
//! itself is read by whoever embeds the extractor (the `khabar` command reads one file with
//! `[profiles]` and `[crawl]`); [`ConfigText`] locates mistakes in it for both.

// a ConfigError is made once, when the config is read: boxing it would only change the API
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::zone::Zone;
use serde::Deserialize;
use toml::Spanned;

use regex::Regex;

use crate::selector::{FieldSelector, SelectorList};

/// A mistake in a configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the expected layout (an unknown key, a
    /// value of the wrong type).
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Line of the mistake, counted from 1.
        line: usize,
        /// Column of the mistake, counted from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A profile selector did not compile.
    #[error(
        "{path}:{line}: profile `{profile}`, field `{field}`: selector `{selector}`: {message}"
    )]
    Selector {
        /// The file.
        path: PathBuf,
        /// Line of the selector, counted from 1.
        line: usize,
        // boxed: the error stays small enough to return by value
        /// The profile's name.
        profile: Box<str>,
        /// The profile key the selector is under.
        field: String,
        /// The selector as written.
        selector: String,
        /// Why it did not compile.
        message: String,
    },
    /// A value that is not allowed, in a profile or in `[crawl]` (a bad time zone, host or
    /// pattern, for instance).
    #[error("{path}:{line}: {}, field `{field}`: {message}", section_name(profile))]
    Value {
        /// The file.
        path: PathBuf,
        /// Line of the value, counted from 1.
        line: usize,
        /// The profile's name, or `crawl` for the `[crawl]` section.
        profile: String,
        /// The key the value is under.
        field: String,
        /// What is wrong.
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

/// Makes [`RawProfile`] and [`Profile`] from the table of
/// [`record_fields!`](crate::record::record_fields): each article field's `profile` keys, in
/// record order, between the keys that are not a field's.
macro_rules! profile_types {
    (
        page { $($_page:tt)* }
        article {
            $(
                $(#[$_am:meta])*
                $_a:ident: $_aty:ty {
                    hashed: $_hashed:literal,
                    profile: [$( $key:ident $(: $rules:ident)? ),*],
                    $($_read:tt)*
                },
            )*
        }
        derived { $($_derived:tt)* }
    ) => {
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
            $($(
                #[serde(default)]
                $key: <key_rules!($($rules)?) as FieldRules>::Raw,
            )*)*
            #[serde(default)]
            article_urls: Vec<Spanned<String>>,
            #[serde(default)]
            follow: Vec<Spanned<String>>,
            recrawl_after_secs: Option<u64>,
        }

        /// A site profile with its selectors compiled.
        #[derive(Debug, Clone)]
        pub struct Profile {
            /// The profile's name: `NAME` in `[profiles.NAME]`.
            pub name: String,
            /// The hosts the profile covers, each with its subdomains.
            pub hosts: Vec<String>,
            /// The offset for dates the site prints without one.
            pub timezone: Zone,
            /// Where each article is on a page (a page may hold several); empty: the whole page.
            pub article: SelectorList,
            /// Where the article's own URL is read, inside the article.
            pub url: SelectorList,
            $($(
                /// The compiled rules of the profile key of the same name, for one article
                /// field: a selector list, or [`CaptionRules`] and [`RelatedRules`] for
                /// `captions` and `related`.
                pub $key: key_rules!($($rules)?),
            )*)*
            /// Addresses of article pages (crawling): a page whose URL matches one is extracted.
            pub article_urls: Vec<Regex>,
            /// Addresses worth following for more links (crawling); empty: every in-scope link.
            pub follow: Vec<Regex>,
            /// With a crawl state: an article fetched less than this long ago is not fetched
            /// again; after it, it is asked for conditionally (If-None-Match, If-Modified-Since).
            pub recrawl_after: std::time::Duration,
        }

        impl ConfigText<'_> {
            fn profile(&self, name: String, p: RawProfile) -> Result<Profile, ConfigError> {
                let n = name.as_str();
                let timezone = self.timezone(n, p.timezone)?;
                let hosts = self.hosts(n, p.hosts)?;
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
                    $($(
                        $key: FieldRules::compile(self, n, stringify!($key), p.$key)?,
                    )*)*
                    name,
                })
            }
        }
    };
}

/// A field's profile key holds a selector list unless the table names its rules type.
macro_rules! key_rules {
    () => {
        SelectorList
    };
    ($rules:ident) => {
        $rules
    };
}

crate::record::record_fields!(profile_types);

/// What a field's profile key compiles to, from what the file says.
trait FieldRules: Sized {
    /// The key's value as written.
    type Raw;
    /// Checks and compiles it; `key` names it in messages.
    fn compile(
        text: &ConfigText<'_>,
        profile: &str,
        key: &str,
        raw: Self::Raw,
    ) -> Result<Self, ConfigError>;
}

impl FieldRules for SelectorList {
    type Raw = Sel;
    fn compile(
        text: &ConfigText<'_>,
        profile: &str,
        key: &str,
        raw: Sel,
    ) -> Result<Self, ConfigError> {
        text.list(profile, key, raw)
    }
}

impl FieldRules for CaptionRules {
    type Raw = RawCaptions;
    fn compile(
        text: &ConfigText<'_>,
        n: &str,
        _key: &str,
        c: RawCaptions,
    ) -> Result<Self, ConfigError> {
        Ok(CaptionRules {
            item: text.list(n, "captions.item", c.item)?,
            text: text.list(n, "captions.text", c.text)?,
            image: text.list(n, "captions.image", c.image)?,
        })
    }
}

impl FieldRules for RelatedRules {
    type Raw = RawRelated;
    fn compile(
        text: &ConfigText<'_>,
        n: &str,
        _key: &str,
        r: RawRelated,
    ) -> Result<Self, ConfigError> {
        Ok(RelatedRules {
            block: text.list(n, "related.block", r.block)?,
            card: text.list(n, "related.card", r.card)?,
            url: text.list(n, "related.url", r.url)?,
            title: text.list(n, "related.title", r.title)?,
            section: text.list(n, "related.section", r.section)?,
            summary: text.list(n, "related.summary", r.summary)?,
            dateline: text.list(n, "related.dateline", r.dateline)?,
            caption: text.list(n, "related.caption", r.caption)?,
            image: text.list(n, "related.image", r.image)?,
        })
    }
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
    /// Each caption's element (an image with its caption).
    pub item: SelectorList,
    /// The caption text, inside the item.
    pub text: SelectorList,
    /// The image, inside the item.
    pub image: SelectorList,
}

/// Where the related-articles block and its cards are.
#[derive(Debug, Clone, Default)]
pub struct RelatedRules {
    /// The related-articles block.
    pub block: SelectorList,
    /// Each card (entry), inside the block.
    pub card: SelectorList,
    /// The entry's link, inside the card.
    pub url: SelectorList,
    /// The entry's title, inside the card.
    pub title: SelectorList,
    /// The entry's section, inside the card.
    pub section: SelectorList,
    /// The entry's summary, inside the card.
    pub summary: SelectorList,
    /// The entry's dateline, inside the card.
    pub dateline: SelectorList,
    /// The entry's image caption, inside the card.
    pub caption: SelectorList,
    /// The entry's image, inside the card.
    pub image: SelectorList,
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

    /// A key the section does not have, located, with the keys it has and a "did you
    /// mean" for a mistyped one (the words serde uses for a derived table).
    pub fn unknown_key(
        &self,
        span: &std::ops::Range<usize>,
        key: &str,
        expected: &[&str],
    ) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        let list = expected
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut message = format!("unknown field `{key}`, expected one of {list}");
        if let Some(hint) = typo_hint(&message) {
            message.push_str(&format!("; did you mean `{hint}`?"));
        }
        ConfigError::Syntax {
            path: self.origin.to_path_buf(),
            line,
            column,
            message,
        }
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
                profile: profile.into(),
                field: field.to_string(),
                selector: selector.clone(),
                message: e.0,
            })?;
            out.push(compiled);
        }
        Ok(SelectorList(out))
    }

    /// A profile's `timezone`: UTC when it has none.
    fn timezone(&self, name: &str, timezone: Option<Spanned<String>>) -> Result<Zone, ConfigError> {
        Ok(match timezone {
            None => Zone::utc(),
            Some(tz) => Zone::parse(tz.get_ref()).ok_or_else(|| ConfigError::Value {
                path: self.origin.to_path_buf(),
                line: self.line(&tz.span()),
                profile: name.to_string(),
                field: "timezone".into(),
                message: format!(
                    "`{}` is neither an offset nor a time zone; write an IANA zone name such as \"Africa/Cairo\" (daylight saving followed), or an offset such as \"+03:00\" or \"UTC\"",
                    tz.get_ref()
                ),
            })?,
        })
    }

    /// A profile's `hosts`, lowercased and without a final dot.
    fn hosts(&self, name: &str, raw: Vec<Spanned<String>>) -> Result<Vec<String>, ConfigError> {
        let mut hosts = Vec::with_capacity(raw.len());
        for h in raw {
            let host = h
                .get_ref()
                .trim()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if host.is_empty() || host.contains(['/', ':', ' ', '@']) {
                return Err(ConfigError::Value {
                    path: self.origin.to_path_buf(),
                    line: self.line(&h.span()),
                    profile: name.to_string(),
                    field: "hosts".into(),
                    message: format!(
                        "`{}` is not a host name; write just the host, as \"example.com\"",
                        h.get_ref()
                    ),
                });
            }
            hosts.push(host);
        }
        Ok(hosts)
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

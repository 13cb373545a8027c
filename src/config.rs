//! The configuration file: `[profiles]` (site profiles, handed to the extractor) and
//! `[crawl]` (seeds, scope, limits and politeness, handed to the crawler). Read and checked
//! once; every mistake names the file and line, and a mistyped key gets a "did you mean".

// a ConfigError is made once, when the config is read: boxing it would only change the API
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use khabar_crawl::settings::{CrawlSettings, RawCrawl};
use khabar_extract::config::{ConfigError, ConfigText, Profiles, RawProfile};

/// The configuration shipped with khabar (the repository's `config.toml`), used when no
/// file is given and none is found in the working directory.
pub const BUILTIN_CONFIG: &str = include_str!("../config.toml");

/// The file as written: every top-level table this program knows, nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    profiles: BTreeMap<String, RawProfile>,
    #[serde(default)]
    crawl: RawCrawl,
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from, for messages: a path, or `<built-in>`.
    pub origin: PathBuf,
    /// The `[profiles]` section, compiled: what the extractor reads pages with.
    pub profiles: Profiles,
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
        let located = ConfigText { text, origin };
        let raw: RawConfig = toml::from_str(text).map_err(|e| located.syntax_error(&e))?;
        let profiles = Profiles::compile(raw.profiles, &located)?;
        let crawl = CrawlSettings::from_raw(raw.crawl, &located)?;
        Ok(Self {
            origin: origin.to_path_buf(),
            profiles,
            crawl,
        })
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
        let p = c.profiles.profile("aawsat").unwrap();
        assert_eq!(p.hosts, vec!["aawsat.com"]);
        assert!(!p.body.is_empty() && !p.related.card.is_empty());
    }

    #[test]
    fn aawsat_article_and_follow_patterns() {
        let c = Config::builtin();
        let p = c.profiles.profile("aawsat").unwrap();
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
        assert_eq!(
            c.profiles.profile_for_host("www.example.com").unwrap().name,
            "a"
        );
        assert_eq!(
            c.profiles
                .profile_for_host("news.example.com")
                .unwrap()
                .name,
            "b"
        );
        assert_eq!(
            c.profiles.profile_for_host("EXAMPLE.com").unwrap().name,
            "a"
        );
        assert!(c.profiles.profile_for_host("badexample.com").is_none());
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

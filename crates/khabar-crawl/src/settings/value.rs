//! Reading a `[crawl]` key's value, from the config or from its flag, and showing it:
//! one check and one wording for both, and the reference table the docs carry.

use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;

#[cfg(test)]
use super::keys::KEYS;
use super::keys::{Key, Kind::*};
use super::{Bounds, CrawlSettings, check_rate, is_frontier_address};

/// A value as the config writes it: any TOML value, with whole numbers as large as
/// the file holds (a `u64` past `i64::MAX` is still a number the message can name).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConfigValue {
    /// A whole number.
    Int(i128),
    /// A number with a fraction, `nan` or `inf`.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<ConfigValue>),
    /// Anything else (a table, a date), as it reads.
    Other(&'static str),
}

impl std::fmt::Display for ConfigValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Text(t) => write!(f, "{t:?}"),
            Self::List(_) => f.write_str("a list"),
            Self::Other(what) => f.write_str(what),
        }
    }
}

impl<'de> serde::Deserialize<'de> for ConfigValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ConfigValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value")
            }
            fn visit_i64<E>(self, v: i64) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Int(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Float(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Bool(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<ConfigValue, E> {
                Ok(ConfigValue::Text(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ConfigValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(ConfigValue::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ConfigValue, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(ConfigValue::Other("a table"))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A value as read, before it is checked.
pub(super) enum Raw<'a> {
    /// A config value.
    Toml(&'a ConfigValue),
    /// A flag's text.
    Flag(&'a str),
}

impl Raw<'_> {
    fn whole_number(&self) -> Result<i128, String> {
        match self {
            Raw::Toml(ConfigValue::Int(i)) => Ok(*i),
            Raw::Toml(v) => Err(format!("must be a whole number (it is {v})")),
            Raw::Flag(t) => t
                .trim()
                .parse::<i128>()
                .map_err(|_| format!("must be a whole number (it is `{t}`)")),
        }
    }

    fn number(&self) -> Result<f64, String> {
        match self {
            Raw::Toml(ConfigValue::Int(i)) => Ok(*i as f64),
            Raw::Toml(ConfigValue::Float(f)) => Ok(*f),
            Raw::Toml(v) => Err(format!("must be a number (it is {v})")),
            Raw::Flag(t) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("must be a number (it is `{t}`)")),
        }
    }

    fn text(&self) -> Result<String, String> {
        match self {
            Raw::Toml(ConfigValue::Text(s)) => Ok(s.clone()),
            Raw::Toml(v) => Err(format!("must be a string (it is {v})")),
            Raw::Flag(t) => Ok(t.to_string()),
        }
    }

    fn switch(&self) -> Result<bool, String> {
        match self {
            Raw::Toml(ConfigValue::Bool(b)) => Ok(*b),
            Raw::Toml(v) => Err(format!("must be true or false (it is {v})")),
            Raw::Flag(t) => t
                .parse()
                .map_err(|_| format!("must be true or false (it is `{t}`)")),
        }
    }

    fn strings(&self) -> Result<Vec<String>, String> {
        match self {
            Raw::Toml(ConfigValue::List(items)) => items
                .iter()
                .map(|v| match v {
                    ConfigValue::Text(s) => Ok(s.clone()),
                    v => Err(format!("must be a list of strings ({v} is not one)")),
                })
                .collect(),
            Raw::Toml(v) => Err(format!("must be a list of strings (it is {v})")),
            Raw::Flag(t) => Ok(vec![t.to_string()]),
        }
    }
}

/// A whole number within `bounds`; the message says the bounds.
fn within(raw: &Raw<'_>, bounds: Bounds<u64>) -> Result<u64, String> {
    let n = raw.whole_number()?;
    match u64::try_from(n) {
        Ok(n) => bounds.check(n),
        Err(_) => Err(bounds_message(bounds, n)),
    }
}

fn bounds_message(bounds: Bounds<u64>, n: i128) -> String {
    if bounds.max == u64::MAX || (n < 0 && bounds.min == 0) {
        format!("must be 0 or more (it is {n})")
    } else {
        format!(
            "must be from {} to {} {} (it is {n})",
            bounds.min, bounds.max, bounds.unit
        )
        .replace("  (", " (")
    }
}

impl Key {
    /// Checks `raw` and sets it in `settings`; `origin_dir` resolves a relative file.
    /// The message says what the value must be (the caller says where it was).
    pub(super) fn set(
        &self,
        settings: &mut CrawlSettings,
        raw: &Raw<'_>,
        origin_dir: Option<&std::path::Path>,
    ) -> Result<(), String> {
        match &self.kind {
            Secs(b, set, _) => set(settings, Duration::from_secs(within(raw, *b)?)),
            Millis(b, set, _) => set(settings, Duration::from_millis(within(raw, *b)?)),
            Count(b, set, _) => set(settings, within(raw, *b)?),
            Rate(set, _) => set(settings, check_rate(raw.number()?)?),
            Switch(set, _) => set(settings, raw.switch()?),
            Line(set, _) => {
                let text = raw.text()?;
                if text.trim().is_empty() || text.contains(['\r', '\n']) {
                    return Err("must be one non-empty line".into());
                }
                set(settings, text)
            }
            Urls(set) => {
                let urls = raw.strings()?;
                if let Some(bad) = urls.iter().find(|u| {
                    !url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https"))
                }) {
                    return Err(format!("`{bad}` is not an absolute http(s) address"));
                }
                set(settings, urls)
            }
            Names(set, _) => set(settings, raw.strings()?),
            Regexes(set) => {
                let mut compiled = Vec::new();
                for r in raw.strings()? {
                    compiled.push(Regex::new(&r).map_err(|e| {
                        let why = e.to_string();
                        let why = why.lines().last().unwrap_or("").trim().to_string();
                        format!("`{r}` is not a valid regular expression: {why}")
                    })?);
                }
                set(settings, compiled)
            }
            Frontier(set) => {
                let address = raw.text()?;
                if !is_frontier_address(&address) {
                    return Err(
                        "must be a Redis address: redis://HOST:PORT/DB (rediss:// for TLS)".into(),
                    );
                }
                set(settings, address)
            }
            File(set) => {
                let path = PathBuf::from(raw.text()?);
                let path = match origin_dir {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path,
                };
                set(settings, path)
            }
        }
        Ok(())
    }

    /// The key's value in `settings`, as the docs and the help show it (`None` for a key
    /// with no value to show: a list of addresses or patterns, empty by default).
    pub fn shown(&self, settings: &CrawlSettings) -> Option<String> {
        Some(match &self.kind {
            Secs(_, _, get) => get(settings).as_secs().to_string(),
            Millis(_, _, get) => get(settings).as_millis().to_string(),
            Count(_, _, get) => thousands(get(settings)),
            Rate(_, get) => get(settings).to_string(),
            Switch(_, get) => get(settings).to_string(),
            Line(_, get) => get(settings),
            Names(_, get) => {
                let names = get(settings);
                if names.is_empty() {
                    return None;
                }
                names.join(", ")
            }
            Urls(_) | Regexes(_) | Frontier(_) | File(_) => return None,
        })
    }

    /// The values the key takes, as the docs show them.
    #[cfg(test)]
    fn range(&self) -> String {
        let b = |b: &Bounds<u64>| {
            if b.max == u64::MAX || b.max == u64::from(u32::MAX) {
                "0 or more".to_string()
            } else {
                format!("{} to {} {}", thousands(b.min), thousands(b.max), b.unit)
                    .trim_end()
                    .to_string()
            }
        };
        match &self.kind {
            Secs(bounds, ..) | Millis(bounds, ..) | Count(bounds, ..) => b(bounds),
            Rate(..) => "0, or one a day to 10,000 per second".into(),
            Switch(..) => "true, false".into(),
            Line(..) => "one line".into(),
            Urls(..) => "http(s) addresses".into(),
            Names(..) => "names".into(),
            Regexes(..) => "regexes".into(),
            Frontier(..) => "redis:// address".into(),
            File(..) => "a file".into(),
        }
    }
}

/// `1000000` as `1,000,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The reference table of every key (Markdown), as docs/crawl.md carries it.
#[cfg(test)]
pub(crate) fn reference_table() -> String {
    let defaults = CrawlSettings::default();
    let mut out = String::from(
        "| key | default | values | flag | what it does |\n| --- | --- | --- | --- | --- |\n",
    );
    for k in KEYS {
        let default = k
            .shown(&defaults)
            .map_or("—".to_string(), |d| format!("`{d}`"));
        let flag = k.flag.as_ref().map_or(String::new(), |f| {
            if f.value.is_empty() {
                format!("`--{}`", f.long)
            } else {
                format!("`--{} {}`", f.long, f.value)
            }
        });
        out.push_str(&format!(
            "| `{}` | {default} | {} | {flag} | {} |\n",
            k.name,
            k.range(),
            k.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_flags_are_unique() {
        let mut names: Vec<_> = KEYS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KEYS.len());
        let mut flags: Vec<_> = KEYS
            .iter()
            .filter_map(|k| k.flag.as_ref())
            .map(|f| f.long)
            .collect();
        let n = flags.len();
        flags.sort();
        flags.dedup();
        assert_eq!(flags.len(), n);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(10_485_760), "10,485,760");
    }
}

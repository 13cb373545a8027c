//! Which pages are kept, decided from the record's `WARC-Target-URI` alone, before its
//! HTTP message or its HTML is read: the address's host is one of the hosts asked for or a
//! subdomain of one, or (with the profiles option) a host a site profile covers.

use khabar_extract::Profiles;

/// The hosts whose pages are kept.
#[derive(Debug, Clone)]
pub struct HostFilter {
    /// The hosts, lower-case, without a final dot.
    hosts: Vec<String>,
    profiles: Option<Profiles>,
}

/// A `--host` value that is no host name.
#[derive(Debug, thiserror::Error)]
#[error("--host `{0}` is not a host name (give e.g. `example.com`: its subdomains are included)")]
pub struct BadHost(pub String);

impl HostFilter {
    /// Keeps pages on `hosts` (names or addresses; their subdomains too) and, when
    /// `profiles` is given, on every host one of its profiles covers. With neither, every
    /// page is kept.
    pub fn new(hosts: &[String], profiles: Option<Profiles>) -> Result<Self, BadHost> {
        let mut list = Vec::with_capacity(hosts.len());
        for h in hosts {
            list.push(normalise(h).ok_or_else(|| BadHost(h.clone()))?);
        }
        list.sort();
        list.dedup();
        Ok(Self {
            hosts: list,
            profiles,
        })
    }

    /// Whether every page is kept (no host and no profile to match).
    pub fn keeps_all(&self) -> bool {
        self.hosts.is_empty() && self.profiles.is_none()
    }

    /// The hosts asked for, normalised.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    /// What the filter keeps, as the state remembers it: a run with another selection
    /// reads the archives again.
    pub fn selection(&self) -> String {
        let mut s = if self.hosts.is_empty() {
            String::new()
        } else {
            format!("hosts={}", self.hosts.join(","))
        };
        if self.profiles.is_some() {
            if !s.is_empty() {
                s.push(';');
            }
            s.push_str("profiles");
        }
        if s.is_empty() {
            s.push_str("all");
        }
        s
    }

    /// Whether the page at `uri` is kept.
    pub fn keeps(&self, uri: &str) -> bool {
        if self.keeps_all() {
            return true;
        }
        let Some(host) = host_of(uri) else {
            return false;
        };
        let host = host.as_str();
        self.hosts.iter().any(|h| on_host(host, h))
            || self
                .profiles
                .as_ref()
                .is_some_and(|p| p.profile_for_host(host).is_some())
    }
}

/// `host` is `wanted` or a subdomain of it.
fn on_host(host: &str, wanted: &str) -> bool {
    host.len() >= wanted.len()
        && host.ends_with(wanted)
        && (host.len() == wanted.len() || host.as_bytes()[host.len() - wanted.len() - 1] == b'.')
}

/// A host as given (`example.com`, `Example.COM.`, `https://example.com/x`), as compared:
/// lower-case, IDNA-encoded, no final dot; `None` when there is no host in it.
fn normalise(given: &str) -> Option<String> {
    let given = given.trim();
    let with_scheme = if given.contains("://") {
        given.to_string()
    } else {
        format!("http://{given}/")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The host of a record's address, lower-case, without port or final dot: read straight
/// from the text when it is plain ASCII (the common case), else through the URL parser.
pub(super) fn host_of(uri: &str) -> Option<String> {
    let uri = uri.trim().trim_start_matches('<').trim_end_matches('>');
    let (_, rest) = uri.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut authority = &rest[..end];
    if let Some(at) = authority.rfind('@') {
        authority = &authority[at + 1..];
    }
    let host = if authority.starts_with('[') {
        &authority[..authority.find(']').map_or(authority.len(), |i| i + 1)]
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return None;
    }
    if host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
    {
        return Some(host.trim_end_matches('.').to_ascii_lowercase());
    }
    let url = url::Url::parse(uri).ok()?;
    Some(url.host_str()?.trim_end_matches('.').to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_their_subdomains_only() {
        let f =
            HostFilter::new(&["Example.com.".into(), "https://news.org/x".into()], None).unwrap();
        assert!(f.keeps("https://example.com/a"));
        assert!(f.keeps("http://www.EXAMPLE.com:8080/a?b"));
        assert!(f.keeps("https://user@a.b.example.com./x"));
        assert!(f.keeps("https://news.org"));
        assert!(!f.keeps("https://badexample.com/a"));
        assert!(!f.keeps("https://example.com.evil.net/a"));
        assert!(!f.keeps("https://other.org/example.com"));
        assert!(!f.keeps("not a url"));
        assert_eq!(f.selection(), "hosts=example.com,news.org");
        assert!(HostFilter::new(&["".into()], None).is_err());
        assert!(HostFilter::new(&[], None).unwrap().keeps("anything"));
        assert_eq!(HostFilter::new(&[], None).unwrap().selection(), "all");
    }

    #[test]
    fn hosts_of_addresses() {
        assert_eq!(host_of("http://[::1]:80/x").as_deref(), Some("[::1]"));
        assert_eq!(
            host_of("https://bücher.de/x").as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert_eq!(host_of("https://a.com#x").as_deref(), Some("a.com"));
        assert_eq!(host_of("mailto:a@b.c"), None);
        let f = HostFilter::new(&["bücher.de".into()], None).unwrap();
        assert!(f.keeps("https://www.bücher.de/x"));
        assert!(f.keeps("https://www.xn--bcher-kva.de/x"));
    }

    #[test]
    fn profiles_cover_their_hosts() {
        let p = Profiles::parse(
            "[profiles.a]\nhosts = [\"aawsat.com\"]\narticle = [\"article\"]\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let f = HostFilter::new(&["example.com".into()], Some(p)).unwrap();
        assert!(f.keeps("https://english.aawsat.com/x"));
        assert!(f.keeps("https://example.com/x"));
        assert!(!f.keeps("https://other.com/x"));
        assert_eq!(f.selection(), "hosts=example.com;profiles");
    }
}

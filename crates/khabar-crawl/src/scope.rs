//! Which URLs a crawl may fetch, and the form URLs are compared in: fragment dropped,
//! tracking parameters removed, percent-escapes upper-cased (the `url` crate already
//! lower-cases hosts and drops default ports). Also the guard against requests to
//! loopback, private and link-local addresses.

use std::collections::HashSet;
use std::net::IpAddr;

use regex::Regex;
use url::{Host, Url};

/// Why a URL is not fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum OutOfScope {
    /// Not http or https.
    Scheme,
    /// A host outside the crawl's hosts.
    Host,
    /// Matches a `deny` pattern, or no `allow` pattern.
    Pattern,
    /// A loopback, private, link-local or otherwise internal address.
    PrivateAddress,
}

impl OutOfScope {
    /// The reason as the crawl's summary counts it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Scheme => "not http(s)",
            Self::Host => "off-scope host",
            Self::Pattern => "allow/deny patterns",
            Self::PrivateAddress => "private address refused",
        }
    }
}

/// Normalises a URL for comparing and queueing: fragment removed, tracking parameters
/// (`strip`, where `utm_*` is a prefix) removed, an empty query dropped, percent-escapes
/// upper-cased.
pub(crate) fn normalize(url: &Url, strip: &[String]) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if let Some(q) = u.query() {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or("");
                !pair.is_empty() && !strip.iter().any(|s| param_matches(s, name))
            })
            .collect();
        let query = upper_escapes(&kept.join("&"));
        u.set_query(if query.is_empty() { None } else { Some(&query) });
    }
    let path = upper_escapes(u.path());
    if path != u.path() {
        u.set_path(&path);
    }
    u
}

fn param_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

fn upper_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push(b[i + 1].to_ascii_uppercase() as char);
            out.push(b[i + 2].to_ascii_uppercase() as char);
            i += 3;
        } else {
            let ch = s[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Whether an address is one a crawler must not reach unless told to: loopback, private
/// (RFC 1918, unique local), link-local (cloud metadata lives there), unspecified,
/// multicast, broadcast, shared (CGNAT), documentation and benchmarking ranges, and
/// IPv4-mapped forms of these.
pub(crate) fn is_internal_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xC0) == 64)
                || (o[0] == 198 && (o[1] & 0xFE) == 18)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal_ip(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xFE00) == 0xFC00
                || (s[0] & 0xFFC0) == 0xFE80
                || (s[0] == 0x2001 && s[1] == 0x0DB8)
        }
    }
}

/// The crawl's scope.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// Hosts the crawl stays on, subdomains included; empty: any host.
    pub hosts: Vec<String>,
    /// When not empty, a URL must match one of these.
    pub allow: Vec<Regex>,
    /// A URL matching one of these is out of scope.
    pub deny: Vec<Regex>,
    /// Whether every host may be an internal address.
    pub allow_private: bool,
    /// Hosts allowed to be internal addresses because a seed names them.
    pub internal_ok: HashSet<String>,
}

fn host_in(host: &str, list: &[String]) -> bool {
    list.iter().any(|h| {
        host == h
            || (host.len() > h.len()
                && host.ends_with(h.as_str())
                && host.as_bytes()[host.len() - h.len() - 1] == b'.')
    })
}

impl Scope {
    /// Whether `url` may be fetched. Host names are checked against internal addresses
    /// again when they are resolved, on every hop.
    pub(crate) fn check(&self, url: &Url) -> Result<(), OutOfScope> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OutOfScope::Scheme);
        }
        let host = url
            .host_str()
            .ok_or(OutOfScope::Host)?
            .trim_end_matches('.');
        if !self.hosts.is_empty() && !host_in(host, &self.hosts) {
            return Err(OutOfScope::Host);
        }
        if self.refuses_address(url) {
            return Err(OutOfScope::PrivateAddress);
        }
        let s = url.as_str();
        if self.deny.iter().any(|r| r.is_match(s))
            || (!self.allow.is_empty() && !self.allow.iter().any(|r| r.is_match(s)))
        {
            return Err(OutOfScope::Pattern);
        }
        Ok(())
    }

    /// Whether the URL names an internal address literally (an IP) that may not be
    /// reached. Host names are checked when they are resolved.
    pub(crate) fn refuses_address(&self, url: &Url) -> bool {
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            _ => return false,
        };
        let host = url.host_str().unwrap_or("");
        is_internal_ip(ip) && !self.may_be_internal(host)
    }

    /// Whether `host` may be an internal address: `allow_private`, or a seed names it.
    pub(crate) fn may_be_internal(&self, host: &str) -> bool {
        self.allow_private || self.internal_ok.contains(host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip() -> Vec<String> {
        crate::settings::DEFAULT_STRIP_PARAMS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn norm(s: &str) -> String {
        normalize(&Url::parse(s).unwrap(), &strip()).to_string()
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            norm("HTTPS://AAWSAT.com:443/a%d8%b5?utm_source=x&id=2&fbclid=y#top"),
            "https://aawsat.com/a%D8%B5?id=2"
        );
        assert_eq!(
            norm("http://aawsat.com:80/a?utm_medium=x"),
            "http://aawsat.com/a"
        );
        assert_eq!(
            norm("https://aawsat.com/a\u{a0}b"),
            "https://aawsat.com/a%C2%A0b"
        );
        assert_eq!(
            norm("https://aawsat.com/a?b=%c2%a0&&c"),
            "https://aawsat.com/a?b=%C2%A0&c"
        );
        assert_eq!(
            norm("https://aawsat.com/%D8%B5"),
            norm("https://aawsat.com/%d8%b5")
        );
    }

    fn scope() -> Scope {
        Scope {
            hosts: vec!["aawsat.com".into()],
            allow: vec![],
            deny: vec![Regex::new(r"\.pdf$").unwrap()],
            allow_private: false,
            internal_ok: HashSet::new(),
        }
    }

    #[test]
    fn scope_checks() {
        let s = scope();
        let check = |u: &str| s.check(&Url::parse(u).unwrap());
        assert_eq!(check("https://www.aawsat.com/x"), Ok(()));
        assert_eq!(check("https://evil.com/x"), Err(OutOfScope::Host));
        assert_eq!(check("https://notaawsat.com/x"), Err(OutOfScope::Host));
        assert_eq!(check("ftp://aawsat.com/x"), Err(OutOfScope::Scheme));
        assert_eq!(check("https://aawsat.com/a.pdf"), Err(OutOfScope::Pattern));
    }

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        let mut s = scope();
        s.hosts.clear();
        for u in [
            "http://169.254.169.254/latest",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://192.168.1.1/",
            "http://127.0.0.1:8080/",
            "http://[::ffff:10.0.0.1]/",
            "http://[fd00::1]/",
            "http://0.0.0.0/",
        ] {
            assert_eq!(
                s.check(&Url::parse(u).unwrap()),
                Err(OutOfScope::PrivateAddress),
                "{u}"
            );
        }
        assert_eq!(
            s.check(&Url::parse("http://93.184.216.34/").unwrap()),
            Ok(())
        );
        s.internal_ok.insert("127.0.0.1".into());
        assert_eq!(
            s.check(&Url::parse("http://127.0.0.1:8080/").unwrap()),
            Ok(())
        );
        s.allow_private = true;
        assert_eq!(s.check(&Url::parse("http://10.0.0.1/").unwrap()), Ok(()));
    }
}

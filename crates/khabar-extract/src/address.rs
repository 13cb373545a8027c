//! URLs found in pages: resolving them against the page's address, and the key used to
//! tell whether two of them name the same article.

use percent_encoding::percent_decode_str;
use url::Url;

/// Resolves `href` against `base`, keeping its percent-encoding as written. Leading and
/// trailing ASCII white space is ignored, as browsers do; a no-break space inside the path
/// is percent-encoded. Only http and https addresses are returned.
pub fn resolve(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim_matches(|c: char| c.is_ascii_whitespace());
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// A key under which two addresses of one article compare equal: scheme, `www.`, a default
/// port, fragment, percent-encoding (and its case), no-break versus plain spaces and a
/// trailing slash do not matter.
pub fn same_article_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").trim_start_matches("www.");
    let path = percent_decode_str(url.path()).decode_utf8_lossy();
    let path = path.trim_end_matches('/');
    let query = url
        .query()
        .map(|q| percent_decode_str(q).decode_utf8_lossy());
    let mut key = String::with_capacity(
        host.len() + path.len() + query.as_ref().map_or(0, |q| q.len() + 1) + 6,
    );
    key.push_str(host);
    key.make_ascii_lowercase();
    if let Some(port) = url.port() {
        key.push(':');
        key.push_str(&port.to_string());
    }
    // no-break spaces read as plain ones (trimming the slashes before or after that
    // gives the same key)
    for (i, piece) in path.split('\u{00A0}').enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(piece);
    }
    if let Some(q) = query {
        key.push('?');
        key.push_str(&q);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/4926491-x").unwrap()
    }

    #[test]
    fn resolves_relative_links_and_keeps_percent_encoding() {
        let b = base();
        assert_eq!(
            resolve(Some(&b), "/node/12").unwrap().as_str(),
            "https://aawsat.com/node/12"
        );
        assert_eq!(
            resolve(Some(&b), "y").unwrap().as_str(),
            "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/y"
        );
        assert_eq!(
            resolve(Some(&b), "/%d8%b5").unwrap().as_str(),
            "https://aawsat.com/%d8%b5"
        );
        assert_eq!(
            resolve(Some(&b), " /a\u{00A0}b ").unwrap().as_str(),
            "https://aawsat.com/a%C2%A0b"
        );
        assert_eq!(
            resolve(Some(&b), "/صحتك").unwrap().as_str(),
            "https://aawsat.com/%D8%B5%D8%AD%D8%AA%D9%83"
        );
    }

    #[test]
    fn rejects_non_web_links() {
        let b = base();
        assert!(resolve(Some(&b), "javascript:void(0)").is_none());
        assert!(resolve(Some(&b), "mailto:x@y").is_none());
        assert!(resolve(Some(&b), "#top").is_none());
        assert!(resolve(None, "/relative").is_none());
    }

    /// The key, built the slow and obvious way.
    fn reference_key(url: &Url) -> String {
        let host = url
            .host_str()
            .unwrap_or("")
            .trim_start_matches("www.")
            .to_ascii_lowercase();
        let path = percent_decode_str(url.path())
            .decode_utf8_lossy()
            .replace('\u{00A0}', " ");
        let path = path.trim_end_matches('/');
        let mut key = match url.port() {
            Some(port) => format!("{host}:{port}{path}"),
            None => format!("{host}{path}"),
        };
        if let Some(q) = url.query() {
            key.push('?');
            key.push_str(&percent_decode_str(q).decode_utf8_lossy());
        }
        key
    }

    #[test]
    fn same_article_key_agrees_with_the_rule() {
        for u in [
            "https://www.www.Example.com:8080/a%C2%A0/%C2%A0b//?q=%D8%A7%C2%A0#f",
            "https://aawsat.com/%C2%A0/",
            "https://aawsat.com/x/%C2%A0%2F",
            "https://aawsat.com/",
            "http://[::1]/%FF%FE/",
            "https://aawsat.com?",
        ] {
            let url = Url::parse(u).unwrap();
            assert_eq!(same_article_key(&url), reference_key(&url), "{u}");
        }
    }

    #[test]
    fn same_article_key_ignores_cosmetic_differences() {
        let a = Url::parse("https://www.aawsat.com/a%C2%A0b/#x").unwrap();
        let b = Url::parse("http://aawsat.com/a%c2%a0b").unwrap();
        let c = Url::parse("https://aawsat.com/a%20b").unwrap();
        assert_eq!(same_article_key(&a), same_article_key(&b));
        assert_eq!(same_article_key(&a), same_article_key(&c));
        let d = Url::parse("https://aawsat.com/a-b").unwrap();
        assert_ne!(same_article_key(&a), same_article_key(&d));
        let e = Url::parse("https://aawsat.com:8443/a%C2%A0b").unwrap();
        assert_ne!(
            same_article_key(&a),
            same_article_key(&e),
            "another port is another site"
        );
    }
}

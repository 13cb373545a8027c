//! Where the crawler's connections may go: how host names are looked up, and a last check
//! on every address just before a connection to it is opened. The defaults are the
//! system's resolver and no extra check; the internal-address guard (in `fetch.rs` and
//! `scope.rs`) applies on top of either.
//!
//! Tests replace both: a fixed table of names (so that no lookup leaves the machine) and a
//! check that fails the test if the crawler ever tries to connect outside 127.0.0.0/8.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// What a lookup gives: the addresses of a host name.
pub type LookupResult = Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>;

/// Turns host names into addresses.
pub trait HostLookup: Send + Sync + 'static {
    /// The addresses `host` resolves to, each with `port`.
    fn lookup(&self, host: &str, port: u16) -> LookupResult;
}

/// The system's resolver (through tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

impl HostLookup for SystemLookup {
    fn lookup(&self, host: &str, port: u16) -> LookupResult {
        let host = host.to_string();
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), port))
                .await?
                .collect())
        })
    }
}

/// A fixed table of names: a name not in it does not exist.
#[derive(Debug, Clone, Default)]
pub struct FixedLookup {
    names: HashMap<String, Vec<IpAddr>>,
}

impl FixedLookup {
    /// A table of `(name, address)` pairs; a name given twice has both addresses. Names are
    /// matched regardless of case; an IP address is answered as itself.
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, IpAddr)>) -> Self {
        let mut names: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (name, ip) in entries {
            names.entry(name.to_ascii_lowercase()).or_default().push(ip);
        }
        Self { names }
    }
}

impl HostLookup for FixedLookup {
    fn lookup(&self, host: &str, port: u16) -> LookupResult {
        let host = host.trim_matches(['[', ']']);
        let found = match host.parse::<IpAddr>() {
            Ok(ip) => Ok(vec![SocketAddr::new(ip, port)]),
            Err(_) => self
                .names
                .get(&host.to_ascii_lowercase())
                .map(|ips| ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect())
                .ok_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, format!("no such host: {host}"))
                }),
        };
        Box::pin(async move { found })
    }
}

/// Called with each address just before a connection to it is opened; an error refuses
/// the connection.
pub type ConnectCheck = Arc<dyn Fn(SocketAddr) -> Result<(), String> + Send + Sync>;

/// The lookup and the connect check a crawl uses.
#[derive(Clone)]
pub struct Network {
    /// How host names are looked up.
    pub lookup: Arc<dyn HostLookup>,
    /// Run on every address before a connection to it (`None`: no check).
    pub connect_check: Option<ConnectCheck>,
}

impl Default for Network {
    fn default() -> Self {
        Self {
            lookup: Arc::new(SystemLookup),
            connect_check: None,
        }
    }
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("connect_check", &self.connect_check.is_some())
            .finish_non_exhaustive()
    }
}

impl Network {
    /// Runs the connect check, if there is one.
    pub fn check(&self, addr: SocketAddr) -> Result<(), String> {
        match &self.connect_check {
            Some(check) => check(addr),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fixed_table_answers_only_for_its_names() {
        let t = FixedLookup::new([("internal.test", "10.0.0.1".parse().unwrap())]);
        let a = t.lookup("INTERNAL.test", 80).await.unwrap();
        assert_eq!(a, ["10.0.0.1:80".parse().unwrap()]);
        assert!(t.lookup("example.com", 80).await.is_err());
        let lit = t.lookup("[::1]", 8080).await.unwrap();
        assert_eq!(lit, ["[::1]:8080".parse().unwrap()]);
    }
}

//! The connection to the Redis server a shared frontier lives on: its address (a password
//! in it never printed), a small pool of blocking connections with time limits on every
//! call (a server that stops answering is an error, never a hang), and the names of the keys.

use std::path::Path;
use std::sync::{Arc, Mutex};

use redis::ConnectionLike as _;
use std::time::Duration;

use crate::state::StateError;

/// Opening a connection may take this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A call may take this long.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Every key khabar writes starts with this.
pub(super) const KEY_PREFIX: &str = "khabar:";

/// A Redis server and a pool of connections to it.
pub struct Server {
    client: redis::Client,
    idle: Mutex<Vec<redis::Connection>>,
    shown: String,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("address", &self.shown)
            .finish()
    }
}

impl Server {
    /// The server at `address` (`redis://[user:password@]host:port/db`, `rediss://` for
    /// TLS, `redis+unix:///path?db=N` for a local socket); one connection is opened at once,
    /// so a wrong address, password or database fails here, named. `ca_file`: for TLS, the
    /// PEM certificate(s) of the authority that signed the server's certificate, in place of
    /// the system's roots (a private CA).
    pub fn connect(address: &str, ca_file: Option<&Path>) -> Result<Arc<Self>, StateError> {
        let shown = hide_password(address);
        let bad = |reason: String| StateError::BadAddress {
            address: shown.clone(),
            reason,
        };
        let scheme = address.split("://").next().unwrap_or("");
        if !matches!(scheme, "redis" | "rediss" | "redis+unix" | "unix") || !address.contains("://")
        {
            return Err(bad("it must start with redis:// or rediss://".into()));
        }
        if scheme == "rediss" {
            // the client's TLS uses the process's crypto provider, as the crawler's does
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let client = match ca_file {
            None => redis::Client::open(address),
            Some(path) => {
                let pem = std::fs::read(path).map_err(|e| StateError::CaFile {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                if scheme != "rediss" {
                    return Err(bad(format!(
                        "a CA file ({}) is for TLS: write the address with rediss://",
                        path.display()
                    )));
                }
                redis::Client::build_with_tls(
                    address,
                    redis::TlsCertificates {
                        client_tls: None,
                        root_cert: Some(pem),
                    },
                )
            }
        }
        .map_err(|e| bad(e.to_string()))?;
        let server = Arc::new(Self {
            client,
            idle: Mutex::new(Vec::new()),
            shown,
        });
        let mut conn = server.get()?;
        let pong: String = server.call(redis::cmd("PING").query(&mut *conn))?;
        if pong != "PONG" {
            return Err(server.corrupt(format!("PING was answered {pong:?}")));
        }
        Ok(server)
    }

    /// The address, its password hidden.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// A connection from the pool (a new one when none is idle); it goes back when dropped.
    pub(crate) fn get(self: &Arc<Self>) -> Result<Pooled, StateError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.dedicated()?,
        };
        Ok(Pooled {
            conn: Some(conn),
            server: self.clone(),
        })
    }

    /// A new connection, outside the pool (for a thread that calls on a schedule), with
    /// the time limits on every call.
    pub(crate) fn dedicated(&self) -> Result<redis::Connection, StateError> {
        let c = self
            .client
            .get_connection_with_timeout(CONNECT_TIMEOUT)
            .map_err(|e| self.error(e))?;
        c.set_read_timeout(Some(CALL_TIMEOUT))
            .and_then(|()| c.set_write_timeout(Some(CALL_TIMEOUT)))
            .map_err(|e| self.error(e))?;
        Ok(c)
    }

    /// The client's result as ours.
    pub(crate) fn call<T>(&self, r: redis::RedisResult<T>) -> Result<T, StateError> {
        r.map_err(|e| self.error(e))
    }

    /// The client's error as ours, with a hint where one helps.
    pub(crate) fn error(&self, source: redis::RedisError) -> StateError {
        let hint = if source.is_connection_refusal() {
            ": is the server running? (start it with `redis-server`, or check the address)"
        } else if source.is_timeout() {
            ": the server did not answer in time"
        } else if matches!(source.kind(), redis::ErrorKind::AuthenticationFailed)
            || source.to_string().contains("NOAUTH")
            || source.to_string().contains("WRONGPASS")
        {
            if self
                .client
                .get_connection_info()
                .redis_settings()
                .password()
                .is_some()
            {
                ": the server refused the user name or password in the address; check them (redis://USER:PASSWORD@HOST:PORT/DB, or redis://:PASSWORD@… for the default user)"
            } else {
                ": the server wants a password: give it in the address, redis://:PASSWORD@HOST:PORT/DB"
            }
        } else {
            ""
        };
        StateError::Redis {
            server: self.shown.clone(),
            cause: source,
            hint,
        }
    }

    /// Something stored that cannot be read.
    pub(crate) fn corrupt(&self, what: String) -> StateError {
        StateError::Corrupt {
            server: self.shown.clone(),
            what,
        }
    }
}

/// A pooled connection.
pub(crate) struct Pooled {
    conn: Option<redis::Connection>,
    server: Arc<Server>,
}

impl std::ops::Deref for Pooled {
    type Target = redis::Connection;
    fn deref(&self) -> &redis::Connection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut redis::Connection {
        self.conn.as_mut().expect("held until dropped")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take()
            && c.is_open()
        {
            self.server
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(c);
        }
    }
}

/// `address` with the password (if any) replaced by `***`.
pub fn hide_password(address: &str) -> String {
    let Some((scheme, rest)) = address.split_once("://") else {
        return address.to_string();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or("");
            if user_info.contains(':') {
                format!("{scheme}://{user}:***@{host}{tail}")
            } else {
                // `redis://secret@host`: the one part is the password
                format!("{scheme}://***@{host}{tail}")
            }
        }
        None => address.to_string(),
    }
}

/// The keys of one crawl (a generation of the shared frontier).
#[derive(Debug, Clone)]
pub(super) struct Keys {
    /// `khabar:g{N}:`, the crawl's prefix.
    pub crawl: String,
}

impl Keys {
    /// The keys of crawl number `generation`.
    pub(super) fn of(generation: u64) -> Self {
        Self {
            crawl: format!("{KEY_PREFIX}g{generation}:"),
        }
    }

    /// A key of the crawl.
    pub(super) fn key(&self, name: &str) -> String {
        format!("{}{name}", self.crawl)
    }
}

/// A key that outlives crawls.
pub(super) fn lasting(name: &str) -> String {
    format!("{KEY_PREFIX}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            hide_password("redis://:s3cret@10.0.0.5:6379/2"),
            "redis://:***@10.0.0.5:6379/2"
        );
        assert_eq!(
            hide_password("rediss://crawler:s3cret@cache.example:6380/0"),
            "rediss://crawler:***@cache.example:6380/0"
        );
        assert_eq!(hide_password("redis://s3cret@h:1/0"), "redis://***@h:1/0");
        assert_eq!(hide_password("redis://h:1/0"), "redis://h:1/0");
    }

    #[test]
    fn an_address_that_is_not_redis_is_refused_by_name() {
        let err = Server::connect("http://127.0.0.1:6379/0", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`http://127.0.0.1:6379/0`"), "{err}");
        assert!(err.contains("redis://"), "{err}");
        let err = Server::connect("redis://:pw@127.0.0.1:notaport/0", None)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("pw@"), "password shown: {err}");
    }
}

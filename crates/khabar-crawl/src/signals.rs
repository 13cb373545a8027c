//! Ctrl-C and SIGTERM, one after another, for whatever stops on them: the crawl job
//! ([`crate::job`]) and a CC-NEWS run ([`crate::ccnews`]) each decide what a signal means.

/// A signal caught.
pub(crate) enum Caught {
    /// Ctrl-C (SIGINT).
    Interrupt,
    /// SIGTERM (a service manager stopping the process).
    Terminate,
}

/// The signals of the process, as they come; made inside a tokio runtime.
pub(crate) struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    pub(crate) fn new() -> Self {
        Self {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok(),
        }
    }

    /// The next signal; `None` when Ctrl-C cannot be watched at all.
    pub(crate) async fn next(&mut self) -> Option<Caught> {
        #[cfg(unix)]
        let terminated = async {
            match self.term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminated = std::future::pending::<()>();
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.ok().map(|()| Caught::Interrupt),
            () = terminated => Some(Caught::Terminate),
        }
    }
}

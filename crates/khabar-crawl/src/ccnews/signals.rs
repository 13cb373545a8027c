//! Ctrl-C and SIGTERM for a run: the first sets the run's stop flag (it ends at the next
//! record boundary, what was written committed); a second Ctrl-C quits at once (the next
//! run repeats at most the page being written). A run stopped by SIGTERM (a service
//! manager, a scheduler's time limit) ended as asked; one stopped by Ctrl-C was interrupted.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::signals::{Caught, Signals};

/// The exit code of a run stopped by Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Watches for Ctrl-C and SIGTERM on a thread of its own and sets `stop` on the first.
/// Returns a flag set when it was Ctrl-C (the run was interrupted) rather than SIGTERM.
/// Call it once, from a program's `main` side (it installs signal handlers).
pub fn stop_on_signals(stop: Arc<AtomicBool>) -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let spawned = std::thread::Builder::new()
        .name("khabar-ccnews-signals".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(watch(stop, flag));
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot watch for Ctrl-C: {e}");
    }
    interrupted
}

async fn watch(stop: Arc<AtomicBool>, interrupted: Arc<AtomicBool>) {
    let mut signals = Signals::new();
    while let Some(caught) = signals.next().await {
        match caught {
            Caught::Interrupt => {
                interrupted.store(true, Ordering::SeqCst);
                if stop.swap(true, Ordering::SeqCst) {
                    tracing::error!(
                        "interrupted twice: quitting now (the next run repeats at most the page being written)"
                    );
                    std::process::exit(EXIT_INTERRUPTED);
                }
                tracing::warn!(
                    "interrupted: stopping at the next record boundary; the next run takes it up from there (Ctrl-C again to quit now)"
                );
            }
            Caught::Terminate => {
                tracing::warn!("terminated: stopping at the next record boundary");
                stop.store(true, Ordering::SeqCst);
            }
        }
    }
}

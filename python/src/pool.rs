//! Pages extracted on worker threads, results handed back in the order the pages came in.
//! The caller submits pages while it holds the GIL and waits for results with it released;
//! the workers never touch Python. A bounded window of pages in flight keeps the memory
//! flat however long the stream.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use khabar_extract::{Extractor, Record};

use crate::page::Page;

/// A page's records, or what went wrong: the message of a panic in the extractor (a bug,
/// reported rather than taking the interpreter down).
pub type Outcome = Result<Vec<Record>, String>;

/// Worker threads extracting pages, with an ordered hand-back.
pub struct Pool {
    jobs: Option<Sender<(usize, Page)>>,
    results: Receiver<(usize, Outcome)>,
    workers: Vec<JoinHandle<()>>,
    submitted: usize,
    delivered: usize,
    ready: BTreeMap<usize, Outcome>,
    window: usize,
}

impl Pool {
    /// `threads` workers (at least one), at most `threads * 4` pages in flight.
    pub fn new(extractor: Arc<Extractor>, threads: usize) -> Self {
        let threads = threads.max(1);
        let (jobs, queue) = channel::<(usize, Page)>();
        let (done, results) = channel();
        let queue = Arc::new(Mutex::new(queue));
        let workers = (0..threads)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let done = done.clone();
                let extractor = Arc::clone(&extractor);
                std::thread::spawn(move || {
                    loop {
                        // the lock is held only to take a page, not to extract it
                        let next = queue.lock().map(|q| q.recv());
                        let Ok(Ok((index, page))) = next else { return };
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                page.extract(&extractor)
                            }))
                            .map_err(|panic| panic_message(&panic));
                        if done.send((index, outcome)).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        Self {
            jobs: Some(jobs),
            results,
            workers,
            submitted: 0,
            delivered: 0,
            ready: BTreeMap::new(),
            window: threads * 4,
        }
    }

    /// Whether another page may be submitted now.
    pub fn has_room(&self) -> bool {
        self.submitted - self.delivered < self.window
    }

    /// Pages handed back so far: the index of the next one.
    pub fn delivered(&self) -> usize {
        self.delivered
    }

    /// Whether pages are in flight (submitted, not yet handed back).
    pub fn busy(&self) -> bool {
        self.submitted > self.delivered
    }

    pub fn submit(&mut self, page: Page) {
        if let Some(jobs) = &self.jobs
            && jobs.send((self.submitted, page)).is_ok()
        {
            self.submitted += 1;
        }
    }

    /// The next page's records in submission order, waiting for them (call it with the
    /// GIL released); `None` when nothing is in flight.
    pub fn next_in_order(&mut self) -> Option<Outcome> {
        if !self.busy() {
            return None;
        }
        loop {
            if let Some(outcome) = self.ready.remove(&self.delivered) {
                self.delivered += 1;
                return Some(outcome);
            }
            let (index, outcome) = self
                .results
                .recv()
                .expect("the workers live as long as the pool");
            self.ready.insert(index, outcome);
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // closing the queue ends the workers once their page is done
        self.jobs = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

/// What a panic said.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

//! A global allocator that counts: the bytes allocated now and the most ever at once, for
//! the test binaries that measure the heap of their process (`tests/hostile.rs`,
//! `tests/memory.rs`). A binary declares `#[global_allocator] static HEAP: Counting =
//! Counting;`. An allocation that would take the heap past [`ABORT_AT`] aborts the process
//! with a message, rather than let a regression take the machine down.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The heap no test may reach.
pub const ABORT_AT: usize = 2048 * 1024 * 1024;

/// The system allocator, counting.
pub struct Counting;

static HEAP_NOW: AtomicUsize = AtomicUsize::new(0);
static HEAP_PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = HEAP_NOW.fetch_add(by, Ordering::Relaxed) + by;
    HEAP_PEAK.fetch_max(now, Ordering::Relaxed);
    if now > ABORT_AT {
        // a fixed message (stderr is unbuffered: nothing is allocated), then abort
        let msg = b"heap test: the heap passed 2 GiB; aborting\n";
        let _ = std::io::Write::write_all(&mut std::io::stderr(), msg);
        std::process::abort();
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        HEAP_NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                HEAP_NOW.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// Starts measuring: the peak is reset to what is allocated now, which is returned.
pub fn baseline() -> usize {
    let now = HEAP_NOW.load(Ordering::SeqCst);
    HEAP_PEAK.store(now, Ordering::SeqCst);
    now
}

/// The most the heap grew above `baseline` since [`baseline`].
pub fn growth(baseline: usize) -> usize {
    HEAP_PEAK.load(Ordering::SeqCst).saturating_sub(baseline)
}

//! A record claiming a huge size is refused without the memory being asked for: the test
//! binary counts the largest single allocation.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use khabar_warc::{WarcError, WarcReader};

struct Counting;
static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn huge_content_length_is_refused_without_allocating_it() {
    // One test function only: the counter is global to the binary.
    let (plain, offsets) = plain_archive(3);
    for cl in [
        "Content-Length: 1099511627776\r\n",
        "Content-Length: 60000000\r\n",
    ] {
        let mut bytes = plain[..offsets[1] as usize].to_vec();
        bytes.extend(record_with(
            "response",
            "https://x.example/huge",
            b"abc",
            cl,
        ));
        bytes.extend_from_slice(&plain[offsets[1] as usize..]);
        let gz_bytes = gz(&bytes);
        LARGEST.store(0, Ordering::Relaxed);
        let items: Vec<_> = WarcReader::new(&bytes[..])
            .with_max_record_size(1 << 20)
            .collect();
        assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 3);
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Err(WarcError::TooLarge { .. })))
        );
        let largest = LARGEST.load(Ordering::Relaxed);
        assert!(largest < 1 << 20, "largest allocation {largest}");

        // the same inside one gzip member
        LARGEST.store(0, Ordering::Relaxed);
        let items: Vec<_> = WarcReader::new(&gz_bytes[..])
            .with_max_record_size(1 << 20)
            .collect();
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Err(WarcError::TooLarge { .. })))
        );
        assert!(LARGEST.load(Ordering::Relaxed) < 1 << 20);
    }

    // A 30 MB gzip bomb in one member with a 1 MiB limit: refused, never held.
    let bomb = gz(&vec![b'x'; 30_000_000]);
    let mut bytes = bomb;
    let (gz_ok, _) = gz_archive(2);
    bytes.extend_from_slice(&gz_ok);
    LARGEST.store(0, Ordering::Relaxed);
    let items: Vec<_> = WarcReader::new(&bytes[..])
        .with_max_record_size(1 << 20)
        .collect();
    assert!(matches!(
        items[0],
        Err(WarcError::TooLarge { offset: 0, .. })
    ));
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 2);
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(largest < 4 << 20, "largest allocation {largest}");
}

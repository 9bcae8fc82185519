//! The WebAssembly heap grows geometrically. Rust's wasm32 allocator (dlmalloc) asks for memory
//! a few pages at a time, and V8 (Node 20) copies the whole linear memory on many of those
//! `memory.grow`s: growing to 400 MB one 64 KiB page at a time takes 12 s in Node, one MiB at a
//! time 1 s, 16 MiB at a time 0.15 s. So every job that needs a lot of memory was quadratic in
//! it: `trellis check` of 100,000 steps (270 MB) spent half its time growing memory. Here, when
//! the allocator has just grown the memory past [`FROM_BYTES`], half as much again is taken in one
//! step and handed straight back, so later allocations find it free and the number of grows is
//! logarithmic.

use std::alloc::{GlobalAlloc, Layout, System};
use std::arch::wasm32::memory_size;

const PAGE_BYTES: usize = 64 * 1024;
/// Below this, memory grows as the allocator asks (small jobs stay small).
const FROM_BYTES: usize = 16 * 1024 * 1024;

/// [`System`] (dlmalloc), with geometric growth of the linear memory.
pub struct GeometricHeap;

unsafe impl GlobalAlloc for GeometricHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pages = memory_size(0);
        let block = System.alloc(layout);
        grow_ahead(pages);
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pages = memory_size(0);
        let block = System.alloc_zeroed(layout);
        grow_ahead(pages);
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        System.dealloc(block, layout)
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let pages = memory_size(0);
        let moved = System.realloc(block, layout, new_size);
        grow_ahead(pages);
        moved
    }
}

/// If the memory grew since it had `pages_before` pages, and is past [`FROM_BYTES`]: reserves half
/// of it again in one `memory.grow`, then frees that block for the allocator to hand out.
fn grow_ahead(pages_before: usize) {
    let bytes = memory_size(0) * PAGE_BYTES;
    if memory_size(0) == pages_before || bytes < FROM_BYTES {
        return;
    }
    let Ok(layout) = Layout::from_size_align(bytes / 2, 1) else { return };
    // SAFETY: a block of a valid, non-zero layout from the same allocator, freed at once.
    unsafe {
        let reserve = System.alloc(layout);
        if !reserve.is_null() {
            System.dealloc(reserve, layout);
        }
    }
}

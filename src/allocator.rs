//! The wasm's memory allocator: blocks of 8, 16, 32… bytes, one free list per size, carved from
//! pages the module grows. It replaces std's dlmalloc, which is about 2 KB (brotli) of every
//! visitor's download, for what the widget allocates: strings and small vectors, a few hundred
//! at a time. Rounding up to a power of two costs some memory, but a freed block is reused by
//! the next request of its size and memory never fragments. Nothing is given back to the page
//! (wasm cannot shrink a memory anyway).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr::{self, null_mut};

// A wasm module without the atomics feature has one thread, so the state needs no lock.
#[cfg(target_feature = "atomics")]
compile_error!("src/allocator.rs assumes a single thread: wasm without the atomics feature");

/// Sizes 8 << 0 … 8 << 28 (2 GiB), the largest layout size on wasm32.
const CLASSES: usize = 29;
const PAGE: usize = 65536;
/// A block is aligned to its size, up to this. Nothing the widget allocates needs more; a larger
/// alignment is refused (a null pointer: std reports an allocation failure, a trap).
const MAX_ALIGN: usize = 16;

struct State {
    /// The first free block of each size; a free block's first word points to the next one.
    free: [*mut u8; CLASSES],
    /// Where the next new block goes, and the end of the memory grown so far.
    next: usize,
    end: usize,
}

pub struct Allocator(UnsafeCell<State>);

// SAFETY: one thread (see the compile_error above), and no method re-enters another.
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(State {
    free: [null_mut(); CLASSES],
    next: 0,
    end: 0,
}));

/// The size class of `layout`: the smallest `8 << class` that holds its size and alignment.
fn class(layout: Layout) -> usize {
    let size = layout.size().max(layout.align()).max(8);
    (usize::BITS - (size - 1).leading_zeros()) as usize - 3
}

impl State {
    /// A new block of `size` bytes (a power of two) from the end of the memory, growing it.
    fn carve(&mut self, size: usize) -> *mut u8 {
        let align = size.min(MAX_ALIGN);
        // `next` and `end` stay below 4 GiB - 64 KiB, so neither sum can overflow.
        let mut start = (self.next + align - 1) & !(align - 1);
        if start.checked_add(size).is_none_or(|end| end > self.end) {
            let pages = size.div_ceil(PAGE);
            let previous = std::arch::wasm32::memory_grow::<0>(pages);
            if previous == usize::MAX {
                return null_mut();
            }
            let base = previous * PAGE;
            // Refused at 4 GiB - 64 KiB: a browser gives a page far less anyway.
            let Some(end) = base
                .checked_add(pages * PAGE)
                .filter(|end| *end <= usize::MAX - PAGE)
            else {
                return null_mut();
            };
            // Only this allocator grows the memory, so the new pages follow the old ones; if
            // they did not, the rest of the old ones would simply go unused.
            if base != self.end {
                self.next = base;
            }
            self.end = end;
            start = (self.next + align - 1) & !(align - 1);
        }
        self.next = start + size;
        start as *mut u8
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let class = class(layout);
        if layout.align() > MAX_ALIGN || class >= CLASSES {
            return null_mut();
        }
        // SAFETY: one thread, and no other borrow of the state is alive (see `Sync`).
        let state = unsafe { &mut *self.0.get() };
        let head = state.free[class];
        if head.is_null() {
            return state.carve(8 << class);
        }
        // SAFETY: a free block of this class, at least 8 bytes, aligned, holding the next one.
        state.free[class] = unsafe { head.cast::<*mut u8>().read() };
        head
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc`; `block` came from `alloc` with `layout` (GlobalAlloc's contract),
        // so it is a block of this class, which the free list now owns.
        let state = unsafe { &mut *self.0.get() };
        let class = class(layout);
        unsafe { block.cast::<*mut u8>().write(state.free[class]) };
        state.free[class] = block;
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: GlobalAlloc's contract makes `new_size` with this alignment a valid layout.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(new) == class(layout) {
            return block;
        }
        // SAFETY: the contract of `alloc` and `dealloc`; the blocks are distinct.
        unsafe {
            let moved = self.alloc(new);
            if !moved.is_null() {
                ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            moved
        }
    }
}

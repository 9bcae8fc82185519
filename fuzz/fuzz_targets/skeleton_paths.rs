#![no_main]
//! Fuzz target `skeleton_paths`: see `fuzz/harness.rs`.

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::skeleton_paths(data));

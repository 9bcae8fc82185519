#![no_main]
//! Fuzz target `placeholders`: see `fuzz/harness.rs`.

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::placeholders(data));

#![no_main]
//! Fuzz target `yaml_model`: see `fuzz/harness.rs`.

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::yaml_model(data));

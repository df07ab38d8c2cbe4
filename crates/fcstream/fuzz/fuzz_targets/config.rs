//! Fuzz target: `fcstream_cli::fuzzing::config` (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fcstream_cli::fuzzing::config(data);
});

//! Fuzz target: `fcstream::fuzzing::content_type` (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fcstream::fuzzing::content_type(data);
});

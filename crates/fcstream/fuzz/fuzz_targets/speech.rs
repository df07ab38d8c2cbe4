//! Fuzz target: `fcstream::fuzzing::speech` (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fcstream::fuzzing::speech(data);
});

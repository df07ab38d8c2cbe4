//! Fuzz target: `fcstream_speech::fuzzing::speech` (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fcstream_speech::fuzzing::speech(data);
});

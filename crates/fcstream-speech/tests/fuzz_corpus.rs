//! Replays the `speech` fuzz target's saved corpus (crates/fcstream/fuzz/corpus/speech, where
//! `cargo fuzz` in the workspace's fuzz crate grows it) as a normal test, so CI checks every
//! input that ever found new coverage without needing libFuzzer.

use std::path::PathBuf;

#[test]
fn speech_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fcstream/fuzz/corpus/speech");
    fcstream::fuzzing::replay(&dir, fcstream_speech::fuzzing::speech);
}

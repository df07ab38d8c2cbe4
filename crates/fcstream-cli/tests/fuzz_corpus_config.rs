//! Replays the `config` fuzz target's saved corpus (crates/fcstream/fuzz/corpus/config, seeded
//! from `--print-config` and the emulator's documented script, grown by `cargo fuzz`) as a
//! normal test, so CI checks every input that ever found new coverage without libFuzzer.

use std::path::PathBuf;

#[test]
fn config_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fcstream/fuzz/corpus/config");
    fcstream::fuzzing::replay(&dir, fcstream_cli::fuzzing::config);
}

//! Replays the `config` fuzz target's saved corpus (crates/fcstream/fuzz/corpus/config, seeded
//! from `--print-config` and the emulator's documented script, grown by `cargo fuzz`) as a
//! normal test, so CI checks every input that ever found new coverage without libFuzzer.

use std::path::PathBuf;

#[test]
fn config_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fcstream/fuzz/corpus/config");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| fcstream_cli::fuzzing::config(&data));
        assert!(result.is_ok(), "config: {} panicked", path.display());
        n += 1;
    }
    assert!(n > 0, "config: empty corpus");
}

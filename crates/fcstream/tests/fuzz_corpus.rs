//! Replays the fuzz targets' saved corpus (crates/fcstream/fuzz/corpus, seeded from the golden
//! vectors and grown by `cargo fuzz` runs) as a normal test, so CI checks every input that
//! ever found new coverage without needing libFuzzer. (The `speech` corpus is replayed by
//! `crates/fcstream-speech/tests/fuzz_corpus.rs`, beside the code it exercises.)

use std::path::PathBuf;

fn replay(target: &str, f: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    fcstream::fuzzing::replay(&dir, f);
}

#[test]
fn session_corpus() {
    replay("session", fcstream::fuzzing::session);
}

#[test]
fn app_message_corpus() {
    replay("app_message", fcstream::fuzzing::app_message);
}

#[test]
fn content_type_corpus() {
    replay("content_type", fcstream::fuzzing::content_type);
}

#[test]
fn wav_corpus() {
    replay("wav", fcstream::fuzzing::wav);
}

#[test]
fn dtmf_corpus() {
    replay("dtmf", fcstream::fuzzing::dtmf);
}

#[test]
fn percl_corpus() {
    replay("percl", fcstream::fuzzing::percl);
}

#[test]
fn webhook_corpus() {
    replay("webhook", fcstream::fuzzing::webhook);
}

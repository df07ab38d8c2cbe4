//! Test support for the speech tests: one skip-or-fail rule for a speech test whose tools
//! (espeak-ng, PocketSphinx) are missing. The emulator's speech tests include this file too
//! (`#[path]`), so the rule is written once.
#![allow(dead_code)]

/// Whether a missing speech tool (espeak-ng, PocketSphinx) fails a test rather than skipping
/// it: CI installs them and sets `FCSTREAM_REQUIRE_SPEECH=1`.
pub fn speech_required() -> bool {
    std::env::var("FCSTREAM_REQUIRE_SPEECH").as_deref() == Ok("1")
}

/// A speech test cannot run (`why`): fails when speech is required, else says it is skipped.
pub fn skip_speech(why: &str) {
    assert!(
        !speech_required(),
        "FCSTREAM_REQUIRE_SPEECH=1 but the speech test cannot run: {why}"
    );
    eprintln!("SKIPPED (set FCSTREAM_REQUIRE_SPEECH=1 to fail instead): {why}");
}

//! The real `fcstream demo --fast` process: the whole call runs in the emulator's own virtual
//! time (no tokio `test-util` in the binary), ends with the app's hang-up, and writes what the
//! caller heard.

use std::process::Command;

#[test]
fn demo_fast_runs_the_call_in_virtual_time_and_writes_the_recording() {
    let out = std::env::temp_dir().join(format!("fcstream-demo-fast-{}", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_fcstream"))
        .args(["demo", "--fast", "--out"])
        .arg(&out)
        .env("RUST_LOG", "warn")
        .output()
        .expect("fcstream binary");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("in virtual time"), "{stdout}");
    assert!(
        stdout.contains("ended:        app-hangup after 10.52 s"),
        "{stdout}"
    );
    assert!(stdout.contains("caller heard \"2\""), "{stdout}");
    let heard = hound::WavReader::open(out.join("heard.wav")).expect("heard.wav");
    // 10.52 s at 8 kHz: the virtual call lasted as long as the real one would.
    assert_eq!(heard.duration(), 84_160);
    let _ = std::fs::remove_dir_all(&out);
}

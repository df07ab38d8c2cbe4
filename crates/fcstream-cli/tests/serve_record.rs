//! `fcstream serve --record-dir DIR` (and `FCSTREAM_RECORD_DIR`, `record_dir` in the config
//! file) writes a stereo WAV and a JSON-lines timeline per call: a real `fcstream serve`
//! process, called by a real `fcstream call` over loopback.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

/// The recordings in `dir` once `n` of them are complete (their timeline's last line is the
/// end of the recording), within a generous bound.
fn complete_recordings(dir: &Path, n: usize) -> Vec<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut done: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        done.retain(|p| {
            p.extension().is_some_and(|e| e == "jsonl")
                && std::fs::read_to_string(p).is_ok_and(|t| {
                    t.lines()
                        .last()
                        .is_some_and(|l| l.contains("\"kind\":\"recording_end\""))
                })
        });
        if done.len() >= n {
            done.sort();
            return done;
        }
        assert!(
            Instant::now() < deadline,
            "{n} complete recordings in {}: {done:?}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_with_record_dir_writes_a_wav_and_a_timeline_per_call() {
    let dir = temp("recordings");
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_string_lossy().into_owned();
    let serve = Serve::start_with("echo", &["--record-dir", &dir_arg]);
    let o = run(&[
        "call",
        serve.url.as_str(),
        "--tone",
        "440",
        "--tone-duration",
        "1s",
        "--hangup-after",
        "1500ms",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let timelines = complete_recordings(&dir, 1);
    assert_eq!(timelines.len(), 1);
    let wav = timelines[0].with_extension("wav");
    let mut reader = hound::WavReader::open(&wav).expect("a valid WAV");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 8000, 16)
    );
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .expect("samples");
    let seconds = samples.len() as f64 / 2.0 / 8000.0;
    let energy = |ch: usize| {
        samples
            .iter()
            .skip(ch)
            .step_by(2)
            .map(|&s| f64::from(s).powi(2))
            .sum::<f64>()
    };
    println!(
        "{}: {seconds:.3} s, caller energy {:.3e}, played energy {:.3e}",
        wav.display(),
        energy(0),
        energy(1)
    );
    assert!((1.3..=2.5).contains(&seconds), "{seconds} s");
    // The caller's tone on the left, the echo the platform played on the right.
    assert!(energy(0) > 1e9 && energy(1) > 1e9);
    let text = std::fs::read_to_string(&timelines[0]).unwrap();
    let mut frames = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("every line is JSON");
        if v["kind"] == "notify_audio_data" {
            frames += 1;
        }
    }
    assert!(frames >= 60, "{frames} caller frames in the timeline");
}

#[test]
fn record_dir_is_a_setting_like_the_others() {
    let dir = temp("print-config-recordings");
    let o = fcstream()
        .args(["serve", "--print-config"])
        .env("FCSTREAM_RECORD_DIR", &dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let table: toml::Table = stdout(&o).parse().expect("--print-config is TOML");
    assert_eq!(
        table.get("record_dir").and_then(|v| v.as_str()),
        Some(dir.to_string_lossy().as_ref())
    );
    let o = run(&["serve", "--help"]);
    assert!(stdout(&o).contains("--record-dir <DIR>"), "{}", stdout(&o));
    assert!(stdout(&o).contains("FCSTREAM_RECORD_DIR"));
}

//! `fcstream serve --record-dir DIR` (and `FCSTREAM_RECORD_DIR`, `record_dir` in the config
//! file) writes a stereo WAV and a JSON-lines timeline per call: a real `fcstream serve`
//! process, called by a real `fcstream call` over loopback; `fcstream replay` plays such a
//! recording again.

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

/// A WAV's samples (mono or the channel `ch` of stereo) and its rate.
fn wav_channel(path: &Path, ch: usize) -> (Vec<i16>, u32) {
    let mut reader = hound::WavReader::open(path).expect("a valid WAV");
    let spec = reader.spec();
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .expect("every sample readable (the header's size is right)");
    let n = usize::from(spec.channels);
    (
        samples.iter().skip(ch).step_by(n).copied().collect(),
        spec.sample_rate,
    )
}

/// The normalised cross-correlation of `a` and `b` at the best lag within `max_lag` samples
/// (`b` shifted by the lag), and that lag.
fn best_correlation(a: &[i16], b: &[i16], max_lag: i64) -> (f64, i64) {
    fcstream_emulator::analysis::correlation(a, b, max_lag).expect("both signals have sound")
}

#[test]
fn serve_with_record_dir_records_what_the_caller_said_and_heard_in_real_time() {
    let dir = temp("recordings");
    let out = temp("recorded-call");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
    // Noise under a syllable-rate envelope: its correlation has one clear peak (a tone's
    // would repeat every period).
    let voice = temp("voice.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&voice, spec).unwrap();
    let mut seed: u32 = 12345;
    for i in 0..8000 {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let noise = f64::from((seed >> 16) as u16 as i16) / 32768.0;
        let env = (i as f64 / 8000.0 * std::f64::consts::PI * 6.0).sin().abs();
        w.write_sample((noise * env * 12_000.0) as i16).unwrap();
    }
    w.finalize().unwrap();
    let dir_arg = dir.to_string_lossy().into_owned();
    let serve = Serve::start_with("echo", &["--record-dir", &dir_arg]);
    let o = run(&[
        "call",
        serve.url.as_str(),
        "--wav",
        &voice.to_string_lossy(),
        "--hangup-after",
        "1500ms",
        "--out",
        &out.to_string_lossy(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let timelines = complete_recordings(&dir, 1);
    assert_eq!(timelines.len(), 1);
    let wav = timelines[0].with_extension("wav");
    let spec = hound::WavReader::open(&wav).expect("a valid WAV").spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 8000, 16)
    );
    let (left, rate) = wav_channel(&wav, 0);
    let (right, _) = wav_channel(&wav, 1);
    let (caller, _) = wav_channel(&out.join("caller.wav"), 0);
    let (heard, _) = wav_channel(&out.join("heard.wav"), 0);
    let seconds = left.len() as f64 / f64::from(rate);
    let max_lag = i64::from(rate) / 50;
    let (cl, lag_l) = best_correlation(&caller, &left, max_lag);
    let (cr, lag_r) = best_correlation(&heard, &right, max_lag);
    println!(
        "{}: {seconds:.3} s; over loopback in real time: left vs caller.wav {cl:.5} at \
         {lag_l} samples, right vs heard.wav {cr:.5} at {lag_r} samples",
        wav.display()
    );
    assert!((1.3..=2.5).contains(&seconds), "{seconds} s");
    assert!(cl >= 0.99 && lag_l.abs() <= max_lag, "left {cl} at {lag_l}");
    assert!(
        cr >= 0.99 && lag_r.abs() <= max_lag,
        "right {cr} at {lag_r}"
    );
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
fn a_server_recording_replays_against_the_same_app_with_no_difference_and_not_another() {
    let dir = temp("recordings-for-replay");
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_string_lossy().into_owned();
    // The echo, called by the tone-and-key caller.
    let recorded = Serve::start_with("echo", &["--record-dir", &dir_arg]);
    let mut args = vec!["call", recorded.url.as_str()];
    args.extend_from_slice(TONE_AND_KEY);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let timelines = complete_recordings(&dir, 1);
    let file = timelines[0].to_string_lossy().into_owned();
    // A fresh echo (nothing recorded): the same messages, in the server's form.
    let echo = Serve::start("echo");
    let ivr = Serve::start("ivr");
    let replay = |url: &str, json: bool| {
        let mut args = vec!["replay", file.as_str(), url, "--tolerance", "2s"];
        if json {
            args.push("--json");
        }
        run(&args)
    };
    let same = replay(&echo.url, true);
    assert!(same.status.success(), "{}{}", stdout(&same), stderr(&same));
    let v: serde_json::Value = serde_json::from_str(&stdout(&same)).unwrap();
    assert_eq!(v["differences"], serde_json::json!([]), "{v}");
    // 75 frames echoed and the key pressed back, at least.
    let n = v["recorded_messages"].as_u64().unwrap();
    assert!(n >= 70, "{n} recorded app messages");
    let other = replay(&ivr.url, false);
    assert_eq!(other.status.code(), Some(1), "{}", stderr(&other));
    assert!(
        stdout(&other).contains("app message #0: recorded audio_data"),
        "{}",
        stdout(&other)
    );
    // The WAV beside it gone: a clear error naming it.
    std::fs::remove_file(timelines[0].with_extension("wav")).unwrap();
    let bad = replay(&echo.url, false);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains(".wav"), "{}", stderr(&bad));
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

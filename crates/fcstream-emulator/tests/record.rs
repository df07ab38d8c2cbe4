//! Server-side call recording (`fcstream::record`) against the platform model, in virtual
//! time: the recording's left channel is the caller's audio as the emulator sent it
//! (`CallReport::caller`), its right channel what the platform played (`CallReport::heard`),
//! both compared by normalised cross-correlation; a stream that breaks, a handler that panics
//! and hostile call ids leave valid, complete files inside the directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fcstream::record::Recorder;
use fcstream::server::ServiceOptions;
use fcstream::{Audio, Call, CallConfig, CallService, ContentType, Handler};
use fcstream_emulator::buffers::AckShape;
use fcstream_emulator::{
    clock::run_virtual, in_process, CallReport, Faults, Hangup, PlatformConfig, RunOptions, Script,
    Source,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A fresh scratch directory for one test, removed when the test passes (kept to look at
/// when it fails).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("fcstream-record-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    Scratch(dir)
}

/// Runs `script` against `handler` in virtual time with every call recorded into `dir`;
/// returns the emulator's report once the recording is on disk.
fn recorded_call<H: Handler>(handler: H, script: Script, dir: &Path) -> CallReport {
    recorded_call_with(handler, script, dir, CallConfig::default())
}

/// [`recorded_call`] with the server's per-call settings.
fn recorded_call_with<H: Handler>(
    handler: H,
    script: Script,
    dir: &Path,
    config: CallConfig,
) -> CallReport {
    let recorder = Recorder::new(dir);
    run_virtual(move |clock| async move {
        let options = ServiceOptions {
            clock: clock.clone(),
            recorder: Some(recorder.clone()),
            ..ServiceOptions::default()
        };
        let service = CallService::with_options(handler, config, options);
        let channel = in_process::serve_service(service.into_server())
            .await
            .expect("in-process server");
        let run = RunOptions {
            clock: clock.clone(),
            ..RunOptions::default()
        };
        let report = fcstream_emulator::run_with(channel, &script, &run)
            .await
            .expect("the call could be placed");
        let deadline = clock.now() + Duration::from_secs(30);
        clock
            .timeout_at(deadline, recorder.idle())
            .await
            .expect("the recording closed");
        report
    })
    .expect("virtual run")
}

/// The recording in `dir` (exactly one): its two channels, rate and timeline lines.
struct Recording {
    left: Vec<i16>,
    right: Vec<i16>,
    rate: u32,
    lines: Vec<serde_json::Value>,
    stem: String,
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn read_recording(wav: &Path) -> Recording {
    let mut reader = hound::WavReader::open(wav).expect("a valid WAV");
    let spec = reader.spec();
    assert_eq!(spec.channels, 2);
    assert_eq!(spec.bits_per_sample, 16);
    assert_eq!(spec.sample_format, hound::SampleFormat::Int);
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .expect("every sample readable (the header's size is right)");
    let jsonl = wav.with_extension("jsonl");
    let text = std::fs::read_to_string(&jsonl).expect("the timeline");
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    Recording {
        left: samples.iter().step_by(2).copied().collect(),
        right: samples.iter().skip(1).step_by(2).copied().collect(),
        rate: spec.sample_rate,
        lines,
        stem: wav
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
    }
}

fn only_recording(dir: &Path) -> Recording {
    let wavs: Vec<PathBuf> = files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    assert_eq!(
        wavs.len(),
        1,
        "one recording in {}: {wavs:?}",
        dir.display()
    );
    read_recording(&wavs[0])
}

/// The normalised cross-correlation of `a` and `b` at the best lag within `max_lag` samples
/// (`b` shifted by the lag), and that lag.
fn best_correlation(a: &[i16], b: &[i16], max_lag: i64) -> (f64, i64) {
    fcstream_emulator::analysis::correlation(a, b, max_lag).expect("both signals have sound")
}

/// Asserts the recording matches the emulator's report: left = caller, right = heard.
fn assert_matches(rec: &Recording, report: &CallReport, what: &str) {
    assert_eq!(rec.rate, report.rate);
    let max_lag = i64::from(report.rate) / 50; // 20 ms
    let (cl, lag_l) = best_correlation(&report.caller, &rec.left, max_lag);
    let (cr, lag_r) = best_correlation(&report.heard, &rec.right, max_lag);
    println!(
        "{what}: left vs caller {cl:.5} at {lag_l} samples, right vs heard {cr:.5} at {lag_r} \
         samples; lengths {} / {} caller, {} heard",
        rec.left.len(),
        report.caller.len(),
        report.heard.len()
    );
    assert!(
        cl >= 0.99 && lag_l.abs() <= max_lag,
        "{what}: left {cl} at {lag_l}"
    );
    assert!(
        cr >= 0.99 && lag_r.abs() <= max_lag,
        "{what}: right {cr} at {lag_r}"
    );
}

fn kinds(rec: &Recording, dir: &str, kind: &str) -> usize {
    rec.lines
        .iter()
        .filter(|l| l["dir"] == dir && l["kind"] == kind)
        .count()
}

#[test]
fn an_echo_call_is_recorded_as_the_caller_said_and_heard_it() {
    for ct in [ContentType::Mulaw8k, ContentType::L16At16k] {
        let dir = scratch(&format!("echo-{}", ct.sample_rate()));
        let script = Script::new(ct)
            .call_id("CA-echo")
            .say(
                ms(100),
                Source::Babble {
                    pitch_hz: 170.0,
                    duration: ms(2000),
                },
            )
            .hangup_after(ms(3000));
        let report = recorded_call(fcstream_apps::echo, script, &dir);
        let rec = only_recording(&dir);
        assert_matches(&rec, &report, &format!("echo {ct}"));
        // Every message both ways is a line.
        assert_eq!(
            kinds(&rec, "in", "notify_audio_data") as u64,
            report.summary.frames_sent
        );
        assert_eq!(
            kinds(&rec, "out", "audio_data") as u64,
            report.summary.frames_received
        );
        assert_eq!(rec.lines[0]["kind"], "recording");
        assert_eq!(rec.lines[1]["kind"], "notify_call_started");
        assert_eq!(rec.lines[1]["call_id"], "CA-echo");
        let last = rec.lines.last().expect("lines");
        assert_eq!(last["kind"], "recording_end");
        assert_eq!(last["chunks_dropped"], 0);
        assert!(rec.stem.contains("CA-echo"), "{}", rec.stem);
    }
}

/// Something like speech: harmonics of a gliding pitch under a syllable-rate envelope.
fn babble(rate: u32, duration: Duration) -> Audio {
    let n = (duration.as_secs_f64() * f64::from(rate)) as usize;
    let samples: Vec<i16> = (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let f0 = 140.0 + 30.0 * (t * 1.3).sin();
            let env = 0.5 + 0.5 * (t * 2.0 * std::f64::consts::PI * 4.0).sin().abs();
            let v: f64 = (1..6)
                .map(|h| (2.0 * std::f64::consts::PI * f0 * h as f64 * t).sin() / h as f64)
                .sum();
            (v * env * 6000.0) as i16
        })
        .collect();
    Audio::from_pcm(rate, &samples)
}

/// Two prompts queued (a tone, then babble), cleared mid-way through the tone, then babble
/// and a tone played to their end, three keys pressed, then a hang-up.
async fn prompts(call: Call) -> fcstream::Result<()> {
    let rate = call.info().content_type.sample_rate();
    let (control, _events) = call.split();
    let first = control
        .start_play(Audio::tone(440.0, ms(1500), rate))
        .await?;
    let second = control.start_play(babble(rate, ms(1500))).await?;
    control.sleep(ms(1030)).await;
    control.clear().await?;
    let _ = first.await;
    let _ = second.await;
    // A pause, so that the cut is audible as silence in the recording.
    control.sleep(ms(450)).await;
    control.play(babble(rate, ms(700))).await?;
    control.play(Audio::tone(660.0, ms(500), rate)).await?;
    // Keys the app presses are heard too.
    control.press_dtmf("12#", 100, 50).await?;
    control.sleep(ms(200)).await;
    control.hangup().await?;
    Ok(())
}

#[test]
fn prompts_and_a_clear_are_recorded_where_the_platform_played_them() {
    let far_ahead = {
        let mut c = CallConfig::default();
        c.playback.max_ahead = Duration::from_secs(5);
        c
    };
    for (ct, acks, ack_delay, config) in [
        (
            ContentType::Mulaw8k,
            AckShape::PerEntry,
            0,
            CallConfig::default(),
        ),
        (
            ContentType::L16At8k,
            AckShape::PerId,
            0,
            CallConfig::default(),
        ),
        (
            ContentType::L16At16k,
            AckShape::PerEntry,
            0,
            CallConfig::default(),
        ),
        // Acknowledgements 150 ms late (their timestamps say when), a pacer 5 s ahead.
        (
            ContentType::Mulaw8k,
            AckShape::PerEntry,
            150,
            CallConfig::default(),
        ),
        (ContentType::Mulaw8k, AckShape::PerEntry, 0, far_ahead),
    ] {
        let dir = scratch(&format!(
            "prompts-{}-{acks:?}-{ack_delay}-{}",
            ct.sample_rate(),
            config.playback.max_ahead.as_millis()
        ));
        let script = Script::new(ct)
            .say(
                ms(400),
                Source::Babble {
                    pitch_hz: 210.0,
                    duration: ms(1800),
                },
            )
            .platform(PlatformConfig {
                acks,
                ..PlatformConfig::default()
            })
            .faults(Faults {
                ack_delay: ms(ack_delay),
                ..Faults::default()
            })
            .hangup(Hangup::WhenAppEnds {
                max: Duration::from_secs(20),
            });
        let report = recorded_call_with(prompts, script, &dir, config);
        assert_eq!(
            report.summary.plays.clears, 1,
            "the clear happened: {:?}",
            report.summary.plays
        );
        let rec = only_recording(&dir);
        let what = format!(
            "prompts {ct} {acks:?}, acks {ack_delay} ms late, {:?} ahead",
            config.playback.max_ahead
        );
        assert_matches(&rec, &report, &what);
        // The tone was cut where the platform cleared (about 1.03 s), not played to its end.
        let rate = rec.rate as usize;
        let loud = |s: &[i16]| s.iter().map(|&x| i64::from(x).abs()).max().unwrap_or(0);
        assert!(loud(&rec.right[rate / 2..rate]) > 3000, "the tone plays");
        assert!(
            loud(&rec.right[rate * 1050 / 1000..rate * 1450 / 1000]) < 100,
            "nothing after the clear until the next prompt"
        );
        assert_eq!(kinds(&rec, "in", "notify_audio_cleared_data"), 1);
        assert_eq!(
            fcstream::audio::dtmf::detect_digits(&rec.right, rec.rate),
            "12#",
            "the app's keys, as the platform played them"
        );
    }
}

#[test]
fn a_stream_that_breaks_mid_way_leaves_a_valid_wav_and_timeline() {
    let dir = scratch("dropped");
    let script = Script::new(ContentType::Mulaw8k)
        .say(
            ms(0),
            Source::Babble {
                pitch_hz: 150.0,
                duration: ms(4000),
            },
        )
        .faults(Faults {
            drop_at: Some(ms(1500)),
            ..Faults::default()
        })
        .hangup_after(ms(4000));
    let report = recorded_call(fcstream_apps::echo, script, &dir);
    assert_eq!(
        report.summary.outcome,
        fcstream_emulator::CallOutcome::StreamDropped
    );
    let rec = only_recording(&dir);
    let seconds = rec.left.len() as f64 / f64::from(rec.rate);
    println!(
        "dropped at 1.5 s: {seconds:.3} s recorded, {} lines",
        rec.lines.len()
    );
    assert!((1.4..=1.7).contains(&seconds), "{seconds}");
    let last = rec.lines.last().expect("lines");
    assert_eq!(last["kind"], "recording_end", "{last}");
    // No NotifyCallEnded: the stream just stopped (a reset reads as closed or failed).
    assert!(
        last["cause"] == "stream_closed" || last["cause"] == "stream_error",
        "{last}"
    );
    // Frames in flight when the stream was reset never reached the server: compared up to
    // 100 ms before the drop.
    let keep = rec.rate as usize * 14 / 10;
    let cut = |s: &[i16]| s[..keep.min(s.len())].to_vec();
    let (mut rec, mut report) = (rec, report);
    rec.left = cut(&rec.left);
    rec.right = cut(&rec.right);
    report.caller = cut(&report.caller);
    report.heard = cut(&report.heard);
    assert_matches(&rec, &report, "dropped stream (first 1.4 s)");
}

#[test]
fn a_handler_that_panics_leaves_a_valid_wav_and_timeline() {
    let dir = scratch("panic");
    async fn panics(call: Call) -> fcstream::Result<()> {
        let rate = call.info().content_type.sample_rate();
        call.play(Audio::tone(500.0, ms(600), rate)).await?;
        panic!("the app's bug");
    }
    let script = Script::new(ContentType::L16At8k)
        .say(
            ms(0),
            Source::Babble {
                pitch_hz: 150.0,
                duration: ms(2000),
            },
        )
        .hangup_after(ms(2000));
    let report = recorded_call(panics, script, &dir);
    let rec = only_recording(&dir);
    assert!(rec.left.len() as u32 >= rec.rate / 2);
    assert_eq!(rec.lines.last().expect("lines")["kind"], "recording_end");
    assert_matches(&rec, &report, "panicking handler");
}

#[test]
fn hostile_call_ids_give_safe_distinct_names_inside_the_directory() {
    let root = scratch("hostile");
    let dir = root.join("recordings");
    let long = "A".repeat(5000);
    let ids = [
        "../../etc/passwd",
        "..",
        "/absolute/path",
        long.as_str(),
        "ctl\u{0}\n\r\u{1b}[31mred",
        "C:\\windows\\system32",
        "same",
        "same",
    ];
    for id in ids {
        let script = Script::new(ContentType::Mulaw8k)
            .call_id(id)
            .hangup_after(ms(200));
        recorded_call(fcstream_apps::echo, script, &dir);
    }
    // Only the recordings directory was created, and nothing outside it.
    let outside: Vec<_> = files(&root);
    assert_eq!(outside, vec![dir.clone()], "nothing beside the directory");
    let names: Vec<String> = files(&dir)
        .iter()
        .map(|p| {
            assert!(p.is_file(), "{} is a plain file", p.display());
            assert_eq!(p.parent(), Some(dir.as_path()));
            p.file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 name")
                .to_string()
        })
        .collect();
    println!("{names:#?}");
    assert_eq!(
        names.len(),
        ids.len() * 2,
        "a WAV and a timeline per call, none overwritten"
    );
    for n in &names {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
            "{n:?}"
        );
        assert!(!n.starts_with('.'), "{n:?}");
        assert!(n.len() <= 120, "{n:?} is {} long", n.len());
    }
    for wav in files(&dir)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
    {
        let rec = read_recording(wav);
        assert_eq!(rec.lines.last().expect("lines")["kind"], "recording_end");
    }
    assert!(names.iter().any(|n| n.contains("_._.._etc_passwd")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for p in files(&dir).iter().chain([&dir]) {
            let mode = std::fs::metadata(p).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o007,
                0,
                "{} is not for everyone: {mode:o}",
                p.display()
            );
        }
    }
}

//! What the real `fcstream call` and `fcstream demo` processes show and write: progress
//! lines on stderr while the call runs, `--story` kept in `--json`, Ctrl-C (SIGINT) ending the
//! call with the summary printed and every `--out` file written, and `heard.png`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

mod common;
use common::*;

/// Generous: anything that should happen "soon" on a loaded machine.
const SOON: Duration = Duration::from_secs(120);

/// Decodes a PNG: (width, height).
fn png_size(path: &Path) -> (u32, u32) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    (info.width, info.height)
}

#[test]
fn story_goes_into_the_json_and_progress_to_stderr() {
    let serve = Serve::start("echo");
    let args = [
        serve.url.as_str(),
        "--tone",
        "440",
        "--tone-duration",
        "1s",
        "--dtmf",
        "1@500ms",
        "--hangup-after",
        "1500ms",
        "--json",
    ];
    let o = run(&[&["call"], &args[..], &["--story"]].concat());
    assert!(o.status.success(), "{}", text(&o.stderr));
    // stdout is one JSON document: the summary, with the story as a field.
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(v["outcome"], "caller-hangup", "{v}");
    let story = v["story"].as_array().expect("a story list");
    assert!(!story.is_empty());
    for line in story {
        assert!(line["t_ms"].is_f64(), "{line}");
        assert!(
            line["who"].is_string() && line["what"].is_string(),
            "{line}"
        );
    }
    assert!(
        story
            .iter()
            .any(|l| l["who"] == "caller" && l["what"].as_str().unwrap().contains("presses 1")),
        "{story:?}"
    );
    // Progress on stderr, one line per notable event, with --json too.
    let e = text(&o.stderr);
    assert!(e.contains("] call started: "), "{e}");
    assert!(e.contains("] caller presses 1"), "{e}");
    assert!(e.contains("] call ended: CALLER_DISCONNECT"), "{e}");
    assert!(!e.contains("notify_audio_data"), "{e}");

    // Without --story: no story field. --quiet: no progress.
    let o = run(&[&["call"], &args[..], &["--quiet"]].concat());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert!(v.get("story").is_none(), "{v}");
    assert!(v.get("interrupted").is_none(), "{v}");
    let e = text(&o.stderr);
    assert!(!e.contains("call started"), "{e}");
}

/// Runs `fcstream call TARGET… --tone 440 --dtmf 1@500ms --wait-for-app --out OUT` (a caller
/// who never hangs up, against an echo that never does: only Ctrl-C ends the call), sends
/// SIGINT once the key press has been told on stderr, and checks what a Ctrl-C must leave:
/// status 130, the summary, every file with what was recorded so far.
fn ctrl_c_ends_the_call(target: &[&str], out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    let mut child = fcstream()
        .arg("call")
        .args(target)
        .args(["--tone", "440", "--dtmf", "1@500ms"])
        .args(["--wait-for-app", "--out"])
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fcstream binary");
    // Progress while the call runs: the key press is told long before any end.
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let deadline = std::time::Instant::now() + SOON;
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("a 'caller presses 1' progress line while the call runs");
        if line.contains("] caller presses 1") {
            break;
        }
    }
    assert!(child.try_wait().unwrap().is_none(), "the call is still on");
    // SIGINT to this child only.
    let pid = i32::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let mut pipe = child.stdout.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut stdout = String::new();
        let _ = pipe.read_to_string(&mut stdout);
        stdout
    });
    // The call ends, the files are written, the process exits: soon, or the test fails
    // (and the child is killed) rather than hanging.
    let deadline = std::time::Instant::now() + SOON;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("fcstream call did not exit after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out_reader.join().unwrap();
    let stderr = reader.join().unwrap();
    assert_eq!(status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("interrupted: the caller hangs up"),
        "{stderr}"
    );
    assert!(
        stderr.contains("] call ended: CALLER_DISCONNECT"),
        "{stderr}"
    );
    // The summary is printed, and says so.
    assert!(stdout.contains("ended:        caller-hangup"), "{stdout}");
    assert!(stdout.contains("interrupted:  Ctrl-C"), "{stdout}");
    assert!(stdout.contains("heard.png"), "{stdout}");
    // Every file, with what was recorded so far.
    for f in [
        "heard.wav",
        "heard.png",
        "caller.wav",
        "timeline.jsonl",
        "summary.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let heard = hound::WavReader::open(out.join("heard.wav")).expect("heard.wav");
    assert!(heard.duration() > 0, "heard.wav is empty");
    let caller = hound::WavReader::open(out.join("caller.wav")).expect("caller.wav");
    assert!(
        caller.duration() >= 4000,
        "at least the 0.5 s before the key"
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["outcome"], "caller-hangup");
    assert_eq!(summary["end_reason"], "CALLER_DISCONNECT");
    assert_eq!(summary["dtmf"]["from_caller"], "1");
    let timeline = std::fs::read_to_string(out.join("timeline.jsonl")).unwrap();
    assert!(
        timeline
            .lines()
            .any(|l| l.contains("\"kind\":\"notify_call_ended\"")),
        "the app was told the call ended"
    );
    assert_eq!(png_size(&out.join("heard.png")), (1600, 900));
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn ctrl_c_ends_the_call_and_writes_what_was_recorded() {
    let serve = Serve::start("echo");
    ctrl_c_ends_the_call(&[&serve.url], &temp("interrupted"));
}

#[test]
fn ctrl_c_during_a_webhook_flow_does_the_same() {
    let serve = Serve::start("echo");
    let (inbound, _posted) = webhooks(&serve.url, 200, "{}");
    ctrl_c_ends_the_call(&["--webhook", &inbound], &temp("interrupted-flow"));
}

#[test]
fn demo_fast_writes_and_lists_heard_png() {
    let out = temp("demo");
    let o = fcstream()
        .args(["demo", "--fast", "--out"])
        .arg(&out)
        .output()
        .expect("fcstream binary");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("heard.png  (its picture"), "{stdout}");
    assert_eq!(png_size(&out.join("heard.png")), (1600, 900));
    let _ = std::fs::remove_dir_all(&out);
}

/// The kinds of the messages in a `--out` timeline, counted.
fn timeline_kinds(dir: &Path) -> std::collections::BTreeMap<String, usize> {
    let text = std::fs::read_to_string(dir.join("timeline.jsonl")).expect("the timeline");
    let mut kinds = std::collections::BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        *kinds
            .entry(v["kind"].as_str().unwrap_or_default().to_string())
            .or_insert(0) += 1;
    }
    kinds
}

/// What the platform's audio buffer held at each depth answer of a µ-law call, rebuilt from
/// its timeline (entries play back to back from their arrival, 8 bytes a millisecond): the
/// depth answered, the entries queued, and whether one was playing. Answers within 40 ms of
/// an entry's start or end are left out (which entry plays there is a matter of timing).
fn depth_answers(dir: &Path) -> Vec<(u64, usize, bool)> {
    const MARGIN_MS: f64 = 40.0;
    let text = std::fs::read_to_string(dir.join("timeline.jsonl")).expect("the timeline");
    let mut entries: Vec<(f64, f64)> = Vec::new();
    let mut free_at = 0.0_f64;
    let mut answers = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        let t = v["t_ms"].as_f64().expect("t_ms");
        let f = &v["fields"];
        match v["kind"].as_str() {
            Some("audio_data") => {
                assert_eq!(f["content_type"], "audio/mulaw;rate=8000", "{v}");
                let start = t.max(free_at);
                free_at = start + f["audio_bytes"].as_f64().expect("audio_bytes") / 8.0;
                entries.push((start, free_at));
            }
            Some("notify_buffer") if f["buffer_type"] == "Audio" => {
                let near = |x: f64| (t - x).abs() < MARGIN_MS;
                if entries.iter().any(|&(s, e)| near(s) || near(e)) {
                    continue;
                }
                let playing = entries.iter().any(|&(s, e)| s <= t && t < e);
                let queued = entries.iter().filter(|&&(s, _)| s > t).count();
                answers.push((f["depth"].as_u64().expect("depth"), queued, playing));
            }
            _ => {}
        }
    }
    answers
}

#[test]
fn platform_variants_acks_and_first_sequence_reach_the_platform_model() {
    let serve = Serve::start("echo");
    let dir = temp("call-variants");
    let call = |acks: &str, out: &Path| {
        let o = run(&[
            "call",
            serve.url.as_str(),
            "--tone",
            "440",
            "--tone-duration",
            "1s",
            "--hangup-after",
            "1500ms",
            "--acks",
            acks,
            "--first-sequence",
            "7",
            "--depth-counts-playing",
            "false",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        timeline_kinds(out)
    };
    let per_entry = call("per-entry", &dir.join("per-entry"));
    assert!(
        per_entry
            .get("notify_playback_started_data")
            .is_some_and(|&n| n > 10),
        "{per_entry:?}"
    );
    let none = call("none", &dir.join("none"));
    assert_eq!(none.get("notify_playback_started_data"), None, "{none:?}");
    assert_eq!(none.get("notify_playback_completed_data"), None, "{none:?}");
    // Without acks the library asks the depth.
    assert!(none.contains_key("notify_buffer"), "{none:?}");
    let first = std::fs::read_to_string(dir.join("none/timeline.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["kind"] == "notify_audio_data")
        .expect("caller audio");
    assert_eq!(first["fields"]["sequence_num"], 7, "{first}");
    // --depth-counts-playing: the IVR's greeting (200 ms entries, paced by depth answers when
    // there are no acks) is playing when the library asks; the answer counts the entry
    // playing by default and leaves it out with false.
    let ivr = Serve::start("ivr");
    let depths = |counts: &str| {
        let out = dir.join(format!("ivr-depth-{counts}"));
        let o = run(&[
            "call",
            ivr.url.as_str(),
            "--tone",
            "440",
            "--tone-duration",
            "1s",
            "--hangup-after",
            "4s",
            "--acks",
            "none",
            "--depth-counts-playing",
            counts,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        depth_answers(&out)
    };
    let counting = depths("true");
    let queued_only = depths("false");
    for answers in [&counting, &queued_only] {
        assert!(
            answers.iter().any(|&(_, _, playing)| playing),
            "no depth answer while an entry played: {answers:?}"
        );
    }
    for &(depth, queued, playing) in &counting {
        assert_eq!(
            depth as usize,
            queued + usize::from(playing),
            "{counting:?}"
        );
    }
    for &(depth, queued, _) in &queued_only {
        assert_eq!(depth as usize, queued, "{queued_only:?}");
    }
    let bad = run(&["call", serve.url.as_str(), "--acks", "sometimes"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("--acks"),
        "{}",
        text(&bad.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn call_record_then_replay_same_app_no_difference_other_app_exit_1_naming_commands() {
    // The echo, recorded: every caller frame and key answered by exactly one message, so a
    // replay on the real clock has nothing that depends on timing luck (the IVR's 5 s echo
    // window can end a frame earlier or later from run to run: a real difference in what it
    // sent, which replay rightly reports).
    let echo = Serve::start("echo");
    let ivr = Serve::start("ivr");
    let file = temp("replay-echo.json");
    let mut args = vec!["call", echo.url.as_str()];
    args.extend_from_slice(TONE_AND_KEY);
    args.extend_from_slice(&["--record", file.to_str().unwrap()]);
    let o = run(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Real time on a shared machine: a generous tolerance (virtual-time tests are exact).
    let replay = |url: &str| run(&["replay", file.to_str().unwrap(), url, "--tolerance", "2s"]);
    let same = replay(&echo.url);
    assert!(
        same.status.success(),
        "{}{}",
        text(&same.stdout),
        text(&same.stderr)
    );
    assert!(
        text(&same.stdout).contains("no differences"),
        "{}",
        text(&same.stdout)
    );
    let other = replay(&ivr.url);
    assert_eq!(other.status.code(), Some(1), "{}", text(&other.stderr));
    let shown = text(&other.stdout);
    assert!(
        shown.contains("app message #0: recorded audio_data"),
        "{shown}"
    );
    assert!(text(&other.stderr).contains("difference(s) from the recorded call"));
    // Not a recording: a clear error, not a panic.
    std::fs::write(&file, b"{\"version\": 1}").unwrap();
    let bad = replay(&echo.url);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("not a recording"),
        "{}",
        text(&bad.stderr)
    );
    let _ = std::fs::remove_file(&file);
}

//! `fcstream call`, the real binary, against the cases of issue #20: a fault asked for is not
//! a failure (`--drop-at` exits 0), the FreeClimb flow against an endpoint that answers the
//! `actionUrl` the way FreeClimb's example webservers do (`{}`) or fails (the call's files are
//! still written and the status is the call's), and the `--transfer-at` / `--end-stream` flags.

mod common;
use common::*;

#[test]
fn an_asked_for_stream_drop_exits_zero_when_the_app_behaved() {
    let serve = Serve::start("echo");
    let o = run(&[
        "call",
        &serve.url,
        "--tone",
        "440",
        "--drop-at",
        "500ms",
        "--hangup-after",
        "2s",
        "--json",
    ]);
    let out = text(&o.stdout);
    assert!(out.contains("\"outcome\": \"stream-dropped\""), "{out}");
    assert!(
        o.status.success(),
        "asked-for faults are not failures: {out}\n{}",
        text(&o.stderr)
    );
}

#[test]
fn the_flow_against_an_action_url_answering_empty_json_writes_the_files_and_exits_zero() {
    let serve = Serve::start("echo");
    let (inbound, posted) = webhooks(&serve.url, 200, "{}");
    let out_dir = temp("empty-json");
    let o = run(&[
        "call",
        "--webhook",
        &inbound,
        "--tone",
        "440",
        "--hangup-after",
        "1s",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("audioStream webhook (callStatus completed, callEndedReason farEndHangup)"),
        "{stdout}"
    );
    for f in ["heard.wav", "caller.wav", "timeline.jsonl", "summary.json"] {
        assert!(out_dir.join(f).is_file(), "{f} missing: {stdout}");
    }
    let body = posted.lock().unwrap().join("\n");
    assert!(body.contains("\"callStatus\":\"completed\""), "{body}");
    assert!(
        body.contains("\"callEndedReason\":\"farEndHangup\""),
        "{body}"
    );
}

#[test]
fn a_failing_action_url_is_a_warning_the_files_are_written_and_strict_fails() {
    let serve = Serve::start("echo");
    let (inbound, _) = webhooks(&serve.url, 500, "down for maintenance");
    let out_dir = temp("failing-hook");
    let args = |strict: bool| {
        let mut a = vec![
            "call".to_string(),
            "--webhook".into(),
            inbound.clone(),
            "--hangup-after".into(),
            "1s".into(),
            "--out".into(),
            out_dir.to_str().unwrap().into(),
        ];
        if strict {
            a.push("--strict".into());
        }
        a
    };
    let o = fcstream().args(args(false)).output().unwrap();
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert!(
        o.status.success(),
        "the status is the call's: {stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("warning: webhook failed after the call") && stderr.contains("HTTP 500"),
        "{stderr}"
    );
    assert!(stdout.contains("webhook:      FAILED"), "{stdout}");
    let summary = std::fs::read_to_string(out_dir.join("summary.json")).expect("summary.json");
    assert!(summary.contains("webhook_errors"), "{summary}");
    assert!(out_dir.join("heard.wav").is_file());
    let o = fcstream().args(args(true)).output().unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("--strict: a webhook failed"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn transfer_and_end_stream_flags() {
    let serve = Serve::start("echo");
    let o = run(&[
        "call",
        &serve.url,
        "--transfer-at",
        "800ms",
        "--hangup-after",
        "3s",
        "--json",
    ]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", text(&o.stderr));
    assert!(out.contains("\"outcome\": \"caller-transfer\""), "{out}");
    assert!(
        out.contains("\"end_reason\": \"CALLER_DISCONNECT\""),
        "{out}"
    );
    let o = run(&["call", &serve.url, "--end-stream", "close"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("--end-stream: unknown end-stream behaviour \"close\""),
        "{}",
        text(&o.stderr)
    );
}

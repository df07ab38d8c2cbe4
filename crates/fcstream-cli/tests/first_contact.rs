//! A newcomer's first minutes with the real `fcstream` binary: errors that say each cause once
//! and what to try, a report piped into `head`, flags refused with a reason before anything
//! starts, the README's examples doing what they say.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::*;

/// The `error:` line and what follows it.
fn error_text(o: &Output) -> String {
    let e = stderr(o);
    e[e.find("error: ")
        .unwrap_or_else(|| panic!("no error line in {e}"))..]
        .to_string()
}

#[test]
fn every_error_says_each_cause_once() {
    let missing = temp("no-such-prompt.wav");
    let o = run(&["transcribe", missing.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = error_text(&o);
    assert_eq!(e.matches("No such file or directory").count(), 1, "{e}");
    assert!(e.contains("no-such-prompt.wav"), "{e}");

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let o = run(&["serve", "--listen", &addr]);
    assert!(!o.status.success());
    let e = error_text(&o);
    assert_eq!(e.matches("in use").count(), 1, "{e}");
    assert_eq!(e.matches("cannot listen on").count(), 1, "{e}");
}

#[test]
fn a_busy_metrics_or_http_address_fails_at_start_naming_the_flag() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    for args in [
        vec!["--metrics", addr.as_str()],
        vec!["--http", addr.as_str(), "--public-grpc-url", "http://x:80"],
    ] {
        let flag = args[0];
        let mut child = fcstream()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("serve {flag} on a busy address is still running after 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let o = child.wait_with_output().unwrap();
        assert!(!status.success());
        let e = error_text(&o);
        assert!(
            e.starts_with(&format!("error: {flag}: cannot listen on {addr}")),
            "{e}"
        );
    }
}

#[test]
fn a_report_piped_into_a_closed_reader_does_not_panic() {
    let out = temp("demo-piped");
    let mut child = fcstream()
        .args(["demo", "--fast", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away at once, as `| head -1` does after its line.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "{e}");
    // The command still did its work, and its status is the call's.
    assert!(o.status.success(), "{:?}: {e}", o.status);
    assert!(out.join("heard.wav").exists());
}

#[test]
fn dtmf_flags_are_refused_with_a_reason() {
    for (spec, says) in [
        ("1@", "has no time after @"),
        ("@2s", "has no key before @"),
        ("1@2", "has no unit"),
        ("1@2s,,2@3s", "item 2 is empty"),
    ] {
        // Refused before connecting: nothing listens on port 1.
        let o = run(&["call", "http://127.0.0.1:1", "--dtmf", spec]);
        assert!(!o.status.success());
        let e = error_text(&o);
        assert!(e.starts_with("error: --dtmf: invalid DTMF"), "{spec}: {e}");
        assert!(e.contains(says), "{spec}: {e}");
        assert!(!e.contains("cannot connect"), "{spec}: {e}");
    }
    let o = run(&[
        "call",
        "http://127.0.0.1:1",
        "--dtmf",
        "1@2s",
        "--hangup-after",
        "300ms",
    ]);
    let e = error_text(&o);
    assert!(e.contains("after the call ends at 300ms"), "{e}");
    assert!(!e.contains("cannot connect"), "{e}");
}

#[test]
fn a_fault_after_the_call_ends_is_warned_about() {
    let o = run(&["call", "http://127.0.0.1:1", "--platform-error-at", "3s"]);
    let e = stderr(&o);
    assert!(
        e.contains("warning: the fault platform_error_at (--platform-error-at) at 3s never fires"),
        "{e}"
    );
    let o = run(&[
        "call",
        "http://127.0.0.1:1",
        "--hangup-after",
        "10s",
        "--platform-error-at",
        "3s",
    ]);
    assert!(!stderr(&o).contains("never fires"), "{}", stderr(&o));
}

#[test]
fn l16_byte_order_is_on_the_commands_that_carry_call_audio_only() {
    for cmd in ["serve", "call", "demo", "load"] {
        let o = run(&[cmd, "--help"]);
        assert!(stdout(&o).contains("--l16-byte-order"), "{cmd} --help");
    }
    for cmd in ["stt-serve", "transcribe"] {
        let o = run(&[cmd, "--help"]);
        assert!(o.status.success());
        assert!(!stdout(&o).contains("--l16-byte-order"), "{cmd} --help");
    }
    let o = run(&["--help"]);
    assert!(!stdout(&o).contains("--l16-byte-order"));
    // transcribe reads the same variable as serve --stt.
    let o = run(&["transcribe", "--help"]);
    let help = stdout(&o);
    assert!(
        help.contains("[env: FCSTREAM_STT") && !help.contains("[env: FCSTREAM_STT_URL"),
        "{help}"
    );
}

#[test]
fn wav_input_errors_name_the_file_and_what_it_is() {
    let empty = temp("silence.wav");
    std::fs::write(&empty, b"").unwrap();
    let mp3 = temp("renamed.wav");
    std::fs::write(&mp3, b"ID3\x04\0\0\0\0\0\x21lame").unwrap();
    for (file, says) in [(&empty, "the file is empty"), (&mp3, "it looks like MP3")] {
        // `call` reads its WAV before connecting; `transcribe` before sending.
        for args in [
            vec![
                "call",
                "http://127.0.0.1:1",
                "--wav",
                file.to_str().unwrap(),
            ],
            vec!["transcribe", file.to_str().unwrap()],
        ] {
            let o = run(&args);
            let e = error_text(&o);
            assert!(e.contains(file.to_str().unwrap()), "{e}");
            assert_eq!(e.matches(says).count(), 1, "{e}");
            assert!(!e.contains("cannot connect"), "{e}");
        }
    }
}

/// Against one real server: the README's examples, a TLS mismatch and a service that is not a
/// speech service, a report piped away mid-call.
#[test]
fn against_a_real_server() {
    let server = Serve::start("echo");
    let url = server.url.clone();
    let hello = repo().join("assets/hello.wav");
    let hello = hello.to_str().unwrap();

    // The README's caller, with the shipped sample.
    let out = temp("readme-call");
    let o = run(&[
        "call",
        &url,
        "--wav",
        hello,
        "--dtmf",
        "1@2s,#@4.5s",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("caller pressed \"1#\""),
        "{}",
        stdout(&o)
    );
    assert!(out.join("heard.wav").exists());

    // The README's fault example: the fault fires, and it is no failure.
    let o = run(&[
        "call",
        &url,
        "--hangup-after",
        "10s",
        "--platform-error-at",
        "3s",
        "--ack-delay",
        "200ms",
        "--buffer-size",
        "4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("platform-error"), "{}", stdout(&o));

    // TLS to a plaintext server.
    let tls = url.replace("http://", "https://");
    let o = run(&["call", &tls]);
    assert!(!o.status.success());
    let e = error_text(&o);
    assert!(
        e.contains(&format!(
            "hint: the server at {tls} does not speak TLS: try {url}"
        )),
        "{e}"
    );

    // A gRPC server that is not a speech service, named by either variable.
    for var in ["FCSTREAM_STT", "FCSTREAM_STT_URL"] {
        let o = fcstream()
            .args(["transcribe", "--fast", hello])
            .env(var, &url)
            .output()
            .unwrap();
        assert!(!o.status.success());
        let e = error_text(&o);
        assert!(e.contains("UNIMPLEMENTED"), "{var}: {e}");
        assert!(!e.contains("):\n"), "{var}: a dangling colon: {e}");
        assert!(
            e.contains(&format!(
                "hint: the server at {url} does not implement google.cloud.speech.v1.Speech"
            )),
            "{var}: {e}"
        );
    }

    // `call … --story | head -2`.
    let mut child = fcstream()
        .args(["call", &url, "--story", "--hangup-after", "500ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
}

#[test]
fn the_readme_ships_what_it_uses_and_cites_what_a_clone_has() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        !readme.contains("--wav hello.wav"),
        "the README's hello.wav is not shipped"
    );
    assert!(readme.contains("--wav assets/hello.wav"));
    let (rate, samples) =
        fcstream::audio::wav::read_file(&repo().join("assets/hello.wav")).unwrap();
    assert_eq!(rate, 8000);
    assert!(samples.len() > 8000, "at least a second of speech");
    // Its µ-law header: the usual telephony format, which the reader now takes.
    let bytes = std::fs::read(repo().join("assets/hello.wav")).unwrap();
    assert_eq!(u16::from_le_bytes([bytes[20], bytes[21]]), 7);
    for line in readme.lines().filter(|l| l.contains("apt-get install")) {
        assert!(
            line.contains("apt-get update") && line.contains(" -y "),
            "{line}"
        );
    }
    // Nothing outside the repository is cited.
    let mut docs = vec![repo().join("README.md")];
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        docs.push(entry.unwrap().path());
    }
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap_or_default();
        assert!(
            !text.contains("shared/spec"),
            "{} cites ../shared/spec",
            doc.display()
        );
    }
}

/// Plain HTTP/2 to a TLS server: the stream fails at once, and the hint says to try https.
/// (The certificate comes from the `openssl` program; without it the test says so and passes.)
#[test]
fn plaintext_to_a_tls_server_gets_a_hint() {
    let (cert, key) = (temp("tls-cert.pem"), temp("tls-key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no openssl program to make a certificate");
        return;
    }
    let mut child = fcstream()
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve exited").unwrap();
        if line.contains("fcstream listening") {
            break line
                .split("addr=")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    // Whichever way the refused stream fails (it depends on timing), the hint is the same.
    for _ in 0..3 {
        let o = run(&["call", &format!("http://{addr}")]);
        assert!(!o.status.success());
        let e = error_text(&o);
        assert!(
            e.contains(&format!(
                "hint: if the server at http://{addr} speaks TLS, try https://{addr}"
            )),
            "{e}"
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// JSON logs carry values as the flags spell them, not Rust debug strings.
#[test]
fn json_logs_name_the_app_as_the_flag_does() {
    let mut child = fcstream()
        .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut serving = None;
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains("\"serving\"") {
            serving = Some(line.clone());
        }
        if line.contains("fcstream listening") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let serving = serving.expect("a serving line");
    assert!(serving.contains("\"app\":\"echo\""), "{serving}");
}

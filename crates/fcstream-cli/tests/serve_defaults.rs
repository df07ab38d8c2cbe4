//! The real `fcstream` binary shows the library's defaults (`fcstream::server::defaults`):
//! `serve --help` names them, `serve --print-config` writes them, and a bad address in a
//! `--config` file is refused before anything starts.

use std::process::{Command, Output};

use fcstream::server::defaults;

/// Runs `fcstream` with `args` and no `FCSTREAM_*` variable from this environment.
fn fcstream(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fcstream"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("FCSTREAM_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args).output().expect("fcstream binary")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

/// The `[default: …]` shown for `flag` in `help` (whitespace folded, so wrapping is no matter).
fn shown_default(help: &str, flag: &str) -> Option<String> {
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = help.find(&format!("{flag} <"))?;
    let rest = &help[at..];
    // Only within this flag's entry: up to the next option.
    let entry = &rest[..rest[2..].find(" --").map_or(rest.len(), |i| i + 2)];
    let default = entry.split("[default: ").nth(1)?.split(']').next()?;
    Some(default.to_string())
}

#[test]
fn serve_help_shows_the_library_defaults() {
    let max_calls = defaults::MAX_CALLS.to_string();
    let drain = humantime::format_duration(defaults::DRAIN_TIMEOUT).to_string();
    for help_flag in ["--help", "-h"] {
        let help = stdout(&fcstream(&["serve", help_flag]));
        assert_eq!(
            shown_default(&help, "--max-calls").as_deref(),
            Some(max_calls.as_str()),
            "{help}"
        );
        assert_eq!(
            shown_default(&help, "--drain-timeout").as_deref(),
            Some(drain.as_str()),
            "{help}"
        );
    }
}

#[test]
fn serve_print_config_writes_the_library_defaults() {
    let printed = stdout(&fcstream(&["serve", "--print-config"]));
    let table: toml::Table = printed.parse().expect("--print-config is TOML");
    let int = |key: &str| table[key].as_integer().map(|n| n as u64);
    let text = |key: &str| table[key].as_str().map(str::to_string);
    let dur = |d| Some(humantime::format_duration(d).to_string());
    assert_eq!(int("max_calls"), Some(defaults::MAX_CALLS as u64));
    assert_eq!(
        int("max_message_bytes"),
        Some(defaults::MAX_MESSAGE_BYTES as u64)
    );
    assert_eq!(
        int("max_streams_per_connection"),
        Some(u64::from(defaults::MAX_STREAMS_PER_CONNECTION))
    );
    assert_eq!(text("drain_timeout"), dur(defaults::DRAIN_TIMEOUT));
    assert_eq!(
        text("keepalive"),
        dur(defaults::KEEPALIVE_INTERVAL.unwrap())
    );
    assert_eq!(text("idle_timeout"), dur(defaults::IDLE_TIMEOUT.unwrap()));
    assert_eq!(text("handshake_timeout"), dur(defaults::HANDSHAKE_TIMEOUT));
    assert_eq!(
        text("connection_idle_timeout"),
        dur(defaults::CONNECTION_IDLE_TIMEOUT.unwrap())
    );
    assert_eq!(
        text("max_call_duration"),
        dur(defaults::MAX_DURATION.unwrap())
    );
    assert_eq!(
        int("chunk_ms"),
        Some(defaults::PLAYBACK_CHUNK.as_millis() as u64)
    );
    assert_eq!(
        int("max_ahead_ms"),
        Some(defaults::PLAYBACK_MAX_AHEAD.as_millis() as u64)
    );
    assert_eq!(
        int("max_entries"),
        Some(defaults::PLAYBACK_MAX_ENTRIES as u64)
    );

    // What was printed is a configuration file that prints the same.
    let file =
        std::env::temp_dir().join(format!("fcstream-print-config-{}.toml", std::process::id()));
    std::fs::write(&file, &printed).unwrap();
    let again = stdout(&fcstream(&[
        "serve",
        "--config",
        file.to_str().unwrap(),
        "--print-config",
    ]));
    let _ = std::fs::remove_file(&file);
    assert_eq!(again, printed);
}

#[test]
fn a_bad_listen_address_in_the_file_fails_print_config() {
    let file =
        std::env::temp_dir().join(format!("fcstream-bad-listen-{}.toml", std::process::id()));
    std::fs::write(&file, "listen = \"nonsense\"\n").unwrap();
    let out = fcstream(&[
        "serve",
        "--config",
        file.to_str().unwrap(),
        "--print-config",
    ]);
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("listen") && stderr.contains("host:port"),
        "{stderr}"
    );
}

//! `fcstream conform` as a user runs it: against `fcstream serve --app echo` every case passes
//! (exit 0, the table, a JUnit file listing every case that an XML parser reads); against
//! `fcstream serve --app ivr` every case of the app profile passes (its JUnit file lists each
//! of them); against an app that is not an echo the echo cases fail (exit 1, the names on
//! stderr); the platform-variant flags reach the suite and its outputs; `--list` and an
//! `--only` that selects nothing.

mod common;

use common::{run, stderr, stdout, temp, Serve};

#[test]
fn conform_against_the_built_in_echo_passes_and_writes_junit() {
    let server = Serve::start("echo");
    let junit = temp("conform-echo.xml");
    let json_out = run(&[
        "conform",
        &server.url,
        "--profile",
        "echo",
        "--echo-latency",
        "1s",
        "--concurrent-calls",
        "20",
        "--junit",
        junit.to_str().unwrap(),
        "--json",
    ]);
    let out = stdout(&json_out);
    assert!(json_out.status.success(), "{out}\n{}", stderr(&json_out));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["failed"], 0, "{out}");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), cases.len(), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
    // An XML parser reads it (Python's standard library, when Python is there).
    if let Ok(o) = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); \
             print(len(r.findall('.//testcase')))",
            junit.to_str().unwrap(),
        ])
        .output()
    {
        if o.status.success() {
            assert_eq!(stdout(&o).trim(), cases.len().to_string());
        }
    }
}

/// The names `conform --list` gives for the cases of `profile`, in the suite's order.
fn cases_of(profile: &str) -> Vec<String> {
    let o = run(&["conform", "--list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let name = words.next()?;
            let profiles = words.next()?;
            profiles
                .split(',')
                .any(|p| p == profile)
                .then(|| name.to_string())
        })
        .collect()
}

#[test]
fn conform_app_profile_against_the_built_in_ivr_passes_every_case() {
    let expected = cases_of("app");
    assert!(expected.len() >= 20, "{expected:?}");
    assert!(
        !expected.iter().any(|n| n.starts_with("echo/")),
        "{expected:?}"
    );
    let server = Serve::start("ivr");
    let junit = temp("conform-ivr.xml");
    let o = run(&[
        "conform",
        &server.url,
        "--profile",
        "app",
        "--concurrent-calls",
        "20",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let table = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{table}\n{}", stderr(&o));
    // The table: one line per case, none failed.
    for name in &expected {
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} missing from the table:\n{table}"));
        assert!(
            line.contains(" pass ") || line.contains(" skip "),
            "{line}\n{table}"
        );
    }
    assert!(
        table.contains(", 0 failed, ") && table.contains(&format!("of {} cases", expected.len())),
        "{table}"
    );
    // The JUnit file lists every case of the profile once, and no failure.
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"<testsuite name="conform.app""#), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), expected.len(), "{xml}");
    for name in &expected {
        assert_eq!(
            xml.matches(&format!(r#" name="{name}""#)).count(),
            1,
            "{name}\n{xml}"
        );
    }
    assert!(!xml.contains("<failure"), "{xml}");
    // An XML parser reads the same names (Python's standard library, when Python is there).
    if let Ok(p) = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); \
             print('\\n'.join(c.get('name') for c in r.iter('testcase')))",
            junit.to_str().unwrap(),
        ])
        .output()
    {
        if p.status.success() {
            let names: Vec<String> = stdout(&p).lines().map(str::to_string).collect();
            assert_eq!(names, expected);
        }
    }
}

/// `fcstream conform URL --profile echo --only ONLY EXTRA…`.
fn conform_echo(url: &str, only: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["conform", url, "--profile", "echo", "--only", only];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn conform_fails_with_status_1_naming_the_cases() {
    // The IVR app is not an echo: judged as one, the echo cases fail.
    let server = Serve::start("ivr");
    let o = conform_echo(&server.url, "echo/mulaw-8k,content/mulaw-8k", &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{}", stderr(&o));
    assert!(
        out.contains("content/mulaw-8k") && out.contains("pass"),
        "{out}"
    );
    assert!(
        out.contains("echo/mulaw-8k") && out.contains("FAIL"),
        "{out}"
    );
    assert!(
        stderr(&o).contains("1 of 2 conformance cases failed: echo/mulaw-8k"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn list_and_an_empty_selection() {
    let o = run(&["conform", "--list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("future/unknown-payload") && out.contains("echo,app"),
        "{out}"
    );
    let o = run(&["conform", "http://127.0.0.1:9", "--only", "nothing-like-it"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no case of profile app matches"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_platform_variant_flags_reach_the_suite_and_its_outputs() {
    let server = Serve::start("echo");
    let o = conform_echo(
        &server.url,
        "echo/mulaw-8k,acks/per-entry",
        &[
            "--acks",
            "none",
            "--depth-counts-playing",
            "false",
            "--first-sequence",
            "3",
            "--json",
        ],
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["platform"], "acks=none depth-counts-playing=false first-sequence=3",
        "{out}"
    );
    assert_eq!(v["passed"], 2, "{out}");
    // The table names it too; a shape that is none of them is a usage error naming the flag.
    let o = run(&[
        "conform",
        &server.url,
        "--only",
        "content/mulaw-8k",
        "--acks",
        "per-id",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("platform acks=per-id)"),
        "{}",
        stdout(&o)
    );
    let o = run(&["conform", &server.url, "--acks", "sometimes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--acks"), "{}", stderr(&o));
}

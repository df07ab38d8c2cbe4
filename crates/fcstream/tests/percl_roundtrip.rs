//! PerCL against hand-written JSON: both `AudioStream` spellings, the common commands, unknown
//! commands and attributes preserved, the builder's output byte for byte.

use std::time::Duration;

use fcstream::percl::{AudioStream, Command, GetDigits, Percl, Say, Spelling};
use fcstream::ContentType;
use serde_json::{json, Value};

/// Parses `text`, serialises it back, and checks the JSON is the same value.
fn round_trip(text: &str) -> Percl {
    let percl = Percl::parse(text.as_bytes()).expect("parses");
    let back: Value = serde_json::from_str(&percl.to_json()).expect("re-parses");
    let want: Value = serde_json::from_str(text).expect("test JSON is valid");
    assert_eq!(back, want, "round trip changed the script");
    percl
}

#[test]
fn current_spelling_round_trips() {
    let percl = round_trip(
        r#"[{"AudioStream": {
            "location": "https://grpc.example.com:443",
            "contentType": "audio/mulaw;rate=8000",
            "actionUrl": "https://app.example.com/stream-ended",
            "metaData": ["tenant=acme"],
            "privacyMode": false
        }}]"#,
    );
    let stream = percl.find_audio_stream().expect("an AudioStream");
    assert_eq!(stream.location, "https://grpc.example.com:443");
    assert_eq!(stream.spelling, Spelling::Current);
    assert_eq!(stream.metadata_entries(), ["tenant=acme"]);
    assert_eq!(stream.privacy_mode, Some(false));
    assert_eq!(
        stream.parsed_content_type().map(|r| r.ok()),
        Some(Some(ContentType::Mulaw8k))
    );
    assert_eq!(stream.port(), Some(443));
}

#[test]
fn early_spelling_round_trips() {
    let percl = round_trip(
        r#"[{"AudioStream": {
            "location": {"uri": "https://grpc.example.com"},
            "contentType": "audio/l16;rate=16000",
            "actionUrl": "https://app.example.com/stream-ended",
            "metadata": ["a", "b"]
        }}]"#,
    );
    let stream = percl.find_audio_stream().expect("an AudioStream");
    assert_eq!(stream.location, "https://grpc.example.com");
    assert_eq!(stream.spelling, Spelling::Early);
    assert_eq!(stream.metadata_entries(), ["a", "b"]);
    // The same command, written in the current spelling.
    let current: Value = serde_json::from_str(&percl.with_spelling(Spelling::Current).to_json())
        .expect("valid JSON");
    assert_eq!(
        current,
        json!([{"AudioStream": {
            "location": "https://grpc.example.com",
            "contentType": "audio/l16;rate=16000",
            "actionUrl": "https://app.example.com/stream-ended",
            "metaData": ["a", "b"]
        }}])
    );
}

#[test]
fn both_spellings_parse_to_the_same_stream() {
    let early =
        Percl::parse(br#"[{"AudioStream":{"location":{"uri":"https://g:443"},"metadata":["x"]}}]"#)
            .expect("early parses");
    let current =
        Percl::parse(br#"[{"AudioStream":{"location":"https://g:443","metaData":["x"]}}]"#)
            .expect("current parses");
    let (e, c) = (
        early.find_audio_stream().expect("stream"),
        current.find_audio_stream().expect("stream"),
    );
    assert_eq!((&e.location, &e.metadata), (&c.location, &c.metadata));
    assert_eq!(early.with_spelling(Spelling::Current), current);
}

#[test]
fn builder_emits_the_current_spelling_by_default() {
    let percl = Percl::new().say("Hi").audio_stream(
        AudioStream::new("https://grpc.example.com:443")
            .content_type(ContentType::Mulaw8k)
            .action_url("https://app.example.com/stream-ended")
            .metadata(["callId=CA1", "tenant=acme"])
            .privacy_mode(true),
    );
    assert_eq!(
        percl.to_json(),
        r#"[{"Say":{"text":"Hi"}},{"AudioStream":{"location":"https://grpc.example.com:443","contentType":"audio/mulaw;rate=8000","actionUrl":"https://app.example.com/stream-ended","metaData":["callId=CA1","tenant=acme"],"privacyMode":true}}]"#
    );
    let early = percl.clone().with_spelling(Spelling::Early);
    assert_eq!(
        serde_json::from_str::<Value>(&early.to_json()).expect("valid JSON")[1],
        json!({"AudioStream": {
            "location": {"uri": "https://grpc.example.com:443"},
            "contentType": "audio/mulaw;rate=8000",
            "actionUrl": "https://app.example.com/stream-ended",
            "metadata": ["callId=CA1", "tenant=acme"],
            "privacyMode": true
        }})
    );
    // The early form requires metadata: written as [] when there is none.
    let bare = Percl::new().audio_stream(AudioStream::new("https://g").spelling(Spelling::Early));
    assert_eq!(
        bare.to_json(),
        r#"[{"AudioStream":{"location":{"uri":"https://g"},"metadata":[]}}]"#
    );
}

#[test]
fn common_commands_round_trip() {
    let percl = round_trip(
        r##"[
            {"StartRecordCall": {}},
            {"Say": {"text": "Welcome", "language": "en-US", "loop": 2, "privacyMode": true}},
            {"Play": {"file": "https://x/a.wav", "loop": 1, "conferenceId": "CF1"}},
            {"Pause": {"length": 500}},
            {"GetDigits": {
                "actionUrl": "https://app/digits",
                "prompts": [{"Say": {"text": "Press 1"}}, {"Pause": {"length": 100}}],
                "maxDigits": 4, "minDigits": 1, "flushBuffer": true,
                "digitTimeoutMs": 3000, "initialTimeoutMs": 5000,
                "finishOnKey": "#", "privacyMode": false
            }},
            {"Redirect": {"actionUrl": "https://app/next"}},
            {"Hangup": {"reason": "done"}}
        ]"##,
    );
    let names: Vec<&str> = percl.commands().iter().map(Command::name).collect();
    assert_eq!(
        names,
        [
            "StartRecordCall",
            "Say",
            "Play",
            "Pause",
            "GetDigits",
            "Redirect",
            "Hangup"
        ]
    );
    let Command::GetDigits(g) = &percl.commands()[4] else {
        panic!("GetDigits expected");
    };
    assert_eq!(g.max_digits, Some(4));
    assert_eq!(g.prompts.as_ref().map(Percl::len), Some(2));
    let Command::Pause(p) = &percl.commands()[3] else {
        panic!("Pause expected");
    };
    assert_eq!(p.duration(), Duration::from_millis(500));
}

#[test]
fn builder_matches_hand_written_json() {
    let percl = Percl::new()
        .start_record_call()
        .command(Say::new("Welcome").language("en-US").loop_count(2))
        .play("https://x/a.wav")
        .pause(Duration::from_millis(250))
        .get_digits(
            GetDigits::new("https://app/digits")
                .prompts(Percl::new().say("Press 1"))
                .digits(1, 1)
                .finish_on_key("#"),
        )
        .redirect("https://app/next")
        .hangup();
    let got: Value = serde_json::from_str(&percl.to_json()).expect("valid JSON");
    assert_eq!(
        got,
        json!([
            {"StartRecordCall": {}},
            {"Say": {"text": "Welcome", "language": "en-US", "loop": 2}},
            {"Play": {"file": "https://x/a.wav"}},
            {"Pause": {"length": 250}},
            {"GetDigits": {"actionUrl": "https://app/digits", "prompts": [{"Say": {"text": "Press 1"}}],
                           "minDigits": 1, "maxDigits": 1, "finishOnKey": "#"}},
            {"Redirect": {"actionUrl": "https://app/next"}},
            {"Hangup": {}}
        ])
    );
}

#[test]
fn unknown_commands_and_attributes_are_preserved() {
    let text = r#"[
        {"SetListen": {"callId": "CA1", "listen": true, "nested": {"a": [1, 2, null]}}},
        {"Say": {"text": "Hi", "engine": {"name": "polly", "parameters": {"voice": "Joanna"}}}},
        {"AudioStream": {"location": "https://g", "futureAttribute": 7}},
        {"OutDial": null}
    ]"#;
    let percl = round_trip(text);
    assert!(matches!(
        &percl.commands()[0],
        Command::Unknown { name, attributes } if name == "SetListen" && attributes["listen"] == true
    ));
    let Command::Say(say) = &percl.commands()[1] else {
        panic!("Say expected");
    };
    assert_eq!(say.extra["engine"]["name"], "polly");
    let stream = percl.find_audio_stream().expect("stream");
    assert_eq!(stream.extra["futureAttribute"], 7);
    assert_eq!(percl.commands()[3].name(), "OutDial");
}

#[test]
fn malformed_percl_is_an_error_not_a_panic() {
    for bad in [
        r#"{"Say": {"text": "not an array"}}"#,
        r#"[{"AudioStream": {}}]"#,
        r#"[{"AudioStream": {"location": 5}}]"#,
        r#"[{"AudioStream": {"location": {"url": "x"}}}]"#,
        r#"[{"Pause": {"length": "long"}}]"#,
        r#"["Say"]"#,
        r#"[{"Say": {"text": "a"}, "Hangup": {}}]"#,
        "",
    ] {
        let e = Percl::parse(bad.as_bytes()).expect_err(bad);
        assert!(e.to_string().starts_with("invalid PerCL"), "{bad}: {e}");
    }
}

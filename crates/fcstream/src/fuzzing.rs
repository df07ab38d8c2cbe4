//! Entry points for the fuzz targets in `crates/fcstream/fuzz` and for the tests that replay
//! their saved corpus. Each takes arbitrary bytes and must never panic; the session target also
//! checks the state machine's invariants. Not part of the supported API. (The `speech`
//! target's entry point is `fcstream_speech::fuzzing::speech`, with the code it exercises.)

use std::time::Duration;

use prost::Message;
use std::time::Instant;
use tokio::sync::oneshot;

use crate::audio::{dtmf, Audio, ContentType};
use crate::call::playback::Label;
use crate::call::session::{Request, Session};
use crate::call::PlaybackConfig;
use crate::command::Command;
use crate::error::EndCause;
use crate::event::{BufferKind, CallInfo, Direction, Event};
use crate::proto::{AppMessage, PlatformMessage};

/// Runs `target` on every file of a saved corpus directory (`corpus/NAME` of a fuzz crate),
/// as the corpus-replay tests do. Panics, naming the file, when an input makes `target` panic,
/// and when the directory is missing or empty.
pub fn replay(dir: &std::path::Path, target: fn(&[u8])) {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let result = std::panic::catch_unwind(|| target(&data));
        assert!(result.is_ok(), "{} panicked", path.display());
        n += 1;
    }
    assert!(n > 0, "{}: empty corpus", dir.display());
}

/// A cursor over fuzz input.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
}

/// Operations the session target performs per input, at most. A call's state is a handful of
/// plays, clears, presses and queries in flight (at most 4 entries at the platform), so 256
/// steps reach every state; longer inputs only repeated them (same edges, half the speed).
const MAX_OPS: usize = 256;

/// The longest clip the session target plays: 255 × 20 ms of the widest format (L16 at 16 kHz).
const MAX_CLIP: usize = 255 * 20 * 32;

/// `len` bytes of silence, all slices of one static buffer. The session only slices the clips
/// it is given, so this reaches the same code as a fresh clip. Allocating each one (up to
/// 160 kB, zeroed, then held in ASan's quarantine after it is freed) was most of what the
/// target spent, and a 4 kB input could keep hundreds of clips alive at once.
fn silence(len: usize) -> bytes::Bytes {
    static ZEROS: [u8; MAX_CLIP] = [0; MAX_CLIP];
    bytes::Bytes::from_static(&ZEROS[..len])
}

/// Drives one call's session with platform messages decoded from the input, interleaved with
/// app requests and the passing of time (256 steps at most). Checks: no panic; the audio
/// queued at the platform stays within the configured bound (one entry always allowed); once
/// the call ends, every request ever made has been answered.
pub fn session(data: &[u8]) {
    let config = PlaybackConfig {
        chunk: Duration::from_millis(100),
        max_ahead: Duration::from_millis(500),
        max_entries: 4,
        stall_grace: Duration::from_millis(200),
    };
    let mut input = Bytes(data);
    let content_type = ContentType::ALL[usize::from(input.byte().unwrap_or(0)) % 3];
    let info = CallInfo {
        call_id: "CA-fuzz".into(),
        to: String::new(),
        from: String::new(),
        direction: Direction::Inbound,
        metadata: vec![],
        content_type,
    };
    let mut s = Session::new(std::sync::Arc::new(info), config);
    let mut now = Instant::now();
    let mut answers: Vec<Box<dyn FnMut() -> bool>> = Vec::new();
    fn track<T: 'static>(mut rx: oneshot::Receiver<T>) -> Box<dyn FnMut() -> bool> {
        Box::new(move || !matches!(rx.try_recv(), Err(oneshot::error::TryRecvError::Empty)))
    }
    let mut ops = 0;
    while let Some(op) = input.byte().filter(|_| ops < MAX_OPS) {
        ops += 1;
        match op % 8 {
            0 | 1 => {
                let len = usize::from(input.byte().unwrap_or(0));
                if let Ok(msg) = PlatformMessage::decode(input.take(len)) {
                    if let Ok(Some(event)) = Event::from_proto(msg) {
                        let _ = s.platform(event, now);
                    }
                }
            }
            2 => {
                let ms = u64::from(input.byte().unwrap_or(0)) * 20;
                let bytes = content_type.bytes_for(Duration::from_millis(ms));
                let (tx, rx) = oneshot::channel();
                s.request(
                    Request::Play {
                        audio: silence(bytes),
                        reply: Some(tx),
                        // Every other play is labelled, so the heard ledger is exercised too.
                        label: (ms % 40 == 0).then(|| {
                            Box::new(Label {
                                name: format!("prompt-{ms}"),
                                text: None,
                                heard: None,
                            })
                        }),
                    },
                    now,
                );
                answers.push(track(rx));
            }
            3 => {
                let (tx, rx) = oneshot::channel();
                s.request(Request::Clear { reply: tx }, now);
                answers.push(track(rx));
            }
            4 => {
                let (tx, rx) = oneshot::channel();
                let kind = if input.byte().unwrap_or(0) % 2 == 0 {
                    BufferKind::Audio
                } else {
                    BufferKind::Dtmf
                };
                s.request(Request::Query { kind, reply: tx }, now);
                answers.push(track(rx));
            }
            5 => {
                let (tx, rx) = oneshot::channel();
                s.request(
                    Request::PressDtmf {
                        digits: "1".into(),
                        press_ms: 100,
                        break_ms: 50,
                        reply: tx,
                    },
                    now,
                );
                answers.push(track(rx));
            }
            6 => {
                now += Duration::from_millis(u64::from(input.byte().unwrap_or(0)) * 10);
                s.timeout(now);
            }
            _ => {
                // Acknowledge what the session sent, as a well-behaved platform would.
                for cmd in s.take_outbound().collect::<Vec<_>>() {
                    let ack = |id: String| crate::event::Ack { id, at: None };
                    let event = match cmd {
                        Command::PlayAudio { id, .. } => Event::PlaybackCompleted(ack(id)),
                        Command::ClearAudioBuffer { id } => Event::BufferCleared(ack(id)),
                        Command::PressDtmf { id, .. } => Event::DtmfPlayCompleted(ack(id)),
                        Command::QueryBuffer(kind) => {
                            Event::BufferDepth(crate::event::BufferDepth {
                                kind,
                                depth: 0,
                                size: 16,
                            })
                        }
                        Command::TerminateCall | Command::EndStream { .. } => continue,
                    };
                    let _ = s.platform(event, now);
                }
            }
        }
        let one_chunk = config.chunk;
        assert!(
            s.queued() <= config.max_ahead.max(one_chunk),
            "queued {:?} over the bound",
            s.queued()
        );
        let _ = s.take_outbound().count();
    }
    s.end(EndCause::StreamClosed, now);
    for (i, answered) in answers.iter_mut().enumerate() {
        assert!(
            answered(),
            "request {i} never answered after the call ended"
        );
    }
}

/// Decodes an app message; whatever decodes must survive the trip through [`Command`].
pub fn app_message(data: &[u8]) {
    if let Ok(msg) = AppMessage::decode(data) {
        if let Ok(cmd) = Command::from_proto(msg) {
            assert_eq!(Command::from_proto(cmd.to_proto()).ok(), Some(cmd));
        }
    }
}

/// Parses a content type; whatever parses must write and parse back to itself.
pub fn content_type(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(ct) = ContentType::parse(&s) {
        assert_eq!(ContentType::parse(ct.as_str()), Ok(ct));
    }
}

/// Reads a WAV file and converts short clips to a call format (chosen by the input's length,
/// so every format is reached; long clips only cost time, not coverage).
pub fn wav(data: &[u8]) {
    if let Ok(audio) = Audio::from_wav_bytes(data) {
        if audio.duration() <= Duration::from_millis(100) {
            let _ = audio.convert(ContentType::ALL[data.len() % 3]);
        }
    }
}

/// Validates DTMF strings and runs the detector over the bytes as samples.
pub fn dtmf(data: &[u8]) {
    let _ = dtmf::validate(&String::from_utf8_lossy(data));
    let samples: Vec<i16> = data
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut detector = dtmf::Detector::new(8000);
    for chunk in samples.chunks(37) {
        let _ = detector.push(chunk);
    }
}

/// Parses PerCL; whatever parses must write out PerCL that parses again, and writing is a
/// fixpoint: the writer normalises (the early spelling's required `metadata: []`), so
/// write(parse(write(x))) = write(x), unknown commands included.
#[cfg(feature = "webhooks")]
pub fn percl(data: &[u8]) {
    if let Ok(script) = crate::percl::Percl::parse(data) {
        let written = script.to_json();
        let again = crate::percl::Percl::parse(written.as_bytes())
            .unwrap_or_else(|e| panic!("PerCL we wrote does not parse: {e}: {written}"));
        assert_eq!(again.to_json(), written);
    }
}

/// Parses a webhook body and a signature header, and verifies the pair.
#[cfg(feature = "webhooks")]
pub fn webhook(data: &[u8]) {
    if let Ok(request) = crate::webhook::WebhookRequest::parse(data) {
        let _ = crate::webhook::WebhookRequest::parse(&request.to_json());
    }
    let text = String::from_utf8_lossy(data);
    let (header, body) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = crate::webhook::verify::SignatureHeader::parse(header);
    let _ = crate::webhook::verify::Verifier::new("fuzz secret").verify_at(
        Some(header),
        body.as_bytes(),
        1_700_000_000,
    );
}

//! The conformance cases: each a name, a one-line description, the basis (what FreeClimb's
//! specification says or what we assume, see `docs/PROTOCOL-NOTES.md` and `docs/CONFORMANCE.md`),
//! the profiles it applies to, and its body: a scripted call and its expectations.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use fcstream::{ContentType, EndReason};

use super::check::{self, echo, ended_cleanly, kept_open_and_read};
use super::raw;
use super::{CaseFn, CaseOutcome, Ctx, Outcome, Profile};
use crate::buffers::AckShape;
use crate::report::{CallOutcome, CallReport};
use crate::script::Source;
use crate::timeline::Dir;

/// One conformance case.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Its name, `group/what` (what `--only` matches).
    pub name: &'static str,
    /// What the server must do, in one line.
    pub description: &'static str,
    /// What the specification says, or what is assumed where it is silent.
    pub basis: &'static str,
    /// The profiles the case applies to.
    pub profiles: &'static [Profile],
    /// The case's body.
    pub run: CaseFn,
}

const BOTH: &[Profile] = &[Profile::Echo, Profile::App];
const ECHO: &[Profile] = &[Profile::Echo];

/// A boxed case body.
type Body = Pin<Box<dyn Future<Output = CaseOutcome> + Send>>;

/// Every case, in the suite's order.
pub static CASES: &[Case] = &[
    Case {
        name: "content/mulaw-8k",
        description: "accepts a µ-law 8 kHz call, keeps the stream open and reads every message until the caller hangs up",
        basis: "spec: NotifyCallStartedMessage.content_type is one of audio/mulaw;rate=8000, audio/l16;rate=8000, audio/l16;rate=16000",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(content(c, ContentType::Mulaw8k)) },
    },
    Case {
        name: "content/l16-8k",
        description: "accepts an L16 8 kHz call, keeps the stream open and reads every message until the caller hangs up",
        basis: "spec: content types; l16 is big-endian (assumed, PROTOCOL-NOTES.md#audio)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(content(c, ContentType::L16At8k)) },
    },
    Case {
        name: "content/l16-16k",
        description: "accepts an L16 16 kHz call, keeps the stream open and reads every message until the caller hangs up",
        basis: "spec: content types; l16 is big-endian (assumed, PROTOCOL-NOTES.md#audio)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(content(c, ContentType::L16At16k)) },
    },
    Case {
        name: "reads/promptly",
        description: "reads the platform's messages as they come: 8 s of L16 16 kHz with a 64-message platform queue, nothing may back up",
        basis: "spec: the platform sends a frame every 20 ms and does not wait; assumed: a server that stops reading stalls the platform through HTTP/2 flow control (PROTOCOL-NOTES.md#a-server-that-stops-reading-stalls-the-platform)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(reads_promptly(c)) },
    },
    Case {
        name: "echo/mulaw-8k",
        description: "echoes every µ-law frame byte-exact, in order, 160 bytes, audio/mulaw;rate=8000, within the latency bound",
        basis: "FreeClimb's example echo servers: each NotifyAudioDataMessage back as one PlayAudioMessage",
        profiles: ECHO,
        run: |c| -> Body { Box::pin(echo_case(c, ContentType::Mulaw8k)) },
    },
    Case {
        name: "echo/l16-8k",
        description: "echoes every L16 8 kHz frame byte-exact, in order, 320 bytes, audio/l16;rate=8000, within the latency bound",
        basis: "FreeClimb's example echo servers: each NotifyAudioDataMessage back as one PlayAudioMessage",
        profiles: ECHO,
        run: |c| -> Body { Box::pin(echo_case(c, ContentType::L16At8k)) },
    },
    Case {
        name: "echo/l16-16k",
        description: "echoes every L16 16 kHz frame byte-exact, in order, 640 bytes, audio/l16;rate=16000, within the latency bound",
        basis: "FreeClimb's example echo servers: each NotifyAudioDataMessage back as one PlayAudioMessage",
        profiles: ECHO,
        run: |c| -> Body { Box::pin(echo_case(c, ContentType::L16At16k)) },
    },
    Case {
        name: "echo/dtmf",
        description: "presses back each key the caller pressed (PressDTMFMessage), in order, while audio plays",
        basis: "assumed for echo servers that claim keys (--no-dtmf skips it); assumed: keys may arrive during playback (PROTOCOL-NOTES.md#key-notifications-may-interleave)",
        profiles: ECHO,
        run: |c| -> Body { Box::pin(echo_dtmf(c)) },
    },
    Case {
        name: "end/caller-disconnect",
        description: "NotifyCallEndedMessage(CALLER_DISCONNECT): the server closes its side with gRPC OK within the bound",
        basis: "spec: NotifyCallEndedMessage ends the call; assumed: the server then ends its stream (PROTOCOL-NOTES.md#any-call-end-ends-the-call)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(end_case(c, EndKind::Caller)) },
    },
    Case {
        name: "end/platform-error",
        description: "a platform error mid-call, NotifyCallEndedMessage(PLATFORM_ERROR): the server closes its side with gRPC OK within the bound",
        basis: "spec: reason code PLATFORM_ERROR",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(end_case(c, EndKind::PlatformError)) },
    },
    Case {
        name: "end/platform-disconnect",
        description: "NotifyCallEndedMessage(PLATFORM_DISCONNECT) mid-call: the server closes its side with gRPC OK within the bound",
        basis: "spec: reason code PLATFORM_DISCONNECT",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(end_case(c, EndKind::PlatformDisconnect)) },
    },
    Case {
        name: "end/application-disconnect",
        description: "NotifyCallEndedMessage(APPLICATION_DISCONNECT) the server did not ask for: it closes its side with gRPC OK within the bound",
        basis: "spec: reason code APPLICATION_DISCONNECT (normally after TerminateCallMessage); assumed: a server must not depend on having sent it (PROTOCOL-NOTES.md#any-call-end-ends-the-call)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(raw_end(c, EndReason::ApplicationDisconnect, "the application terminated the call")) },
    },
    Case {
        name: "end/stream-reset",
        description: "the stream is reset mid-call with no NotifyCallEndedMessage; the server survives it: the next call on the same connection works",
        basis: "assumed: a network failure resets the HTTP/2 stream (RST_STREAM) and nothing else is sent; the connection carries on (PROTOCOL-NOTES.md#a-stream-reset-with-no-call-end)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(stream_reset(c)) },
    },
    Case {
        name: "acks/per-entry",
        description: "playback acks as FreeClimb documents them: one start and one completion per PlayAudioMessage; the server carries on",
        basis: "spec: NotifyAudioPlaybackStarted/Completed per message (today's model, the emulator's default; PROTOCOL-NOTES.md#playback-acknowledgement-shapes)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(acks_case(c, AckShape::PerEntry, true)) },
    },
    Case {
        name: "acks/per-id",
        description: "acks once per id: a start for the first chunk, a completion only on last_message; the server must not wait for one per chunk",
        basis: "assumed platform variant: the spec is silent on acks of chunked clips (PROTOCOL-NOTES.md#playback-acknowledgement-shapes)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(acks_case(c, AckShape::PerId, true)) },
    },
    Case {
        name: "acks/none",
        description: "no playback acks at all (only depth answers): the server must not wait for an ack that never comes",
        basis: "assumed platform variant (PROTOCOL-NOTES.md#playback-acknowledgement-shapes; the library's pacer: no variant may make play() hang, PROTOCOL-NOTES.md#playback-playbackconfig)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(acks_case(c, AckShape::None, true)) },
    },
    Case {
        name: "acks/depth-excludes-playing",
        description: "depth answers count only queued entries, not the one playing (acks off): the server must not overfill the buffer",
        basis: "assumed platform variant: the spec does not say whether depth counts the entry playing; fcstream assumes it does (PROTOCOL-NOTES.md#depth-and-the-entry-playing)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(acks_case(c, AckShape::None, false)) },
    },
    Case {
        name: "buffer/overflow",
        description: "a one-entry audio buffer refuses audio (NotifyErrorMessage audio-buffer-full): the server carries on and does not flood",
        basis: "spec: NotifyErrorMessage when the buffer is full; the emulator's ids (docs/EMULATOR.md)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(overflow(c)) },
    },
    Case {
        name: "buffer/clear-during-playback",
        description: "the caller presses * and keeps talking while the server's audio plays; if the server clears, the platform drops the rest (no completions) and answers NotifyAudioBufferClearedMessage: the server must carry on (echo: resume with the audio after the clear)",
        basis: "spec: ClearAudioBufferMessage clears what is buffered and not yet played, answered by NotifyAudioBufferClearedMessage; assumed: dropped entries get no completion (PROTOCOL-NOTES.md#playback-playbackconfig); skipped for a server that never clears",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(clear_during_playback(c)) },
    },
    Case {
        name: "caller/overlapping-keys",
        description: "a second key starts before the first ends (start 1, start 2, end 1, end 2) during the call: the server carries on",
        basis: "assumed: key notifications may interleave; the spec sends start and end separately and does not forbid it (PROTOCOL-NOTES.md#key-notifications-may-interleave)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(overlapping_keys(c)) },
    },
    Case {
        name: "caller/first-sequence-1",
        description: "caller frames numbered from 1, not 0 (sequence_num): the server carries on",
        basis: "assumed platform variant: the spec does not say where sequence_num starts; its example frame is numbered 1 (PROTOCOL-NOTES.md#caller-frame-numbering)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(first_sequence(c)) },
    },
    Case {
        name: "future/unknown-field",
        description: "the call starts with the golden vector future_unknown_field (an unknown field 99): the server carries on",
        basis: "protobuf: unknown fields are skipped; golden vector platform/future_unknown_field.bin",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(raw_future(c, FutureKind::Field)) },
    },
    Case {
        name: "future/unknown-payload",
        description: "mid-call the golden vector future_unknown_payload (an unknown oneof member 13): the server ignores it and carries on",
        basis: "golden vector platform/future_unknown_payload.bin: a server logs and ignores it without failing the call",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(raw_future(c, FutureKind::Payload)) },
    },
    Case {
        name: "future/unknown-end-reason",
        description: "NotifyCallEndedMessage with a reason code this contract does not define (9): the server still ends its side cleanly",
        basis: "protobuf: an unknown enum value is kept as a number; assumed: any NotifyCallEndedMessage ends the call (PROTOCOL-NOTES.md#any-call-end-ends-the-call)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(raw_end(c, EndReason::Unknown(9), "a reason from a future version")) },
    },
    Case {
        name: "load/concurrent-calls",
        description: "many calls at once (--concurrent-calls, default 50, on 5 connections): each kept open and read, no cross-talk, no stall",
        basis: "assumed: one server carries many calls; each stream is its own call, several on one connection (PROTOCOL-NOTES.md#many-calls-on-one-server)",
        profiles: BOTH,
        run: |c| -> Body { Box::pin(concurrent(c)) },
    },
];

/// Caller audio for a case: speech-like sound for the whole call (so that no two frames
/// are alike, which the echo checks rely on).
fn voice(duration: Duration) -> Source {
    Source::Babble {
        pitch_hz: 140.0,
        duration,
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// A pass with what the report shows.
fn passed(r: &CallReport, extra: &str) -> CaseOutcome {
    let s = &r.summary;
    let closed = match s.app_stream.as_str() {
        "open" => "its side still open after the call (judged by end/*)".to_string(),
        other => format!("closed {}", fcstream::untrusted::shown(other)),
    };
    let mut d = format!(
        "{} frames read, {} messages from the server, {closed}",
        s.frames_sent, s.messages_from_app
    );
    if !extra.is_empty() {
        d = format!("{extra}; {d}");
    }
    Ok(Outcome::Pass(d))
}

async fn content(ctx: Arc<Ctx>, ct: ContentType) -> CaseOutcome {
    let name = format!("content-{ct}");
    let script = ctx
        .script(ct, &name)
        .say(Duration::ZERO, voice(secs(3.0)))
        .hangup_after(secs(3.0));
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, CallOutcome::CallerHangup)?;
    passed(&r, "")
}

/// How long `reads/promptly` streams L16 16 kHz (32 KB/s): 256 KB, well past a 64 KiB
/// receive window, the transport's buffers and the platform's queue.
const READS_FOR: f64 = 8.0;

async fn reads_promptly(ctx: Arc<Ctx>) -> CaseOutcome {
    let mut script = ctx
        .script(ContentType::L16At16k, "reads")
        .say(Duration::ZERO, voice(secs(READS_FOR)))
        .hangup_after(secs(READS_FOR));
    // About 0.4 s of the platform's messages: a server descheduled for a moment passes, one
    // that stopped reading fills its receive window and this queue within the call.
    script.platform.outbound_queue = 64;
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, CallOutcome::CallerHangup)?;
    passed(&r, "nothing backed up")
}

async fn echo_case(ctx: Arc<Ctx>, ct: ContentType) -> CaseOutcome {
    let script = ctx
        .script(ct, &format!("echo-{ct}"))
        .say(Duration::ZERO, voice(secs(3.0)))
        .hangup_after(secs(3.0));
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, CallOutcome::CallerHangup)?;
    let stats = echo(&r, ct, ctx.options.echo_latency)?;
    Ok(Outcome::Pass(stats.to_string()))
}

async fn echo_dtmf(ctx: Arc<Ctx>) -> CaseOutcome {
    if !ctx.options.echo_dtmf {
        return Ok(Outcome::Skip(
            "the server does not claim to echo keys (--no-dtmf)".into(),
        ));
    }
    let press = Duration::from_millis(120);
    let script = ctx
        .script(ContentType::Mulaw8k, "echo-dtmf")
        .say(Duration::ZERO, voice(secs(3.0)))
        .press('5', secs(0.5), press)
        .press('#', secs(1.2), press)
        .hangup_after(secs(3.0));
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, CallOutcome::CallerHangup)?;
    let asked = r.summary.dtmf.app_requested.clone();
    if !asked.contains("5#") {
        return Err(format!(
            "the caller pressed 5 then #; the server pressed back {:?} (PressDTMFMessage digits, in order)",
            fcstream::untrusted::shown(&asked)
        ));
    }
    passed(&r, &format!("keys pressed back: {asked}"))
}

#[derive(Debug, Clone, Copy)]
enum EndKind {
    Caller,
    PlatformError,
    PlatformDisconnect,
}

async fn end_case(ctx: Arc<Ctx>, kind: EndKind) -> CaseOutcome {
    let mut script = ctx
        .script(ContentType::Mulaw8k, &format!("end-{kind:?}"))
        .say(Duration::ZERO, voice(secs(5.0)));
    let at = secs(1.5);
    let (outcome, reason) = match kind {
        EndKind::Caller => {
            script = script.hangup_after(at);
            (CallOutcome::CallerHangup, "CALLER_DISCONNECT")
        }
        EndKind::PlatformError => {
            script = script.hangup_after(secs(5.0));
            script.faults.platform_error_at = Some(at);
            (CallOutcome::PlatformError, "PLATFORM_ERROR")
        }
        EndKind::PlatformDisconnect => {
            script = script.hangup_after(secs(5.0));
            script.faults.platform_disconnect_at = Some(at);
            (CallOutcome::PlatformDisconnect, "PLATFORM_DISCONNECT")
        }
    };
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, outcome)?;
    ended_cleanly(&r, reason, ctx.options.end_within)?;
    passed(&r, &format!("{reason} at 1.5 s"))
}

async fn stream_reset(ctx: Arc<Ctx>) -> CaseOutcome {
    let channel = ctx
        .connector
        .connect()
        .await
        .map_err(|e| format!("cannot reach the server: {e}"))?;
    let mut script = ctx
        .script(ContentType::Mulaw8k, "reset")
        .say(Duration::ZERO, voice(secs(5.0)))
        .hangup_after(secs(5.0));
    script.faults.drop_at = Some(secs(1.5));
    let r = ctx.call_on(channel.clone(), &script).await?;
    kept_open_and_read(&r, CallOutcome::StreamDropped)
        .map_err(|e| format!("before the reset: {e}"))?;
    // The next call, on the same connection.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let probe = ctx
        .script(ContentType::Mulaw8k, "after-reset")
        .say(Duration::ZERO, voice(secs(2.0)))
        .hangup_after(secs(2.0));
    let after =
        |e: String| format!("after a stream reset with no NotifyCallEnded, the next call: {e}");
    let r2 = ctx.call_on(channel, &probe).await.map_err(after)?;
    kept_open_and_read(&r2, CallOutcome::CallerHangup).map_err(after)?;
    let mut extra = "reset at 1.5 s; the next call".to_string();
    if ctx.options.profile == Profile::Echo {
        let stats = check::echo_flows(&r2, FLOW_GAP).map_err(after)?;
        extra = format!("{extra}: {stats}");
    }
    passed(&r2, &extra)
}

async fn acks_case(ctx: Arc<Ctx>, acks: AckShape, depth_counts_playing: bool) -> CaseOutcome {
    let label = if depth_counts_playing {
        format!("acks={acks}")
    } else {
        format!("acks={acks}, depth excluding the entry playing")
    };
    let mut script = ctx
        .script(
            ContentType::Mulaw8k,
            &format!("acks-{acks}-{depth_counts_playing}"),
        )
        .say(Duration::ZERO, voice(secs(3.0)))
        .hangup_after(secs(3.0));
    script.platform.acks = acks;
    script.platform.depth_counts_playing = depth_counts_playing;
    // The default buffer (100 entries): a server filling it to `size - depth` overfills it
    // whatever its size, and an echo's burst after a stall of the machine would need 2 s of
    // frames (where `echo_flows` fails anyway) to fill it. (With 25, a plain echo on a loaded
    // 2-core machine was refused audio after a stall of half a second.)
    let r = ctx.call(&script).await?;
    let under = |e: String| format!("under {label}: {e}");
    kept_open_and_read(&r, CallOutcome::CallerHangup).map_err(under)?;
    let full = r
        .summary
        .errors
        .get(crate::error_ids::AUDIO_BUFFER_FULL)
        .copied()
        .unwrap_or(0);
    if full > 0 {
        return Err(under(format!(
            "{full} PlayAudioMessages were refused with audio-buffer-full (buffer of {} entries): the server overfilled the buffer",
            script.platform.audio_buffer
        )));
    }
    let mut extra = label.clone();
    if ctx.options.profile == Profile::Echo {
        let stats = check::echo_flows(&r, FLOW_GAP).map_err(|e| {
            under(format!(
                "{e} (does the server wait for an acknowledgement this platform does not send?)"
            ))
        })?;
        extra = format!("{label}: {stats}");
    }
    passed(&r, &extra)
}

async fn overflow(ctx: Arc<Ctx>) -> CaseOutcome {
    let mut script = ctx
        .script(ContentType::Mulaw8k, "overflow")
        .say(Duration::ZERO, voice(secs(3.0)))
        .hangup_after(secs(3.0));
    script.platform.audio_buffer = 1;
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, CallOutcome::CallerHangup)?;
    let s = &r.summary;
    let refused = s
        .errors
        .get(crate::error_ids::AUDIO_BUFFER_FULL)
        .copied()
        .unwrap_or(0);
    // An echo sends one message per caller frame; a server that answers each refusal by
    // sending again floods.
    let limit = 2 * s.frames_sent + 50;
    if s.messages_from_app > limit {
        return Err(format!(
            "the server flooded: {} messages in a {:.1} s call of {} caller frames, {refused} refused with audio-buffer-full",
            s.messages_from_app,
            s.duration_ms / 1000.0,
            s.frames_sent
        ));
    }
    passed(&r, &format!("{refused} refused with audio-buffer-full"))
}

/// When the caller presses `*` in `buffer/clear-during-playback`, and how long the call lasts.
const CLEAR_KEY_AT: f64 = 1.5;
const CLEAR_CALL: f64 = 4.5;

async fn clear_during_playback(ctx: Arc<Ctx>) -> CaseOutcome {
    let script = ctx
        .script(ContentType::Mulaw8k, "clear-during-playback")
        .say(Duration::ZERO, voice(secs(CLEAR_CALL)))
        .press('*', secs(CLEAR_KEY_AT), Duration::from_millis(120))
        .hangup_after(secs(CLEAR_CALL));
    let r = ctx.call(&script).await?;
    let at = |kind: &str, dir: Dir| {
        r.timeline
            .iter()
            .find(|e| e.dir == dir && e.kind == kind)
            .map(|e| e.t_ms)
    };
    let Some(cleared_at) = at("clear_audio_buffer", Dir::FromApp) else {
        kept_open_and_read(&r, CallOutcome::CallerHangup)?;
        return Ok(Outcome::Skip(format!(
            "the server sent no ClearAudioBufferMessage ({} messages, the caller pressed * at {CLEAR_KEY_AT} s): nothing to judge",
            r.summary.messages_from_app
        )));
    };
    let under = |e: String| format!("after its clear at {cleared_at:.0} ms: {e}");
    kept_open_and_read(&r, CallOutcome::CallerHangup).map_err(under)?;
    let p = &r.summary.plays;
    let mut extra = format!(
        "cleared at {cleared_at:.0} ms ({} entries dropped unplayed, {} cut while playing)",
        p.cleared_unplayed, p.interrupted
    );
    if let Some(answered) = at("notify_audio_cleared_data", Dir::ToApp) {
        extra.push_str(&format!(", answered at {answered:.0} ms"));
    }
    // A depth query after the clear, answered with what was left.
    if let Some(d) = r
        .timeline
        .iter()
        .find(|e| e.dir == Dir::ToApp && e.kind == "notify_buffer" && e.t_ms >= cleared_at)
    {
        let n = |k: &str| d.fields.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
        extra.push_str(&format!(
            "; depth answered after it: {} of {}",
            n("depth"),
            n("buffer_size")
        ));
    }
    if ctx.options.profile == Profile::Echo {
        // The caller kept talking: the echo must go on with the audio after the clear (a
        // server waiting for a completion of an entry the clear dropped stalls here).
        let stats = check::echo_flows(&r, FLOW_GAP).map_err(|e| {
            under(format!(
                "{e} (does the server wait for a completion of an entry its clear dropped?)"
            ))
        })?;
        let resumed = check::played(&r)
            .iter()
            .find(|p| p.t_ms > cleared_at)
            .map(|p| p.t_ms - cleared_at);
        match resumed {
            Some(ms) => {
                extra = format!("{extra}; echo resumed {ms:.0} ms after the clear, {stats}")
            }
            None => {
                return Err(under(
                    "no audio came back after the clear though the caller kept talking".into(),
                ))
            }
        }
    }
    passed(&r, &extra)
}

async fn overlapping_keys(ctx: Arc<Ctx>) -> CaseOutcome {
    let script = ctx
        .script(ContentType::Mulaw8k, "overlapping-keys")
        .say(Duration::ZERO, voice(secs(3.0)))
        .press('1', secs(0.5), Duration::from_millis(400))
        .press('2', secs(0.7), Duration::from_millis(100))
        .press('3', secs(1.5), Duration::from_millis(120))
        .hangup_after(secs(3.0));
    let r = ctx.call(&script).await?;
    kept_open_and_read(&r, CallOutcome::CallerHangup)?;
    let mut extra = "keys 1, 2 (inside 1), 3".to_string();
    if ctx.options.profile == Profile::Echo {
        // Keys pressed back play before the queued audio: the echo may fall behind, it
        // must not stop.
        let stats = check::echo_flows(&r, FLOW_GAP)?;
        extra = format!("{extra}; {stats}");
    }
    passed(&r, &extra)
}

async fn first_sequence(ctx: Arc<Ctx>) -> CaseOutcome {
    let mut script = ctx
        .script(ContentType::Mulaw8k, "first-sequence")
        .say(Duration::ZERO, voice(secs(3.0)))
        .hangup_after(secs(3.0));
    script.platform.first_sequence = 1;
    let r = ctx.call(&script).await?;
    let under = |e: String| format!("with frames numbered from 1: {e}");
    kept_open_and_read(&r, CallOutcome::CallerHangup).map_err(under)?;
    let mut extra = "frames numbered from 1".to_string();
    if ctx.options.profile == Profile::Echo {
        let stats = check::echo_flows(&r, FLOW_GAP).map_err(under)?;
        extra = format!("{extra}: {stats}");
    }
    passed(&r, &extra)
}

/// The longest an echo may pause under a platform variant (acks absent: a server that
/// paces by depth answers waits for its own watchdog).
const FLOW_GAP: Duration = Duration::from_secs(2);

/// Frames of a raw call.
const RAW_FRAMES: u32 = 100;
/// The raw frame before which the unknown oneof member is sent.
const RAW_PAYLOAD_AT: u32 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FutureKind {
    Field,
    Payload,
}

/// Judges a raw call: the server neither refused nor failed nor closed its stream before
/// the call ended; with `must_close`, it closed its side with gRPC OK within the bound after
/// `NotifyCallEndedMessage`. (What it played is not judged: the raw cases send no playback
/// acks, see [`raw`].)
fn judge_raw(ctx: &Ctx, o: &raw::Outcome, what: &str, must_close: bool) -> CaseOutcome {
    let shown = fcstream::untrusted::shown;
    match &o.end {
        raw::End::Ok => {}
        raw::End::Open if !must_close => {}
        raw::End::Refused(s) => return Err(format!("the server refused the stream: {}", shown(s))),
        raw::End::Early(s) => {
            return Err(format!(
                "after {what} the server ended its stream before the call ended: {}",
                shown(s)
            ))
        }
        raw::End::Status(s) => {
            return Err(format!(
                "after {what} the server ended its side with an error status instead of closing cleanly: {}",
                shown(s)
            ))
        }
        raw::End::Open => {
            return Err(format!(
                "the server kept its side of the stream open more than {:?} after {what}",
                ctx.options.end_within
            ))
        }
    }
    let closed = if o.end == raw::End::Ok {
        "closed OK"
    } else {
        "still open at the end (judged by end/*)"
    };
    Ok(Outcome::Pass(format!(
        "{} audio messages, {} messages in all from the server, {closed}",
        o.audio().len(),
        o.received.len()
    )))
}

async fn raw_future(ctx: Arc<Ctx>, kind: FutureKind) -> CaseOutcome {
    let ended = raw::call_ended(EndReason::CallerDisconnect, "caller hung up");
    let (steps, what) = match kind {
        FutureKind::Field => (
            raw::call(raw::future_unknown_field(), RAW_FRAMES, None, ended),
            "a call start with an unknown field",
        ),
        FutureKind::Payload => (
            raw::call(
                raw::call_started(),
                RAW_FRAMES,
                Some((RAW_PAYLOAD_AT, raw::future_unknown_payload())),
                ended,
            ),
            "a message with an unknown oneof member",
        ),
    };
    let channel = ctx
        .connector
        .connect()
        .await
        .map_err(|e| format!("cannot reach the server: {e}"))?;
    let o = raw::play(
        channel,
        steps,
        ctx.options.end_within,
        ctx.options.authorization.as_deref(),
    )
    .await;
    judge_raw(&ctx, &o, what, false)
}

async fn raw_end(ctx: Arc<Ctx>, reason: EndReason, description: &str) -> CaseOutcome {
    let steps = raw::call(
        raw::call_started(),
        RAW_FRAMES,
        None,
        raw::call_ended(reason, description),
    );
    let channel = ctx
        .connector
        .connect()
        .await
        .map_err(|e| format!("cannot reach the server: {e}"))?;
    let o = raw::play(
        channel,
        steps,
        ctx.options.end_within,
        ctx.options.authorization.as_deref(),
    )
    .await;
    let what = match reason {
        EndReason::Unknown(code) => format!("NotifyCallEndedMessage(reason_code {code})"),
        known => format!("NotifyCallEndedMessage({})", known.as_str()),
    };
    judge_raw(&ctx, &o, &what, true).map(|o| match o {
        Outcome::Pass(d) => Outcome::Pass(format!("{what}: {d}")),
        other => other,
    })
}

async fn concurrent(ctx: Arc<Ctx>) -> CaseOutcome {
    let n = ctx.options.concurrent_calls.max(1);
    let per_connection = 10;
    let mut channels = Vec::new();
    for _ in 0..n.div_ceil(per_connection) {
        channels.push(
            ctx.connector
                .connect()
                .await
                .map_err(|e| format!("cannot reach the server: {e}"))?,
        );
    }
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let ctx = ctx.clone();
        let channel = channels[i / per_connection].clone();
        tasks.spawn(async move {
            // A different sweep per call: no two calls send the same frames.
            let from_hz = 300.0 + 17.0 * i as f64;
            let script = ctx
                .script(ContentType::Mulaw8k, &format!("load-{i}"))
                .say(
                    Duration::ZERO,
                    Source::Chirp {
                        from_hz,
                        to_hz: from_hz + 900.0,
                        duration: secs(3.0),
                    },
                )
                .hangup_after(secs(3.0));
            (i, ctx.call_on(channel, &script).await)
        });
    }
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (i, r) = joined.map_err(|e| format!("a call task failed: {e}"))?;
        reports.push((i, r.map_err(|e| format!("call {} of {n}: {e}", i + 1))?));
    }
    reports.sort_by_key(|(i, _)| *i);
    // Every frame of every call, for naming cross-talk.
    let mut whose = HashMap::new();
    for (i, r) in &reports {
        for (k, s) in check::sent(r).iter().enumerate() {
            whose.insert(s.fnv.clone(), format!("call {}'s frame #{}", i + 1, k + 1));
        }
    }
    // Many calls on a busy machine: a stall fails, a slow frame does not.
    let latency = FLOW_GAP;
    let mut failures = Vec::new();
    let mut worst: f64 = 0.0;
    for (i, r) in &reports {
        let mut verdict = kept_open_and_read(r, CallOutcome::CallerHangup);
        if verdict.is_ok() && ctx.options.profile == Profile::Echo {
            verdict = check::no_cross_talk(r, &whose).and_then(|()| {
                check::echo_flows(r, latency).map(|s| worst = worst.max(s.longest_gap_ms))
            });
        }
        if let Err(e) = verdict {
            failures.push(format!("call {} of {n}: {e}", i + 1));
        }
    }
    if let Some(first) = failures.first() {
        return Err(format!(
            "{} of {n} concurrent calls failed; first: {first}",
            failures.len()
        ));
    }
    let mut d = format!("{n} calls at once, each kept open and read");
    if ctx.options.profile == Profile::Echo {
        d.push_str(&format!(
            ", each echo its own audio and flowing (longest gap {worst:.0} ms, bound {} ms)",
            latency.as_millis()
        ));
    }
    Ok(Outcome::Pass(d))
}

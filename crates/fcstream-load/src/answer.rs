//! The load generator's front door onto the platform model: the shared buffers and rules
//! ([`fcstream_emulator::buffers`], [`fcstream_emulator::rules`]) on a µs clock, timing only
//! (nothing decoded, nothing rendered), with every note written straight to the wire by
//! hand-encoding ([`crate::wire`]).
//!
//! It exists so that the load generator answers every app message exactly as `fcstream call`
//! does (same admissions, same refusals and texts, same order of notes) while costing no
//! allocation per frame: ids stay zero-copy slices of the received messages.

use bytes::{Bytes, BytesMut};
use fcstream::{BufferDepth, Event};
use fcstream_emulator::buffers::{Applied, BufferConfig, Buffers, Note, Render, Request, Sound};
use fcstream_emulator::rules::{AdmittedPlay, AdmittedPress};

use crate::wire::{self, AppMsg, PlaybackNote, Stamp};

/// One load call's platform buffers: ids as `Bytes`, entries carrying nothing, times in µs.
pub type LoadBuffers = Buffers<Bytes, (), ()>;

/// The load generator's buffers for a call of these settings (`ticks_per_second` is set to µs).
pub fn buffers(config: BufferConfig) -> LoadBuffers {
    Buffers::new(BufferConfig {
        ticks_per_second: 1_000_000,
        ..config
    })
}

/// Writes notes to the wire, counting them.
pub struct WireNotes<'a> {
    /// Where the gRPC-framed messages go.
    pub buf: &'a mut BytesMut,
    /// The run's start on the wall clock, ns since the Unix epoch (stamps are wall times).
    pub wall0_ns: u64,
    /// Messages written.
    pub written: u64,
}

impl Render<Bytes> for WireNotes<'_> {
    type Audio = ();
    type Dtmf = ();
    fn audio(&mut self, _: AdmittedPlay, _: &[u8]) {}
    fn dtmf(&mut self, _: &str, _: AdmittedPress) {}
    fn hear(&mut self, _: Sound<'_, (), ()>, _: u64) {}
    fn note(&mut self, at: u64, note: Note<Bytes>) {
        put_note(self.buf, self.wall0_ns, at, note);
        self.written += 1;
    }
}

/// The request an app message makes of the platform.
pub fn request(msg: &AppMsg) -> Request<'_, Bytes> {
    match msg {
        AppMsg::Play(p) => Request::Play {
            id: p.id.clone(),
            content_type: &p.content_type,
            audio: &p.audio,
            last: p.last,
        },
        AppMsg::Other(cmd) => {
            Request::from_command_with(cmd, |id| Bytes::copy_from_slice(id.as_bytes()))
        }
        AppMsg::Unknown => Request::Unknown,
        AppMsg::BadBufferType(t) => Request::BadBufferType(*t),
    }
}

/// Answers one app message received at `now_us` on `buffers`, appending the platform's
/// messages to `buf`; returns what it did and how many messages were written.
pub fn answer(
    buffers: &mut LoadBuffers,
    msg: &AppMsg,
    now_us: u64,
    wall0_ns: u64,
    buf: &mut BytesMut,
) -> (Applied, u64) {
    let mut out = WireNotes {
        buf,
        wall0_ns,
        written: 0,
    };
    let applied = buffers.apply(request(msg), now_us, &mut out);
    (applied, out.written)
}

/// Plays `buffers` up to `now_us`, appending the notes due; returns how many were written.
pub fn advance(buffers: &mut LoadBuffers, now_us: u64, wall0_ns: u64, buf: &mut BytesMut) -> u64 {
    let mut out = WireNotes {
        buf,
        wall0_ns,
        written: 0,
    };
    buffers.advance_to(now_us, &mut out);
    out.written
}

fn system_time(wall0_ns: u64, us: u64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_nanos(wall0_ns + us * 1000)
}

fn ack(wall0_ns: u64, at: u64, id: &[u8]) -> fcstream::Ack {
    fcstream::Ack {
        id: String::from_utf8_lossy(id).into_owned(),
        at: Some(system_time(wall0_ns, at)),
    }
}

/// Appends one note, gRPC-framed: the hot two by hand, the rest through prost.
fn put_note(buf: &mut BytesMut, wall0_ns: u64, at: u64, note: Note<Bytes>) {
    let stamp = Stamp::from_unix_ns(wall0_ns + at * 1000);
    let event = match note {
        Note::PlaybackStarted(id) => {
            return wire::put_playback(buf, PlaybackNote::Started, &id, stamp)
        }
        Note::PlaybackCompleted(id) => {
            return wire::put_playback(buf, PlaybackNote::Completed, &id, stamp)
        }
        Note::BufferCleared(id) => Event::BufferCleared(ack(wall0_ns, at, &id)),
        Note::DtmfPlayStarted(id) => Event::DtmfPlayStarted(ack(wall0_ns, at, &id)),
        Note::DtmfPlayCompleted(id) => Event::DtmfPlayCompleted(ack(wall0_ns, at, &id)),
        Note::BufferDepth { kind, depth, size } => {
            Event::BufferDepth(BufferDepth { kind, depth, size })
        }
        Note::Error(refusal) => Event::Error {
            message: refusal.message,
            id: refusal.id.to_string(),
        },
    };
    wire::put_event(buf, &event);
}

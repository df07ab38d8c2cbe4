//! Every default of the server and of a call, defined once.
//!
//! [`Server::bind`](super::Server::bind), [`CallConfig::default`](super::CallConfig),
//! [`ServiceOptions::default`](super::ServiceOptions) and
//! [`PlaybackConfig::default`](crate::PlaybackConfig) read these constants, and so do
//! `fcstream serve`, its `--help` and its `--print-config`: change a default here and every
//! one of them follows.
//!
//! The module holds plain values (std only, no I/O), so the call layer reads the playback
//! defaults from here without depending on the server's runtime.
//!
//! The webhook endpoint's defaults live beside it (`fcstream::webhook::DEFAULT_TOLERANCE`,
//! `fcstream::http::DEFAULT_BODY_LIMIT`, with the `webhooks` feature).

use std::time::Duration;

/// Calls at once ([`Server::max_calls`](super::Server::max_calls),
/// [`ServiceOptions::max_calls`](super::ServiceOptions::max_calls)); the next stream is refused
/// with `RESOURCE_EXHAUSTED`.
pub const MAX_CALLS: usize = 10_000;

/// Largest platform message accepted, in bytes
/// ([`Server::max_message_bytes`](super::Server::max_message_bytes)). A 20 ms frame is at most
/// 640 bytes of audio; a larger message ends its own call.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// HTTP/2 streams (calls) one connection may carry at once
/// ([`Server::max_streams_per_connection`](super::Server::max_streams_per_connection)). tonic's
/// own default is unlimited; a platform may multiplex many long-lived calls on one connection.
pub const MAX_STREAMS_PER_CONNECTION: u32 = 10_000;

/// HTTP/2 keepalive ping interval ([`Server::keepalive`](super::Server::keepalive); `None`:
/// no pings).
pub const KEEPALIVE_INTERVAL: Option<Duration> = Some(Duration::from_secs(30));

/// How long live calls may run on after the shutdown signal
/// ([`Server::drain_timeout`](super::Server::drain_timeout)); then they end with
/// [`EndCause::Shutdown`](crate::EndCause::Shutdown).
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(300);

/// After the drain timeout ended the calls, how long streams that are not calls (a health
/// watch, reflection) may linger before the server stops anyway. Not configurable.
pub const FORCE_STOP_GRACE: Duration = Duration::from_secs(5);

/// Once the shutdown signal came and no call is left, how long connections still open (idle
/// ones, or a peer that ignores the GOAWAY it got at the signal) may linger before the server
/// closes them and stops: it exits within about this long of the last call's end. Not
/// configurable.
pub const IDLE_CONNECTION_GRACE: Duration = Duration::from_secs(1);

/// TCP connections open at once, TLS handshakes included
/// ([`Server::max_connections`](super::Server::max_connections)). At the cap the server stops
/// accepting until one closes (new connections wait in the kernel's backlog). Keep it below
/// the process's file-descriptor limit (`ulimit -n`).
pub const MAX_CONNECTIONS: usize = 10_000;

/// From accept, how long a connection has to finish its TLS handshake and send the 24-byte
/// HTTP/2 client preface ([`Server::handshake_timeout`](super::Server::handshake_timeout));
/// then it is closed. A silent socket, a slowloris or a stalled TLS handshake holds a
/// connection slot for this long at most.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// After the handshake, how long a connection may carry no stream at all
/// ([`Server::connection_idle_timeout`](super::Server::connection_idle_timeout)); then it is
/// closed. The platform opens a stream as soon as it connects and a connection between calls
/// reconnects in one round trip; a connection that sent its preface and nothing since (or
/// trickles a HEADERS frame it never finishes) holds a connection slot this long at most.
pub const CONNECTION_IDLE_TIMEOUT: Option<Duration> = Some(Duration::from_secs(60));

/// How long a new stream may take to send `NotifyCallStartedMessage`
/// ([`CallConfig::first_message_timeout`](super::CallConfig::first_message_timeout)). The
/// platform sends it as soon as the stream opens; a stream that does not is squatting.
pub const FIRST_MESSAGE_TIMEOUT: Duration = Duration::from_secs(5);

/// Streams that have opened but not yet started a call (no authenticated
/// `NotifyCallStartedMessage` yet), server-wide
/// ([`ServiceOptions::max_pending_starts`](super::ServiceOptions::max_pending_starts)). They
/// hold no call slot; past this the next one is refused with `RESOURCE_EXHAUSTED`.
pub const MAX_PENDING_STARTS: usize = 1024;

/// Streams of one connection that have opened but not yet started a call
/// ([`ServiceOptions::max_pending_per_connection`](super::ServiceOptions::max_pending_per_connection)):
/// one connection opening thousands of silent streams cannot take the server-wide budget.
pub const MAX_PENDING_PER_CONNECTION: usize = 128;

/// A call ends when no platform message arrives for this long
/// ([`CallConfig::idle_timeout`](super::CallConfig::idle_timeout); `None`: never). The platform
/// sends audio every 20 ms, so silence means a dead peer.
pub const IDLE_TIMEOUT: Option<Duration> = Some(Duration::from_secs(30));

/// The server hangs up (`TerminateCallMessage`) a call that has lasted this long
/// ([`CallConfig::max_duration`](super::CallConfig::max_duration); `None`: never).
pub const MAX_DURATION: Option<Duration> = Some(Duration::from_secs(4 * 60 * 60));

/// Events held for an app that is not reading; then the oldest caller audio is dropped
/// ([`CallConfig::event_queue`](super::CallConfig::event_queue)). 500 is 10 s of caller audio.
pub const EVENT_QUEUE: usize = 500;

/// Requests from the app waiting for the call's task
/// ([`CallConfig::request_queue`](super::CallConfig::request_queue)).
pub const REQUEST_QUEUE: usize = 64;

/// Messages to the platform waiting for the transport
/// ([`CallConfig::outbound_queue`](super::CallConfig::outbound_queue)).
pub const OUTBOUND_QUEUE: usize = 64;

// The playback defaults are the call layer's own (the call layer never imports the server);
// they are re-exported here so that every default is found in one place.
pub use crate::call::playback::{
    PLAYBACK_CHUNK, PLAYBACK_MAX_AHEAD, PLAYBACK_MAX_ENTRIES, PLAYBACK_STALL_GRACE,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{CallConfig, Server, ServiceOptions};
    use crate::PlaybackConfig;

    /// Every `Default` and the builder read the constants (no literal crept back in).
    #[test]
    fn defaults_and_builder_read_the_constants() {
        let s = Server::bind("127.0.0.1:0");
        assert_eq!(s.max_calls, MAX_CALLS);
        assert_eq!(s.max_message_bytes, MAX_MESSAGE_BYTES);
        assert_eq!(s.max_streams_per_connection, MAX_STREAMS_PER_CONNECTION);
        assert_eq!(s.keepalive, KEEPALIVE_INTERVAL);
        assert_eq!(s.drain_timeout, DRAIN_TIMEOUT);
        assert_eq!(s.config, CallConfig::default());
        assert_eq!(ServiceOptions::default().max_calls, MAX_CALLS);
        assert_eq!(
            CallConfig::default(),
            CallConfig {
                playback: PlaybackConfig {
                    chunk: PLAYBACK_CHUNK,
                    max_ahead: PLAYBACK_MAX_AHEAD,
                    max_entries: PLAYBACK_MAX_ENTRIES,
                    stall_grace: PLAYBACK_STALL_GRACE,
                },
                event_queue: EVENT_QUEUE,
                request_queue: REQUEST_QUEUE,
                outbound_queue: OUTBOUND_QUEUE,
                first_message_timeout: FIRST_MESSAGE_TIMEOUT,
                idle_timeout: IDLE_TIMEOUT,
                max_duration: MAX_DURATION,
            }
        );
    }
}

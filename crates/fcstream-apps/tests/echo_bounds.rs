//! The echo app against a platform that never acknowledges a key press: the echo holds at
//! most `MAX_KEYS_IN_FLIGHT` presses waiting (before: one task per key, forever), and audio
//! keeps flowing.

#[path = "../../fcstream/tests/common/mod.rs"]
mod common;

use common::*;
use fcstream::{CallConfig, Command, ContentType, Event};
use fcstream_apps::echo::MAX_KEYS_IN_FLIGHT;

#[tokio::test]
async fn unacknowledged_key_presses_do_not_pile_up() {
    let server = serve_tcp(fcstream_apps::echo, CallConfig::default()).await;
    let mut p = Platform::start(
        connect(&server.url).await,
        call_info("CA-keys", ContentType::Mulaw8k),
    )
    .await;
    let keys = 200;
    for _ in 0..keys {
        p.send(Event::DtmfStarted {
            digit: '5',
            at: None,
        })
        .await;
        p.send(Event::DtmfEnded {
            digit: '5',
            at: None,
        })
        .await;
    }
    // Then audio: its echo shows the app read past every key.
    let frame = bytes::Bytes::from(vec![7u8; 160]);
    p.audio(frame.clone()).await;
    let mut presses = 0;
    loop {
        match p.expect().await {
            Command::PressDtmf { .. } => presses += 1,
            Command::PlayAudio { audio, .. } if audio == frame => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        presses, MAX_KEYS_IN_FLIGHT,
        "presses echoed without any acknowledgement"
    );
    p.end(fcstream::EndReason::CallerDisconnect).await;
}

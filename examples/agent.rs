//! A voice agent: the caller's audio streams to a recogniser, the agent answers with speech,
//! stops when the caller talks over it, and hangs up after its goodbye (full: `--app agent`).
//!
//! Run it:   cargo run -p fcstream-cli -- stt-serve &     # the local recogniser, port 50052
//!           cargo run -p fcstream-examples --example agent
//! Call it:  cargo run -p fcstream-cli -- call http://127.0.0.1:50051 --say "what are your hours@3s"

use std::sync::Arc;

use fcstream::{Audio, Call, Event, Server};
use fcstream_speech::bridge::{BridgeConfig, SttBridge, SttEvent};
use fcstream_speech::tts::{CachedTts, EspeakNg, Synthesizer};
use fcstream_speech::vad::{Vad, VadConfig, VadEvent};
use fcstream_speech::{google::GoogleStt, SttConfig, Transcriber};

type Stt = Arc<dyn Transcriber>;
type Tts = Arc<dyn Synthesizer>;

async fn agent(call: Call, stt: Stt, tts: Tts) -> fcstream::Result<()> {
    let (call, mut events) = call.split();
    let format = call.info().content_type;
    let say = |text: &'static str| {
        let (call, tts) = (call.clone(), tts.clone());
        async move {
            // Speech errors are fcstream-speech's: a handler carries them as `Error::App`.
            let audio = tts.synthesize(text).await.map_err(fcstream::Error::app)?;
            call.start_play_prompt("answer", Some(text.into()), audio)
                .await
        }
    };
    let hints = SttConfig::new(format.sample_rate()).with_phrases(["hours", "help", "goodbye"]);
    let mut stt = SttBridge::start(stt, BridgeConfig::new(hints));
    let mut vad = Vad::new(VadConfig::new(format.sample_rate()));
    let mut talking = Some(say("Hello! Ask for our hours, or say goodbye.").await?);
    loop {
        tokio::select! {
            Some(event) = events.next() => match event {
                Event::Audio(frame) => {
                    let pcm = Audio::from_wire(format, frame.data)?.samples();
                    let events = vad.push(&pcm);
                    let spoke = events.iter().any(|e| matches!(e, VadEvent::SpeechStarted { .. }));
                    if spoke && talking.take().is_some() {
                        call.clear().await?; // barge-in: stop talking when the caller starts
                    }
                    stt.push(pcm); // in real time, silence included
                }
                Event::CallEnded(_) => break,
                _ => {}
            },
            Some(event) = stt.next() => match event {
                SttEvent::Final(t) if t.text.contains("goodbye") => {
                    say("Thank you for calling. Goodbye.").await?.await?; // played to its end
                    call.hangup().await?;
                    break;
                }
                SttEvent::Final(t) => {
                    let hours = t.text.contains("hours");
                    let answer = if hours { "We are open nine to five." } else { "Say hours." };
                    talking = Some(say(answer).await?);
                }
                SttEvent::Failed(e) => tracing::warn!(%e, "speech recognition is down"),
                _ => {}
            },
            else => break,
        }
    }
    tracing::info!(heard = ?call.heard_ledger(), "what the caller heard of each prompt");
    Ok(())
}

#[tokio::main]
async fn main() -> fcstream::Result<()> {
    tracing_subscriber::fmt().init();
    let stt: Stt = Arc::new(
        GoogleStt::new("http://127.0.0.1:50052", Default::default())
            .map_err(fcstream::Error::app)?,
    );
    let tts: Tts = Arc::new(CachedTts::new(EspeakNg::default()));
    let agent = move |call| agent(call, stt.clone(), tts.clone());
    Server::bind("0.0.0.0:50051").serve(agent).await
}

//! A voice agent: the caller's audio streams to a recogniser, the agent answers with speech,
//! stops when the caller talks over it (a neural voice activity detector), and hangs up after
//! its goodbye (full: `--app agent`). It speaks with the most natural voice installed
//! (Festival HTS, Flite, else espeak-ng).
//!
//! Once:     cargo run -p fcstream-cli -- models install     # the Whisper models
//! Run it:   cargo run -p fcstream-cli -- stt-serve &     # the local recogniser (Whisper), port 50052
//!           cargo run -p fcstream-examples --example agent
//! Call it:  cargo run -p fcstream-cli -- call http://127.0.0.1:50051 --say "what are your hours@3s"

use std::sync::Arc;

use fcstream::{Audio, Call, Event, Server};
use fcstream_speech::bridge::{BridgeConfig, SttBridge, SttEvent};
use fcstream_speech::tts::{self, Synthesizer};
use fcstream_speech::vad::neural::{NeuralVad, NeuralVadConfig};
use fcstream_speech::vad::VadEvent;
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
    let mut vad = NeuralVad::new(NeuralVadConfig::new(format.sample_rate()));
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
                SttEvent::Final(t) if t.text.to_lowercase().contains("goodbye") => {
                    say("Thank you for calling. Goodbye.").await?.await?; // played to its end
                    call.hangup().await?;
                    break;
                }
                SttEvent::Final(t) => {
                    let hours = t.text.to_lowercase().contains("hours");
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
    // Festival HTS, else Flite, else espeak-ng; cached, converted to the calls' 8 kHz.
    let (tts, voice) = tts::natural(Some(8000));
    tracing::info!(?voice, "text-to-speech");
    let tts: Tts = tts;
    let agent = move |call| agent(call, stt.clone(), tts.clone());
    Server::bind("0.0.0.0:50051").serve(agent).await
}

//! A phone menu that takes speech or keys with `ask`, like FreeClimb's `GetSpeech` and
//! `GetDigits` in one: "sales or support, or press one or two", reprompted on silence or an
//! answer it does not know, then a goodbye that is never cut.
//!
//! Run it:   cargo run -p fcstream-cli -- stt-serve &         # the local recogniser, port 50052
//!           cargo run -p fcstream-examples --example voice_menu
//! Call it:  cargo run -p fcstream-cli -- call http://127.0.0.1:50051 --dtmf 2@2s
//!       or  cargo run -p fcstream-cli -- call http://127.0.0.1:50051 --say "support@3s"

use std::sync::Arc;
use std::time::Duration;

use fcstream::{Call, Server};
use fcstream_dialog::{Answer, Dialog, Expect, Prompt};
use fcstream_speech::{google::GoogleStt, tts, tts::Synthesizer, Transcriber};

async fn menu(
    call: Call,
    stt: Arc<dyn Transcriber>,
    tts: Arc<dyn Synthesizer>,
) -> fcstream::Result<()> {
    let mut d = Dialog::new(call).voice(tts).recognizer(stt);
    let question = Prompt::text("Say sales or support, or press one or two.")
        .name("menu")
        .reprompt("Sorry, I did not get that. Say sales or support, or press one or two.");
    let expect = Expect::speech_or_digits(["sales", "support"], 1)
        .choices(["sales", "support"])
        .no_input(Duration::from_secs(5))
        .attempts(3);
    let department = match d.ask(question, expect).await? {
        Answer::Speech {
            choice: Some(c), ..
        } => c,
        Answer::Digits { digits, .. } if digits == "1" => "sales".into(),
        Answer::Digits { digits, .. } if digits == "2" => "support".into(),
        Answer::HungUp => return Ok(()),
        other => {
            tracing::info!(?other, "no usable answer");
            d.say_then_hangup("Sorry we could not help. Goodbye.")
                .await?;
            return Ok(());
        }
    };
    tracing::info!(%department, heard = ?d.call().heard_ledger(), "routed");
    d.say_then_hangup(format!("Connecting you to {department}. Goodbye."))
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> fcstream::Result<()> {
    tracing_subscriber::fmt().init();
    let stt = GoogleStt::new("http://127.0.0.1:50052", Default::default())
        .map_err(fcstream::Error::app)?;
    let (stt, tts): (Arc<dyn Transcriber>, _) = (Arc::new(stt), tts::natural(Some(8000)).0);
    Server::bind("0.0.0.0:50051")
        .serve(move |call| menu(call, stt.clone(), tts.clone()))
        .await
}

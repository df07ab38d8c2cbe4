//! A voice agent on the dialog layer: asks, listens, answers, stops when talked over, says
//! goodbye uncut (the full one: `fcstream serve --app agent`). Needs `fcstream models install`.
//! Run: `fcstream stt-serve &` then `cargo run -p fcstream-examples --example agent`;
//! call: `fcstream call http://127.0.0.1:50051 --say "what are your hours@3s"`.
use std::sync::Arc;

use fcstream::{Call, Error, Server};
use fcstream_dialog::{Answer, Dialog, Expect};
use fcstream_speech::{google::GoogleStt, tts, tts::Synthesizer as Tts, Transcriber as Stt};

async fn agent(call: Call, stt: Arc<dyn Stt>, tts: Arc<dyn Tts>) -> fcstream::Result<()> {
    let mut d = Dialog::new(call).voice(tts).recognizer(stt); // barge-in: a neural VAD
    let mut prompt = "Hello! Ask for our hours, or say goodbye.";
    loop {
        let expect = Expect::speech(["hours", "goodbye"]).choices(["hours", "goodbye"]);
        match d.ask(prompt, expect).await? {
            Answer::Speech {
                choice: Some(c), ..
            } if c == "hours" => {
                prompt = "We are open nine to five. Anything else?";
            }
            Answer::HungUp => return Ok(()),
            _ => break, // goodbye, or nothing understood after the reprompts
        }
    }
    d.say_then_hangup("Thank you for calling. Goodbye.").await?; // never cut
    Ok(())
}

#[tokio::main]
async fn main() -> fcstream::Result<()> {
    tracing_subscriber::fmt().init();
    let stt = GoogleStt::new("http://127.0.0.1:50052", Default::default()).map_err(Error::app)?;
    let (stt, tts): (Arc<dyn Stt>, _) = (Arc::new(stt), tts::natural(Some(8000)).0);
    let app = move |call| agent(call, stt.clone(), tts.clone());
    Server::bind("0.0.0.0:50051").serve(app).await
}

//! The floor: a bare tonic bidirectional-stream echo server for the FreeClimb contract, with no
//! fcstream logic at all (no session, no pacing, no event queue). It answers each caller frame
//! with a `PlayAudioMessage` carrying the same bytes and ignores everything else. What
//! `fcstream serve --app echo` costs above this is the price of the library.
//!
//! Usage: `floor-echo [ADDR]`   (default 127.0.0.1:50071; prints "listening on ADDR")

use std::pin::Pin;

use fcstream::proto::app_message::{Payload as Out, PlayAudioMessage};
use fcstream::proto::grpc_stream_service_server::{GrpcStreamService, GrpcStreamServiceServer};
use fcstream::proto::platform_message::Payload as In;
use fcstream::proto::{AppMessage, PlatformMessage};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

struct Floor;

#[tonic::async_trait]
impl GrpcStreamService for Floor {
    type SendIVRDataStream = Pin<Box<dyn Stream<Item = Result<AppMessage, Status>> + Send>>;

    async fn send_ivr_data(
        &self,
        request: Request<Streaming<PlatformMessage>>,
    ) -> Result<Response<Self::SendIVRDataStream>, Status> {
        let mut inbound = request.into_inner();
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            let mut content_type = String::new();
            let mut n: u64 = 0;
            while let Some(Ok(msg)) = inbound.next().await {
                match msg.payload {
                    Some(In::NotifyCallStarted(m)) => content_type = m.content_type,
                    Some(In::NotifyAudioData(m)) => {
                        n += 1;
                        let play = AppMessage {
                            payload: Some(Out::AudioData(PlayAudioMessage {
                                id: format!("e{n}"),
                                audio_data: m.audio_data,
                                content_type: content_type.clone(),
                                sequence_num: 0,
                                last_message: true,
                            })),
                        };
                        if tx.send(Ok(play)).await.is_err() {
                            break;
                        }
                    }
                    Some(In::NotifyCallEnded(_)) => break,
                    _ => {}
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:50071".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    tonic::transport::Server::builder()
        .max_concurrent_streams(10_000)
        .add_service(GrpcStreamServiceServer::new(Floor))
        // TCP_NODELAY like `fcstream serve`, so both are measured on the same transport.
        .serve_with_incoming(
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
        )
        .await?;
    Ok(())
}

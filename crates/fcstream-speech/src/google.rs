//! The Google Cloud Speech-to-Text v1 `StreamingRecognize` API: its generated wire types
//! ([`pb`]) and [`GoogleStt`], a [`Transcriber`] that speaks it.
//!
//! It exists because that API is the de facto streaming-recognition protocol: the hosted
//! Google service, NVIDIA Riva (which mirrors it) and fcstream's own local service
//! (`fcstream stt-serve`, [`crate::service`]) all answer it, so one client covers the three.
//! [`GoogleStt`] shares one lazily connected HTTP/2 channel among all its streams.

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};
use tonic::Code;

use crate::{BoxFuture, SttConfig, SttError, SttStream, Transcriber, Transcript};

/// The wire types and tonic client/server generated from
/// `proto/google/cloud/speech/v1/cloud_speech.proto` and `proto/google/rpc/status.proto`
/// (nested as their protobuf packages, which the generated code relies on).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod pb {
    /// `google.*`.
    pub mod google {
        /// `google.rpc`.
        pub mod rpc {
            tonic::include_proto!("google.rpc");
        }
        /// `google.cloud`.
        pub mod cloud {
            /// `google.cloud.speech`.
            pub mod speech {
                /// `google.cloud.speech.v1`.
                pub mod v1 {
                    tonic::include_proto!("google.cloud.speech.v1");
                }
            }
        }
    }

    /// The encoded `FileDescriptorSet` of the speech protos, for gRPC server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/speech_descriptor.bin"));
}

pub use pb::google::cloud::speech::v1 as api;

use api::recognition_config::AudioEncoding;
use api::speech_client::SpeechClient;
use api::streaming_recognize_request::StreamingRequest;
use api::{
    RecognitionConfig, SpeechContext, StreamingRecognitionConfig, StreamingRecognizeRequest,
    StreamingRecognizeResponse,
};

/// The name of a gRPC status code as Google writes it, e.g. `OUT_OF_RANGE`.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// Maps a gRPC status to an [`SttError`]: `UNAVAILABLE` (connection refused, broken, or a
/// service that is going away) is [`SttError::Unavailable`], any other code
/// [`SttError::Status`].
pub fn status_to_error(status: &tonic::Status) -> SttError {
    if status.code() == Code::Unavailable {
        SttError::Unavailable(status.message().to_owned())
    } else {
        SttError::Status {
            code: code_name(status.code()).to_owned(),
            message: status.message().to_owned(),
        }
    }
}

/// Settings of a [`GoogleStt`] client.
#[derive(Clone, PartialEq, Eq)]
pub struct GoogleSttOptions {
    /// An API key, sent as `x-goog-api-key`.
    pub api_key: Option<String>,
    /// An OAuth2 access token, sent as `authorization: Bearer …`.
    pub bearer_token: Option<String>,
    /// How long connecting may take before the stream fails as unavailable. Default 5 s.
    pub connect_timeout: Duration,
    /// The recognition model (`RecognitionConfig.model`), e.g. `phone_call`; `None`: the
    /// service's default.
    pub model: Option<String>,
    /// Audio chunks and results held per stream (bounded queues). Default 64.
    pub queue: usize,
    /// With `https://`: a CA certificate (PEM) trusted in place of the Mozilla roots, for a
    /// service behind a private CA (an on-premises Riva, a test server).
    pub ca_cert_pem: Option<Vec<u8>>,
    /// With `https://`: the name the server's certificate must carry, when it is not the
    /// URL's host.
    pub tls_domain: Option<String>,
}

impl std::fmt::Debug for GoogleSttOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleSttOptions")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("model", &self.model)
            .field("queue", &self.queue)
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(|p| p.len()))
            .field("tls_domain", &self.tls_domain)
            .finish()
    }
}

impl Default for GoogleSttOptions {
    fn default() -> Self {
        Self {
            api_key: None,
            bearer_token: None,
            connect_timeout: Duration::from_secs(5),
            model: None,
            queue: 64,
            ca_cert_pem: None,
            tls_domain: None,
        }
    }
}

/// A [`Transcriber`] for the Google Cloud Speech-to-Text v1 streaming API (and anything that
/// serves it: `fcstream stt-serve`, NVIDIA Riva).
///
/// ```no_run
/// use fcstream_speech::google::{GoogleStt, GoogleSttOptions};
/// use fcstream_speech::{SttConfig, Transcriber};
/// # async fn demo() -> Result<(), fcstream_speech::SttError> {
/// let stt = GoogleStt::new("http://127.0.0.1:50052", GoogleSttOptions::default())?;
/// let mut stream = stt.open(&SttConfig::default()).await?;
/// stream.audio.send(bytes::Bytes::from(vec![0u8; 320])).await.ok();
/// drop(stream.audio);
/// while let Some(result) = stream.results.recv().await {
///     println!("{:?}", result?);
/// }
/// # Ok(()) }
/// ```
pub struct GoogleStt {
    endpoint: Endpoint,
    /// Connected on first use, inside the runtime that uses it; shared by every stream.
    channel: OnceLock<Channel>,
    /// `(header, value)` sent with every stream.
    auth: Option<(&'static str, AsciiMetadataValue)>,
    options: GoogleSttOptions,
}

impl std::fmt::Debug for GoogleStt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleStt")
            .field("uri", self.endpoint.uri())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl GoogleStt {
    /// A client for the service at `url`: `http://host:port` (HTTP/2 without TLS) or
    /// `https://host[:port]` (TLS, with the Mozilla root certificates), e.g.
    /// `https://speech.googleapis.com`. Nothing is connected until the first
    /// [`open`](Transcriber::open). A malformed URL or credential is
    /// [`SttError::InvalidConfig`].
    pub fn new(url: &str, options: GoogleSttOptions) -> Result<Self, SttError> {
        let invalid = |what: String| SttError::InvalidConfig(what);
        let mut endpoint = Endpoint::from_shared(url.to_owned())
            .map_err(|e| invalid(format!("speech service URL {url:?}: {e}")))?
            .connect_timeout(options.connect_timeout)
            .tcp_nodelay(true);
        match endpoint.uri().scheme_str() {
            Some("https") => {
                let mut tls = match &options.ca_cert_pem {
                    Some(pem) => ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)),
                    None => ClientTlsConfig::new().with_webpki_roots(),
                };
                if let Some(domain) = &options.tls_domain {
                    tls = tls.domain_name(domain.clone());
                }
                endpoint = endpoint
                    .tls_config(tls)
                    .map_err(|e| invalid(format!("TLS for {url:?}: {e}")))?;
            }
            Some("http") => {}
            _ => {
                return Err(invalid(format!(
                    "speech service URL {url:?} must start with http:// or https://"
                )))
            }
        }
        let auth = match (&options.api_key, &options.bearer_token) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "give an API key or a bearer token, not both".into(),
                ))
            }
            (Some(key), None) => Some((
                "x-goog-api-key",
                MetadataValue::try_from(key.as_str())
                    .map_err(|_| invalid("the API key is not a valid header value".into()))?,
            )),
            (None, Some(token)) => Some((
                "authorization",
                MetadataValue::try_from(format!("Bearer {token}"))
                    .map_err(|_| invalid("the bearer token is not a valid header value".into()))?,
            )),
            (None, None) => None,
        };
        Ok(Self {
            endpoint,
            channel: OnceLock::new(),
            auth,
            options,
        })
    }

    fn channel(&self) -> Channel {
        self.channel
            .get_or_init(|| self.endpoint.connect_lazy())
            .clone()
    }

    fn request_config(&self, config: &SttConfig) -> StreamingRecognizeRequest {
        let rate = i32::try_from(config.sample_rate).unwrap_or(i32::MAX);
        StreamingRecognizeRequest {
            streaming_request: Some(StreamingRequest::StreamingConfig(
                StreamingRecognitionConfig {
                    config: Some(RecognitionConfig {
                        encoding: AudioEncoding::Linear16 as i32,
                        sample_rate_hertz: rate,
                        language_code: config.language.clone(),
                        max_alternatives: 1,
                        speech_contexts: if config.phrases.is_empty() {
                            Vec::new()
                        } else {
                            vec![SpeechContext {
                                phrases: config.phrases.clone(),
                                boost: 0.0,
                            }]
                        },
                        audio_channel_count: 1,
                        model: self.options.model.clone().unwrap_or_default(),
                        ..RecognitionConfig::default()
                    }),
                    single_utterance: false,
                    interim_results: config.interim_results,
                },
            )),
        }
    }

    async fn open_stream(&self, config: SttConfig) -> Result<SttStream, SttError> {
        if !(8000..=48_000).contains(&config.sample_rate) {
            return Err(SttError::InvalidConfig(format!(
                "sample rate {} Hz is outside 8000..=48000",
                config.sample_rate
            )));
        }
        let queue = self.options.queue.max(1);
        let (audio_tx, audio_rx) = mpsc::channel::<Bytes>(queue);
        let first = self.request_config(&config);
        let requests =
            tokio_stream::once(first).chain(ReceiverStream::new(audio_rx).map(|chunk| {
                StreamingRecognizeRequest {
                    streaming_request: Some(StreamingRequest::AudioContent(chunk)),
                }
            }));
        let mut request = tonic::Request::new(requests);
        if let Some((name, value)) = &self.auth {
            request.metadata_mut().insert(*name, value.clone());
        }
        let mut client = SpeechClient::new(self.channel());
        let response = client
            .streaming_recognize(request)
            .await
            .map_err(|s| status_to_error(&s))?;
        let mut responses = response.into_inner();
        let (results_tx, results_rx) = mpsc::channel(queue);
        tokio::spawn(async move {
            loop {
                let next = tokio::select! {
                    next = responses.message() => next,
                    // Nobody reads the results any more: drop the stream (cancels the call).
                    () = results_tx.closed() => break,
                };
                match next {
                    Ok(Some(message)) => {
                        for item in transcripts(message) {
                            let failed = item.is_err();
                            if results_tx.send(item).await.is_err() || failed {
                                return;
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(status) => {
                        let _ = results_tx.send(Err(status_to_error(&status))).await;
                        break;
                    }
                }
            }
        });
        Ok(SttStream {
            audio: audio_tx,
            results: results_rx,
        })
    }
}

/// The [`Transcript`]s of one response (the top alternative of each result), or its error.
pub(crate) fn transcripts(
    message: StreamingRecognizeResponse,
) -> Vec<Result<Transcript, SttError>> {
    if let Some(error) = message.error {
        if error.code != 0 {
            let code = Code::from(error.code);
            return vec![Err(SttError::Status {
                code: code_name(code).to_owned(),
                message: error.message,
            })];
        }
    }
    message
        .results
        .into_iter()
        .filter_map(|result| {
            let best = result.alternatives.into_iter().next()?;
            let end_offset = result
                .result_end_time
                .and_then(|d| {
                    let secs = u64::try_from(d.seconds).ok()?;
                    let nanos = u32::try_from(d.nanos).ok()?;
                    Some(Duration::new(secs, nanos.min(999_999_999)))
                })
                .unwrap_or_default();
            Some(Ok(Transcript {
                text: best.transcript.trim().to_owned(),
                is_final: result.is_final,
                stability: if result.is_final {
                    1.0
                } else {
                    result.stability.clamp(0.0, 1.0)
                },
                confidence: best.confidence.clamp(0.0, 1.0),
                end_offset,
            }))
        })
        .collect()
}

impl Transcriber for GoogleStt {
    fn open(&self, config: &SttConfig) -> BoxFuture<'_, Result<SttStream, SttError>> {
        Box::pin(self.open_stream(config.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_invalid_config() {
        for url in ["not a url", "ftp://x:1", ""] {
            assert!(
                matches!(
                    GoogleStt::new(url, GoogleSttOptions::default()),
                    Err(SttError::InvalidConfig(_))
                ),
                "{url}"
            );
        }
        assert!(
            GoogleStt::new("https://speech.googleapis.com", GoogleSttOptions::default()).is_ok()
        );
    }

    #[test]
    fn error_in_response_is_a_status() {
        let r = transcripts(StreamingRecognizeResponse {
            error: Some(pb::google::rpc::Status {
                code: 11,
                message: "too long".into(),
                details: Vec::new(),
            }),
            ..Default::default()
        });
        assert_eq!(
            r,
            vec![Err(SttError::Status {
                code: "OUT_OF_RANGE".into(),
                message: "too long".into()
            })]
        );
    }
}

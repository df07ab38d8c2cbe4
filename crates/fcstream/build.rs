//! Generates the wire types and the tonic services/clients from the `.proto` files under
//! `proto/`: `freeclimb.proto` (the audio-streaming contract) and the Google Cloud
//! Speech-to-Text v1 streaming subset (`google/cloud/speech/v1/cloud_speech.proto`, with the
//! `google/rpc/status.proto` it needs).
//!
//! protoc comes from `protoc-bin-vendored`, so a fresh machine needs no system protoc.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    std::env::set_var("PROTOC", protoc);
    let include = protoc_bin_vendored::include_path()?;
    let proto_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    let proto = proto_dir.join("freeclimb.proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // Audio payloads become `bytes::Bytes`: an echoed frame is never copied.
        .bytes(".")
        // Kept for gRPC server reflection.
        .file_descriptor_set_path(out_dir.join("freeclimb_descriptor.bin"))
        .compile_protos(&[proto], &[proto_dir.clone(), include.clone()])?;

    // Speech-to-Text: a separate descriptor set, so the call server's reflection stays as it
    // was and `fcstream stt-serve` registers only what it serves.
    let speech = proto_dir.join("google/cloud/speech/v1/cloud_speech.proto");
    let status = proto_dir.join("google/rpc/status.proto");
    println!("cargo:rerun-if-changed={}", speech.display());
    println!("cargo:rerun-if-changed={}", status.display());
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // `audio_content` as `bytes::Bytes`: a chunk is handed on without a copy.
        .bytes(".google.cloud.speech.v1")
        .file_descriptor_set_path(out_dir.join("speech_descriptor.bin"))
        .compile_protos(&[speech, status], &[proto_dir, include])?;
    Ok(())
}

//! Generates the wire types and the tonic client/server of the Google Cloud Speech-to-Text v1
//! streaming subset (`proto/google/cloud/speech/v1/cloud_speech.proto`, with the
//! `proto/google/rpc/status.proto` it needs) for the `grpc` feature. The protos live inside
//! this crate, so the packaged crate builds from its tarball.
//!
//! protoc comes from `protoc-bin-vendored`, so a fresh machine needs no system protoc. Without
//! the `grpc` feature nothing is generated (and neither build dependency is compiled).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "grpc")]
    {
        let protoc = protoc_bin_vendored::protoc_bin_path()?;
        std::env::set_var("PROTOC", protoc);
        let include = protoc_bin_vendored::include_path()?;
        let proto_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
        let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
        let speech = proto_dir.join("google/cloud/speech/v1/cloud_speech.proto");
        let status = proto_dir.join("google/rpc/status.proto");
        println!("cargo:rerun-if-changed={}", speech.display());
        println!("cargo:rerun-if-changed={}", status.display());
        tonic_prost_build::configure()
            .build_server(true)
            .build_client(true)
            // `audio_content` as `bytes::Bytes`: a chunk is handed on without a copy.
            .bytes(".google.cloud.speech.v1")
            // A descriptor set of its own, so `fcstream stt-serve` reflects only what it serves.
            .file_descriptor_set_path(out_dir.join("speech_descriptor.bin"))
            .compile_protos(&[speech, status], &[proto_dir, include])?;
    }
    println!("cargo:rerun-if-changed=build.rs");
    Ok(())
}

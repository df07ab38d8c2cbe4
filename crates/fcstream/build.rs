//! Generates the wire types and the tonic service/client from `proto/freeclimb.proto` (the
//! audio-streaming contract). The Speech-to-Text protos live with the crate that uses them,
//! `fcstream-speech`.
//!
//! protoc comes from `protoc-bin-vendored`, so a fresh machine needs no system protoc.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    std::env::set_var("PROTOC", protoc);
    let include = protoc_bin_vendored::include_path()?;
    let proto_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    let proto = proto_dir.join("freeclimb.proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // Audio payloads become `bytes::Bytes`: an echoed frame is never copied.
        .bytes(".")
        // Small codec buffers (see `proto::FrameCodec`): an audio-stream message is a few
        // hundred bytes, and tonic's default 8 KiB per direction is most of a call's memory.
        .codec_path("crate::proto::FrameCodec")
        // Kept for gRPC server reflection.
        .file_descriptor_set_path(out_dir.join("freeclimb_descriptor.bin"))
        .compile_protos(&[proto], &[proto_dir.clone(), include.clone()])?;
    Ok(())
}

//! The floor's own copy of the generated FreeClimb service, with tonic's stock codec
//! (`tonic_prost::ProstCodec`, 8 KiB buffers): the floor is what a plain tonic server costs,
//! so it does not inherit fcstream's tuning (`fcstream::proto::FrameCodec`).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    std::env::set_var("PROTOC", protoc_bin_vendored::protoc_bin_path()?);
    let include = protoc_bin_vendored::include_path()?;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/fcstream/proto");
    let proto = dir.join("freeclimb.proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(false)
        .bytes(".")
        .compile_protos(&[proto], &[dir, include])?;
    Ok(())
}

//! The raw wire types, generated at build time from `proto/freeclimb.proto`.
//!
//! This module exists so that people who want the protocol as it is can reach it; the rest of
//! the library works with the plain types of [`crate::event`] and [`crate::command`], which are
//! converted from and to these in exactly one place each.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

tonic::include_proto!("freeclimb");

use std::marker::PhantomData;
use tonic::codec::{BufferSettings, Codec};
use tonic_prost::{ProstDecoder, ProstEncoder};

/// The first size of the buffers a stream encodes into and decodes from, each direction.
///
/// tonic's default is 8 KiB per direction per stream, made for large unary messages; an
/// audio-stream message is 200 bytes (a 20 ms µ-law frame) to 700 bytes (L16 at 16 kHz), and
/// the buffers are reused once what was written has gone out. At 8 KiB the two buffers were
/// half of an idle echo call's heap (see `tests/retained_per_call.rs`); a larger message (an
/// app's second of audio in one `PlayAudioMessage`) grows the buffer as it always did.
pub const CODEC_BUFFER_BYTES: usize = 1024;

/// How much tonic encodes before it yields to the connection (its default, 32 KiB).
const YIELD_THRESHOLD: usize = 32 * 1024;

/// The codec of the generated service and client: prost, with [`CODEC_BUFFER_BYTES`]
/// buffers instead of tonic's 8 KiB. Written here because tonic's `ProstCodec` always uses
/// the default settings; the encoding itself is prost's, unchanged.
#[derive(Debug, Clone, Copy)]
pub struct FrameCodec<T, U>(PhantomData<fn(T) -> U>);

impl<T, U> Default for FrameCodec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

/// The settings of both directions.
pub(crate) fn settings() -> BufferSettings {
    BufferSettings::new(CODEC_BUFFER_BYTES, YIELD_THRESHOLD)
}

impl<T, U> Codec for FrameCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::new(settings())
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstDecoder::new(settings())
    }
}

/// The encoded `FileDescriptorSet` of `proto/freeclimb.proto`, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/freeclimb_descriptor.bin"));

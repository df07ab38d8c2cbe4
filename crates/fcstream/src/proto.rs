//! The raw wire types, generated at build time from `proto/freeclimb.proto`.
//!
//! This module exists so that people who want the protocol as it is can reach it; the rest of
//! the library works with the plain types of [`crate::event`] and [`crate::command`], which are
//! converted from and to these in exactly one place each.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

tonic::include_proto!("freeclimb");

/// The encoded `FileDescriptorSet` of `proto/freeclimb.proto`, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/freeclimb_descriptor.bin"));

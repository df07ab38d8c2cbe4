//! The FreeClimb platform side of an audio stream (work in progress).

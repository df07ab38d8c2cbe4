//! # fcstream-phone
//!
//! `fcstream phone`: a browser tab as the caller. One page and one WebSocket; the page's
//! microphone becomes the caller's voice and the app's audio plays in the page, through the
//! emulator's platform model (the same one `fcstream call` drives).
//!
//! ## Layout
//!
//! (modules are listed here as they are added)
#![warn(missing_docs)]

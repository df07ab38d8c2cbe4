//! # fcstream-sip
//!
//! `fcstream sip`: a SIP user agent server that answers softphones and PBXes, carries PCMU
//! RTP, and bridges each SIP call into the app's gRPC stream through the emulator's platform
//! model (the same one `fcstream call` drives).
//!
//! ## Layout
//!
//! (modules are listed here as they are added)
#![warn(missing_docs)]

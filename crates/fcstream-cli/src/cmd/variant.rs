//! The platform-variant flags `fcstream call`, `load` and `conform` share: the published
//! specification is silent on how a platform acknowledges playback, whether a depth answer
//! counts the entry playing, and how the first caller frame is numbered, so each of these
//! commands lets the user pick (docs/PROTOCOL-NOTES.md). One definition, so the three
//! commands spell, document and parse them alike.

use clap::Args;
use fcstream_emulator::buffers::AckShape;
use fcstream_emulator::PlatformVariant;

/// `--acks`, `--depth-counts-playing`, `--first-sequence`.
#[derive(Debug, Clone, Default, Args)]
pub struct VariantArgs {
    /// Platform variant (the spec is silent): playback acknowledgements per-entry (the
    /// platform model's default: a start and a completion per message), per-id (first
    /// start, completion on the last message), every-N (a start and a completion for one
    /// entry in N), or none (only depth queries tell what played).
    #[arg(long, value_name = "SHAPE")]
    pub acks: Option<AckShape>,
    /// Platform variant: whether a depth answer counts the entry playing [default: the
    /// platform model's, true].
    #[arg(long, value_name = "BOOL")]
    pub depth_counts_playing: Option<bool>,
    /// Platform variant: the sequence number of the first caller frame [default: the
    /// platform model's, 0].
    #[arg(long, value_name = "N")]
    pub first_sequence: Option<u32>,
}

impl VariantArgs {
    /// The variant the flags pick (unset flags keep the platform model's defaults).
    pub fn variant(&self) -> PlatformVariant {
        PlatformVariant {
            acks: self.acks,
            depth_counts_playing: self.depth_counts_playing,
            first_sequence: self.first_sequence,
        }
    }
}

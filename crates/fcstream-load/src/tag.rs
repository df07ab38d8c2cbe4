//! The tag written at the start of every caller frame, so that an echo app's `PlayAudio`
//! says by itself which call and which frame it carries and when that frame was sent.
//!
//! It exists so that latency, loss, duplicates, reordering and cross-talk are measured
//! without a per-frame table on the generator: the echoed bytes carry everything. 20 bytes
//! (whole samples in every format): `"FC"`, call number (u32), sequence (u32), send time in
//! µs since the run's start (u64), and a 16-bit check over the rest, all big-endian. The
//! remaining bytes of the frame are ordinary caller audio.

/// Bytes of a tag.
pub const LEN: usize = 20;

/// What a tag says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The call's number in the run.
    pub call: u32,
    /// The frame's sequence number within the call.
    pub seq: u32,
    /// When it was sent, µs since the run's start.
    pub sent_us: u64,
}

fn check(b: &[u8]) -> u16 {
    // FNV-1a folded to 16 bits: cheap, and catches a shifted or corrupted tag.
    let mut h: u32 = 0x811c_9dc5;
    for &x in b {
        h ^= u32::from(x);
        h = h.wrapping_mul(0x0100_0193);
    }
    ((h >> 16) ^ h) as u16
}

impl Tag {
    /// The tag's bytes.
    pub fn encode(self) -> [u8; LEN] {
        let mut b = [0u8; LEN];
        b[0] = b'F';
        b[1] = b'C';
        b[2..6].copy_from_slice(&self.call.to_be_bytes());
        b[6..10].copy_from_slice(&self.seq.to_be_bytes());
        b[10..18].copy_from_slice(&self.sent_us.to_be_bytes());
        let c = check(&b[..18]);
        b[18..20].copy_from_slice(&c.to_be_bytes());
        b
    }

    /// Reads a tag at the start of `audio`; `None` if there is none (not an echo of ours).
    pub fn decode(audio: &[u8]) -> Option<Tag> {
        let b = audio.get(..LEN)?;
        if b[0] != b'F' || b[1] != b'C' || check(&b[..18]).to_be_bytes() != [b[18], b[19]] {
            return None;
        }
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut t = [0u8; 8];
        t.copy_from_slice(&b[10..18]);
        Some(Tag {
            call: u32_at(2),
            seq: u32_at(6),
            sent_us: u64::from_be_bytes(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects() {
        let t = Tag {
            call: 1234,
            seq: 99,
            sent_us: 123_456_789,
        };
        let mut frame = t.encode().to_vec();
        frame.extend_from_slice(&[0xff; 140]);
        assert_eq!(Tag::decode(&frame), Some(t));
        assert_eq!(Tag::decode(&frame[..19]), None);
        for i in 0..LEN {
            let mut bad = frame.clone();
            bad[i] ^= 0x01;
            assert_eq!(Tag::decode(&bad), None, "bit flip at {i}");
        }
        assert_eq!(Tag::decode(&[0xff; 160]), None);
    }
}

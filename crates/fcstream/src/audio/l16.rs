//! 16-bit linear PCM on the wire (`audio/l16`), with its byte order chosen in one place.
//!
//! FreeClimb's specification does not say which byte order l16 uses. The MIME type
//! `audio/L16` (RFC 2586, RFC 3551) is network byte order, so fcstream defaults to
//! big-endian. [`set_byte_order`] switches the whole process (the CLI's `--l16-byte-order`).

use std::sync::atomic::{AtomicU8, Ordering};

/// The byte order of 16-bit samples on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ByteOrder {
    /// Most significant byte first: RFC 3551's `L16`, fcstream's default.
    #[default]
    BigEndian,
    /// Least significant byte first, as in WAV files.
    LittleEndian,
}

impl std::str::FromStr for ByteOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "big" | "be" | "big-endian" | "network" => Ok(Self::BigEndian),
            "little" | "le" | "little-endian" => Ok(Self::LittleEndian),
            other => Err(format!("unknown byte order {other:?}: use big or little")),
        }
    }
}

/// The one place the process's l16 byte order lives. 0 = big-endian, 1 = little-endian.
static BYTE_ORDER: AtomicU8 = AtomicU8::new(0);

/// Sets the l16 byte order for the whole process (encode and decode alike).
pub fn set_byte_order(order: ByteOrder) {
    BYTE_ORDER.store(
        match order {
            ByteOrder::BigEndian => 0,
            ByteOrder::LittleEndian => 1,
        },
        Ordering::Relaxed,
    );
}

/// The l16 byte order in force.
pub fn byte_order() -> ByteOrder {
    match BYTE_ORDER.load(Ordering::Relaxed) {
        0 => ByteOrder::BigEndian,
        _ => ByteOrder::LittleEndian,
    }
}

/// Encodes samples to l16 bytes in `order`.
pub fn encode_with(samples: &[i16], order: ByteOrder) -> Vec<u8> {
    let mut out = Vec::with_capacity(samples.len() * 2);
    for &s in samples {
        out.extend_from_slice(&match order {
            ByteOrder::BigEndian => s.to_be_bytes(),
            ByteOrder::LittleEndian => s.to_le_bytes(),
        });
    }
    out
}

/// Decodes l16 bytes in `order`. A trailing odd byte (half a sample) is ignored; callers that
/// must reject it check the length first.
pub fn decode_with(bytes: &[u8], order: ByteOrder) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|c| match order {
            ByteOrder::BigEndian => i16::from_be_bytes([c[0], c[1]]),
            ByteOrder::LittleEndian => i16::from_le_bytes([c[0], c[1]]),
        })
        .collect()
}

/// Encodes samples in the process's byte order.
pub fn encode(samples: &[i16]) -> Vec<u8> {
    encode_with(samples, byte_order())
}

/// Decodes bytes in the process's byte order.
pub fn decode(bytes: &[u8]) -> Vec<i16> {
    decode_with(bytes, byte_order())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_big_endian() {
        assert_eq!(ByteOrder::default(), ByteOrder::BigEndian);
        assert_eq!(encode_with(&[0x0102], ByteOrder::BigEndian), vec![1, 2]);
        assert_eq!(encode_with(&[0x0102], ByteOrder::LittleEndian), vec![2, 1]);
    }

    #[test]
    fn round_trips_in_both_orders() {
        let samples: Vec<i16> = (-300..300).map(|i| (i * 109) as i16).collect();
        for order in [ByteOrder::BigEndian, ByteOrder::LittleEndian] {
            assert_eq!(decode_with(&encode_with(&samples, order), order), samples);
        }
    }

    #[test]
    fn odd_trailing_byte_is_ignored() {
        assert_eq!(decode_with(&[0, 1, 7], ByteOrder::BigEndian), vec![1]);
    }

    #[test]
    fn parses_names() {
        assert_eq!("LE".parse::<ByteOrder>().unwrap(), ByteOrder::LittleEndian);
        assert_eq!(
            "network".parse::<ByteOrder>().unwrap(),
            ByteOrder::BigEndian
        );
        assert!("middle".parse::<ByteOrder>().is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_samples_round_trip(samples: Vec<i16>, big: bool) {
            let order = if big { ByteOrder::BigEndian } else { ByteOrder::LittleEndian };
            proptest::prop_assert_eq!(decode_with(&encode_with(&samples, order), order), samples);
        }
    }
}

//! G.711 µ-law, table-driven: the codec of `audio/mulaw;rate=8000`, the format of most calls.
//!
//! Decoding is a 256-entry table; encoding is a 16384-entry table over the 14-bit magnitude
//! that G.711 actually uses, both built once at compile time.

/// The G.711 µ-law bias, in 16-bit units (33 in G.191's 14-bit units).
const BIAS: i32 = 0x84;

/// ITU-T G.191 (Software Tool Library) `ulaw_compress`, the reference encoder. It reads only
/// the top 14 bits of the sample (`x >> 2`, or `!x >> 2` for negatives), which is what makes
/// the 16384-entry table below exact.
const fn encode_slow(sample: i16) -> u8 {
    let x = sample as i32;
    let mut absno = if x < 0 {
        ((!x) >> 2) + 33
    } else {
        (x >> 2) + 33
    };
    if absno > 0x1FFF {
        absno = 0x1FFF;
    }
    let mut i = absno >> 6;
    let mut segno = 1;
    while i != 0 {
        segno += 1;
        i >>= 1;
    }
    let high_nibble = 0x8 - segno;
    let low_nibble = 0xF - ((absno >> segno) & 0xF);
    let mut out = (high_nibble << 4) | low_nibble;
    if x >= 0 {
        out |= 0x80;
    }
    out as u8
}

const fn decode_slow(byte: u8) -> i16 {
    let u = !byte;
    let sign = u & 0x80;
    let exponent = ((u >> 4) & 0x07) as i32;
    let mantissa = (u & 0x0F) as i32;
    let magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    if sign != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

const DECODE: [i16; 256] = {
    let mut t = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = decode_slow(i as u8);
        i += 1;
    }
    t
};

/// Encoding table indexed by the sample's top 14 bits (sign included): G.711 ignores the
/// two lowest bits of a 16-bit sample, so this is exact.
const ENCODE: [u8; 16384] = {
    let mut t = [0u8; 16384];
    let mut i = 0;
    while i < 16384 {
        let sample = ((i as u32) << 2) as u16 as i16;
        t[i] = encode_slow(sample);
        i += 1;
    }
    t
};

/// Encodes one linear sample to µ-law.
#[inline]
pub fn encode(sample: i16) -> u8 {
    ENCODE[((sample as u16) >> 2) as usize]
}

/// Decodes one µ-law byte to a linear sample.
#[inline]
pub fn decode(byte: u8) -> i16 {
    DECODE[byte as usize]
}

/// Encodes linear samples to µ-law bytes.
pub fn encode_all(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|&s| encode(s)).collect()
}

/// Decodes µ-law bytes to linear samples.
pub fn decode_all(bytes: &[u8]) -> Vec<i16> {
    bytes.iter().map(|&b| decode(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_reference_encoder_for_every_sample() {
        for s in i16::MIN..=i16::MAX {
            assert_eq!(encode(s), encode_slow(s), "sample {s}");
        }
    }

    #[test]
    fn g711_reference_values() {
        // Values from the ITU-T G.711 µ-law tables (and every G.711 implementation).
        assert_eq!(encode(0), 0xFF);
        assert_eq!(encode(-1), 0x7F);
        assert_eq!(encode(32767), 0x80);
        assert_eq!(encode(-32768), 0x00);
        assert_eq!(decode(0xFF), 0);
        assert_eq!(decode(0x7F), 0);
        assert_eq!(decode(0x80), 32124);
        assert_eq!(decode(0x00), -32124);
        assert_eq!(decode(0xF0), 120);
        assert_eq!(decode(0x70), -120);
        assert_eq!(decode(0xEF), 132);
        assert_eq!(decode(0x8F), 16764);
        assert_eq!(decode(0xA0), 7932);
        // Small negatives follow G.191 (one's complement before the shift).
        assert_eq!(encode(-4), 0x7F);
        assert_eq!(encode(-5), 0x7E);
        assert_eq!(encode(100), 0xF2);
    }

    #[test]
    fn every_code_round_trips() {
        for b in 0u8..=255 {
            let back = encode(decode(b));
            // 0x7F (negative zero) decodes to 0, which encodes as 0xFF (positive zero).
            if b == 0x7F {
                assert_eq!(back, 0xFF);
            } else {
                assert_eq!(back, b, "code {b:#04x}");
            }
        }
    }

    #[test]
    fn quantisation_error_is_bounded() {
        // µ-law's step grows with the segment; the error stays under half a step (~3 %).
        for s in (-32000i32..32000).step_by(7) {
            let s = s as i16;
            let err = (decode(encode(s)) as i32 - s as i32).abs();
            let bound = (s as i32).abs() / 16 + 8;
            assert!(err <= bound, "sample {s} err {err}");
        }
    }

    proptest::proptest! {
        /// Encoding is idempotent after one round: µ-law's decoded values are its fixed points.
        #[test]
        fn decode_encode_is_a_projection(samples: Vec<i16>) {
            let once = decode_all(&encode_all(&samples));
            proptest::prop_assert_eq!(decode_all(&encode_all(&once)), once);
        }
    }
}

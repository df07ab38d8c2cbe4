//! Protobuf varints, for the hand-written codecs of the per-frame path: the server's
//! (`server::wire`) and the load generator's (`fcstream-load`'s `wire`). One definition, so
//! both write what prost writes.

use bytes::BufMut;

/// Bytes `v` takes as a varint: one per 7 bits, at least one.
pub fn len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// Writes `v` as a varint.
pub fn put(dst: &mut impl BufMut, mut v: u64) {
    while v >= 0x80 {
        dst.put_u8((v as u8) | 0x80);
        v >>= 7;
    }
    dst.put_u8(v as u8);
}

#[cfg(test)]
mod tests {
    #[test]
    fn lengths_and_bytes_agree_with_prost() {
        for v in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u64::MAX / 3,
            u64::MAX,
        ] {
            let mut ours = Vec::new();
            super::put(&mut ours, v);
            let mut prost_bytes = Vec::new();
            prost::encoding::encode_varint(v, &mut prost_bytes);
            assert_eq!(ours, prost_bytes, "{v}");
            assert_eq!(super::len(v), ours.len(), "{v}");
            assert_eq!(super::len(v), prost::encoding::encoded_len_varint(v));
        }
    }
}

//! Cutting audio into the 20 ms frames a FreeClimb stream carries.
//!
//! The platform plays audio sent to it in 20 ms frames (160, 320 or 640 bytes depending on
//! the [`ContentType`]). [`frames`] cuts a whole clip, sharing its memory; [`Framer`] does
//! the same for audio that arrives in pieces of any size. A final partial frame is padded
//! with silence of the right kind (`0xFF` for µ-law, zero for l16) so every frame sent is
//! full length.

use std::iter::FusedIterator;

use bytes::{Bytes, BytesMut};

use super::ContentType;

/// The byte that encodes silence in `ct`: `0xFF` (µ-law zero) or `0x00` (l16 zero).
///
/// ```
/// use fcstream::audio::{frame, ContentType};
/// assert_eq!(frame::silence_byte(ContentType::Mulaw8k), 0xFF);
/// assert_eq!(frame::silence_byte(ContentType::L16At16k), 0x00);
/// ```
pub fn silence_byte(ct: ContentType) -> u8 {
    if ct.is_mulaw() {
        super::mulaw::encode(0)
    } else {
        0
    }
}

/// One 20 ms frame of silence in `ct`.
///
/// ```
/// use fcstream::audio::{frame, ContentType};
/// let f = frame::silence_frame(ContentType::Mulaw8k);
/// assert_eq!(f.len(), 160);
/// assert!(f.iter().all(|&b| b == 0xFF));
/// ```
pub fn silence_frame(ct: ContentType) -> Bytes {
    Bytes::from(vec![silence_byte(ct); ct.frame_bytes()])
}

/// Cuts `data` into 20 ms frames of `ct`, each exactly [`ContentType::frame_bytes`] long.
///
/// Full frames are zero-copy slices of `data`; a partial last frame is copied and padded
/// with silence. Empty data gives no frames.
///
/// ```
/// use bytes::Bytes;
/// use fcstream::audio::{frame, ContentType};
/// let data = Bytes::from(vec![0u8; 24_001]); // 3 s of µ-law and one byte
/// let frames: Vec<Bytes> = frame::frames(&data, ContentType::Mulaw8k).collect();
/// assert_eq!(frames.len(), 151);
/// assert!(frames.iter().all(|f| f.len() == 160));
/// assert_eq!(frames[150][0], 0);
/// assert!(frames[150][1..].iter().all(|&b| b == 0xFF));
/// ```
pub fn frames(data: &Bytes, ct: ContentType) -> Frames {
    Frames {
        data: data.clone(),
        ct,
        pos: 0,
    }
}

/// Iterator over the 20 ms frames of a clip; see [`frames`].
#[derive(Debug, Clone)]
pub struct Frames {
    data: Bytes,
    ct: ContentType,
    pos: usize,
}

impl Iterator for Frames {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let size = self.ct.frame_bytes();
        let remaining = self.data.len().saturating_sub(self.pos);
        if remaining == 0 {
            return None;
        }
        let start = self.pos;
        if remaining >= size {
            self.pos += size;
            Some(self.data.slice(start..start + size))
        } else {
            self.pos = self.data.len();
            Some(pad(&self.data[start..], self.ct))
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self
            .data
            .len()
            .saturating_sub(self.pos)
            .div_ceil(self.ct.frame_bytes());
        (n, Some(n))
    }
}

impl ExactSizeIterator for Frames {}

impl FusedIterator for Frames {}

/// `partial` (shorter than a frame) followed by silence up to one frame.
fn pad(partial: &[u8], ct: ContentType) -> Bytes {
    let mut frame = Vec::with_capacity(ct.frame_bytes());
    frame.extend_from_slice(partial);
    frame.resize(ct.frame_bytes(), silence_byte(ct));
    Bytes::from(frame)
}

/// Streaming framer: accepts audio in pieces of any size and hands out full 20 ms frames.
///
/// ```
/// use fcstream::audio::{frame::Framer, ContentType};
/// let mut framer = Framer::new(ContentType::L16At8k);
/// framer.push(&[1u8; 500]);
/// assert_eq!(framer.pop().map(|f| f.len()), Some(320));
/// assert!(framer.pop().is_none()); // 180 bytes wait for more
/// let last = framer.flush().unwrap(); // padded with zeros
/// assert_eq!(last.len(), 320);
/// assert_eq!(&last[179..181], &[1, 0]);
/// assert!(framer.flush().is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Framer {
    ct: ContentType,
    buf: BytesMut,
}

impl Framer {
    /// A framer for `ct` with nothing buffered.
    pub fn new(ct: ContentType) -> Self {
        Self {
            ct,
            buf: BytesMut::new(),
        }
    }

    /// The content type frames are cut for.
    pub fn content_type(&self) -> ContentType {
        self.ct
    }

    /// Appends audio bytes.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// The next full frame, or `None` while less than a frame is buffered.
    pub fn pop(&mut self) -> Option<Bytes> {
        let size = self.ct.frame_bytes();
        (self.buf.len() >= size).then(|| self.buf.split_to(size).freeze())
    }

    /// Everything still buffered as one frame padded with silence (call it after the last
    /// [`Framer::pop`] returned `None`), or `None` if nothing is buffered. If a full frame or
    /// more is still buffered, the next full frame is returned instead.
    pub fn flush(&mut self) -> Option<Bytes> {
        if let Some(frame) = self.pop() {
            return Some(frame);
        }
        if self.buf.is_empty() {
            return None;
        }
        let rest = self.buf.split();
        Some(pad(&rest, self.ct))
    }

    /// Bytes buffered and not yet handed out.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Duration;

    #[test]
    fn frame_sizes_per_type() {
        for (ct, size) in [
            (ContentType::Mulaw8k, 160),
            (ContentType::L16At8k, 320),
            (ContentType::L16At16k, 640),
        ] {
            let data = Bytes::from(vec![7u8; size * 4 + 3]);
            let all: Vec<Bytes> = frames(&data, ct).collect();
            assert_eq!(all.len(), 5);
            assert!(all.iter().all(|f| f.len() == size));
            assert_eq!(silence_frame(ct).len(), size);
        }
    }

    #[test]
    fn padding_is_silence_of_the_right_kind() {
        let data = Bytes::from_static(&[1, 2, 3]);
        let mu: Vec<Bytes> = frames(&data, ContentType::Mulaw8k).collect();
        assert_eq!(&mu[0][..3], &[1, 2, 3]);
        assert!(mu[0][3..].iter().all(|&b| b == 0xFF));
        assert_eq!(super::super::mulaw::decode(0xFF), 0);
        let l16: Vec<Bytes> = frames(&data, ContentType::L16At16k).collect();
        assert!(l16[0][3..].iter().all(|&b| b == 0));
        assert!(silence_frame(ContentType::L16At8k).iter().all(|&b| b == 0));
    }

    #[test]
    fn counts() {
        let ct = ContentType::Mulaw8k;
        let three_s = ct.bytes_for(Duration::from_secs(3));
        let data = Bytes::from(vec![0u8; three_s]);
        assert_eq!(frames(&data, ct).count(), 150);
        assert_eq!(frames(&data, ct).len(), 150);
        let data = Bytes::from(vec![0u8; three_s + 1]);
        assert_eq!(frames(&data, ct).count(), 151);
        assert_eq!(frames(&Bytes::new(), ct).count(), 0);
        let one = Bytes::from(vec![0u8; 640]);
        assert_eq!(frames(&one, ContentType::L16At16k).count(), 1);
    }

    #[test]
    fn full_frames_share_memory() {
        let data = Bytes::from(vec![5u8; 480]);
        let all: Vec<Bytes> = frames(&data, ContentType::Mulaw8k).collect();
        for (i, f) in all.iter().enumerate() {
            assert_eq!(f.as_ptr(), data[i * 160..].as_ptr());
        }
    }

    fn framer_output(ct: ContentType, data: &[u8], chunks: &[usize]) -> Vec<Bytes> {
        let mut framer = Framer::new(ct);
        let mut out = Vec::new();
        let mut rest = data;
        let mut sizes = chunks.iter().cycle();
        while !rest.is_empty() {
            let n = sizes
                .next()
                .copied()
                .unwrap_or(rest.len())
                .clamp(1, rest.len());
            framer.push(&rest[..n]);
            rest = &rest[n..];
            while let Some(f) = framer.pop() {
                out.push(f);
            }
        }
        out.extend(framer.flush());
        assert_eq!(framer.buffered(), 0);
        assert!(framer.flush().is_none());
        out
    }

    #[test]
    fn framer_matches_frames() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        for ct in ContentType::ALL {
            let want: Vec<Bytes> = frames(&Bytes::from(data.clone()), ct).collect();
            for chunks in [&[1usize][..], &[7, 300], &[160], &[5000], &[999, 1, 2]] {
                assert_eq!(framer_output(ct, &data, chunks), want, "{ct} {chunks:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn frames_reproduce_input_then_padding(
            data in proptest::collection::vec(any::<u8>(), 0..2000),
            ct_index in 0usize..3,
            chunks in proptest::collection::vec(1usize..700, 1..10),
        ) {
            let ct = ContentType::ALL[ct_index];
            let all: Vec<Bytes> = frames(&Bytes::from(data.clone()), ct).collect();
            let joined: Vec<u8> = all.iter().flat_map(|f| f.iter().copied()).collect();
            prop_assert!(all.iter().all(|f| f.len() == ct.frame_bytes()));
            prop_assert_eq!(joined.len(), data.len().div_ceil(ct.frame_bytes()) * ct.frame_bytes());
            prop_assert_eq!(&joined[..data.len()], &data[..]);
            prop_assert!(joined[data.len()..].iter().all(|&b| b == silence_byte(ct)));
            prop_assert_eq!(framer_output(ct, &data, &chunks), all);
        }
    }
}

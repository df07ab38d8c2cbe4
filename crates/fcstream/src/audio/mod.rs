//! Audio as a call needs it: the three wire formats, codecs, resampling, framing, WAV files
//! and DTMF tones.
//!
//! [`Audio`] is the one type users hand to [`crate::CallControl::play`]: a clip in some format,
//! held as [`Bytes`] so clones are free. It converts itself to the call's content type when
//! played (a clip already in that format is sent without a copy).

pub mod content_type;
pub mod dtmf;
pub mod frame;
pub mod l16;
pub mod mulaw;
pub mod resample;
pub mod wav;

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;

pub use content_type::{ContentType, ContentTypeError};
pub use l16::ByteOrder;

/// Errors from audio conversion and files.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// A content type none of the supported three.
    #[error(transparent)]
    ContentType(#[from] ContentTypeError),
    /// Bytes that are not a whole number of samples for their format.
    #[error("{len} bytes is not a whole number of {bytes_per_sample}-byte samples")]
    PartialSample {
        /// Payload length.
        len: usize,
        /// Sample width of the format.
        bytes_per_sample: usize,
    },
    /// A WAV file that could not be read or written.
    #[error("WAV file: {0}")]
    Wav(#[from] hound::Error),
    /// A WAV file in a layout fcstream does not convert (e.g. 24-bit float).
    #[error("unsupported WAV layout: {0}")]
    UnsupportedWav(String),
    /// A sample rate the resampler cannot handle.
    #[error("cannot resample from {from} Hz to {to} Hz: {reason}")]
    Resample {
        /// Source rate.
        from: u32,
        /// Target rate.
        to: u32,
        /// What went wrong.
        reason: String,
    },
    /// An I/O error reading or writing a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// What the bytes of an [`Audio`] are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudioFormat {
    /// Already in a wire format, ready to send to a call of that content type.
    Wire(ContentType),
    /// 16-bit linear PCM, mono, native little-endian, at any sample rate (for example a WAV).
    Pcm16 {
        /// Samples per second.
        rate: u32,
    },
}

impl AudioFormat {
    /// Samples per second.
    pub fn sample_rate(self) -> u32 {
        match self {
            Self::Wire(ct) => ct.sample_rate(),
            Self::Pcm16 { rate } => rate,
        }
    }

    fn bytes_per_sample(self) -> usize {
        match self {
            Self::Wire(ct) => ct.bytes_per_sample(),
            Self::Pcm16 { .. } => 2,
        }
    }
}

/// A clip of mono audio. Cheap to clone (the samples are shared [`Bytes`]).
///
/// ```
/// use fcstream::audio::{Audio, ContentType};
/// use std::time::Duration;
/// let beep = Audio::tone(1000.0, Duration::from_millis(200), 16000);
/// let wire = beep.convert(ContentType::Mulaw8k).unwrap();
/// assert_eq!(wire.data().len(), 1600); // 200 ms at 8000 one-byte samples per second
/// assert_eq!(wire.duration(), Duration::from_millis(200));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audio {
    /// What the bytes are.
    format: AudioFormat,
    /// The samples, in `format`.
    data: Bytes,
}

impl Audio {
    /// Audio already encoded in a call's wire format. The length must be whole samples.
    pub fn from_wire(
        content_type: ContentType,
        data: impl Into<Bytes>,
    ) -> Result<Self, AudioError> {
        let data = data.into();
        check_whole_samples(data.len(), content_type.bytes_per_sample())?;
        Ok(Self {
            format: AudioFormat::Wire(content_type),
            data,
        })
    }

    /// Linear 16-bit samples at `rate` Hz.
    pub fn from_pcm(rate: u32, samples: &[i16]) -> Self {
        let mut data = Vec::with_capacity(samples.len() * 2);
        for s in samples {
            data.extend_from_slice(&s.to_le_bytes());
        }
        Self {
            format: AudioFormat::Pcm16 { rate },
            data: data.into(),
        }
    }

    /// Silence of `duration` in a wire format.
    pub fn silence(content_type: ContentType, duration: Duration) -> Self {
        let byte = if content_type.is_mulaw() {
            mulaw::encode(0)
        } else {
            0
        };
        Self {
            format: AudioFormat::Wire(content_type),
            data: vec![byte; content_type.bytes_for(duration)].into(),
        }
    }

    /// A sine tone of `freq` Hz at about -6 dBFS, `duration` long, at `rate` Hz.
    pub fn tone(freq: f64, duration: Duration, rate: u32) -> Self {
        let n = (duration.as_secs_f64() * f64::from(rate)).round() as usize;
        let samples: Vec<i16> = (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                (16384.0 * (2.0 * std::f64::consts::PI * freq * t).sin()) as i16
            })
            .collect();
        Self::from_pcm(rate, &samples)
    }

    /// Reads a WAV file (8/16/22.05/44.1/48 kHz or any other rate, any channel count;
    /// 8/16/24/32-bit integer, 32/64-bit float, µ-law or A-law: see [`wav`]). Channels are
    /// mixed down to mono. Every error names the file ([`wav::read_file`]).
    pub fn from_wav(path: impl AsRef<Path>) -> Result<Self, AudioError> {
        let (rate, samples) = wav::read_file(path.as_ref())?;
        Ok(Self::from_pcm(rate, &samples))
    }

    /// Reads a WAV file held in memory.
    pub fn from_wav_bytes(bytes: &[u8]) -> Result<Self, AudioError> {
        let (rate, samples) = wav::read_bytes(bytes)?;
        Ok(Self::from_pcm(rate, &samples))
    }

    /// Writes the clip as a 16-bit mono WAV at its own sample rate.
    pub fn write_wav(&self, path: impl AsRef<Path>) -> Result<(), AudioError> {
        wav::write_file(path.as_ref(), self.sample_rate(), &self.samples())
    }

    /// The format of the bytes.
    pub fn format(&self) -> AudioFormat {
        self.format
    }

    /// Samples per second.
    pub fn sample_rate(&self) -> u32 {
        self.format.sample_rate()
    }

    /// The raw bytes in [`Audio::format`].
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// Whether the clip holds no samples.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// How long the clip lasts.
    pub fn duration(&self) -> Duration {
        let samples = (self.data.len() / self.format.bytes_per_sample()) as u64;
        Duration::from_micros(samples * 1_000_000 / u64::from(self.sample_rate().max(1)))
    }

    /// The clip as linear samples at its own rate.
    pub fn samples(&self) -> Vec<i16> {
        match self.format {
            AudioFormat::Wire(ct) if ct.is_mulaw() => mulaw::decode_all(&self.data),
            AudioFormat::Wire(_) => l16::decode(&self.data),
            AudioFormat::Pcm16 { .. } => l16::decode_with(&self.data, ByteOrder::LittleEndian),
        }
    }

    /// The clip in a call's wire format: decoded, resampled if the rate differs, encoded.
    /// A clip already in `target` is returned as is, without copying.
    pub fn convert(&self, target: ContentType) -> Result<Audio, AudioError> {
        if self.format == AudioFormat::Wire(target) {
            return Ok(self.clone());
        }
        let samples = self.samples();
        let samples = if self.sample_rate() == target.sample_rate() {
            samples
        } else {
            resample::resample(&samples, self.sample_rate(), target.sample_rate())?
        };
        Ok(Self::encode(target, &samples))
    }

    /// Encodes linear samples (already at `target`'s rate) into `target`'s wire format.
    pub fn encode(target: ContentType, samples: &[i16]) -> Audio {
        let data = if target.is_mulaw() {
            mulaw::encode_all(samples)
        } else {
            l16::encode(samples)
        };
        Self {
            format: AudioFormat::Wire(target),
            data: data.into(),
        }
    }
}

fn check_whole_samples(len: usize, bytes_per_sample: usize) -> Result<(), AudioError> {
    if len % bytes_per_sample != 0 {
        return Err(AudioError::PartialSample {
            len,
            bytes_per_sample,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convert_same_format_shares_memory() {
        let a = Audio::silence(ContentType::L16At8k, Duration::from_millis(40));
        let b = a.convert(ContentType::L16At8k).unwrap();
        assert_eq!(a.data().as_ptr(), b.data().as_ptr());
    }

    #[test]
    fn from_wire_rejects_half_samples() {
        assert!(matches!(
            Audio::from_wire(ContentType::L16At16k, vec![0u8; 3]),
            Err(AudioError::PartialSample { len: 3, .. })
        ));
        assert!(Audio::from_wire(ContentType::Mulaw8k, vec![0u8; 3]).is_ok());
    }

    #[test]
    fn durations() {
        let a = Audio::silence(ContentType::Mulaw8k, Duration::from_secs(3));
        assert_eq!(a.data().len(), 24000);
        assert_eq!(a.duration(), Duration::from_secs(3));
        let t = Audio::tone(440.0, Duration::from_millis(500), 44100);
        assert_eq!(t.duration(), Duration::from_millis(500));
    }

    #[test]
    fn mulaw_l16_conversions_keep_samples_close() {
        let tone = Audio::tone(500.0, Duration::from_millis(100), 8000);
        let mu = tone.convert(ContentType::Mulaw8k).unwrap();
        let l16 = mu.convert(ContentType::L16At8k).unwrap();
        let (a, b) = (tone.samples(), l16.samples());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!((i32::from(*x) - i32::from(*y)).abs() <= i32::from(x.unsigned_abs() / 16 + 8));
        }
    }

    #[test]
    fn wav_48k_stereo_converts_to_l16_16k_with_right_duration() {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = std::io::Cursor::new(Vec::new());
        {
            let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
            for i in 0..24_000 {
                let t = f64::from(i) / 48000.0;
                let s = (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16;
                w.write_sample(s).unwrap();
                w.write_sample(s / 2).unwrap();
            }
            w.finalize().unwrap();
        }
        let clip = Audio::from_wav_bytes(cursor.get_ref()).unwrap();
        assert_eq!(clip.format(), AudioFormat::Pcm16 { rate: 48000 });
        assert_eq!(clip.duration(), Duration::from_millis(500));
        let wire = clip.convert(ContentType::L16At16k).unwrap();
        assert_eq!(wire.format(), AudioFormat::Wire(ContentType::L16At16k));
        assert_eq!(wire.data().len(), 16_000); // 8000 samples of 2 bytes
        assert_eq!(wire.duration(), Duration::from_millis(500));
        // The mix-down is the mean of the channels: peak about 6000.
        let peak = wire.samples().iter().map(|s| s.unsigned_abs()).max();
        assert!(peak.is_some_and(|p| (5700..=6300).contains(&p)), "{peak:?}");
    }
}

//! WAV files in and out: how prompts get into a call and recordings get out of one.
//!
//! Reading accepts what audio and telephony tools commonly write: 8, 16, 24 or 32-bit
//! integer PCM, 32 or 64-bit float, 8-bit µ-law (`WAVE_FORMAT_MULAW`, the usual telephone
//! prompt) and 8-bit A-law, plain or `WAVE_FORMAT_EXTENSIBLE`, any number of channels (mixed
//! down to mono by averaging) and any sample rate; the result is always mono 16-bit samples
//! plus the file's rate, ready for [`super::resample`]. Writing always produces 16-bit mono
//! PCM.
//!
//! The reader is a small RIFF parser of its own (hound reads neither µ-law, A-law nor 64-bit
//! float): every chunk size is checked against the bytes that are really there before
//! anything is read, so malformed input is an [`AudioError`], never a panic or a large
//! allocation; files that are not WAV at all (MP3, Ogg, FLAC, AIFF, an empty file) say so.

use std::fs::File;
use std::io::{BufWriter, Cursor, Seek, Write};
use std::path::Path;

use hound::{SampleFormat, WavSpec, WavWriter};

use super::AudioError;

/// `wFormatTag` of integer PCM.
const FORMAT_PCM: u16 = 0x0001;
/// `wFormatTag` of IEEE float.
const FORMAT_FLOAT: u16 = 0x0003;
/// `wFormatTag` of G.711 A-law.
const FORMAT_ALAW: u16 = 0x0006;
/// `wFormatTag` of G.711 µ-law.
const FORMAT_MULAW: u16 = 0x0007;
/// `wFormatTag` of `WAVE_FORMAT_EXTENSIBLE`: the real format is the sub-format GUID's first
/// two bytes.
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;

/// Reads a WAV file to `(sample rate, mono samples)`.
///
/// Every error names the file: it is an [`AudioError::Io`] with the path. When the file could
/// be read but is not a WAV fcstream reads, the `Io` error's source is an
/// [`std::io::Error`] of kind [`InvalidData`](std::io::ErrorKind::InvalidData) that wraps the
/// [`AudioError::Wav`] or [`AudioError::UnsupportedWav`] that [`read_bytes`] gives for the
/// same bytes. The whole file is read into memory (a WAV is at most 4 GiB; prompts are small).
///
/// ```
/// use fcstream::audio::wav;
/// let path = std::env::temp_dir().join(format!("fcstream-doc-read-{}.wav", std::process::id()));
/// wav::write_file(&path, 8000, &[0, 100, -100]).unwrap();
/// assert_eq!(wav::read_file(&path).unwrap(), (8000, vec![0, 100, -100]));
/// std::fs::write(&path, b"ID3\x04 not really").unwrap();
/// let err = wav::read_file(&path).unwrap_err().to_string();
/// assert!(err.contains("fcstream-doc-read") && err.contains("MP3"), "{err}");
/// std::fs::remove_file(&path).unwrap();
/// let err = wav::read_file(std::path::Path::new("no/such/file.wav")).unwrap_err();
/// assert!(err.to_string().contains("no/such/file.wav"));
/// ```
pub fn read_file(path: &Path) -> Result<(u32, Vec<i16>), AudioError> {
    let bytes = std::fs::read(path).map_err(|source| io_error(path, source))?;
    read(&bytes).map_err(|e| {
        io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })
}

/// Reads WAV bytes held in memory to `(sample rate, mono samples)`. Errors as for
/// [`read_file`], less the I/O ones.
///
/// ```
/// use fcstream::audio::wav;
/// let bytes = wav::write_bytes(16000, &[1, 2, 3]).unwrap();
/// assert_eq!(wav::read_bytes(&bytes).unwrap(), (16000, vec![1, 2, 3]));
/// assert!(wav::read_bytes(b"not a wav file").is_err());
/// ```
pub fn read_bytes(bytes: &[u8]) -> Result<(u32, Vec<i16>), AudioError> {
    read(bytes)
}

/// Writes a 16-bit mono PCM WAV file at `rate` Hz, replacing any file at `path`.
///
/// ```
/// use fcstream::audio::wav;
/// let path = std::env::temp_dir().join(format!("fcstream-doc-write-{}.wav", std::process::id()));
/// wav::write_file(&path, 16000, &[0; 320]).unwrap();
/// assert_eq!(std::fs::metadata(&path).unwrap().len(), 44 + 640);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn write_file(path: &Path, rate: u32, samples: &[i16]) -> Result<(), AudioError> {
    check_rate(rate)?;
    let file = File::create(path).map_err(|source| io_error(path, source))?;
    let mut out = BufWriter::new(file);
    write(&mut out, rate, samples)?;
    out.flush().map_err(|source| io_error(path, source))
}

/// Encodes a 16-bit mono PCM WAV in memory.
///
/// ```
/// use fcstream::audio::wav;
/// let bytes = wav::write_bytes(8000, &[0; 160]).unwrap();
/// assert_eq!(&bytes[..4], b"RIFF");
/// assert_eq!(bytes.len(), 44 + 320);
/// ```
pub fn write_bytes(rate: u32, samples: &[i16]) -> Result<Vec<u8>, AudioError> {
    check_rate(rate)?;
    let mut out = Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    write(&mut out, rate, samples)?;
    Ok(out.into_inner())
}

fn io_error(path: &Path, source: std::io::Error) -> AudioError {
    AudioError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn check_rate(rate: u32) -> Result<(), AudioError> {
    if rate == 0 {
        return Err(AudioError::UnsupportedWav("sample rate 0 Hz".into()));
    }
    Ok(())
}

fn write<W: Write + Seek>(out: W, rate: u32, samples: &[i16]) -> Result<(), AudioError> {
    let spec = WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: SampleFormat::Int,
    };
    let mut writer = WavWriter::new(out, spec)?;
    {
        let mut w = writer.get_i16_writer(u32::try_from(samples.len()).map_err(|_| {
            AudioError::UnsupportedWav(format!("{} samples is too long for WAV", samples.len()))
        })?);
        for &s in samples {
            w.write_sample(s);
        }
        w.flush()?;
    }
    writer.finalize()?;
    Ok(())
}

/// Malformed or foreign input: [`AudioError::Wav`] with `why` as its whole text.
fn malformed(why: impl Into<String>) -> AudioError {
    AudioError::Wav(hound::Error::IoError(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        why.into(),
    )))
}

/// What a file that is not RIFF/WAVE probably is, from its first bytes.
fn not_wav(bytes: &[u8]) -> AudioError {
    let what = if bytes.starts_with(b"ID3")
        || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
    {
        "it looks like MP3"
    } else if bytes.starts_with(b"OggS") {
        "it looks like Ogg (Vorbis or Opus)"
    } else if bytes.starts_with(b"fLaC") {
        "it looks like FLAC"
    } else if bytes.starts_with(b"FORM") {
        "it looks like AIFF"
    } else if bytes.starts_with(b"RF64") {
        return AudioError::UnsupportedWav("RF64 (a WAV over 4 GiB)".into());
    } else if bytes.starts_with(b"RIFF") {
        "a RIFF file, but not WAVE"
    } else {
        "no RIFF/WAVE header"
    };
    malformed(format!(
        "not a WAV file: {what} (convert it, e.g. ffmpeg -i IN -ar 8000 -ac 1 OUT.wav)"
    ))
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The `fmt ` chunk, as far as decoding needs it.
#[derive(Debug, Clone, Copy)]
struct Fmt {
    /// The format tag (the sub-format's, for an extensible file).
    tag: u16,
    /// Interleaved channels.
    channels: u16,
    /// Frames per second.
    rate: u32,
    /// Bytes per frame (all channels).
    block_align: u16,
    /// Bits per sample as stored (the container width).
    bits: u16,
}

fn parse_fmt(body: &[u8]) -> Result<Fmt, AudioError> {
    if body.len() < 16 {
        return Err(malformed(format!(
            "the fmt chunk is {} bytes, at least 16 are needed",
            body.len()
        )));
    }
    let mut tag = u16_at(body, 0);
    if tag == FORMAT_EXTENSIBLE {
        if body.len() < 40 {
            return Err(malformed(format!(
                "the extensible fmt chunk is {} bytes, 40 are needed",
                body.len()
            )));
        }
        tag = u16_at(body, 24);
    }
    Ok(Fmt {
        tag,
        channels: u16_at(body, 2),
        rate: u32_at(body, 4),
        block_align: u16_at(body, 12),
        bits: u16_at(body, 14),
    })
}

/// The name of a format tag fcstream does not decode, for the error.
fn format_name(tag: u16) -> String {
    let name = match tag {
        0x0002 => "Microsoft ADPCM",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0055 => "MP3",
        0x0064 | 0x0065 => "G.726 ADPCM",
        0x0161 => "Windows Media Audio",
        _ => "",
    };
    if name.is_empty() {
        format!("format tag {tag:#06x}")
    } else {
        format!("{name} (format tag {tag:#06x})")
    }
}

/// One stored sample of `width` bytes as a float in [-1, 1).
type Decode = fn(&[u8]) -> f64;

fn decoder(fmt: &Fmt) -> Result<Decode, AudioError> {
    let width = usize::from(fmt.bits).div_ceil(8);
    let unsupported = || {
        AudioError::UnsupportedWav(format!(
            "{}-bit {} (use 8/16/24/32-bit integer PCM, 32/64-bit float, 8-bit µ-law or A-law)",
            fmt.bits,
            match fmt.tag {
                FORMAT_PCM => "integer PCM".to_string(),
                FORMAT_FLOAT => "float".to_string(),
                FORMAT_MULAW => "µ-law".to_string(),
                FORMAT_ALAW => "A-law".to_string(),
                other => format_name(other),
            }
        ))
    };
    let decode: Decode = match (fmt.tag, width) {
        // 8-bit PCM is unsigned, the wider widths signed; all left-justified in the container.
        (FORMAT_PCM, 1) => |b| (f64::from(b[0]) - 128.0) / 128.0,
        (FORMAT_PCM, 2) => |b| f64::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0,
        (FORMAT_PCM, 3) => {
            |b| f64::from(i32::from_le_bytes([0, b[0], b[1], b[2]])) / 2_147_483_648.0
        }
        (FORMAT_PCM, 4) => {
            |b| f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])) / 2_147_483_648.0
        }
        (FORMAT_FLOAT, 4) if fmt.bits == 32 => |b| {
            let v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            if v.is_finite() {
                f64::from(v)
            } else {
                0.0
            }
        },
        (FORMAT_FLOAT, 8) if fmt.bits == 64 => |b| {
            let v = f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            if v.is_finite() {
                v
            } else {
                0.0
            }
        },
        (FORMAT_MULAW, 1) => |b| f64::from(super::mulaw::decode(b[0])) / 32768.0,
        (FORMAT_ALAW, 1) => |b| f64::from(alaw_decode(b[0])) / 32768.0,
        _ => return Err(unsupported()),
    };
    Ok(decode)
}

/// G.711 A-law to linear (the ITU-T reference expansion, 13 bits scaled to 16).
fn alaw_decode(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let exponent = (a >> 4) & 0x07;
    let mut t = (i16::from(a & 0x0F) << 4) + 8;
    if exponent > 0 {
        t = (t + 0x100) << (exponent - 1);
    }
    if a & 0x80 != 0 {
        t
    } else {
        -t
    }
}

fn read(bytes: &[u8]) -> Result<(u32, Vec<i16>), AudioError> {
    if bytes.is_empty() {
        return Err(malformed("the file is empty (0 bytes)"));
    }
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(not_wav(bytes));
    }
    // The chunks, each size checked against what follows (the RIFF size itself is often
    // wrong in files that were cut or streamed, and is not needed).
    let (mut fmt, mut data) = (None, None);
    let mut at = 12;
    while bytes.len() - at >= 8 {
        let id = &bytes[at..at + 4];
        let body = at + 8;
        let available = bytes.len() - body;
        let size = match u32_at(bytes, at + 4) {
            // A writer that could not seek back (a pipe) leaves this placeholder: the data
            // runs to the end of the file.
            u32::MAX if id == b"data" => available,
            size => size as usize,
        };
        if size > available {
            return Err(malformed(format!(
                "the {:?} chunk declares {size} bytes but only {available} follow (a truncated \
                 file?)",
                String::from_utf8_lossy(id)
            )));
        }
        match id {
            b"fmt " if fmt.is_none() => fmt = Some(parse_fmt(&bytes[body..body + size])?),
            b"data" if data.is_none() => data = Some(&bytes[body..body + size]),
            _ => {}
        }
        if fmt.is_some() && data.is_some() {
            break;
        }
        // Chunks are padded to an even length.
        at = body + size + (size & 1);
        if at > bytes.len() {
            break;
        }
    }
    let fmt = fmt.ok_or_else(|| malformed("no fmt chunk: not a complete WAV file"))?;
    let data = data.ok_or_else(|| malformed("no data chunk: not a complete WAV file"))?;
    let channels = usize::from(fmt.channels);
    if channels == 0 {
        return Err(AudioError::UnsupportedWav("zero channels".into()));
    }
    if fmt.rate == 0 {
        return Err(AudioError::UnsupportedWav("sample rate 0 Hz".into()));
    }
    let decode = decoder(&fmt)?;
    let width = usize::from(fmt.bits).div_ceil(8);
    if usize::from(fmt.block_align) != width * channels {
        return Err(malformed(format!(
            "inconsistent fmt chunk: {} bytes per frame for {channels} channel(s) of {} bits",
            fmt.block_align, fmt.bits
        )));
    }
    // A trailing partial frame is dropped.
    let mono = data
        .chunks_exact(width * channels)
        .map(|frame| {
            let sum: f64 = frame.chunks_exact(width).map(decode).sum();
            (sum / channels as f64 * 32768.0)
                .round()
                .clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
        })
        .collect();
    Ok((fmt.rate, mono))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encode<F>(spec: WavSpec, frames: usize, mut write_frame: F) -> Vec<u8>
    where
        F: FnMut(&mut WavWriter<&mut Cursor<Vec<u8>>>, usize),
    {
        let mut cursor = Cursor::new(Vec::new());
        {
            let mut w = WavWriter::new(&mut cursor, spec).unwrap();
            for i in 0..frames {
                write_frame(&mut w, i);
            }
            w.finalize().unwrap();
        }
        cursor.into_inner()
    }

    fn spec(channels: u16, rate: u32, bits: u16, format: SampleFormat) -> WavSpec {
        WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: bits,
            sample_format: format,
        }
    }

    #[test]
    fn round_trip_in_memory_and_on_disk() {
        let samples: Vec<i16> = (0..1000)
            .map(|i| ((i * 37) % 65536 - 32768) as i16)
            .collect();
        let bytes = write_bytes(16000, &samples).unwrap();
        assert_eq!(read_bytes(&bytes).unwrap(), (16000, samples.clone()));

        let path = std::env::temp_dir().join(format!(
            "fcstream-wav-round-trip-{}-{:?}.wav",
            std::process::id(),
            std::thread::current().id()
        ));
        write_file(&path, 8000, &samples).unwrap();
        let back = read_file(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(back.unwrap(), (8000, samples));
    }

    #[test]
    fn stereo_is_averaged() {
        let bytes = encode(spec(2, 44100, 16, SampleFormat::Int), 3, |w, i| {
            let i = i as i16;
            w.write_sample(1000 * i).unwrap();
            w.write_sample(-3000 + 1000 * i).unwrap();
        });
        assert_eq!(read_bytes(&bytes).unwrap(), (44100, vec![-1500, -500, 500]));
    }

    #[test]
    fn eight_bit_and_wide_integers_scale_to_16_bits() {
        let bytes = encode(spec(1, 8000, 8, SampleFormat::Int), 3, |w, i| {
            w.write_sample([-128i8, 0, 127][i]).unwrap();
        });
        assert_eq!(read_bytes(&bytes).unwrap().1, vec![-32768, 0, 32512]);

        let bytes = encode(spec(1, 8000, 24, SampleFormat::Int), 2, |w, i| {
            w.write_sample([0x40_0000i32, -0x80_0000][i]).unwrap();
        });
        assert_eq!(read_bytes(&bytes).unwrap().1, vec![16384, -32768]);

        let bytes = encode(spec(3, 22050, 32, SampleFormat::Int), 1, |w, _| {
            for s in [i32::MAX, i32::MAX, i32::MAX] {
                w.write_sample(s).unwrap();
            }
        });
        assert_eq!(read_bytes(&bytes).unwrap(), (22050, vec![32767]));
    }

    #[test]
    fn float_samples_are_scaled_and_clamped() {
        let bytes = encode(spec(1, 48000, 32, SampleFormat::Float), 5, |w, i| {
            w.write_sample([0.5f32, -0.25, 2.0, -1.0, f32::NAN][i])
                .unwrap();
        });
        assert_eq!(
            read_bytes(&bytes).unwrap(),
            (48000, vec![16384, -8192, 32767, -32768, 0])
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(read_bytes(b""), Err(AudioError::Wav(_))));
        assert!(matches!(
            read_bytes(b"garbage bytes, not RIFF"),
            Err(AudioError::Wav(_))
        ));
        let good = write_bytes(8000, &[1, 2, 3, 4]).unwrap();
        assert!(read_bytes(&good[..30]).is_err());
        let missing = Path::new("/definitely/not/here.wav");
        let err = read_file(missing).unwrap_err();
        assert!(matches!(err, AudioError::Io { .. }));
        assert!(
            err.to_string().contains("/definitely/not/here.wav"),
            "{err}"
        );
        assert!(write_bytes(0, &[1]).is_err());
        let err = write_file(Path::new("/definitely/not/here.wav"), 8000, &[1]).unwrap_err();
        assert!(
            err.to_string().contains("/definitely/not/here.wav"),
            "{err}"
        );
    }

    proptest! {
        #[test]
        fn read_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = read_bytes(&bytes);
        }

        #[test]
        fn read_bytes_never_panics_on_damaged_headers(
            edits in proptest::collection::vec((0usize..80, any::<u8>()), 1..8),
            cut in 0usize..80,
        ) {
            let mut bytes = write_bytes(8000, &[1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12]).unwrap();
            for (at, value) in edits {
                if at < bytes.len() {
                    bytes[at] = value;
                }
            }
            bytes.truncate(bytes.len().saturating_sub(cut % 8));
            let _ = read_bytes(&bytes);
        }
    }
}

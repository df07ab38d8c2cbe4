//! WAV files in and out: how prompts get into a call and recordings get out of one.
//!
//! Reading accepts what audio tools commonly write: 8, 16, 24 or 32-bit integer PCM or
//! 32-bit float, any number of channels (mixed down to mono by averaging) and any sample
//! rate; the result is always mono 16-bit samples plus the file's rate, ready for
//! [`super::resample`]. Writing always produces 16-bit mono PCM. Malformed input is an
//! [`AudioError`], never a panic.

use std::fs::File;
use std::io::{BufReader, BufWriter, Cursor, Read, Seek, Write};
use std::path::Path;

use hound::{SampleFormat, WavReader, WavSpec, WavWriter};

use super::AudioError;

/// Reads a WAV file to `(sample rate, mono samples)`.
///
/// A file that cannot be opened is an [`AudioError::Io`] naming the path; malformed WAV
/// data is [`AudioError::Wav`]; a layout that is valid WAV but not one listed in the
/// [module docs](self) is [`AudioError::UnsupportedWav`].
///
/// ```
/// use fcstream::audio::wav;
/// let path = std::env::temp_dir().join(format!("fcstream-doc-read-{}.wav", std::process::id()));
/// wav::write_file(&path, 8000, &[0, 100, -100]).unwrap();
/// assert_eq!(wav::read_file(&path).unwrap(), (8000, vec![0, 100, -100]));
/// std::fs::remove_file(&path).unwrap();
/// let err = wav::read_file(std::path::Path::new("no/such/file.wav")).unwrap_err();
/// assert!(err.to_string().contains("no/such/file.wav"));
/// ```
pub fn read_file(path: &Path) -> Result<(u32, Vec<i16>), AudioError> {
    let file = File::open(path).map_err(|source| io_error(path, source))?;
    read(BufReader::new(file))
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
    read(Cursor::new(bytes))
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

fn read<R: Read>(input: R) -> Result<(u32, Vec<i16>), AudioError> {
    let mut reader = WavReader::new(input)?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    if channels == 0 {
        return Err(AudioError::UnsupportedWav("zero channels".into()));
    }
    if spec.sample_rate == 0 {
        return Err(AudioError::UnsupportedWav("sample rate 0 Hz".into()));
    }
    // Each sample as a float in [-1, 1), whatever the stored format.
    let scaled: Vec<f64> = match (spec.sample_format, spec.bits_per_sample) {
        (SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => {
            let scale = 1.0 / f64::from(1u32 << (bits - 1));
            reader
                .samples::<i32>()
                .map(|s| s.map(|s| f64::from(s) * scale))
                .collect::<Result<_, _>>()?
        }
        (SampleFormat::Float, 32) => reader
            .samples::<f32>()
            .map(|s| s.map(|s| if s.is_finite() { f64::from(s) } else { 0.0 }))
            .collect::<Result<_, _>>()?,
        (format, bits) => {
            let kind = match format {
                SampleFormat::Int => "integer",
                SampleFormat::Float => "float",
            };
            return Err(AudioError::UnsupportedWav(format!(
                "{bits}-bit {kind} samples (use 8/16/24/32-bit integer or 32-bit float)"
            )));
        }
    };
    // A trailing partial frame (fewer samples than channels) is dropped.
    let mono = scaled
        .chunks_exact(channels)
        .map(|frame| {
            let mean = frame.iter().sum::<f64>() / channels as f64;
            (mean * 32768.0)
                .round()
                .clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
        })
        .collect();
    Ok((spec.sample_rate, mono))
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

//! End-to-end checks of the audio pipeline through the public API: a WAV file as a user
//! would supply it, converted to each wire format, framed, and DTMF through µ-law.

use std::io::Cursor;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use fcstream::audio::{dtmf, frame, mulaw, resample, wav, Audio, AudioError, ContentType};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A WAV with `channels` copies of a 440 Hz tone at `rate`, `frames` frames long.
fn wav_bytes(
    channels: u16,
    rate: u32,
    bits: u16,
    format: hound::SampleFormat,
    frames: u32,
) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: format,
    };
    let mut cursor = Cursor::new(Vec::new());
    {
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for i in 0..frames {
            let x =
                0.25 * (2.0 * std::f64::consts::PI * 440.0 * f64::from(i) / f64::from(rate)).sin();
            for _ in 0..channels {
                match (format, bits) {
                    (hound::SampleFormat::Float, _) => w.write_sample(x as f32).unwrap(),
                    (_, 8) => w.write_sample((x * 127.0) as i8).unwrap(),
                    (_, 16) => w.write_sample((x * 32767.0) as i16).unwrap(),
                    (_, 24) => w.write_sample((x * 8_388_607.0) as i32).unwrap(),
                    _ => w.write_sample((x * 2_147_483_647.0) as i32).unwrap(),
                }
            }
        }
        w.finalize().unwrap();
    }
    cursor.into_inner()
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "fcstream-test-{}-{}-{name}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ))
}

#[test]
fn stereo_44k1_wav_converts_to_mulaw_with_the_right_duration() -> Result<(), AudioError> {
    let bytes = wav_bytes(2, 44100, 16, hound::SampleFormat::Int, 44100 * 3 / 2);
    let wire = Audio::from_wav_bytes(&bytes)?.convert(ContentType::Mulaw8k)?;
    assert_eq!(wire.data().len(), 12_000);
    assert_eq!(wire.duration(), ms(1500));
    let frames: Vec<Bytes> = frame::frames(wire.data(), ContentType::Mulaw8k).collect();
    assert_eq!(frames.len(), 75);
    Ok(())
}

#[test]
fn every_supported_sample_layout_reads_to_the_same_clip() -> Result<(), AudioError> {
    let layouts = [
        (1, 8, hound::SampleFormat::Int),
        (1, 16, hound::SampleFormat::Int),
        (2, 24, hound::SampleFormat::Int),
        (3, 32, hound::SampleFormat::Int),
        (2, 32, hound::SampleFormat::Float),
    ];
    let reference = wav::read_bytes(&wav_bytes(1, 22050, 16, hound::SampleFormat::Int, 2205))?.1;
    for (channels, bits, format) in layouts {
        let (rate, samples) = wav::read_bytes(&wav_bytes(channels, 22050, bits, format, 2205))?;
        assert_eq!(rate, 22050);
        assert_eq!(samples.len(), 2205);
        let tolerance = if bits == 8 { 400 } else { 2 };
        for (a, b) in samples.iter().zip(&reference) {
            assert!(
                (i32::from(*a) - i32::from(*b)).abs() <= tolerance,
                "{bits}-bit {format:?}"
            );
        }
        let wire = Audio::from_wav_bytes(&wav_bytes(channels, 22050, bits, format, 2205))?
            .convert(ContentType::L16At16k)?;
        assert_eq!(wire.duration(), ms(100));
    }
    Ok(())
}

#[test]
fn wav_file_round_trip_and_missing_file() -> Result<(), AudioError> {
    let clip = Audio::tone(1000.0, ms(250), 16000);
    let path = temp_path("round-trip.wav");
    clip.write_wav(&path)?;
    let back = Audio::from_wav(&path);
    std::fs::remove_file(&path).ok();
    assert_eq!(back?, clip);

    let missing = temp_path("missing.wav");
    let err = Audio::from_wav(&missing).unwrap_err();
    assert!(matches!(err, AudioError::Io { .. }));
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );
    Ok(())
}

/// A WAV file by hand: `tag` is the fmt chunk's format tag (wrapped in
/// WAVE_FORMAT_EXTENSIBLE when `extensible`), then the data bytes as given.
fn riff(tag: u16, channels: u16, rate: u32, bits: u16, data: &[u8], extensible: bool) -> Vec<u8> {
    let block_align = channels * bits.div_ceil(8);
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&(if extensible { 0xFFFE } else { tag }).to_le_bytes());
    fmt.extend_from_slice(&channels.to_le_bytes());
    fmt.extend_from_slice(&rate.to_le_bytes());
    fmt.extend_from_slice(&(rate * u32::from(block_align)).to_le_bytes());
    fmt.extend_from_slice(&block_align.to_le_bytes());
    fmt.extend_from_slice(&bits.to_le_bytes());
    if extensible {
        fmt.extend_from_slice(&22u16.to_le_bytes()); // cbSize
        fmt.extend_from_slice(&bits.to_le_bytes()); // valid bits
        fmt.extend_from_slice(&0u32.to_le_bytes()); // channel mask
        fmt.extend_from_slice(&tag.to_le_bytes()); // the sub-format GUID: tag, then the rest
        fmt.extend_from_slice(&[
            0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
        ]);
    } else if tag != 1 {
        fmt.extend_from_slice(&0u16.to_le_bytes()); // cbSize
    }
    let mut out = b"RIFF\0\0\0\0WAVE".to_vec();
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    out.extend_from_slice(&fmt);
    // A chunk before the data, as many tools write (LIST/INFO, fact), odd-sized and padded.
    out.extend_from_slice(b"LIST\x03\0\0\0abc\0");
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    let riff_size = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    out
}

#[test]
fn mulaw_wav_the_usual_telephone_prompt_reads() -> Result<(), AudioError> {
    let tone = Audio::tone(440.0, ms(200), 8000).samples();
    let bytes = mulaw::encode_all(&tone);
    for extensible in [false, true] {
        let (rate, samples) = wav::read_bytes(&riff(7, 1, 8000, 8, &bytes, extensible))?;
        assert_eq!(rate, 8000);
        assert_eq!(
            samples,
            mulaw::decode_all(&bytes),
            "extensible: {extensible}"
        );
    }
    // And as a call plays it: a µ-law prompt into a µ-law call keeps every byte.
    let clip = Audio::from_wav_bytes(&riff(7, 1, 8000, 8, &bytes, false))?;
    assert_eq!(
        clip.convert(ContentType::Mulaw8k)?.data().as_ref(),
        &bytes[..]
    );
    Ok(())
}

#[test]
fn alaw_and_64_bit_float_and_extensible_pcm_read() -> Result<(), AudioError> {
    // A-law: 0xD5 is the smallest positive step, 0xAA and 0x2A the extremes.
    let (_, a) = wav::read_bytes(&riff(6, 1, 8000, 8, &[0xD5, 0x55, 0xAA, 0x2A], false))?;
    assert_eq!(a, vec![8, -8, 32256, -32256]);

    let floats: Vec<u8> = [0.5f64, -0.25, 2.0, f64::NAN]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let (rate, f) = wav::read_bytes(&riff(3, 1, 16000, 64, &floats, false))?;
    assert_eq!((rate, f), (16000, vec![16384, -8192, 32767, 0]));

    // 24-bit stereo in WAVE_FORMAT_EXTENSIBLE, as DAWs write it.
    let frames: Vec<u8> = [0x40_0000i32, -0x40_0000, 0x20_0000, 0x20_0000]
        .iter()
        .flat_map(|v| v.to_le_bytes()[..3].to_vec())
        .collect();
    let (_, p) = wav::read_bytes(&riff(1, 2, 48000, 24, &frames, true))?;
    assert_eq!(p, vec![0, 8192]);
    Ok(())
}

#[test]
fn unreadable_files_say_which_file_and_what_it_is() {
    let check = |name: &str, bytes: &[u8], says: &str| {
        let path = temp_path(name);
        std::fs::write(&path, bytes).unwrap();
        let err = Audio::from_wav(&path).unwrap_err();
        std::fs::remove_file(&path).ok();
        let text = err.to_string();
        assert!(matches!(err, AudioError::Io { .. }), "{name}: {err:?}");
        assert!(text.contains(&path.display().to_string()), "{name}: {text}");
        assert!(text.contains(says), "{name}: {text}");
        assert_eq!(text.matches(says).count(), 1, "{name}: said twice: {text}");
        // Each cause down the chain is already in the text (so a report that prints each
        // cause once prints nothing twice).
        let mut cause = std::error::Error::source(&err);
        while let Some(c) = cause {
            assert!(text.contains(&c.to_string()), "{name}: {text} / {c}");
            cause = c.source();
        }
    };
    check("f1.wav", b"", "empty");
    check("f2.wav", b"ID3\x04\0\0\0\0\0\x21 lame mp3 frames", "MP3");
    check("f3.wav", &[0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0], "MP3");
    check("f4.wav", b"OggS\0\x02 opus", "Ogg");
    let adpcm = riff(0x11, 1, 8000, 4, &[0; 16], false);
    check("f5.wav", &adpcm, "IMA ADPCM");
    let good = wav_bytes(1, 8000, 16, hound::SampleFormat::Int, 100);
    check("f6.wav", &good[..100], "a truncated file?");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(Audio::from_wav_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunk").is_err());
    assert!(Audio::from_wav_bytes(&[0xFF; 100]).is_err());
    let bytes = wav_bytes(1, 8000, 16, hound::SampleFormat::Int, 100);
    assert!(Audio::from_wav_bytes(&bytes[..40]).is_err());
}

#[test]
fn resampling_all_common_rates_to_call_rates() -> Result<(), AudioError> {
    for from in [8000, 11025, 16000, 22050, 32000, 44100, 48000] {
        let clip = Audio::tone(1000.0, ms(200), from);
        for ct in ContentType::ALL {
            let wire = clip.convert(ct)?;
            assert_eq!(wire.duration(), ms(200), "{from} -> {ct}");
            assert_eq!(wire.data().len(), ct.bytes_for(ms(200)));
        }
        let raw = clip.samples();
        assert_eq!(resample::resample(&raw, from, 8000)?.len(), 1600);
    }
    Ok(())
}

#[test]
fn streaming_framer_matches_whole_clip_framing() {
    let wire = Audio::tone(700.0, ms(1010), 8000)
        .convert(ContentType::L16At8k)
        .unwrap();
    let whole: Vec<Bytes> = frame::frames(wire.data(), ContentType::L16At8k).collect();
    assert_eq!(whole.len(), 51);
    let mut framer = frame::Framer::new(ContentType::L16At8k);
    let mut streamed = Vec::new();
    for chunk in wire.data().chunks(123) {
        framer.push(chunk);
        streamed.extend(std::iter::from_fn(|| framer.pop()));
    }
    streamed.extend(framer.flush());
    assert_eq!(streamed, whole);
    assert_eq!(whole[50].len(), 320);
    assert!(whole[50][160..].iter().all(|&b| b == 0));
}

#[test]
fn dtmf_survives_mulaw_and_resampling() {
    let digits = "0123456789*#ABCD";
    let audio = dtmf::sequence(digits, ms(80), ms(60), 16000).unwrap();
    assert_eq!(dtmf::detect_digits(&audio, 16000), digits);
    let narrow = resample::resample(&audio, 16000, 8000).unwrap();
    let wire = mulaw::decode_all(&mulaw::encode_all(&narrow));
    assert_eq!(dtmf::detect_digits(&wire, 8000), digits);
    // And back through the Audio type, as a call would play it.
    let played = Audio::from_pcm(16000, &audio)
        .convert(ContentType::Mulaw8k)
        .unwrap();
    assert_eq!(dtmf::detect_digits(&played.samples(), 8000), digits);
}

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

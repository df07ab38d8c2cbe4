//! Throughput of the hot kernels: µ-law, l16 byte order, 8k↔16k resampling, 20 ms framing,
//! Goertzel DTMF detection, and protobuf encode/decode of an audio message.
//!
//! `cargo bench -p fcstream --bench kernels` prints bytes/s (criterion's "thrpt"); one second
//! of 8 kHz µ-law is 8 000 bytes, so 1 GB/s is 125 000 × real time.

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fcstream::audio::{dtmf, frame, l16, mulaw, resample, ByteOrder, ContentType};
use fcstream::event::{AudioFrame, Event};
use fcstream::proto::PlatformMessage;
use prost::Message;

/// One second of a 440 Hz tone at `rate`.
fn tone(rate: u32) -> Vec<i16> {
    (0..rate)
        .map(|i| {
            (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * f64::from(i) / f64::from(rate)).sin())
                as i16
        })
        .collect()
}

fn codecs(c: &mut Criterion) {
    let pcm = tone(8000);
    let encoded = mulaw::encode_all(&pcm);
    let mut g = c.benchmark_group("mulaw");
    g.throughput(Throughput::Bytes(encoded.len() as u64));
    g.bench_function("encode 1 s", |b| {
        b.iter(|| mulaw::encode_all(black_box(&pcm)))
    });
    g.bench_function("decode 1 s", |b| {
        b.iter(|| mulaw::decode_all(black_box(&encoded)))
    });
    g.finish();

    let wire = l16::encode_with(&pcm, ByteOrder::BigEndian);
    let mut g = c.benchmark_group("l16");
    g.throughput(Throughput::Bytes(wire.len() as u64));
    g.bench_function("encode big-endian 1 s", |b| {
        b.iter(|| l16::encode_with(black_box(&pcm), ByteOrder::BigEndian))
    });
    g.bench_function("decode big-endian 1 s", |b| {
        b.iter(|| l16::decode_with(black_box(&wire), ByteOrder::BigEndian))
    });
    g.finish();
}

fn resampling(c: &mut Criterion) {
    let at8 = tone(8000);
    let at16 = tone(16000);
    let mut g = c.benchmark_group("resample");
    g.throughput(Throughput::Bytes((at8.len() * 2) as u64));
    g.bench_function("8k->16k 1 s", |b| {
        b.iter(|| resample::resample(black_box(&at8), 8000, 16000))
    });
    g.throughput(Throughput::Bytes((at16.len() * 2) as u64));
    g.bench_function("16k->8k 1 s", |b| {
        b.iter(|| resample::resample(black_box(&at16), 16000, 8000))
    });
    g.finish();
}

fn framing(c: &mut Criterion) {
    let clip: Bytes = vec![0xFFu8; 8000 * 60].into();
    let mut g = c.benchmark_group("frame");
    g.throughput(Throughput::Bytes(clip.len() as u64));
    g.bench_function("60 s of mulaw into 20 ms frames", |b| {
        b.iter(|| frame::frames(black_box(&clip), ContentType::Mulaw8k).count())
    });
    g.finish();
}

fn goertzel(c: &mut Criterion) {
    let mut samples = dtmf::sequence(
        "123#",
        Duration::from_millis(100),
        Duration::from_millis(50),
        8000,
    )
    .unwrap_or_default();
    samples.resize(8000, 0);
    let mut g = c.benchmark_group("dtmf");
    g.throughput(Throughput::Bytes((samples.len() * 2) as u64));
    g.bench_function("detect 1 s at 8 kHz", |b| {
        b.iter(|| dtmf::detect_digits(black_box(&samples), 8000))
    });
    g.finish();
}

fn proto(c: &mut Criterion) {
    let frame = Event::Audio(AudioFrame {
        data: vec![0x55u8; 160].into(),
        sequence: 12345,
        start: Some(std::time::SystemTime::now()),
        end: Some(std::time::SystemTime::now()),
    })
    .to_proto();
    let bytes = frame.encode_to_vec();
    let mut g = c.benchmark_group("proto");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("encode audio message", |b| {
        b.iter(|| black_box(&frame).encode_to_vec())
    });
    g.bench_function("decode audio message", |b| {
        b.iter(|| PlatformMessage::decode(black_box(bytes.as_slice())))
    });
    g.bench_function("decode + to Event", |b| {
        b.iter(|| {
            Event::from_proto(
                PlatformMessage::decode(black_box(bytes.as_slice())).unwrap_or_default(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, codecs, resampling, framing, goertzel, proto);
criterion_main!(benches);

// The Firefox check's arithmetic (dsp.js) on signals whose answers are known, so a wrong
// correlation or frequency fails here rather than passing or failing the browser check falsely.
// Run: node --test (tests/interop/phone-firefox.sh runs it first).
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const dsp = require('./dsp');

function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

// A mono 16-bit WAV of the given sample values (integers).
function wav(rate, values) {
  const data = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => data.writeInt16LE(v, 2 * i));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

test('the FFT matches a direct DFT and inverts', () => {
  const rnd = lcg(1);
  const n = 64;
  const x = Array.from({ length: n }, rnd);
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  dsp.fft(re, im);
  for (const k of [0, 1, 7, 31, 32, 63]) {
    let r = 0;
    let i = 0;
    for (let t = 0; t < n; t++) {
      r += x[t] * Math.cos((-2 * Math.PI * k * t) / n);
      i += x[t] * Math.sin((-2 * Math.PI * k * t) / n);
    }
    assert.ok(Math.abs(re[k] - r) < 1e-9 && Math.abs(im[k] - i) < 1e-9, `bin ${k}`);
  }
  dsp.fft(re, im, true);
  x.forEach((v, t) => assert.ok(Math.abs(re[t] - v) < 1e-12));
});

test('bestLag finds a delay of noise and its correlation', () => {
  const rnd = lcg(2);
  const a = Float64Array.from({ length: 4000 }, rnd);
  const delayed = new Float64Array(4000 + 321);
  delayed.set(a.map((v) => 0.5 * v), 321);
  const { lag, r } = dsp.bestLag(a, delayed, 1000);
  assert.strictEqual(lag, 321);
  assert.ok(r > 0.999, `r ${r}`);
  const other = Float64Array.from({ length: 4321 }, lcg(3));
  assert.ok(Math.abs(dsp.bestLag(a, other, 1000).r) < 0.1, 'unrelated noise does not correlate');
});

test('dominantHz, sinad and rms of a tone', () => {
  const rate = 8000;
  const rnd = lcg(4);
  const x = Float64Array.from({ length: rate }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / rate) + 0.001 * rnd());
  assert.ok(Math.abs(dsp.dominantHz(x, rate) - 1000) < 1);
  assert.ok(Math.abs(dsp.dominantHz(x.map((_, i) => Math.sin((2 * Math.PI * 437 * i) / rate)), rate) - 437) < 1);
  const s = dsp.sinad(x, rate, 1000, 0, 800);
  // 0.0707 rms against 0.001/sqrt(12) uniform noise: 47.7 dB.
  assert.ok(s > 45 && s < 50, `sinad ${s}`);
  assert.ok(Math.abs(dsp.dbfs(dsp.rms(x)) + 23.0) < 0.1);
  // A 1 ms gap in the tone is a glitch the SINAD sees.
  const gap = Float64Array.from(x);
  gap.fill(0, 400, 408);
  assert.ok(dsp.sinad(gap, rate, 1000, 0, 800) < 25);
});

test('runs splits loud and quiet stretches by 20 ms frames', () => {
  const rate = 8000;
  const x = new Float64Array(rate);
  for (let i = 1600; i < 4800; i++) x[i] = 0.1 * Math.sin(i);
  const r = dsp.runs(x, rate, -50);
  assert.deepStrictEqual(r.map((v) => [v.loud, v.from, v.to]), [[false, 0, 1600], [true, 1600, 4800], [false, 4800, 8000]]);
});

test('readWav reads what a 16-bit mono WAV holds', () => {
  const { rate, x } = dsp.readWav(wav(16000, [0, 16384, -16384, 32767]));
  assert.strictEqual(rate, 16000);
  assert.deepStrictEqual(Array.from(x, (v) => Math.round(v * 32768)), [0, 16384, -16384, 32767]);
  assert.throws(() => dsp.readWav(Buffer.from('not a wav file at all')));
});

test('envelope: a gated tone and its delayed copy line up by their gaps', () => {
  const rate = 8000;
  const gate = (i) => (i < 8000 || (i >= 12000 && i < 20000) ? 1 : 0);
  const x = Float64Array.from({ length: 24000 }, (_, i) => gate(i) * 0.1 * Math.sin((2 * Math.PI * 1000 * i) / rate));
  const y = new Float64Array(24000 + 800);
  y.set(x, 800);
  const e = dsp.envelope(x, rate);
  assert.strictEqual(e.length, 150);
  assert.ok(Math.abs(e.reduce((s, v) => s + v, 0)) < 1e-9, 'mean removed');
  const { lag, r } = dsp.bestLag(e, dsp.envelope(y, rate), 50);
  assert.strictEqual(lag, 5); // 800 samples = 100 ms = 5 frames
  assert.ok(r > 0.99, `r ${r}`);
});

test('without cuts ranges out of ranges', () => {
  assert.deepStrictEqual(dsp.without([[0, 100], [200, 300]], [[50, 60], [250, 400], [500, 600]]), [[0, 50], [60, 100], [200, 250]]);
  assert.deepStrictEqual(dsp.without([[0, 100]], [[0, 100]]), []);
});

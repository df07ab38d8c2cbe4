// The signal arithmetic of the Firefox phone check (phone_firefox.js), in plain Node so the
// check needs nothing but Node and Firefox: 16-bit WAV reading, a radix-2 FFT, normalised
// cross-correlation at the best lag, the dominant frequency, levels, envelopes and a tone's SINAD.
'use strict';

/** Reads a 16-bit PCM WAV (mono or the mean of its channels): { rate, x: Float64Array in -1..1 }. */
function readWav(buf) {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let off = 12;
  let fmt = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      if (fmt.format !== 1 || fmt.bits !== 16) throw new Error(`not 16-bit PCM (format ${fmt.format}, ${fmt.bits} bits)`);
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (2 * fmt.channels));
      const x = new Float64Array(frames);
      for (let i = 0; i < frames; i++) {
        let s = 0;
        for (let c = 0; c < fmt.channels; c++) s += buf.readInt16LE(body + 2 * (i * fmt.channels + c));
        x[i] = s / fmt.channels / 32768;
      }
      return { rate: fmt.rate, x };
    }
    off = body + size + (size & 1);
  }
  throw new Error('no data chunk');
}

/** In-place radix-2 FFT of (re, im), whose length is a power of two; inverse scales by 1/n. */
function fft(re, im, inverse = false) {
  const n = re.length;
  if (n & (n - 1)) throw new Error('fft length must be a power of two');
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}

const pow2 = (n) => 1 << Math.ceil(Math.log2(Math.max(2, n)));

/**
 * The lag (in samples, 0..maxLag) at which `later` best matches `earlier` delayed, and the
 * normalised correlation there over the overlap: sum(e[i] * l[i + lag]) / sqrt(sum e^2 * sum l^2).
 */
function bestLag(earlier, later, maxLag) {
  const size = pow2(earlier.length + later.length);
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  const br = new Float64Array(size);
  const bi = new Float64Array(size);
  ar.set(earlier);
  br.set(later);
  fft(ar, ai);
  fft(br, bi);
  // later ⋆ earlier: B · conj(A)
  for (let k = 0; k < size; k++) {
    const r = br[k] * ar[k] + bi[k] * ai[k];
    const i = bi[k] * ar[k] - br[k] * ai[k];
    br[k] = r;
    bi[k] = i;
  }
  fft(br, bi, true);
  let lag = 0;
  let best = -Infinity;
  for (let l = 0; l <= Math.min(maxLag, later.length - 1); l++) {
    if (br[l] > best) {
      best = br[l];
      lag = l;
    }
  }
  const n = Math.min(earlier.length, later.length - lag);
  let ee = 0;
  let ll = 0;
  let el = 0;
  for (let i = 0; i < n; i++) {
    ee += earlier[i] * earlier[i];
    ll += later[i + lag] * later[i + lag];
    el += earlier[i] * later[i + lag];
  }
  return { lag, r: ee > 0 && ll > 0 ? el / Math.sqrt(ee * ll) : 0 };
}

/** The normalised correlation of two signals sample by sample over their common length. */
function correlation(a, b) {
  const n = Math.min(a.length, b.length);
  let aa = 0;
  let bb = 0;
  let ab = 0;
  for (let i = 0; i < n; i++) {
    aa += a[i] * a[i];
    bb += b[i] * b[i];
    ab += a[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** RMS of x[from..to). */
function rms(x, from = 0, to = x.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return to > from ? Math.sqrt(s / (to - from)) : 0;
}

const dbfs = (v) => (v > 0 ? 20 * Math.log10(v) : -Infinity);

/** The dominant frequency of x (Hann window, parabolic interpolation of the peak bin), Hz. */
function dominantHz(x, rate) {
  const size = pow2(x.length);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < x.length; i++) re[i] = x[i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (x.length - 1)));
  fft(re, im);
  const mag = (k) => Math.hypot(re[k], im[k]);
  let peak = 1;
  for (let k = 1; k < size / 2; k++) if (mag(k) > mag(peak)) peak = k;
  const a = Math.log(mag(peak - 1) + 1e-30);
  const b = Math.log(mag(peak) + 1e-30);
  const c = Math.log(mag(peak + 1) + 1e-30);
  const d = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  return ((peak + d) * rate) / size;
}

/**
 * Signal to noise-and-distortion of a tone at `hz` in x[from..to): the least-squares sine
 * (with an offset) at that frequency, and the residual's energy against it, dB.
 */
function sinad(x, rate, hz, from, to) {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let xs = 0;
  let xc = 0;
  const w = (2 * Math.PI * hz) / rate;
  for (let i = from; i < to; i++) {
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    xs += x[i] * s;
    xc += x[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let sig = 0;
  let res = 0;
  for (let i = from; i < to; i++) {
    const fit = a * Math.sin(w * i) + b * Math.cos(w * i);
    sig += fit * fit;
    res += (x[i] - fit) ** 2;
  }
  return 10 * Math.log10(sig / Math.max(res, 1e-30));
}

/**
 * Runs of 20 ms frames above (`loud`) and under (`quiet`) `thresholdDb`: [{ loud, from, to }]
 * in samples, adjacent frames of the same kind merged.
 */
function runs(x, rate, thresholdDb) {
  const frame = Math.round(rate / 50);
  const out = [];
  for (let i = 0; i + frame <= x.length; i += frame) {
    const loud = dbfs(rms(x, i, i + frame)) > thresholdDb;
    const last = out[out.length - 1];
    if (last && last.loud === loud) last.to = i + frame;
    else out.push({ loud, from: i, to: i + frame });
  }
  return out;
}

/**
 * The level of each 20 ms frame in dBFS, floored at -60, less their mean: a signal's shape in
 * time, for bestLag. (In dB, a short loud tone — a key — weighs little against a long gap.)
 */
function envelope(x, rate) {
  const frame = Math.round(rate / 50);
  const n = Math.floor(x.length / frame);
  const e = new Float64Array(n);
  for (let k = 0; k < n; k++) e[k] = Math.max(-60, dbfs(rms(x, k * frame, (k + 1) * frame)));
  const mean = e.reduce((s, v) => s + v, 0) / Math.max(1, n);
  return e.map((v) => v - mean);
}

/** The ranges [from, to) less the ranges `cut` (both lists of [from, to] pairs). */
function without(ranges, cut) {
  let out = ranges.map(([a, b]) => [a, b]);
  for (const [c, d] of cut) {
    out = out.flatMap(([a, b]) => (d <= a || c >= b ? [[a, b]] : [[a, c], [d, b]].filter(([p, q]) => q > p)));
  }
  return out;
}

module.exports = { without, readWav, fft, bestLag, correlation, rms, dbfs, dominantHz, sinad, runs, envelope };

// fcstream phone: a streaming band-limited resampler (windowed sinc, any ratio), shared by the
// AudioWorklet (microphone -> call rate, call rate -> speakers) and the page (tests).
//
// Why by hand: the microphone arrives at the device's rate (44.1 or 48 kHz) and the call is
// at 8 or 16 kHz; plain decimation would fold everything above the call's Nyquist frequency
// back into the band (a 6 kHz hiss becomes a 2 kHz whistle). Not every browser accepts
// `new AudioContext({sampleRate: 8000})` with a microphone source (Firefox refuses to connect
// nodes of different rates), so the page runs at the device rate and filters here.
//
// Each output sample is sum_k x[k] * h(t - k), where h is a sinc low-pass at `rolloff` of the
// lower Nyquist frequency, Blackman-windowed over `zeros` zero crossings each side, read from a
// table with linear interpolation. Output n is input position n * inRate / outRate exactly
// (the history starts with half a kernel of zeros), so sample times map across without drift.
// A plain script (no exports): it sets globalThis.FcResampler in the page and in the worklet.
(function (g) {
  'use strict';

  class FcResampler {
    constructor(inRate, outRate, options) {
      const o = options || {};
      const zeros = o.zeros || 16;
      const rolloff = o.rolloff || 0.9;
      this.inRate = inRate;
      this.outRate = outRate;
      this.step = inRate / outRate;
      // Cut-off in cycles per input sample.
      const fc = 0.5 * Math.min(1, outRate / inRate) * rolloff;
      this.half = zeros / (2 * fc);
      this.res = 64;
      const n = Math.ceil(this.half * this.res) + 2;
      this.table = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const d = i / this.res;
        if (d >= this.half) break;
        const x = Math.PI * 2 * fc * d;
        const sinc = d === 0 ? 1 : Math.sin(x) / x;
        const r = Math.PI * d / this.half;
        const w = 0.42 + 0.5 * Math.cos(r) + 0.08 * Math.cos(2 * r);
        this.table[i] = 2 * fc * sinc * w;
      }
      const lead = Math.ceil(this.half);
      this.buf = new Float32Array(Math.max(1024, lead * 4));
      this.len = lead; // zeros
      this.pos = lead; // input position of the next output sample, in buf
      this.latency = lead / inRate; // seconds of input needed beyond an output's time
    }

    // Takes input samples (Float32Array or Array, any length); returns the output they
    // complete (a new Float32Array, possibly empty).
    push(input) {
      const need = this.len + input.length;
      if (need > this.buf.length) {
        const bigger = new Float32Array(Math.max(need, this.buf.length * 2));
        bigger.set(this.buf.subarray(0, this.len));
        this.buf = bigger;
      }
      this.buf.set(input, this.len);
      this.len = need;
      const buf = this.buf;
      const half = this.half;
      const res = this.res;
      const table = this.table;
      const last = this.len - 1;
      const count = Math.max(0, Math.floor((last - half - this.pos) / this.step) + 1);
      const out = new Float32Array(count);
      let p = this.pos;
      for (let j = 0; j < count; j++) {
        const lo = Math.max(0, Math.ceil(p - half));
        const hi = Math.min(last, Math.floor(p + half));
        let acc = 0;
        for (let k = lo; k <= hi; k++) {
          const t = Math.abs(p - k) * res;
          const i = t | 0;
          const a = table[i];
          acc += buf[k] * (a + (t - i) * (table[i + 1] - a));
        }
        out[j] = acc;
        p += this.step;
      }
      this.pos = p;
      // Keep only the history the next output needs.
      const drop = Math.max(0, Math.floor(this.pos - half) - 1);
      if (drop > 0) {
        buf.copyWithin(0, drop, this.len);
        this.len -= drop;
        this.pos -= drop;
      }
      return out;
    }
  }

  // Plain decimation, for comparison only (the page's self-test shows what the filter saves).
  FcResampler.decimate = function (input, inRate, outRate) {
    const step = inRate / outRate;
    const n = Math.floor(input.length / step);
    const out = new Float32Array(n);
    for (let j = 0; j < n; j++) out[j] = input[Math.floor(j * step)];
    return out;
  };

  g.FcResampler = FcResampler;
})(globalThis);

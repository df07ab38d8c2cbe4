// fcstream phone: the two AudioWorklet processors, on the browser's audio thread.
//
// fc-capture: the microphone (at the context's rate) -> FcResampler -> 20 ms frames of 16-bit
//   PCM at the call's rate, posted to the page (which sends them on the WebSocket), with
//   each frame's level and the context time of sound onsets (for the latency measurement).
// fc-player: 16-bit PCM chunks at the call's rate from the page -> FcResampler -> a small
//   jitter buffer -> the speakers. It waits for `targetMs` of audio before it starts, plays
//   silence (and waits again, for 50% more, up to 400 ms) when it runs dry, and drops the
//   oldest audio when more than `maxMs` beyond that has piled up, so the delay stays bounded
//   whatever the network does.
//
// Needs resampler.js loaded first into the same worklet (addModule), for globalThis.FcResampler.
'use strict';

// Onsets: a sample over ONSET_LEVEL after QUIET seconds under it.
const ONSET_LEVEL = 0.1;
const QUIET = 0.25;

class Onsets {
  constructor(rate) {
    this.rate = rate;
    this.quietFor = 0;
    this.list = [];
  }
  // `samples` (floats) start at context time `t0`; returns the onsets found (times).
  scan(samples, t0) {
    const found = [];
    const need = Math.round(QUIET * this.rate);
    for (let i = 0; i < samples.length; i++) {
      if (Math.abs(samples[i]) >= ONSET_LEVEL) {
        if (this.quietFor >= need) found.push(t0 + i / this.rate);
        this.quietFor = 0;
      } else {
        this.quietFor++;
      }
    }
    return found;
  }
}

class FcCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.callRate = o.callRate || 8000;
    this.frame = Math.round(this.callRate / 50);
    this.resampler = new globalThis.FcResampler(sampleRate, this.callRate);
    this.pcm = new Int16Array(this.frame);
    this.fill = 0;
    this.sum = 0;
    this.peak = 0;
    this.t0 = null; // context time of the first input sample
    this.produced = 0; // call-rate samples produced so far
    this.onsets = new Onsets(this.callRate);
    this.muted = false;
    this.port.onmessage = (e) => {
      if (e.data && typeof e.data.muted === 'boolean') this.muted = e.data.muted;
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    if (this.t0 === null) this.t0 = currentTime;
    const out = this.resampler.push(input[0]);
    if (this.muted) out.fill(0);
    const onsets = this.onsets.scan(out, this.t0 + this.produced / this.callRate);
    this.produced += out.length;
    for (let i = 0; i < out.length; i++) {
      const v = Math.max(-1, Math.min(1, out[i]));
      this.pcm[this.fill++] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
      this.sum += v * v;
      const a = Math.abs(v);
      if (a > this.peak) this.peak = a;
      if (this.fill === this.frame) {
        const rms = Math.sqrt(this.sum / this.frame);
        const buffer = this.pcm.buffer;
        this.port.postMessage({ frame: buffer, rms, peak: this.peak }, [buffer]);
        this.pcm = new Int16Array(this.frame);
        this.fill = 0;
        this.sum = 0;
        this.peak = 0;
      }
    }
    if (onsets.length) this.port.postMessage({ onsets });
    return true;
  }
}

class FcPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.callRate = o.callRate || 8000;
    this.target = Math.round(((o.targetMs || 60) / 1000) * sampleRate);
    this.slack = Math.round(((o.maxMs || 300) / 1000) * sampleRate);
    this.max = this.target + this.slack;
    this.maxTarget = Math.round(0.4 * sampleRate);
    this.resampler = new globalThis.FcResampler(this.callRate, sampleRate);
    // A ring of two seconds at the device rate.
    this.ring = new Float32Array(Math.max(this.max * 2, sampleRate * 2));
    this.read = 0;
    this.depth = 0;
    this.playing = false;
    this.underruns = 0;
    this.droppedSamples = 0;
    this.played = 0;
    this.onsets = new Onsets(sampleRate);
    this.lastReport = 0;
    this.port.onmessage = (e) => {
      const d = e.data;
      if (d && d.pcm) this.enqueue(new Int16Array(d.pcm));
      if (d && d.flush) {
        this.depth = 0;
        this.playing = false;
      }
    };
  }

  enqueue(pcm) {
    const f = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) f[i] = pcm[i] / 32768;
    const up = this.resampler.push(f);
    const n = this.ring.length;
    for (let i = 0; i < up.length; i++) {
      if (this.depth === n) {
        this.read = (this.read + 1) % n;
        this.depth--;
        this.droppedSamples++;
      }
      this.ring[(this.read + this.depth) % n] = up[i];
      this.depth++;
    }
    if (this.depth > this.max) {
      // Too far behind: keep the newest `target`.
      const drop = this.depth - this.target;
      this.read = (this.read + drop) % n;
      this.depth -= drop;
      this.droppedSamples += drop;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    if (!out) return true;
    if (!this.playing && this.depth >= this.target) this.playing = true;
    if (this.playing) {
      const n = this.ring.length;
      let i = 0;
      for (; i < out.length && this.depth > 0; i++) {
        out[i] = this.ring[this.read];
        this.read = (this.read + 1) % n;
        this.depth--;
      }
      if (i < out.length) {
        out.fill(0, i);
        this.playing = false;
        this.underruns++;
        this.target = Math.min(this.maxTarget, Math.round(this.target * 1.5));
        this.max = this.target + this.slack;
      }
      this.played += i;
    } else {
      out.fill(0);
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    const onsets = this.onsets.scan(out, currentTime);
    if (onsets.length) this.port.postMessage({ onsets });
    if (currentTime - this.lastReport >= 0.25) {
      this.lastReport = currentTime;
      this.port.postMessage({
        stats: {
          depthMs: (this.depth / sampleRate) * 1000,
          targetMs: (this.target / sampleRate) * 1000,
          underruns: this.underruns,
          droppedMs: (this.droppedSamples / sampleRate) * 1000,
          playedS: this.played / sampleRate,
          playing: this.playing,
        },
      });
    }
    return true;
  }
}

registerProcessor('fc-capture', FcCapture);
registerProcessor('fc-player', FcPlayer);

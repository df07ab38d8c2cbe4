// fcstream phone: the page. getUserMedia -> AudioWorklet (fc-capture) -> 20 ms Int16 frames at
// the call's rate -> WebSocket; WebSocket -> fc-player (jitter buffer) -> speakers. Control and
// events are JSON text messages (crates/fcstream-phone/src/protocol.rs has the protocol).
//
// For tests and measurements, `window.fcphone` exposes the call's state, the audio received
// (with ?tap=1 in the URL: every sample the page got, bounded) and the sound onsets seen at the
// microphone and at the speakers (context times), from which mouth-to-ear latency is computed.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const TAP = params.get('tap') === '1';
  const TAP_MAX_S = 600;
  const LOG_MAX = 400;

  const fcphone = {
    state: 'idle',
    callId: null,
    rate: null,
    contentType: null,
    received: [], // Int16Array chunks (with ?tap=1)
    receivedSamples: 0,
    sentSamples: 0,
    onsets: { mic: [], played: [] },
    events: [], // every server text message (bounded)
    ended: null,
    errors: [],
    digitsSent: [],
    frameTimes: [], // [performance.now(), context time] of each microphone frame
    contextRate: null,
    outputLatency: null,
    receivedPcm() {
      const out = new Int16Array(this.receivedSamples);
      let o = 0;
      for (const c of this.received) { out.set(c, o); o += c.length; }
      return Array.from(out);
    },
    // Mouth-to-ear through the page: each speaker onset paired with the latest microphone
    // onset before it (within 2 s); ms.
    latencies() {
      const res = [];
      for (const p of this.onsets.played) {
        let best = null;
        for (const m of this.onsets.mic) if (m <= p && p - m < 2) best = m;
        if (best !== null) res.push((p - best) * 1000);
      }
      return res;
    },
  };
  window.fcphone = fcphone;

  let ws = null;
  let ctx = null;
  let mic = null;
  let capture = null;
  let player = null;
  let startedAt = 0;
  let timer = null;
  let muted = false;
  let lastSpeech = -1e9;

  function setState(s) {
    fcphone.state = s;
    $('state').textContent = s;
    const inCall = s === 'connecting' || s === 'in call' || s === 'hanging up';
    $('call').disabled = inCall;
    $('hangup').disabled = !inCall;
    $('mute').disabled = s !== 'in call';
    $('content-type').disabled = inCall;
  }

  function banner(text, kind) {
    const b = $('banner');
    if (!text) { b.classList.add('hidden'); return; }
    b.textContent = text;
    b.className = 'banner' + (kind === 'info' ? ' info' : '');
  }

  function db(x) { return x > 0 ? 20 * Math.log10(x) : -Infinity; }
  // Levels are painted ten times a second, not per frame: the main thread relays the audio
  // and must stay free.
  const levels = { mic: 0, app: 0 };
  function meter(id, rms) { levels[id] = Math.max(levels[id], rms); }
  setInterval(() => { paintMeter('mic', levels.mic); paintMeter('app', levels.app); levels.mic = 0; levels.app = 0; }, 100);
  function paintMeter(id, rms) {
    const d = db(rms);
    const pct = Math.max(0, Math.min(100, ((d + 60) / 60) * 100));
    $(id + '-level').style.width = pct + '%';
    $(id + '-db').textContent = isFinite(d) ? d.toFixed(0) + ' dB' : '–∞ dB';
  }

  // ---- event log -------------------------------------------------------------------------
  function describe(entry) {
    const f = entry.fields || {};
    const k = entry.kind;
    const from = entry.dir === 'app->platform';
    const id = f.id ? ` id=${f.id}` : '';
    switch (k) {
      case 'audio_data': return ['play', `app plays${id} (${f.audio_bytes} B${f.last_message ? ', last' : ''})`];
      case 'notify_playback_started_data': return ['ack', `playback started${id}`];
      case 'notify_playback_completed_data': return ['ack', `playback completed${id}`];
      case 'clear_audio_buffer': {
        const barge = performance.now() - lastSpeech < 1500;
        return [barge ? 'barge' : 'clear', barge ? `barge-in: app clears the audio${id} while you speak` : `app clears the audio${id}`];
      }
      case 'notify_audio_cleared_data': return ['clear', `audio cleared${id}`];
      case 'notify_dtmf_received_start_data': return ['dtmf', `you press ${f.digit}`];
      case 'notify_dtmf_received_end_data': return ['dtmf', `you release ${f.digit}`];
      case 'dtmf_data': return ['dtmf', `app presses ${f.dtmf_digits}${id}`];
      case 'notify_dtmf_play_started_data': return ['dtmf', `app's keys start${id}`];
      case 'notify_dtmf_play_completed_data': return ['dtmf', `app's keys done${id}`];
      case 'notify_error': return ['error', `platform error ${f.error_id || ''}: ${f.error_message || ''}`];
      case 'notify_call_started': return ['call', `call started (${f.content_type})`];
      case 'notify_call_ended': return ['call', `call ended: ${f.reason_code || ''} ${f.reason || ''}`];
      case 'terminate_call': return ['call', 'app hangs up'];
      case 'notify_buffer_depth': return ['ack', `buffer depth ${f.buffer_type}: ${f.depth}/${f.buffer_size}`];
      case 'query_buffer': return ['ack', `app asks buffer depth (${f.buffer_type})`];
      default:
        return [entry.dir === 'note' ? 'note' : (from ? 'play' : 'ack'), `${entry.dir === 'note' ? 'note ' : ''}${k} ${JSON.stringify(f)}`];
    }
  }

  // Lines are queued and added to the page five times a second (the echo's plays come 50 a
  // second, and layout work on every one would delay the audio relayed by this thread).
  let pending = [];
  function log(cls, t, text) {
    pending.push([cls, t, text]);
    if (pending.length > LOG_MAX) pending.splice(0, pending.length - LOG_MAX);
  }
  setInterval(flushLog, 200);
  function flushLog() {
    if (!pending.length) return;
    const lines = pending;
    pending = [];
    for (const [cls, t, text] of lines) addLine(cls, t, text);
    $('log').scrollTop = $('log').scrollHeight;
  }
  // Repeating chatter (the echo's play, started, completed, 50 times a second) folds into the
  // last few lines with a count, so the log keeps the events that matter in view.
  let recentLines = [];
  function addLine(cls, t, text) {
    const ol = $('log');
    const key = cls + '|' + text.replace(/ id=\S+/, '');
    const same = recentLines.find((l) => l.key === key && l.el.parentNode);
    if (same) {
      same.count++;
      same.countEl.textContent = ` ×${same.count}`;
      return;
    }
    const li = document.createElement('li');
    li.className = cls;
    const ts = document.createElement('span');
    ts.className = 't';
    ts.textContent = t === null ? '' : (t / 1000).toFixed(2) + ' s';
    const body = document.createElement('span');
    body.textContent = text;
    const count = document.createElement('span');
    count.className = 'count';
    li.append(ts, body, count);
    ol.append(li);
    while (ol.children.length > LOG_MAX) ol.firstChild.remove();
    recentLines.push({ key, el: li, countEl: count, count: 1 });
    if (recentLines.length > 4) recentLines.shift();
  }

  // ---- status and recent calls -----------------------------------------------------------
  async function refreshStatus() {
    try {
      const r = await fetch('/api/status', { cache: 'no-store' });
      const s = await r.json();
      $('app').textContent = s.app;
      const pill = $('app-state');
      pill.textContent = s.reachable ? 'reachable' : 'unreachable';
      pill.className = 'pill ' + (s.reachable ? 'ok' : 'bad');
      if (!s.reachable && fcphone.state === 'idle') {
        banner(`The app cannot be reached: ${s.error || 'no answer'}. ${s.hint || ''}`);
      } else if (s.reachable && fcphone.state === 'idle') {
        banner(null);
      }
      const sel = $('content-type');
      if (!sel.options.length) {
        for (const ct of s.content_types) {
          const o = document.createElement('option');
          o.value = ct; o.textContent = ct;
          if (ct === s.content_type) o.selected = true;
          sel.append(o);
        }
      }
      const ul = $('recent-list');
      ul.replaceChildren();
      if (!s.calls.length) { const li = document.createElement('li'); li.textContent = 'none yet'; ul.append(li); }
      for (const c of s.calls) {
        const li = document.createElement('li');
        li.append(`${c.id} (${c.outcome}): `);
        for (const [name, file] of [['heard.wav', 'heard.wav'], ['picture', 'heard.png'], ['caller.wav', 'caller.wav'], ['timeline', 'timeline.jsonl'], ['summary', 'summary.json']]) {
          const a = document.createElement('a');
          a.href = `/calls/${c.id}/${file}`; a.textContent = name; a.target = '_blank';
          li.append(a, ' ');
        }
        ul.append(li);
      }
      return s;
    } catch (e) {
      $('app-state').textContent = 'phone server unreachable';
      $('app-state').className = 'pill bad';
      banner('The fcstream phone server does not answer: is `fcstream phone` still running?');
      return null;
    }
  }

  // ---- the call --------------------------------------------------------------------------
  async function startCall() {
    banner(null);
    $('result').classList.add('hidden');
    $('log').replaceChildren();
    pending = [];
    recentLines = [];
    fcphone.received = []; fcphone.receivedSamples = 0; fcphone.sentSamples = 0;
    fcphone.onsets = { mic: [], played: [] }; fcphone.events = []; fcphone.ended = null;
    fcphone.errors = []; fcphone.digitsSent = []; fcphone.frameTimes = [];
    setState('connecting');
    const processing = $('voice-processing').checked;
    try {
      mic = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing },
      });
    } catch (e) {
      fail(`No microphone: ${e.message}. Allow the microphone for this page (and open it as http://127.0.0.1:PORT/ or http://localhost:PORT/, which browsers treat as secure).`);
      return;
    }
    ctx = new AudioContext({ latencyHint: 'interactive' });
    fcphone.contextRate = ctx.sampleRate;
    await ctx.audioWorklet.addModule('/resampler.js');
    await ctx.audioWorklet.addModule('/worklet.js');
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'call', content_type: $('content-type').value }));
    };
    ws.onmessage = (e) => (typeof e.data === 'string' ? onText(e.data) : onAudio(e.data));
    ws.onerror = () => {};
    ws.onclose = () => {
      if (fcphone.state !== 'idle' && fcphone.state !== 'ended') {
        if (!fcphone.ended) fail(fcphone.errors.length ? fcphone.errors[fcphone.errors.length - 1] : 'The connection to fcstream phone closed.');
      }
      teardown();
    };
  }

  function onText(text) {
    let m;
    try { m = JSON.parse(text); } catch (_) { return; }
    if (fcphone.events.length < 5000) fcphone.events.push(m);
    switch (m.type) {
      case 'hello': break;
      case 'started': onStarted(m); break;
      case 'timeline': {
        const [cls, line] = describe(m.entry);
        log(cls, m.entry.t_ms, line);
        break;
      }
      case 'digit': log('dtmf', null, `you hear key ${m.digit} (${m.duration_ms} ms)`); break;
      case 'stats': showLink(m.stats); break;
      case 'error':
        fcphone.errors.push(m.message + (m.hint ? ` (${m.hint})` : ''));
        log('error', null, m.message + (m.hint ? ` — ${m.hint}` : ''));
        if (m.fatal) fail(m.message + (m.hint ? `. Hint: ${m.hint}` : ''));
        break;
      case 'ended': onEnded(m); break;
    }
  }

  function onStarted(m) {
    fcphone.callId = m.call_id;
    fcphone.rate = m.rate;
    fcphone.contentType = m.content_type;
    capture = new AudioWorkletNode(ctx, 'fc-capture', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { callRate: m.rate } });
    player = new AudioWorkletNode(ctx, 'fc-player', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2], processorOptions: { callRate: m.rate, targetMs: 60, maxMs: 300 } });
    const sink = ctx.createGain();
    sink.gain.value = 0; // the capture node's output only keeps it pulled
    ctx.createMediaStreamSource(mic).connect(capture);
    capture.connect(sink).connect(ctx.destination);
    player.connect(ctx.destination);
    capture.port.onmessage = (e) => {
      const d = e.data;
      if (d.frame) {
        if (fcphone.frameTimes.length < 100000) fcphone.frameTimes.push([performance.now(), ctx ? ctx.currentTime : 0]);
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(d.frame);
        fcphone.sentSamples += d.frame.byteLength / 2;
        meter('mic', d.rms);
        if (d.peak > 0.05) lastSpeech = performance.now();
      }
      if (d.onsets) fcphone.onsets.mic.push(...d.onsets);
    };
    player.port.onmessage = (e) => {
      const d = e.data;
      if (d.onsets) { fcphone.onsets.played.push(...d.onsets); showLatency(); }
      if (d.stats) $('jb').textContent = `${d.stats.depthMs.toFixed(0)} ms queued (cushion ${d.stats.targetMs.toFixed(0)} ms), ${d.stats.underruns} underruns, ${d.stats.droppedMs.toFixed(0)} ms dropped`;
    };
    ctx.resume();
    fcphone.outputLatency = (ctx.baseLatency || 0) + (ctx.outputLatency || 0);
    startedAt = performance.now();
    timer = setInterval(() => {
      const s = Math.floor((performance.now() - startedAt) / 1000);
      $('timer').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    }, 250);
    setState('in call');
    log('call', 0, `call ${m.call_id} placed (${m.content_type}, ${m.rate} Hz; the page runs at ${ctx.sampleRate} Hz)`);
  }

  function onAudio(buf) {
    const pcm = new Int16Array(buf);
    if (TAP && fcphone.receivedSamples < TAP_MAX_S * (fcphone.rate || 8000)) {
      fcphone.received.push(pcm.slice());
      fcphone.receivedSamples += pcm.length;
    }
    let sum = 0;
    for (let i = 0; i < pcm.length; i++) sum += (pcm[i] / 32768) ** 2;
    meter('app', Math.sqrt(sum / Math.max(1, pcm.length)));
    if (player) player.port.postMessage({ pcm: pcm.buffer }, [pcm.buffer]);
  }

  function showLatency() {
    const l = fcphone.latencies();
    if (!l.length) return;
    const s = [...l].sort((a, b) => a - b);
    const p50 = s[Math.floor((s.length - 1) / 2)];
    $('m2e').textContent = `p50 ${p50.toFixed(0)} ms (of ${s.length}) + ${((fcphone.outputLatency || 0) * 1000).toFixed(0)} ms device output`;
  }

  function showLink(s) {
    $('link-stats').textContent = `${s.audio_in} frames up (${s.audio_in_dropped} dropped; server cushion ${s.caller_cushion_ms} ms, ${s.caller_underruns} underruns), ${s.audio_out} down (${s.out_dropped} dropped)`;
  }

  function onEnded(m) {
    fcphone.ended = m;
    setState('ended');
    showLink(m.stats);
    const summary = m.summary || {};
    const bits = [`Call ${fcphone.callId}: ${m.outcome}`];
    if (summary.duration_ms) bits.push(`${(summary.duration_ms / 1000).toFixed(1)} s`);
    if (summary.plays) bits.push(`${summary.plays.entries_received} plays`);
    if (summary.barge_in_latency_ms && summary.barge_in_latency_ms.length) bits.push(`barge-in ${summary.barge_in_latency_ms.map((x) => x.toFixed(0)).join(', ')} ms`);
    if (summary.response_latency_ms && summary.response_latency_ms.length) bits.push(`response ${summary.response_latency_ms.map((x) => x.toFixed(0)).join(', ')} ms`);
    $('outcome').textContent = bits.join(' · ');
    log('call', summary.duration_ms || null, `call over: ${m.outcome}`);
    flushLog();
    const files = $('files');
    files.replaceChildren();
    if (m.files) {
      $('heard-png').src = m.files.heard_png + '?t=' + Date.now();
      $('heard-png').classList.remove('hidden');
      for (const [name, href] of [['heard.wav', m.files.heard_wav], ['caller.wav', m.files.caller_wav], ['timeline.jsonl', m.files.timeline], ['summary.json', m.files.summary]]) {
        const a = document.createElement('a');
        a.href = href; a.textContent = name; a.target = '_blank';
        files.append(a);
      }
    } else {
      $('heard-png').classList.add('hidden');
      files.textContent = 'The call’s files could not be written (see the server’s log).';
    }
    $('result').classList.remove('hidden');
    refreshStatus();
  }

  function fail(text) {
    banner(text);
    setState('idle');
    teardown();
  }

  function teardown() {
    if (timer) { clearInterval(timer); timer = null; }
    if (mic) { mic.getTracks().forEach((t) => t.stop()); mic = null; }
    if (ctx) { ctx.close(); ctx = null; }
    capture = null; player = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
    ws = null;
    meter('mic', 0); meter('app', 0);
    if (fcphone.state !== 'ended') setState('idle');
  }

  function hangUp() {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'hangup' }));
      setState('hanging up');
    } else {
      teardown();
    }
  }

  function press(key) {
    if (!ws || ws.readyState !== WebSocket.OPEN || fcphone.state !== 'in call') return;
    ws.send(JSON.stringify({ type: 'dtmf', digit: key, duration_ms: 120 }));
    fcphone.digitsSent.push(key);
    const b = document.querySelector(`#keypad button[data-key="${CSS.escape(key)}"]`);
    if (b) { b.classList.add('pressed'); setTimeout(() => b.classList.remove('pressed'), 150); }
  }

  $('call').addEventListener('click', () => { startCall().catch((e) => fail(`Could not start the call: ${e.message}`)); });
  $('hangup').addEventListener('click', hangUp);
  $('mute').addEventListener('click', () => {
    muted = !muted;
    $('mute').textContent = muted ? 'Unmute' : 'Mute';
    if (capture) capture.port.postMessage({ muted });
  });
  $('keypad').addEventListener('click', (e) => {
    const k = e.target && e.target.dataset && e.target.dataset.key;
    if (k) press(k);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target && e.target.tagName === 'SELECT') return;
    if (/^[0-9*#]$/.test(e.key)) press(e.key);
  });
  setState('idle');
  refreshStatus();
  setInterval(() => { if (fcphone.state === 'idle' || fcphone.state === 'ended') refreshStatus(); }, 5000);
})();

// `fcstream phone` in Firefox: Debian's stock firefox-esr, headless, driven by puppeteer-core
// over WebDriver BiDi (no browser download: Playwright's Firefox is a patched build of its
// own). Firefox's fake microphone is a continuous sine (media.navigator.streams.fake; 1 kHz at
// 0.1 of full scale by default, set here with media.navigator.audio.fake_frequency). There is
// no sound card: phone-firefox.sh runs PulseAudio with a null sink (PULSE_SERVER), whose clock
// is real time. (Without a device Firefox's AudioContext never leaves "suspended"; cubeb's mock
// context, media.cubeb.force_mock_context, runs, but its clock was measured 3.6 % slow idle and
// about 8 % slow under load, which underruns the server's caller buffer every few seconds.)
//
// Against `fcstream serve --app echo` behind `fcstream phone` (tests/interop/phone-firefox.sh),
// one call per call format (µ-law 8 kHz, L16 16 kHz), each: the tone for 3 s, Mute for 1 s,
// 2 s more, the keypad's 5, 3 s, Hang up. Checks:
//   (a) no console or page errors, every request the page made went to a loopback host, and
//       nothing reached the trap proxy that every non-loopback request of the browser goes to;
//   (b) caller.wav (the --out directory's, the same bytes as the page's link) is the tone:
//       its dominant frequency, level and SINAD, and a quiet gap where the page was muted;
//   (c) heard.wav (what the echo sent back) follows caller.wav: the mute's gap comes back with
//       its length, the tone with its frequency and level, the waveform in 500 ms windows;
//   (d) the audio the page received (tapped in the page, ?tap=1) correlates with heard.wav;
//   (e) the key is in timeline.jsonl as DTMF, and the echo pressed it back.
//
// Usage: node phone_firefox.js PHONE_URL OUT_DIR [--screenshot FILE]
// Prints one line per check; exits 1 on the first failure.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const puppeteer = require('puppeteer-core');
const dsp = require('./dsp');

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const TONE_HZ = 1000;
const KEY = '5';
const FORMATS = ['audio/mulaw;rate=8000', 'audio/l16;rate=16000'];

function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) throw new CheckFailed(what);
}
class CheckFailed extends Error {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isLoopback = (host) => host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

// Every non-loopback request of the browser (its own background traffic included) is sent
// to this proxy, which records the request line and refuses: nothing leaves the machine, and
// whatever tried is reported. (Firefox never proxies loopback addresses.)
function trapProxy() {
  const hits = [];
  const server = net.createServer((sock) => {
    sock.once('data', (d) => {
      hits.push(d.toString('latin1').split('\r\n')[0]);
      sock.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    sock.on('error', () => {});
    sock.setTimeout(5000, () => sock.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, hits, port: server.address().port })));
}

async function get(url) {
  const r = await fetch(url);
  if (!r.ok) throw new CheckFailed(`GET ${url}: ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

async function call(page, base, outDir, contentType, first) {
  console.log(`-- call: ${contentType}`);
  if (first) {
    await page.goto(base + '/?tap=1', { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('#content-type').options.length > 0, { timeout: 20000 });
  }
  await page.select('#content-type', contentType);
  // A clean test signal: no echo cancellation, noise suppression or gain control.
  if (await page.$eval('#voice-processing', (e) => e.checked)) await page.click('#voice-processing');
  await page.click('#call');
  await page.waitForFunction(() => window.fcphone.state === 'in call' || window.fcphone.errors.length > 0, { timeout: 20000 });
  const state = await page.evaluate(() => ({ state: window.fcphone.state, errors: window.fcphone.errors, banner: document.querySelector('#banner').textContent }));
  check(state.state === 'in call', `the call is up (${state.state}${state.errors.length ? ': ' + state.errors.join('; ') : ''}${state.banner ? '; banner: ' + state.banner : ''})`);
  await sleep(3000);
  // Each click takes its time (a loaded machine: hundreds of ms): the muted stretch lies
  // between the end of the first and the start of the second click at least, and between the
  // start of the first and the end of the second at most.
  const m0 = Date.now();
  await page.click('#mute');
  const m1 = Date.now();
  await sleep(1000);
  const m2 = Date.now();
  await page.click('#mute');
  const m3 = Date.now();
  await sleep(2000);
  await page.click(`#keypad button[data-key="${KEY}"]`);
  await sleep(3000);
  await page.click('#hangup');
  await page.waitForFunction(() => window.fcphone.ended !== null, { timeout: 60000 });
  await page.waitForFunction(() => {
    const img = document.querySelector('#heard-png');
    return img.complete && img.naturalWidth > 0;
  }, { timeout: 20000 });
  const got = await page.evaluate(() => ({
    ended: window.fcphone.ended,
    callId: window.fcphone.callId,
    rate: window.fcphone.rate,
    contextRate: window.fcphone.contextRate,
    received: window.fcphone.receivedPcm(),
    log: Array.from(document.querySelectorAll('#log li')).map((li) => li.textContent),
  }));
  const { ended, callId, rate } = got;
  check(ended.outcome === 'caller-hangup', `the call ended by the page's hang-up (${ended.outcome})`);
  console.log(`     call ${callId} at ${rate} Hz; the page ran at ${got.contextRate} Hz; link: ${JSON.stringify(ended.stats)}`);
  const files = ended.files;

  // (b) caller.wav: the one fcstream wrote to --out, which the page links.
  const callerBytes = await get(base + files.caller_wav);
  const onDisk = path.join(outDir, callId, 'caller.wav');
  check(fs.existsSync(onDisk) && fs.readFileSync(onDisk).equals(callerBytes), `caller.wav is in --out (${onDisk}) and is what the page links`);
  const caller = dsp.readWav(callerBytes);
  check(caller.rate === rate, `caller.wav is at the call's rate (${caller.rate} Hz)`);
  const cr = dsp.runs(caller.x, rate, -45);
  const loud = cr.filter((r) => r.loud && r.to - r.from >= rate / 2);
  check(loud.length >= 2, `caller.wav has the tone before and after the mute (${loud.map((r) => `${(r.from / rate).toFixed(2)}..${(r.to / rate).toFixed(2)} s`).join(', ')})`);
  const gaps = cr.filter((r) => !r.loud && r.from > loud[0].from && r.to < loud[loud.length - 1].to);
  const gapS = gaps.reduce((s, r) => Math.max(s, (r.to - r.from) / rate), 0);
  // The server's caller buffer may stretch a gap by an underrun's padding (up to its 600 ms
  // cushion) or shorten it by a trim: 0.3 s less, 0.7 s more than the clicks allow.
  const [gapMin, gapMax] = [(m2 - m1) / 1000 - 0.3, (m3 - m0) / 1000 + 0.7];
  check(gapS >= gapMin && gapS <= gapMax, `caller.wav is quiet where the page was muted (${gapS.toFixed(2)} s; the clicks allow ${gapMin.toFixed(2)}..${gapMax.toFixed(2)} s)`);
  // The tone's own stretches, 100 ms in from their edges (fades, the key's tone).
  const inner = loud.map((r) => [r.from + rate / 10, r.to - rate / 10]).filter(([a, b]) => b - a >= rate / 4);
  const tone = Float64Array.from(inner.flatMap(([a, b]) => Array.from(caller.x.subarray(a, b))));
  const hz = dsp.dominantHz(tone, rate);
  check(Math.abs(hz - TONE_HZ) < 5, `caller.wav's dominant frequency is the fake microphone's ${TONE_HZ} Hz: ${hz.toFixed(1)} Hz`);
  const level = dsp.dbfs(dsp.rms(tone));
  check(Math.abs(level - -23.0) < 1.5, `caller.wav's tone level: ${level.toFixed(1)} dBFS (the fake microphone: -23.0, sine at 0.1)`);
  const win = rate / 10;
  const sinads = [];
  for (const [a, b] of inner) for (let i = a; i + win <= b; i += win) sinads.push(dsp.sinad(caller.x, rate, hz, i, i + win));
  sinads.sort((p, q) => p - q);
  const median = sinads[Math.floor(sinads.length / 2)];
  const clean = sinads.filter((s) => s >= 25).length / sinads.length;
  console.log(`     SINAD over ${sinads.length} windows of 100 ms: median ${median.toFixed(1)} dB, worst ${sinads[0].toFixed(1)} dB, ${(clean * 100).toFixed(0)} % at 25 dB or more`);
  check(median >= 30 && clean >= 0.8, `caller.wav is a clean tone (median SINAD ${median.toFixed(1)} dB >= 30, ${(clean * 100).toFixed(0)} % of windows >= 25 dB, >= 80 %)`);

  // (c) heard.wav: what the echo sent back. Its delay behind caller.wav is not constant (60 ms
  // at the start and 120 ms after the mute in one call), so nothing is compared at one lag for
  // the whole call: the mute's gap must come back with its length, the tone must come back as
  // itself (frequency, level), and the waveform is compared in 500 ms windows, each at its best
  // lag up to 600 ms. (A pure tone matches itself every period: the windows show the waveform
  // is the tone, undistorted; the gap gives the timing.)
  const heard = dsp.readWav(await get(base + files.heard_wav));
  const timeline = (await get(base + files.timeline)).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const hLevel = dsp.dbfs(dsp.rms(heard.x));
  check(heard.rate === rate && hLevel > -35, `heard.wav is not silent (${hLevel.toFixed(1)} dBFS over ${(heard.x.length / rate).toFixed(1)} s)`);
  const mute = gaps.reduce((m, r) => (r.to - r.from > m.to - m.from ? r : m));
  const muteS = (mute.to - mute.from) / rate;
  const hgaps = dsp.runs(heard.x, rate, -45).filter((r) => !r.loud && r.from >= mute.from && r.from <= mute.from + rate);
  const hmute = hgaps.reduce((m, r) => (!m || Math.abs((r.to - r.from) / rate - muteS) < Math.abs((m.to - m.from) / rate - muteS) ? r : m), null);
  const hmuteS = hmute ? (hmute.to - hmute.from) / rate : 0;
  check(hmute && hmuteS >= muteS - 0.3 && hmuteS <= muteS + 0.7,
    `the mute's gap comes back in heard.wav: ${hmuteS.toFixed(2)} s (caller.wav's ${muteS.toFixed(2)} s) ${hmute ? (((hmute.from - mute.from) / rate) * 1000).toFixed(0) : '-'} ms later`);
  const hloud = dsp.runs(heard.x, rate, -45).filter((r) => r.loud && r.to - r.from >= rate / 2);
  // The echo's own key (a DTMF tone, 14 dB louder) is left out: from its play's start to its
  // end, 100 ms either side (timeline times are the call's, as heard.wav's are).
  const keys = timeline.filter((e) => e.kind === 'notify_dtmf_play_started_data').map((e) => {
    const done = timeline.find((d) => d.kind === 'notify_dtmf_play_completed_data' && d.t_ms >= e.t_ms);
    return [Math.round(((e.t_ms - 100) / 1000) * rate), Math.round((((done ? done.t_ms : e.t_ms + 2000) + 100) / 1000) * rate)];
  });
  const hinner = dsp.without(hloud.map((r) => [r.from + rate / 10, r.to - rate / 10]), keys).filter(([p, q]) => q - p >= rate / 4);
  const htone = Float64Array.from(hinner.flatMap(([p, q]) => Array.from(heard.x.subarray(p, q))));
  const hhz = htone.length ? dsp.dominantHz(htone, rate) : 0;
  const hl = dsp.dbfs(dsp.rms(htone));
  check(Math.abs(hhz - hz) < 5 && Math.abs(hl - level) < 1.5, `heard.wav's tone is caller.wav's: ${hhz.toFixed(1)} Hz at ${hl.toFixed(1)} dBFS, its key's ${keys.length} tone left out (caller.wav's: ${hz.toFixed(1)} Hz at ${level.toFixed(1)} dBFS, within 5 Hz and 1.5 dB)`);
  const half = Math.round(rate / 2);
  const maxLag = Math.round(rate * 0.6);
  const wins = [];
  for (const [p, q] of inner) {
    for (let i = p; i + half <= q; i += half) {
      if (i + half + maxLag > heard.x.length) continue;
      wins.push(dsp.bestLag(caller.x.subarray(i, i + half), heard.x.subarray(i, i + half + maxLag), maxLag).r);
    }
  }
  const rs = wins.sort((p, q) => p - q);
  const wr = rs.length ? rs[Math.floor(rs.length / 2)] : 0;
  const el = dsp.bestLag(dsp.envelope(caller.x, rate), dsp.envelope(heard.x, rate), 50);
  console.log(`     at one lag for the whole call: envelope r=${el.r.toFixed(3)} at ${el.lag * 20} ms`);
  check(rs.length >= 6 && wr >= 0.9, `heard.wav correlates with caller.wav: median ${wr.toFixed(3)} over ${rs.length} windows of 500 ms (worst ${rs.length ? rs[0].toFixed(3) : '-'}) (>= 0.9)`);

  // (d) the audio the page received against heard.wav, sample by sample.
  const received = Float64Array.from(got.received, (v) => v / 32768);
  check(received.length > 6 * rate, `the page received ${(received.length / rate).toFixed(1)} s of audio (heard.wav ${(heard.x.length / rate).toFixed(1)} s)`);
  const rr = dsp.correlation(received, heard.x);
  check(rr >= 0.99, `the audio the page received correlates with heard.wav: ${rr.toFixed(4)} (>= 0.99)`);

  // (e) the key.
  const pressed = timeline.filter((e) => e.kind === 'notify_dtmf_received_start_data' && e.fields && e.fields.digit === KEY);
  check(pressed.length === 1, `the keypad's ${KEY} reached the app as DTMF (timeline.jsonl at ${pressed.length ? pressed[0].t_ms : null} ms)`);
  const echoed = timeline.filter((e) => e.kind === 'dtmf_data' && e.fields && e.fields.dtmf_digits === KEY);
  check(echoed.length === 1, `the echo app pressed ${KEY} back`);
  check(got.log.some((s) => s.includes(`you press ${KEY}`)), "the page's event log shows the key");
  return { callerSinad: median, echo: wr, received: rr };
}

async function main() {
  const args = process.argv.slice(2);
  const shotAt = args.indexOf('--screenshot');
  const shot = shotAt >= 0 ? args.splice(shotAt, 2)[1] : null;
  if (args.length !== 2) {
    console.error('usage: node phone_firefox.js PHONE_URL OUT_DIR [--screenshot FILE]');
    process.exit(2);
  }
  const base = args[0].replace(/\/+$/, '');
  const outDir = args[1];
  const trap = await trapProxy();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // A loaded two-core machine starts Firefox slowly.
    timeout: 90000,
    extraPrefsFirefox: {
      // The fake microphone, without a permission prompt.
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.navigator.audio.fake_frequency': TONE_HZ,
      // Everything not on loopback goes to the trap; no DNS over HTTPS, no connectivity probes.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': trap.port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': trap.port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': false,
      'network.trr.mode': 5,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      // Remote Settings ignores puppeteer's dummy server on release builds unless this env
      // var allows the override: Firefox's own test dummy, which fetches nothing.
      'services.settings.server': 'data:,#remote-settings-dummy/v1',
    },
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  let failed = false;
  try {
    console.log(`     ${await browser.version()} (${FIREFOX}), headless, WebDriver BiDi`);
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 1000 });
    const consoleErrors = [];
    const pageErrors = [];
    const requests = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => pageErrors.push(String(e && e.message ? e.message : e)));
    page.on('request', (r) => requests.push(r.url()));
    const results = [];
    for (const [i, ct] of FORMATS.entries()) results.push(await call(page, base, outDir, ct, i === 0));
    console.log('-- the page');
    check(consoleErrors.length === 0 && pageErrors.length === 0, `no console or page errors (${JSON.stringify([...consoleErrors, ...pageErrors])})`);
    // data:, blob: and about: URLs are not network requests (Firefox loads a data: font of its
    // own into the page): counted apart. Everything else must be on loopback.
    const network = requests.filter((u) => /^(https?|wss?|ftp):/.test(u));
    const local = requests.filter((u) => !network.includes(u));
    const hosts = [...new Set(network.map((u) => new URL(u).host))];
    const foreign = network.filter((u) => !isLoopback(new URL(u).hostname));
    check(network.length > 0 && foreign.length === 0, `the page's ${network.length} network requests all went to loopback (${hosts.join(', ')}; and ${local.length} not on the network: ${[...new Set(local.map((u) => u.slice(0, 24) + "…"))].join(", ") || "none"})${foreign.length ? ': not ' + foreign.join(', ') : ''}`);
    check(trap.hits.length === 0, `no request of the browser's left loopback (the trap proxy saw ${trap.hits.length}${trap.hits.length ? ': ' + trap.hits.slice(0, 5).join('; ') : ''})`);
    if (shot) {
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`     screenshot: ${shot}`);
    }
    console.log(`     summary: ${results.map((r, i) => `${FORMATS[i]}: SINAD ${r.callerSinad.toFixed(1)} dB, echo r=${r.echo.toFixed(3)} (median of windows), page r=${r.received.toFixed(4)}`).join('; ')}`);
  } catch (e) {
    failed = true;
    if (!(e instanceof CheckFailed)) console.log(`FAIL ${e && e.stack ? e.stack : e}`);
  } finally {
    await browser.close().catch(() => {});
    trap.server.close();
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

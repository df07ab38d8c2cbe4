#!/usr/bin/env python3
"""`fcstream phone` in a real browser: Debian's Chromium, headless, driven by Playwright for
Python (the system browser: no download), with a fake microphone fed from a WAV file.

Scenarios (each its own browser, because the fake microphone is fixed at launch):

  echo     against `fcstream serve --app echo`: speech (espeak-ng) into the microphone; the
           emulator's caller.wav correlates with that speech (>= 0.9, after resampling,
           each 250 ms aligned on its own: see tracked_correlation), the
           audio the page received (tapped in the page) correlates with what the app sent
           (heard.wav), and a keypad click reaches the app as DTMF (timeline.jsonl).
  latency  against the echo: 50 ms tone bursts once a second; the page timestamps each burst
           at the microphone and again when its echo leaves the jitter buffer; prints p50.
  agent    against `fcstream serve --app agent`: a spoken question after the greeting; the
           page receives a non-silent answer after the question.
  filter   the page's resampler (the one the worklet uses) removes a tone above the call's
           Nyquist frequency that plain decimation would fold into the band.

Usage: phone_browser.py SCENARIO PHONE_URL WORKDIR [--screenshot FILE]
Prints one line per check and exits non-zero on the first failure.
"""

import argparse
import json
import subprocess
import sys
import time
import urllib.request
import wave
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# This machine's closed network: without these, Chromium reaches for Google's hosts at start.
# (Playwright evaluates test code as strings, which the page's CSP forbids: pages are opened with
# bypass_csp.)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
MIC_RATE = 48000


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def write_wav(path, rate, samples):
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        ch = w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    if ch > 1:
        data = data.reshape(-1, ch).mean(axis=1)
    return rate, data / 32768.0


def resample(x, rate_in, rate_out):
    """Band-limited resampling of a whole signal (FFT: everything above the lower Nyquist
    frequency is removed)."""
    n_out = int(round(len(x) * rate_out / rate_in))
    spec = np.fft.rfft(x)
    keep = n_out // 2 + 1
    if keep <= len(spec):
        spec = spec[:keep]
    else:
        spec = np.concatenate([spec, np.zeros(keep - len(spec), dtype=complex)])
    return np.fft.irfft(spec, n_out) * (n_out / len(x))


def speech(text, workdir, name):
    raw = Path(workdir) / f"{name}-espeak.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(raw), text], check=True)
    rate, x = read_wav(raw)
    return resample(x, rate, MIC_RATE)


def best_correlation(reference, signal):
    """The normalised cross-correlation of `signal` with `reference` repeated (the fake
    microphone loops its file and starts anywhere in it), at the best lag, over the length
    of `signal`."""
    period = len(reference)
    reps = int(np.ceil(len(signal) / period)) + 2
    tiled = np.tile(reference, reps)
    n = len(signal)
    size = 1 << int(np.ceil(np.log2(len(tiled) + n)))
    corr = np.fft.irfft(np.fft.rfft(tiled, size) * np.conj(np.fft.rfft(signal, size)), size)
    lags = corr[:period]
    lag = int(np.argmax(lags))
    seg = tiled[lag : lag + n]
    denom = np.sqrt(np.sum(seg**2) * np.sum(signal**2))
    return float(lags[lag] / denom) if denom > 0 else 0.0, lag


def tracked_correlation(reference, signal, window, max_step):
    """The correlation of `signal` with `reference` repeated, each `window` samples aligned
    on their own: the first at the best lag anywhere in the period, each next one at the best
    lag within `max_step` of the last one's. Returns (correlation, slips, total slip in
    samples): the correlation is sum(dot) / sqrt(sum |signal|^2 * sum |aligned reference|^2)
    over the windows, so it is the one-lag correlation when the lag never moves. A quiet
    window (RMS < 0.005) keeps the last lag, and the lag moves only to a lag that fits the
    window clearly better (by 0.05).

    Why: Chromium's fake microphone loses a whole 10 ms buffer now and then (measured here:
    one playthrough in five had a skip of exactly 80 samples at 8 kHz, 441 at the page's
    44.1 kHz, with no underrun, drop or pad in the phone's counters; a single lag then gave
    0.58 while every 250 ms window but the one holding the skip correlated >= 0.99), and it
    slips a few samples at each loop point. Those are the source's, not the phone's: a
    tracked lag follows them, and the slips are counted so a pipeline that drops or pads
    audio still shows (the check bounds their total)."""
    period = len(reference)
    reps = int(np.ceil(len(signal) / period)) + 3
    tiled = np.tile(reference, reps)
    dot = 0.0
    e_sig = 0.0
    e_ref = 0.0
    lag = None
    _, start_lag = best_correlation(reference, signal)
    slips = 0
    total = 0
    for start in range(0, len(signal) - window + 1, window):
        seg = signal[start : start + window]
        if np.sqrt(np.mean(seg**2)) < 0.005:
            # A pause: nothing to align (its lag would be noise); it adds its little energy.
            if lag is not None:
                e_sig += float(np.dot(seg, seg))
                r = tiled[start + lag : start + lag + window]
                if len(r) == window:
                    dot += float(np.dot(seg, r))
                    e_ref += float(np.dot(r, r))
            continue
        # The first window looks near the lag that fits the whole signal best (a 100 ms
        # window alone can fit a wrong place better: seen, 0.14 tracked against 0.96 for one
        # lag); each next one near the last.
        around = start_lag if lag is None else lag
        candidates = range(max(0, around - max_step), around + max_step + 1)
        es = float(np.dot(seg, seg))
        scored = []
        for cand in candidates:
            r = tiled[start + cand : start + cand + window]
            if len(r) < window:
                continue
            er = float(np.dot(r, r))
            d = float(np.dot(seg, r))
            scored.append((d / np.sqrt(es * er) if er > 0 else 0.0, d, cand, er))
        if not scored:
            break
        best = max(scored)
        if lag is not None:
            # Move only for a clearly better fit: a voiced sound also fits a pitch period
            # away, which is no slip.
            stay = next((x for x in scored if x[2] == lag), None)
            if stay is not None and best[0] < stay[0] + 0.05:
                best = stay
        _, d, cand, er = best
        if lag is not None and cand != lag:
            slips += 1
            total += abs(cand - lag)
        lag = cand
        dot += d
        e_sig += float(np.dot(seg, seg))
        e_ref += er
    c = dot / np.sqrt(e_sig * e_ref) if e_sig > 0 and e_ref > 0 else 0.0
    return float(c), slips, total


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def launch(p, mic_wav):
    return p.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS + [f"--use-file-for-fake-audio-capture={mic_wav}"],
    )


def place_call(page, url, content_type):
    page.goto(url + "/?tap=1")
    page.wait_for_function("document.querySelector('#content-type').options.length > 0")
    page.select_option("#content-type", content_type)
    # A clean test signal: no echo cancellation, noise suppression or gain control.
    page.uncheck("#voice-processing")
    page.click("#call")
    page.wait_for_function("window.fcphone.state === 'in call'", timeout=20000)


def hang_up(page, timeout_ms=60000):
    page.click("#hangup")
    page.wait_for_function("window.fcphone.ended !== null", timeout=timeout_ms)
    # The picture loads after the end.
    page.wait_for_function(
        "document.querySelector('#heard-png').complete && document.querySelector('#heard-png').naturalWidth > 0",
        timeout=20000,
    )
    return page.evaluate("window.fcphone.ended")


def scenario_echo(p, url, workdir, screenshot):
    said = np.concatenate(
        [
            speech("what are your opening hours on saturday", workdir, "echo"),
            np.zeros(MIC_RATE // 2),
        ]
    )
    mic = Path(workdir) / "echo-mic.wav"
    write_wav(mic, MIC_RATE, said)
    browser = launch(p, mic)
    page = browser.new_page(viewport={"width": 1200, "height": 1000}, bypass_csp=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    place_call(page, url, "audio/mulaw;rate=8000")
    time.sleep(4.0)
    page.click('#keypad button[data-key="5"]')
    time.sleep(4.0)
    ended = hang_up(page)
    check(not errors, f"no page errors ({errors})")
    check(ended["outcome"] == "caller-hangup", f"the call ended by the page's hang-up ({ended['outcome']})")
    print(f"     link: {ended['stats']}")
    call_id = page.evaluate("window.fcphone.callId")
    rate = page.evaluate("window.fcphone.rate")
    print(f"     call {call_id} at {rate} Hz; the page ran at {page.evaluate('window.fcphone.contextRate')} Hz")
    files = ended["files"]

    caller_wav = Path(workdir) / "caller.wav"
    caller_wav.write_bytes(fetch(url + files["caller_wav"]))
    heard_wav = Path(workdir) / "heard.wav"
    heard_wav.write_bytes(fetch(url + files["heard_wav"]))
    crate, caller = read_wav(caller_wav)
    # One playthrough of the file from the first sound on: Chromium's fake microphone loops
    # its file and slips a few samples at each loop point, which a single lag cannot follow.
    loud = np.nonzero(np.abs(caller) > 0.02)[0]
    check(len(loud) > 0, "caller.wav has sound")
    ref = resample(said, MIC_RATE, crate)
    seg = caller[loud[0] : loud[0] + len(ref) - crate // 10]
    check(len(seg) > 2 * crate, f"caller.wav holds a playthrough ({len(seg) / crate:.1f} s)")
    # Each 100 ms aligned on its own (the lag may move 25 ms a window): the fake microphone
    # skips 10 ms buffers now and then (see tracked_correlation; up to four in one quiet
    # playthrough here, 40 ms). The slips are bounded at 150 ms in all (5 % of the
    # playthrough): a pipeline losing a frame in ten shows 1.6 s of them.
    c, slips, slipped = tracked_correlation(ref, seg, crate // 10, crate // 40)
    one, _ = best_correlation(ref, seg)
    check(
        c >= 0.9,
        f"caller.wav correlates with the microphone's WAV: {c:.3f} (>= 0.9; one lag for the whole playthrough: {one:.3f})",
    )
    check(
        slipped <= 150 * crate // 1000,
        f"caller.wav follows the microphone with {slips} slips of {slipped * 1000 / crate:.1f} ms in all (<= 150 ms)",
    )

    hrate, heard = read_wav(heard_wav)
    received = np.array(page.evaluate("window.fcphone.receivedPcm()"), dtype=np.float64) / 32768.0
    n = min(len(received), len(heard))
    check(n > 6 * hrate, f"the page received {len(received) / hrate:.1f} s of audio (heard.wav {len(heard) / hrate:.1f} s)")
    a, b = received[:n], heard[:n]
    r = float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))
    check(r >= 0.99, f"the audio the page received correlates with what the app sent (heard.wav): {r:.4f}")
    # And the app sent the caller's voice back (the echo).
    h_loud = np.nonzero(np.abs(heard) > 0.02)[0]
    # Tracked like caller.wav: the echo carries the microphone's skips, and the platform's
    # playback adds its own when an echoed frame comes late (silence, then the rest later:
    # measured up to 30 ms in all), which is the echo's real timing, not a fault; so no bound
    # on the slips here, and the bound this check always had (0.6, for one lag; under two
    # CPU hogs the tracked figure went as low as 0.75 with 7 slips of 104 ms in all).
    hc, hslips, hslipped = tracked_correlation(
        ref, heard[h_loud[0] : h_loud[0] + len(ref) - hrate // 10], hrate // 10, hrate // 40
    )
    check(
        hc >= 0.6,
        f"what the page heard is the echo of the speech: {hc:.3f} (>= 0.6; {hslips} slips of {hslipped * 1000 / hrate:.1f} ms)",
    )

    timeline = [json.loads(l) for l in fetch(url + files["timeline"]).decode().splitlines() if l.strip()]
    pressed = [e for e in timeline if e["kind"] == "notify_dtmf_received_start_data" and e["fields"].get("digit") == "5"]
    check(len(pressed) == 1, f"the keypad's 5 reached the app as DTMF (at {pressed[0]['t_ms'] if pressed else None} ms)")
    echoed = [e for e in timeline if e["kind"] == "dtmf_data" and e["fields"].get("dtmf_digits") == "5"]
    check(len(echoed) == 1, "the echo app pressed 5 back")
    shown = page.evaluate("Array.from(document.querySelectorAll('#log li')).map(li => li.textContent)")
    check(any("you press 5" in s for s in shown), "the page's event log shows the key")
    check(any("app plays" in s for s in shown), "the page's event log shows the app's plays")
    png = fetch(url + files["heard_png"])
    check(png[:8] == b"\x89PNG\r\n\x1a\n", f"heard.png is served ({len(png)} bytes)")
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
        print(f"     screenshot: {screenshot}")
    browser.close()


def scenario_latency(p, url, workdir):
    # 50 ms bursts of 1 kHz at half scale, once a second (ramped 2 ms: no clicks).
    t = np.arange(MIC_RATE) / MIC_RATE
    period = np.zeros(MIC_RATE)
    burst = int(0.05 * MIC_RATE)
    env = np.ones(burst)
    ramp = int(0.002 * MIC_RATE)
    env[:ramp] = np.linspace(0, 1, ramp)
    env[-ramp:] = np.linspace(1, 0, ramp)
    period[:burst] = 0.5 * np.sin(2 * np.pi * 1000 * t[:burst]) * env
    mic = Path(workdir) / "latency-mic.wav"
    write_wav(mic, MIC_RATE, np.tile(period, 10))
    browser = launch(p, mic)
    page = browser.new_page(bypass_csp=True)
    place_call(page, url, "audio/l16;rate=16000")
    time.sleep(12.0)
    lat = page.evaluate("window.fcphone.latencies()")
    out_lat = page.evaluate("window.fcphone.outputLatency")
    hang_up(page)
    browser.close()
    check(len(lat) >= 8, f"{len(lat)} bursts came back through the page")
    s = sorted(lat)
    p50 = s[(len(s) - 1) // 2]
    p90 = s[int(0.9 * (len(s) - 1))]
    print(f"     mouth-to-ear through the page (microphone worklet -> WebSocket -> platform -> echo -> platform -> WebSocket -> jitter buffer -> speaker worklet):")
    print(f"     p50 {p50:.1f} ms, p90 {p90:.1f} ms, min {s[0]:.1f} ms, max {s[-1]:.1f} ms (of {len(s)}); the browser adds {out_lat * 1000:.1f} ms of output latency")
    check(20 < p50 < 1000, f"p50 {p50:.1f} ms is a real round trip (20..1000 ms)")


def scenario_agent(p, url, workdir):
    # Silence while the agent greets, the question, then silence for the answer.
    question = speech("what are your opening hours", workdir, "agent")
    said = np.concatenate([np.zeros(7 * MIC_RATE), question, np.zeros(13 * MIC_RATE)])
    mic = Path(workdir) / "agent-mic.wav"
    write_wav(mic, MIC_RATE, said)
    browser = launch(p, mic)
    page = browser.new_page(bypass_csp=True)
    place_call(page, url, "audio/mulaw;rate=8000")
    deadline = time.time() + 40
    # Wait for the emulator to report a response to the caller's speech.
    while time.time() < deadline:
        time.sleep(1.0)
        n = page.evaluate("window.fcphone.receivedSamples") / 8000.0
        if n > len(said) / MIC_RATE:
            break
    ended = hang_up(page)
    rate = page.evaluate("window.fcphone.rate")
    received = np.array(page.evaluate("window.fcphone.receivedPcm()"), dtype=np.float64) / 32768.0
    caller_wav = Path(workdir) / "agent-caller.wav"
    caller_wav.write_bytes(fetch(url + ended["files"]["caller_wav"]))
    crate, caller = read_wav(caller_wav)
    browser.close()
    # The question in caller.wav: the first 20 ms frame over -30 dBFS, and the last one
    # before 1 s of quiet after it.
    frame = crate // 50
    lv = [np.sqrt(np.mean(caller[i : i + frame] ** 2) + 1e-12) for i in range(0, len(caller) - frame, frame)]
    loud = [i for i, v in enumerate(lv) if v > 0.03]
    check(bool(loud), "the question reached the app (caller.wav)")
    start = loud[0]
    end = start
    for i in loud:
        if i - end > 50:
            break
        end = i
    q_start, q_end = start * 0.02, (end + 1) * 0.02
    print(f"     question at {q_start:.2f}..{q_end:.2f} s of the call")
    # The answer: sound received by the page after the question.
    after = received[int((q_end + 0.1) * rate) :]
    rlv = [np.sqrt(np.mean(after[i : i + rate // 50] ** 2) + 1e-12) for i in range(0, len(after) - rate // 50, rate // 50)]
    voiced = [i for i, v in enumerate(rlv) if v > 0.01]
    check(len(voiced) * 0.02 >= 0.5, f"the page received {len(voiced) * 0.02:.2f} s of non-silent answer after the question")
    first = voiced[0] * 0.02 + q_end + 0.1
    print(f"     the answer starts {first - q_end:.2f} s after the question ends; response latency in the summary: {ended['summary'].get('response_latency_ms')}")
    check(bool(ended["summary"].get("response_latency_ms")), "the emulator measured a response to the speech")


def scenario_filter(p, url, workdir):
    mic = Path(workdir) / "silence.wav"
    write_wav(mic, MIC_RATE, np.zeros(MIC_RATE))
    browser = launch(p, mic)
    page = browser.new_page(bypass_csp=True)
    page.goto(url + "/")
    res = page.evaluate(
        """() => {
        const rate = 48000, n = rate;
        const x = new Float32Array(n);
        const rms = (a, from) => { let s = 0; for (let i = from; i < a.length; i++) s += a[i] * a[i]; return Math.sqrt(s / (a.length - from)); };
        const out = {};
        for (const hz of [1000, 6000]) {
          for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin(2 * Math.PI * hz * i / rate);
          const r = new FcResampler(rate, 8000);
          const parts = [];
          for (let i = 0; i < n; i += 128) parts.push(...r.push(x.subarray(i, i + 128)));
          out[hz] = { filtered: rms(Float32Array.from(parts), 100), decimated: rms(FcResampler.decimate(x, rate, 8000), 0) };
        }
        return out;
    }"""
    )
    browser.close()
    db = lambda v: 20 * np.log10(max(v, 1e-9) / (0.5 / np.sqrt(2)))
    print(f"     1 kHz: {db(res['1000']['filtered']):.2f} dB filtered; 6 kHz: {db(res['6000']['filtered']):.1f} dB filtered, {db(res['6000']['decimated']):.1f} dB decimated")
    check(abs(db(res["1000"]["filtered"])) < 0.5, "the pass band passes (1 kHz within 0.5 dB)")
    check(db(res["6000"]["filtered"]) < -60, "6 kHz is removed before 8 kHz (< -60 dB)")
    check(db(res["6000"]["decimated"]) > -1, "plain decimation would have folded it into the band")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=["echo", "latency", "agent", "filter"])
    ap.add_argument("url")
    ap.add_argument("workdir")
    ap.add_argument("--screenshot")
    a = ap.parse_args()
    url = a.url.rstrip("/")
    with sync_playwright() as p:
        if a.scenario == "echo":
            scenario_echo(p, url, a.workdir, a.screenshot)
        elif a.scenario == "latency":
            scenario_latency(p, url, a.workdir)
        elif a.scenario == "agent":
            scenario_agent(p, url, a.workdir)
        else:
            scenario_filter(p, url, a.workdir)
    print(f"phone {a.scenario}: PASS", flush=True)


if __name__ == "__main__":
    main()

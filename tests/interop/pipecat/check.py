"""Judges one call through `fcstream bridge` into the Pipecat echo bot (echo_bot.py), from the
emulator's files (caller.wav, heard.wav, timeline.jsonl, summary.json) and the bot's events.

    python check.py --out CALL_DIR --events EVENTS.jsonl --key1 3.5 --key2 5.5 --hangup 8

Prints one ok/FAIL line per check and the numbers behind them; exits 1 if any failed.
"""

import argparse
import json
import sys
import wave

import numpy as np


def read_wav(path):
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    return data, rate


def rms(x):
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def best_lag(ref, sig, max_lag):
    """The lag (0..max_lag samples) at which ``sig`` best matches ``ref`` delayed, and the
    normalised correlation there (as fcstream-emulator's ``analysis::delay``)."""
    best = (0, -1.0)
    xx = float(np.dot(ref, ref))
    for lag in range(0, max_lag + 1):
        seg = sig[lag : lag + len(ref)]
        if len(seg) < len(ref) or xx == 0.0:
            break
        yy = float(np.dot(seg, seg))
        if yy == 0.0:
            continue
        c = float(np.dot(ref, seg)) / np.sqrt(xx * yy)
        if c > best[1]:
            best = (lag, c)
    return best


def pitch(x, rate):
    """The dominant frequency (Hz) of ``x``."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--events", required=True)
    p.add_argument("--key1", type=float, required=True, help="when key 1 was pressed (s)")
    p.add_argument("--key2", type=float, required=True, help="when key 2 was pressed (s)")
    p.add_argument("--hangup", type=float, required=True)
    p.add_argument("--metadata", action="append", default=[], help="K=V the call carried")
    a = p.parse_args()

    caller, rate = read_wav(f"{a.out}/caller.wav")
    heard, heard_rate = read_wav(f"{a.out}/heard.wav")
    assert rate == heard_rate == 8000
    summary = json.load(open(f"{a.out}/summary.json"))
    timeline = [json.loads(line) for line in open(f"{a.out}/timeline.jsonl")]
    events = [json.loads(line) for line in open(a.events)]
    s = lambda t: int(t * rate)  # noqa: E731
    checks = {}
    notes = []

    # What the bot saw: Pipecat's own parse_telephony_websocket and serializer.
    start = next((e for e in events if e["event"] == "start"), {})
    checks["Pipecat's parse_telephony_websocket detected a Twilio stream"] = (
        start.get("transport") == "twilio"
    )
    want = dict(kv.split("=", 1) for kv in a.metadata)
    checks["start.customParameters carried the call's metadata"] = start.get("body") == want
    checks["start.callSid is the call's callId"] = start.get("call_id") == want.get("callId")
    digits = [e["digit"] for e in events if e["event"] == "dtmf"]
    checks["each key press reached the bot as dtmf (1, 2)"] = digits == ["1", "2"]
    notes.append(f"bot events: {[e['event'] for e in events]}")

    # 1. The echo: what the caller said comes back. Correlated window by window (125 ms, each
    # at its own lag), since a real-time echo may slip by a few samples where a reply arrived
    # a hair after the previous one finished playing; weighted by the windows' energy.
    speech_end = min(a.key1 - 0.2, len(caller) / rate)
    win = s(0.125)
    total, weighted, lags = 0.0, 0.0, []
    for w0 in range(0, s(speech_end) - win + 1, win):
        ref = caller[w0 : w0 + win]
        energy = float(np.dot(ref, ref))
        if rms(ref) < 300:
            continue
        lag, c = best_lag(ref, heard[w0:], s(0.4))
        total += energy
        weighted += energy * c
        lags.append(lag)
    corr = weighted / total if total else 0.0
    notes.append(
        f"echo: correlation {corr:.3f} over {len(lags)} windows, "
        f"delay {min(lags, default=0) / 8:.1f}-{max(lags, default=0) / 8:.1f} ms"
    )
    checks["heard.wav carries the caller's audio back (correlation >= 0.9)"] = corr >= 0.9

    # 2. Key 1: the bot's 1 kHz tone.
    tone = heard[s(a.key1 + 0.3) : s(a.key2)]
    hz = pitch(tone, rate) if len(tone) else 0.0
    notes.append(f"tone after key 1: RMS {rms(tone):.0f}, {hz:.0f} Hz")
    checks["key 1 -> the bot's 1 kHz tone was heard"] = rms(tone) > 3000 and abs(hz - 1000) < 30

    # 3. Key 2: Pipecat's interruption -> `clear` -> ClearAudioBufferMessage at the platform,
    # and the tone is cut in heard.wav (it would otherwise go on to the hang-up).
    clears = [
        e for e in timeline if e["dir"] == "app->platform" and e["kind"] == "clear_audio_buffer"
    ]
    after = [e["t_ms"] / 1000 for e in clears if e["t_ms"] / 1000 >= a.key2]
    notes.append(f"ClearAudioBufferMessage at {[round(t, 3) for t in after]} s")
    checks["Pipecat's clear reached the platform (ClearAudioBufferMessage after key 2)"] = bool(
        after
    ) and after[0] < a.key2 + 1.0
    loud = np.nonzero(np.abs(heard[s(a.key1) :]) > 3000)[0]
    cut = a.key1 + (loud[-1] + 1) / rate if len(loud) else 0.0
    notes.append(
        f"tone cut at {cut:.3f} s ({(cut - a.key2) * 1000:.0f} ms after key 2); "
        f"clear {((after[0] - a.key2) * 1000) if after else float('nan'):.0f} ms after it"
    )
    checks["the cut is in heard.wav: the tone stops within 400 ms of key 2"] = (
        a.key2 <= cut <= a.key2 + 0.4
    )
    rest = heard[s(a.key2 + 0.4) : s(a.hangup - 0.1)]
    notes.append(f"after the cut: RMS {rms(rest):.0f}")
    checks["silence after the cut, up to the hang-up"] = len(rest) > 0 and rms(rest) < 100

    checks["the call ended by the caller's hang-up, no platform errors"] = (
        summary["outcome"] == "caller-hangup" and not summary["errors"]
    )

    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    for n in notes:
        print(f"  ({n})")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()

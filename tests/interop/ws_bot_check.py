"""Judges one call through `fcstream bridge` into the plain WebSocket bot (ws_bot.py), from the
bot's report and the emulator's files (heard.wav, timeline.jsonl, summary.json).

    python ws_bot_check.py --report REPORT.json --out CALL_DIR --hangup 6 --metadata callId=CA1 ...

Prints one ok/FAIL line per check and the numbers behind them; exits 1 if any failed.
"""

import argparse
import base64
import json
import math
import struct
import sys
import wave


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--report", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--hangup", type=float, required=True)
    p.add_argument("--metadata", action="append", default=[], help="K=V the call carried")
    a = p.parse_args()

    r = json.load(open(a.report))
    summary = json.load(open(f"{a.out}/summary.json"))
    timeline = [json.loads(line) for line in open(f"{a.out}/timeline.jsonl")]
    with wave.open(f"{a.out}/heard.wav") as w:
        rate = w.getframerate()
        frames = w.readframes(w.getnframes())
    heard = struct.unpack("<%dh" % (len(frames) // 2), frames)

    def rms(t0, t1):
        x = heard[int(t0 * rate) : int(t1 * rate)]
        return math.sqrt(sum(v * v for v in x) / len(x)) if x else 0.0

    checks, notes = {}, []
    checks["the bot's script ran without an error"] = not r["errors"]
    if r["errors"]:
        notes.append(f"bot errors: {r['errors']}")

    msgs = [m["msg"] for m in r["received"]]
    start = r.get("start", {}).get("start", {})
    want = dict(kv.split("=", 1) for kv in a.metadata)
    checks["start.customParameters carries the call's metadata"] = (
        start.get("customParameters") == want
    )
    checks["start: callSid, tracks, mediaFormat as Twilio's"] = (
        start.get("callSid") == want.get("callId")
        and start.get("tracks") == ["inbound"]
        and start.get("mediaFormat") == {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}
    )
    notes.append(f"customParameters {start.get('customParameters')}")

    media = [m for m in msgs if m.get("event") == "media"]
    chunks_ok = all(
        m["media"]["chunk"] == str(i + 1)
        and m["media"]["timestamp"] == str(i * 20)
        and len(base64.b64decode(m["media"]["payload"])) == 160
        for i, m in enumerate(media)
    )
    seqs = [int(m["sequenceNumber"]) for m in msgs if "sequenceNumber" in m]
    checks["media: chunk 1, 2, ..., timestamps 20 ms apart, 20 ms of µ-law each"] = (
        len(media) > 200 and chunks_ok
    )
    checks["sequenceNumber counts every message from 1"] = seqs == list(range(1, len(seqs) + 1))

    played = r.get("played_mark", {})
    delay = played.get("delay", 0.0)
    notes.append(f"mark after 2 s of audio sent at once: answered {delay:.3f} s after it was sent")
    checks["a mark is answered after its audio played, not on receipt (>= 1.5 s for 2 s)"] = (
        played.get("name") == "played" and 1.5 <= delay <= 6.0
    )
    clear = r.get("clear", {})
    notes.append(
        f"clear with 4 s pending: marks {clear.get('marks')} answered "
        f"{[round(d * 1000) for d in clear.get('delays', [])]} ms after it"
    )
    checks["on clear, every pending mark is answered at once, in order"] = (
        clear.get("marks") == ["c1", "c2"] and all(d < 1.0 for d in clear.get("delays", [9]))
    )
    idle = r.get("idle_mark", {})
    notes.append(f"mark with nothing queued: {idle.get('delay', float('nan')) * 1000:.0f} ms")
    checks["a mark with nothing queued is answered at once (< 0.5 s)"] = (
        idle.get("name") == "idle" and idle.get("delay", 9) < 0.5
    )
    checks["the call's end reached the bot as stop (callSid), last"] = (
        bool(msgs) and msgs[-1].get("event") == "stop"
        and msgs[-1]["stop"].get("callSid") == want.get("callId")
    )

    # The platform side: the clear reached it and cut the audio the bot had sent ahead.
    cleared = [
        e["t_ms"] / 1000
        for e in timeline
        if e["dir"] == "app->platform" and e["kind"] == "clear_audio_buffer"
    ]
    notes.append(f"ClearAudioBufferMessage at {[round(t, 3) for t in cleared]} s")
    checks["clear reached the platform (one ClearAudioBufferMessage)"] = len(cleared) == 1
    # Without one, judge the heard audio from when the bot sent its clear (its own clock
    # starts about when the call's does; the window is generous).
    at = cleared[0] if cleared else clear.get("at", 3.0) + 0.1
    before, after = rms(at - 0.4, at), rms(at + 0.2, a.hangup - 0.1)
    notes.append(f"heard RMS before the clear {before:.0f}, after it {after:.0f}")
    checks["heard.wav: the bot's tone until the clear, silence after (4 s were pending)"] = (
        before > 3000 and after < 100
    )
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

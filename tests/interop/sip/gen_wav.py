"""Writes the caller's voice for the SIP interop test: 8 kHz mono 16-bit, a voiced,
speech-like signal (harmonics on a gliding pitch, syllable-rate loudness) that is easy to
find again by correlation and not periodic enough to fool it."""
import math
import random
import struct
import sys
import wave

rate = 8000
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 4.0
rng = random.Random(7)
samples = []
phase = 0.0
for n in range(int(rate * seconds)):
    t = n / rate
    f0 = 140 + 40 * math.sin(2 * math.pi * 0.7 * t) + 25 * math.sin(2 * math.pi * 1.9 * t)
    phase += 2 * math.pi * f0 / rate
    voice = sum(math.sin(k * phase) / k for k in range(1, 12))
    # Syllables: ~4 per second, with short pauses.
    env = max(0.0, math.sin(2 * math.pi * 2.1 * t)) ** 0.6
    noise = rng.uniform(-0.05, 0.05)
    samples.append(int(max(-1, min(1, 0.35 * env * voice + noise * env)) * 32767 * 0.8))
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(struct.pack("<%dh" % len(samples), *samples))

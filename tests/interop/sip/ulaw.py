"""WAV (16-bit mono 8 kHz) to raw G.711 u-law, for SIPp's rtp_stream."""
import struct
import sys
import wave


def encode(s):
    # G.711 u-law (the same table as fcstream::audio::mulaw).
    sign = 0x80 if s < 0 else 0
    m = min(abs(s), 32635) + 0x84
    exp = max(0, min(7, m.bit_length() - 8))
    mant = (m >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


with wave.open(sys.argv[1], "rb") as w:
    n = w.getnframes()
    pcm = struct.unpack("<%dh" % n, w.readframes(n))
open(sys.argv[2], "wb").write(bytes(encode(s) for s in pcm))

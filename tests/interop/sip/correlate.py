"""How much of REFERENCE.wav comes back in RECORDED.wav.

A live call's delay settles in its first half second (each jitter-absorbing stage may step
by a frame once, and the platform model's render moves by a few samples as its clock and
the app's replies find their phase), and a late reply from the app can make the render
insert a few ms of silence later (measured: 12 ms once, inside a pause). So one delay for
the whole file would undersell a faithful echo. The first --skip seconds (default 0.5) are
left out; the rest of the reference is cut into 250 ms windows; each window with sound in
it is found in the recording at its own best delay (to the sample, by FFT
cross-correlation, delays 0-1 s), and its normalised correlation taken there. Prints the
mean, the worst window, the delays seen and the whole-file single-delay figure; exit status
1 when the mean is below --min (default 0.9). Both files 16-bit; RECORDED is resampled to
REFERENCE's rate when they differ. (A 440 Hz tone against a recorded echo scores ~0.1.)"""
import argparse
import sys
import wave

import numpy as np


def read(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            sys.exit(f"{path}: not 16-bit")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        ch = w.getnchannels()
        if ch > 1:
            data = data.reshape(-1, ch).mean(axis=1)
        return data, w.getframerate()


def best(ref, rec):
    """(correlation, delay) of ref inside rec, delays 0 .. len(rec)-len(ref)."""
    if len(rec) < len(ref):
        return 0.0, 0
    size = 1 << (len(rec) + len(ref)).bit_length()
    xc = np.fft.irfft(np.fft.rfft(rec, size) * np.conj(np.fft.rfft(ref, size)), size)
    xc = xc[: len(rec) - len(ref) + 1]
    # Normalise every delay by the energy of the recording under the window.
    csum = np.concatenate([[0.0], np.cumsum(rec * rec)])
    energy = csum[len(ref) :] - csum[: len(rec) - len(ref) + 1]
    norm = np.sqrt(np.maximum(energy, 1e-9) * np.dot(ref, ref))
    c = xc / norm
    i = int(np.argmax(c))
    return float(c[i]), i


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("recorded")
    ap.add_argument("--min", type=float, default=0.9)
    ap.add_argument("--skip", type=float, default=0.5, help="seconds of settling left out")
    a = ap.parse_args()
    ref, rate = read(a.reference)
    rec, rec_rate = read(a.recorded)
    if rec_rate != rate:
        t = np.arange(int(len(rec) * rate / rec_rate)) * rec_rate / rate
        rec = np.interp(t, np.arange(len(rec)), rec)
    if not rec.any():
        print("correlation=0 (the recording is silent)")
        return 1
    win, max_delay = rate // 4, rate
    loud = np.sqrt(np.mean(ref * ref)) * 0.3
    scores = []
    for s in range(int(a.skip * rate), len(ref) - win + 1, win):
        w = ref[s : s + win]
        if np.sqrt(np.mean(w * w)) < loud:
            continue
        seg = rec[s : s + win + max_delay]
        if len(seg) < win + rate // 8:
            # The recording ends (it started late): the window is not all in it.
            continue
        c, d = best(w, seg)
        scores.append((c, d))
    if not scores:
        print("correlation=0 (no window of the reference has sound, or the recording is short)")
        return 1
    whole, delay = best(ref[: len(rec) // 2], rec)
    mean = float(np.mean([c for c, _ in scores]))
    worst = min(c for c, _ in scores)
    delays = sorted({round(d * 1000 / rate, 1) for _, d in scores})
    print(
        f"correlation={mean:.4f} (mean of {len(scores)} 250 ms windows; worst {worst:.4f}; "
        f"delays {delays} ms; whole first half at one delay {whole:.4f})"
    )
    return 0 if mean >= a.min else 1


if __name__ == "__main__":
    sys.exit(main())

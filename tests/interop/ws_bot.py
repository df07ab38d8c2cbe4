"""A plain Twilio Media Streams bot (the `websockets` package, no framework) for the bridge's
interop test (tests/interop/bridge.sh): it checks what Pipecat never sends.

One call, scripted from the bot's side:

1. ``start.customParameters`` and ``callSid`` are recorded (the call's metadata).
2. 0.5 s in, the bot sends 2 s of a 600 Hz tone in one burst, then the mark ``played``: the
   mark must come back once that audio has *played* (about 2 s later), not on receipt.
3. Then 4 s of tone with the marks ``c1`` (after 2 s of it) and ``c2`` (after all of it), and
   0.5 s later ``clear``: both marks must come back at once, in order, long before their audio
   could have played.
4. A mark with no audio queued (``idle``) comes back at once, as Twilio's does.

Every message received (with its arrival time) and the measurements go to ``--report`` (JSON)
when the bridge closes the socket; ``ws_bot_check.py`` judges them with the caller's files.

    python ws_bot.py --port-file PORT_FILE --report REPORT.json
"""

import argparse
import asyncio
import base64
import json
import math
import os
import time

import websockets

RATE = 8000
TONE_HZ = 600.0
FRAME = 160  # 20 ms of µ-law


def mulaw_encode(sample: int) -> int:
    """One 16-bit sample as G.711 µ-law (the standard's segment search)."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(sample), clip) + bias
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def tone_frames(secs: float):
    """``secs`` of the tone as base64 payloads of 20 ms each."""
    n = int(secs * RATE)
    data = bytes(
        mulaw_encode(int(12000 * math.sin(2 * math.pi * TONE_HZ * i / RATE))) for i in range(n)
    )
    return [base64.b64encode(data[i : i + FRAME]).decode() for i in range(0, n, FRAME)]


class Call:
    """One bridged call: what arrived, and when."""

    def __init__(self, ws):
        self.ws = ws
        self.t0 = time.monotonic()
        self.received = []  # (seconds since t0, message)
        self.marks = asyncio.Queue()
        self.stream_sid = None

    def now(self) -> float:
        return time.monotonic() - self.t0

    async def read(self):
        async for text in self.ws:
            msg = json.loads(text)
            at = self.now()
            self.received.append((at, msg))
            if msg.get("event") == "mark":
                await self.marks.put((at, msg["mark"]["name"]))

    async def send(self, **msg):
        msg["streamSid"] = self.stream_sid
        await self.ws.send(json.dumps(msg))

    async def media(self, payloads):
        for p in payloads:
            await self.send(event="media", media={"payload": p})

    async def mark(self, name: str):
        await self.send(event="mark", mark={"name": name})

    async def next_mark(self, timeout: float = 15.0):
        return await asyncio.wait_for(self.marks.get(), timeout)


async def script(call: Call, report: dict):
    await asyncio.sleep(0.5)
    # 2. A mark after 2 s of audio sent at once.
    await call.media(tone_frames(2.0))
    await call.mark("played")
    sent = call.now()
    at, name = await call.next_mark()
    report["played_mark"] = {"name": name, "sent": sent, "answered": at, "delay": at - sent}

    # 3. Clear with two marks pending.
    frames = tone_frames(4.0)
    await call.media(frames[: len(frames) // 2])
    await call.mark("c1")
    await call.media(frames[len(frames) // 2 :])
    await call.mark("c2")
    await asyncio.sleep(0.5)
    await call.send(event="clear")
    cleared = call.now()
    answered = [await call.next_mark(), await call.next_mark()]
    report["clear"] = {
        "at": cleared,
        "marks": [name for _, name in answered],
        "delays": [at - cleared for at, _ in answered],
    }

    # 4. A mark with nothing queued.
    await asyncio.sleep(0.3)
    await call.mark("idle")
    sent = call.now()
    at, name = await call.next_mark()
    report["idle_mark"] = {"name": name, "delay": at - sent}


async def handle(ws, report_path: str):
    call = Call(ws)
    report = {"errors": []}
    connected = json.loads(await ws.recv())
    start = json.loads(await ws.recv())
    call.received += [(call.now(), connected), (call.now(), start)]
    call.stream_sid = start.get("streamSid")
    report["start"] = start
    reader = asyncio.create_task(call.read())
    try:
        await script(call, report)
    except Exception as e:  # the checker reports what is missing
        report["errors"].append(f"{type(e).__name__}: {e}")
    try:
        await reader  # until the bridge closes the socket (after `stop`)
    except websockets.ConnectionClosed:
        pass
    report["received"] = [{"at": at, "msg": m} for at, m in call.received]
    with open(report_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(report, f)
    os.replace(report_path + ".tmp", report_path)


async def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--report", required=True)
    args = p.parse_args()
    async with websockets.serve(lambda ws: handle(ws, args.report), "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())

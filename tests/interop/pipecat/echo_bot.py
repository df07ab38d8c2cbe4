"""A real Pipecat bot for the bridge's interop test (tests/interop/bridge.sh).

Pipecat's own Twilio pieces, unchanged: ``parse_telephony_websocket`` reads ``connected`` and
``start``, ``TwilioFrameSerializer`` (auto_hang_up=False: the bridge hangs up, there is no
Twilio REST API) turns ``media``/``dtmf`` into frames and frames into ``media``/``clear``, and
``FastAPIWebsocketTransport`` runs under uvicorn. The pipeline is
``transport.input() -> Echo -> transport.output()``:

- caller audio (``InputAudioRawFrame``) comes back as ``OutputAudioRawFrame`` (the echo);
- key ``1``: the echo stops and the bot speaks a long 1 kHz tone (``--tone-secs``, 8 s), so
  the caller hears that the key reached the bot;
- key ``2``: the bot interrupts itself with Pipecat's ``broadcast_interruption()`` (the
  ``InterruptionFrame`` a VAD or an STT would raise when the caller talks over the bot): the
  output transport drops its queue and the serializer sends ``clear``.

No VAD or STT is needed for that. Every event is also written, one JSON object a line, to
``--events`` (the ``start`` data, each key, the interruption), for the checker.

    python echo_bot.py --port-file PORT_FILE --events EVENTS.jsonl
"""

import argparse
import asyncio
import json
import math
import os
import socket
import struct
import time

import uvicorn
from fastapi import FastAPI, WebSocket
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    InputDTMFFrame,
    OutputAudioRawFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.runner.utils import parse_telephony_websocket
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.transports.websocket.fastapi import (
    FastAPIWebsocketParams,
    FastAPIWebsocketTransport,
)
from pipecat.workers.runner import WorkerRunner

RATE = 8000
TONE_HZ = 1000.0


def tone(secs: float, hz: float = TONE_HZ, amplitude: int = 12000) -> bytes:
    """``secs`` of a sine at ``hz``, 16-bit little-endian PCM at 8 kHz."""
    n = int(secs * RATE)
    return struct.pack(
        "<%dh" % n,
        *(int(amplitude * math.sin(2 * math.pi * hz * i / RATE)) for i in range(n)),
    )


class Events:
    """The bot's own log of what it saw, for the checker (one JSON object a line)."""

    def __init__(self, path: str):
        self.path = path

    def write(self, **fields):
        fields["t"] = time.time()
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(fields) + "\n")


class Echo(FrameProcessor):
    """Caller audio back to the caller; key 1 speaks a tone, key 2 interrupts it."""

    def __init__(self, events: Events, tone_secs: float):
        super().__init__()
        self.events = events
        self.tone_secs = tone_secs
        self.echo = True

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame):
            if self.echo:
                await self.push_frame(
                    OutputAudioRawFrame(
                        audio=frame.audio,
                        sample_rate=frame.sample_rate,
                        num_channels=frame.num_channels,
                    )
                )
            return
        if isinstance(frame, InputDTMFFrame):
            digit = frame.button.value
            self.events.write(event="dtmf", digit=digit)
            if digit == "1":
                self.echo = False
                await self.push_frame(
                    OutputAudioRawFrame(audio=tone(self.tone_secs), sample_rate=RATE, num_channels=1)
                )
            elif digit == "2":
                self.events.write(event="interruption")
                await self.broadcast_interruption()
            return
        await self.push_frame(frame, direction)


def app(events: Events, tone_secs: float) -> FastAPI:
    api = FastAPI()

    @api.websocket("/ws")
    async def ws(websocket: WebSocket):
        await websocket.accept()
        transport_type, call_data = await parse_telephony_websocket(websocket)
        events.write(
            event="start",
            transport=transport_type,
            stream_id=call_data["stream_id"],
            call_id=call_data["call_id"],
            body=call_data.get("body", {}),
        )
        serializer = TwilioFrameSerializer(
            stream_sid=call_data["stream_id"],
            call_sid=call_data["call_id"],
            params=TwilioFrameSerializer.InputParams(auto_hang_up=False),
        )
        transport = FastAPIWebsocketTransport(
            websocket=websocket,
            params=FastAPIWebsocketParams(
                audio_in_enabled=True,
                audio_out_enabled=True,
                add_wav_header=False,
                serializer=serializer,
            ),
        )
        pipeline = Pipeline([transport.input(), Echo(events, tone_secs), transport.output()])
        worker = PipelineWorker(
            pipeline,
            params=PipelineParams(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE),
            enable_rtvi=False,
            idle_timeout_secs=None,
        )

        @transport.event_handler("on_client_disconnected")
        async def on_client_disconnected(_transport, _ws):
            events.write(event="disconnected")
            await worker.cancel()

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        await runner.run()

    return api


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port-file", required=True, help="where to write the port chosen by the OS")
    p.add_argument("--events", required=True, help="JSON lines of what the bot saw")
    p.add_argument("--tone-secs", type=float, default=8.0, help="the tone key 1 starts")
    args = p.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app(Events(args.events), args.tone_secs), log_level="warning")
    server = uvicorn.Server(config)

    async def serve():
        # The port is written once uvicorn listens on it.
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.05)
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(str(sock.getsockname()[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
        await task

    asyncio.run(serve())


if __name__ == "__main__":
    main()

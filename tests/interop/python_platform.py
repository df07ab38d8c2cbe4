#!/usr/bin/env python3
"""An independent FreeClimb *platform* in Python (grpcio, protobuf's own encoder), calling
`fcstream serve --app echo`: the server's hand-written codec (crates/fcstream/src/server/wire.rs)
must read what another protobuf implementation writes, and write what it reads.

Stubs are generated at run time from crates/fcstream/proto/freeclimb.proto. One call: started,
FRAMES caller frames of distinct µ-law bytes with start/end timestamps and sequence numbers,
every PlayAudioMessage acknowledged (started, then completed, with timestamps: the messages the
codec's fast path reads), one frame sent with its fields in reverse order and one with an
unknown field (the fast path must leave those to prost), then NotifyCallEnded. Checks: every
frame echoed once, byte for byte, in order, with the call's content type, distinct ids, and
the stream ends with status OK. Prints a summary; exits non-zero on any failure.
"""
import argparse
import os
import queue
import sys
import tempfile
import threading
import time

import grpc
from freeclimb_stubs import load_stubs


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proto", required=True)
    ap.add_argument("--url", required=True, help="host:port of fcstream serve")
    ap.add_argument("--frames", type=int, default=100)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pb2, pb2_grpc = load_stubs(args.proto, tmp)
        PM = pb2.PlatformMessage
        content_type = "audio/mulaw;rate=8000"
        outbox = queue.Queue()

        def stamp(ts, t):
            ts.seconds = int(t)
            ts.nanos = int((t - int(t)) * 1e9)

        def frame_msg(seq):
            data = bytes(((seq * 7 + i) % 251) for i in range(160))
            m = PM()
            a = m.notify_audio_data
            a.audio_data = data
            stamp(a.start_tstamp, time.time())
            stamp(a.end_tstamp, time.time() + 0.02)
            a.sequence_num = seq
            return m, data

        def requests():
            m = PM()
            s = m.notify_call_started
            s.call_id = "CA-python-platform"
            s.to = "+15550100"
            setattr(s, "from", "+15550199")
            s.is_inbound = True
            s.content_type = content_type
            yield m
            while True:
                item = outbox.get()
                if item is None:
                    return
                yield item

        class Raw:
            """A message given as bytes (grpcio sends what the serializer returns)."""

            def __init__(self, data):
                self.data = data

        def serialize(m):
            return m.data if isinstance(m, Raw) else m.SerializeToString()

        channel = grpc.insecure_channel(args.url)
        call = channel.stream_stream(
            "/freeclimb.GRPCStreamService/SendIVRData",
            request_serializer=serialize,
            response_deserializer=pb2.AppMessage.FromString,
        )(requests())

        # Caller frames in real time (every 20 ms), as a platform sends them, from a thread
        # of their own; the replies are read (and acknowledged) below meanwhile.
        sent = []
        for seq in range(args.frames):
            sent.append(frame_msg(seq)[1])

        def caller():
            for seq in range(args.frames):
                m, data = frame_msg(seq)
                if seq == args.frames // 3:
                    # The same frame with its fields in reverse order, written by hand.
                    body = bytearray()
                    body += b"\x30" + varint(seq)
                    body += b"\x0a" + varint(len(data)) + data
                    raw = b"\x12" + varint(len(body)) + bytes(body)
                    assert PM.FromString(raw).notify_audio_data.audio_data == data
                    outbox.put(Raw(raw))
                elif seq == args.frames // 2:
                    # An unknown field (99, varint) inside the audio message.
                    body = m.notify_audio_data.SerializeToString() + varint(99 << 3) + varint(5)
                    outbox.put(Raw(b"\x12" + varint(len(body)) + body))
                else:
                    outbox.put(m)
                time.sleep(0.02)

        threading.Thread(target=caller, daemon=True).start()

        echoed, ids, bad_type = [], set(), 0
        status = "OK"
        try:
            for reply in call:
                kind = reply.WhichOneof("payload")
                if kind != "audio_data":
                    continue
                play = reply.audio_data
                echoed.append(bytes(play.audio_data))
                ids.add(play.id)
                if play.content_type != content_type:
                    bad_type += 1
                for which in ("notify_playback_started_data", "notify_playback_completed_data"):
                    ack = PM()
                    getattr(ack, which).id = play.id
                    stamp(getattr(ack, which).timestamp, time.time())
                    outbox.put(ack)
                if len(echoed) == len(sent):
                    end = PM()
                    end.notify_call_ended.call_id = "CA-python-platform"
                    end.notify_call_ended.reason = "caller hung up"
                    outbox.put(end)
                    outbox.put(None)
        except grpc.RpcError as e:
            status = "%s: %s" % (e.code(), e.details())
        outbox.put(None)

        ok = True
        def check(cond, what):
            nonlocal ok
            print(("ok   " if cond else "FAIL ") + what, flush=True)
            ok = ok and cond

        check(len(echoed) == len(sent), "every frame echoed once (%d of %d)" % (len(echoed), len(sent)))
        check(echoed == sent[: len(echoed)], "echoes byte for byte and in order (the reversed-field and unknown-field frames included)")
        check(bad_type == 0, "every play in the call's content type")
        check(len(ids) == len(echoed), "distinct play ids (%d)" % len(ids))
        check(status == "OK", "the stream ended with status OK (%s)" % status)
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

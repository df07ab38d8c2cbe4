#!/usr/bin/env python3
"""A minimal, independent FreeClimb audio-stream app in Python (grpcio), for interop tests.

It shares no code with fcstream: its gRPC stubs are generated at run time from
crates/fcstream/proto/freeclimb.proto into a temporary directory. For each call it echoes every caller audio
frame back as a PlayAudioMessage in the call's content type, and answers nothing else (no
DTMF, no acknowledgements are awaited). It listens on 127.0.0.1 on a port the OS chooses and
writes that port to --port-file once it is serving.
"""
import argparse
import os
import signal
import sys
import tempfile
import threading
from concurrent import futures

import grpc
from freeclimb_stubs import load_stubs


def make_servicer(pb2, pb2_grpc):
    class Echo(pb2_grpc.GRPCStreamServiceServicer):
        def SendIVRData(self, request_iterator, context):
            content_type = None
            call_id = "?"
            echoed = 0
            for msg in request_iterator:
                kind = msg.WhichOneof("payload")
                if kind == "notify_call_started":
                    content_type = msg.notify_call_started.content_type
                    call_id = msg.notify_call_started.call_id
                    print("call %s started (%s)" % (call_id, content_type), flush=True)
                elif kind == "notify_audio_data" and content_type:
                    echoed += 1
                    yield pb2.AppMessage(audio_data=pb2.AppMessage.PlayAudioMessage(
                        id="echo-%d" % echoed,
                        audio_data=msg.notify_audio_data.audio_data,
                        content_type=content_type,
                        sequence_num=0,
                        last_message=True,
                    ))
                elif kind == "notify_call_ended":
                    print("call %s ended (reason %d), %d frames echoed"
                          % (call_id, msg.notify_call_ended.reason_code, echoed), flush=True)
                    return
            print("call %s: stream closed, %d frames echoed" % (call_id, echoed), flush=True)

    return Echo()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proto", required=True, help="path to freeclimb.proto")
    parser.add_argument("--port-file", required=True, help="where to write the chosen port")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fcstream-interop-") as out_dir:
        pb2, pb2_grpc = load_stubs(args.proto, out_dir)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        pb2_grpc.add_GRPCStreamServiceServicer_to_server(make_servicer(pb2, pb2_grpc), server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
        print("python echo server listening on 127.0.0.1:%d" % port, flush=True)

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
        server.stop(grace=1).wait()


if __name__ == "__main__":
    main()

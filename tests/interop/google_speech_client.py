"""Google's own Python client library (google-cloud-speech) against `fcstream stt-serve`.

Streams a µ-law 8 kHz file in 20 ms chunks with interim results and a phrase hint, prints every
response, and exits non-zero unless a final result carries the expected word with a confidence.
Usage: google_speech_client.py HOST:PORT FILE.ul EXPECTED_WORD
"""
import sys
import time

import grpc
from google.cloud import speech_v1 as speech
from google.cloud.speech_v1.services.speech.transports import SpeechGrpcTransport

addr, path, expected = sys.argv[1], sys.argv[2], sys.argv[3].lower()
client = speech.SpeechClient(transport=SpeechGrpcTransport(channel=grpc.insecure_channel(addr)))
config = speech.StreamingRecognitionConfig(
    config=speech.RecognitionConfig(
        encoding=speech.RecognitionConfig.AudioEncoding.MULAW,
        sample_rate_hertz=8000,
        language_code="en-US",
        speech_contexts=[speech.SpeechContext(phrases=["hours", "help", "goodbye"])],
    ),
    interim_results=True,
)
audio = open(path, "rb").read() + b"\xff" * 8000  # one second of µ-law silence after the words


def chunks():
    for i in range(0, len(audio), 160):
        time.sleep(0.02)
        yield speech.StreamingRecognizeRequest(audio_content=audio[i : i + 160])


finals = []
for response in client.streaming_recognize(config=config, requests=chunks()):
    for result in response.results:
        alt = result.alternatives[0]
        kind = "final" if result.is_final else "interim"
        print(f"{kind}: {alt.transcript!r} confidence={alt.confidence:.2f} stability={result.stability:.2f} end={result.result_end_time}")
        if result.is_final:
            finals.append(alt)
text = " ".join(a.transcript for a in finals).lower()
ok = expected in text and all(a.confidence > 0 for a in finals)
print("google-cloud-speech client:", "PASS" if ok else "FAIL", repr(text))
sys.exit(0 if ok else 1)

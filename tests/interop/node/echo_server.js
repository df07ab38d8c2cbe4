#!/usr/bin/env node
// A minimal, independent FreeClimb audio-stream app in Node.js (@grpc/grpc-js and
// @grpc/proto-loader), for `fcstream conform` (tests/interop/conform-node.sh).
//
// It shares no code with fcstream: the service is loaded at run time from the .proto file, as
// FreeClimb's published Node example does. For each call it echoes every caller audio frame
// back as one PlayAudioMessage in the call's content type (its own id per frame,
// last_message true) and presses back every key the caller pressed (PressDTMFMessage on
// NotifyDTMFReceivedEndedMessage). It waits for no acknowledgement and ignores every other
// message, including ones this version of the contract does not know. It closes its side
// when the call ends (NotifyCallEndedMessage) or the platform closes its side, whichever comes
// first. It listens on 127.0.0.1 on a port the OS chooses and writes that port to
// --port-file once it is serving.
"use strict";

const fs = require("fs");
const path = require("path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const protoPath = path.resolve(
  arg("--proto", path.join(__dirname, "../../../crates/fcstream/proto/freeclimb.proto")),
);
const portFile = arg("--port-file", null);
const host = arg("--host", "127.0.0.1");
const port = arg("--port", "0");

const definition = protoLoader.loadSync(protoPath, {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const freeclimb = grpc.loadPackageDefinition(definition).freeclimb;

let calls = 0;

function SendIVRData(call) {
  const n = ++calls;
  let contentType = "";
  let callId = "?";
  let echoed = 0;
  let keys = 0;
  let ended = false;
  const finish = (why) => {
    if (ended) return;
    ended = true;
    console.log(`call ${n} (${callId}) ${why}: ${echoed} frames echoed, ${keys} keys pressed back`);
    call.end();
  };

  call.on("data", (message) => {
    if (ended) return;
    switch (message.payload) {
      case "notify_call_started":
        contentType = message.notify_call_started.content_type;
        callId = message.notify_call_started.call_id;
        console.log(`call ${n} (${callId}) started (${contentType})`);
        break;
      case "notify_audio_data":
        if (!contentType) {
          console.error(`call ${n}: audio before the call start, ignored`);
          break;
        }
        echoed += 1;
        call.write({
          audio_data: {
            id: `echo-${echoed}`,
            audio_data: message.notify_audio_data.audio_data,
            content_type: contentType,
            sequence_num: 0,
            last_message: true,
          },
        });
        break;
      case "notify_dtmf_received_end_data":
        keys += 1;
        call.write({
          dtmf_data: {
            id: `key-${keys}`,
            dtmf_digits: message.notify_dtmf_received_end_data.digit,
            press_duration_ms: 100,
            break_duration_ms: 50,
            sequence_num: keys,
          },
        });
        break;
      case "notify_call_ended":
        finish(`ended (${message.notify_call_ended.reason_code})`);
        break;
      default:
        // Acknowledgements, errors, depth answers and messages from a future version of
        // the contract (no known payload): nothing to do for an echo.
        break;
    }
  });
  call.on("end", () => finish("closed by the platform"));
  call.on("cancelled", () => {
    ended = true;
    console.log(`call ${n} (${callId}) reset by the platform`);
  });
  call.on("error", (err) => {
    ended = true;
    console.error(`call ${n} (${callId}) error: ${err.message}`);
  });
}

const server = new grpc.Server();
server.addService(freeclimb.GRPCStreamService.service, { SendIVRData });
server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error(`cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(`serving freeclimb.GRPCStreamService on ${host}:${bound}`);
  if (portFile) {
    // Written whole, then renamed: a reader never sees a partial number.
    fs.writeFileSync(`${portFile}.tmp`, String(bound));
    fs.renameSync(`${portFile}.tmp`, portFile);
  }
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.tryShutdown(() => process.exit(0)));
}

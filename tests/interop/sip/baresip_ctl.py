"""Drives a running baresip through its ctrl_tcp module (netstring-framed JSON): dial a URI,
press keys once the call is up, hang up after a while or wait for the far end to, and print
what happened as one JSON line:
  {"established": true, "closed_by": "remote"|"local"|null, "dtmf_received": "5", ...}
Exit status 0 when the call was established and closed."""
import argparse
import json
import socket
import sys
import time


def netstring(obj):
    data = json.dumps(obj).encode()
    return str(len(data)).encode() + b":" + data + b","


class Ctl:
    def __init__(self, port, timeout):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.sock.settimeout(0.1)

    def send(self, command, params=""):
        self.sock.sendall(netstring({"command": command, "params": params, "token": command}))

    def events(self):
        """Every complete message received so far."""
        try:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        except socket.timeout:
            pass
        out = []
        while b":" in self.buf:
            head, rest = self.buf.split(b":", 1)
            n = int(head)
            if len(rest) < n + 1:
                break
            out.append(json.loads(rest[:n]))
            self.buf = rest[n + 1 :]
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctrl", type=int, required=True)
    ap.add_argument("--uri", required=True)
    ap.add_argument("--digits", default="", help="keys to press once established")
    ap.add_argument("--digits-at", type=float, default=1.0, help="seconds after established")
    ap.add_argument("--hangup-after", type=float, help="hang up this many s after established")
    ap.add_argument("--timeout", type=float, default=40)
    a = ap.parse_args()
    ctl = Ctl(a.ctrl, 10)
    ctl.send("dial", a.uri)
    start = time.time()
    established = None
    closed_by = None
    hung_up = False
    pressed = False
    dtmf = ""
    log = []
    while time.time() - start < a.timeout:
        for ev in ctl.events():
            if not ev.get("event"):
                continue
            kind = ev.get("type")
            log.append(kind)
            if kind == "CALL_ESTABLISHED":
                established = time.time()
            elif kind == "CALL_DTMF_START":
                dtmf += ev.get("param", "")
            elif kind == "CALL_CLOSED":
                closed_by = "local" if hung_up else "remote"
        if closed_by:
            break
        now = time.time()
        if established and a.digits and not pressed and now - established >= a.digits_at:
            for d in a.digits:
                ctl.send("sndcode", d)
                time.sleep(0.25)
            pressed = True
        if established and a.hangup_after is not None and not hung_up and now - established >= a.hangup_after:
            ctl.send("hangup")
            hung_up = True
    result = {
        "established": established is not None,
        "closed_by": closed_by,
        "dtmf_received": dtmf,
        "call_seconds": round(time.time() - established, 2) if established else None,
        "events": log,
    }
    print(json.dumps(result))
    return 0 if established and closed_by else 1


if __name__ == "__main__":
    sys.exit(main())

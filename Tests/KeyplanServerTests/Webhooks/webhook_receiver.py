#!/usr/bin/env python3
"""A webhook receiver on loopback for the webhook tests: an independent implementation of the
signature recipe in Protocols/webhooks.md.

Prints its port on the first line of standard output, then serves until standard input closes.
  POST /_secret/<name>   body: the endpoint's secret; later requests to /<name> are verified with it
  POST /_script/<name>   body: "500,200": the statuses /<name> answers in turn (the last repeats)
  POST /_delay/<name>    body: seconds /<name> waits before answering
  GET  /_received        every request received, as JSON: path, headers, body, signature_valid
  POST /<name>           a webhook: recorded, answered as scripted (default 200)
"""
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
received = []
secrets = {}
scripts = {}
delays = {}


def verify(secret, header, body):
    """The documented recipe: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>."""
    if secret is None or header is None:
        return None
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, signature = parts.get("t"), parts.get("v1")
    if timestamp is None or signature is None or abs(time.time() - int(timestamp)) > 300:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_received":
            with lock:
                body = json.dumps(received).encode()
            self.answer(200, body)
        else:
            self.answer(404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        name = self.path.rsplit("/", 1)[-1]
        if self.path.startswith("/_secret/"):
            with lock:
                secrets[name] = body.decode()
            return self.answer(204)
        if self.path.startswith("/_script/"):
            with lock:
                scripts[name] = [int(s) for s in body.decode().split(",")]
            return self.answer(204)
        if self.path.startswith("/_delay/"):
            with lock:
                delays[name] = float(body.decode())
            return self.answer(204)
        with lock:
            secret = secrets.get(name)
            script = scripts.get(name, [200])
            status = script.pop(0) if len(script) > 1 else script[0]
            delay = delays.get(name, 0)
            received.append({
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode(),
                "signature_valid": verify(secret, self.headers.get("Keyplan-Signature"), body),
                "status": status,
            })
        if delay:
            time.sleep(delay)
        self.answer(status, b'{"ok": true}')


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()

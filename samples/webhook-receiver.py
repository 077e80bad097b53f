#!/usr/bin/env python3
"""Receives DirectAuth's delivery webhook: checks the signature, drops replays, prints the message."""
import hashlib, hmac, json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["WEBHOOK_SECRET"].encode()
TOLERANCE = 300  # seconds between the signature's time and ours
seen = set()

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        fields = dict(p.split("=", 1) for p in self.headers.get("X-DirectAuth-Signature", "").split(",") if "=" in p)
        t, v1 = fields.get("t", ""), fields.get("v1", "")
        expected = hmac.new(SECRET, t.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not t.isdigit() or abs(time.time() - int(t)) > TOLERANCE or not hmac.compare_digest(expected, v1):
            self.send_response(401)
            self.end_headers()
            return
        message = json.loads(body)
        if message["id"] not in seen:
            seen.add(message["id"])
            # Hand the message to your SMS or voice gateway here.
            print(f'{message["type"]} to {message["to"]} ({message["purpose"]}): {message["message"]}', flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 9090), Hook).serve_forever()

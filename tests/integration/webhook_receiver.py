"""A webhook receiver on loopback for the tests: answers 503 for the first `down_for` requests, then
204, and keeps every request; `verified_events` checks Parley's signature on each."""
import hashlib
import hmac
import http.server
import json
import threading
import time


class Receiver:
    """An HTTP server that answers 503 for the first `down_for` requests, then 204, recording bodies."""

    def __init__(self, down_for=0):
        self.down_for = down_for
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with outer.lock:
                    outer.requests.append((dict(self.headers), body))
                    fail = outer.down_for > 0
                    outer.down_for -= 1
                self.send_response(503 if fail else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/call-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self):
        with self.lock:
            return list(self.requests)

    def close(self):
        self.server.shutdown()


def verified_events(receiver, secret):
    """The payloads received, in order, each with a valid X-Parley-Signature over timestamp.body."""
    events = []
    for headers, body in receiver.delivered():
        ts, sig = headers["X-Parley-Timestamp"], headers["X-Parley-Signature"]
        expected = "v1=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, sig), "bad webhook signature"
        assert abs(time.time() - int(ts)) < 60
        payload = json.loads(body)
        assert headers["X-Parley-Event"] == payload["event"]
        events.append(payload)
    return events

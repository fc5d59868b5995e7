#!/usr/bin/python3
"""A fast webhook receiver for the outbound benchmark: an asyncio HTTP/1.1 server on loopback that
answers every POST with 204 at once and remembers, per call, the events in arrival order.

  webhook_receiver.py            # prints "listening <port>" on stdout, serves until SIGTERM
  GET  /stats                    # {"total", "parse_errors", "calls": {call_id: [event, ...]},
                                 #  "times": [arrival, ...]} (arrival: monotonic seconds)
  POST /reset                    # forgets everything (between phases)

It parses requests itself (no http.server: one thread, no per-request objects beyond the body), so
that its ceiling, measured by bench/outbound/run.sh with wrk, sits well above what it is asked to
take. Keep-alive is honoured; Parley's webhook client sends `Connection: close`, one connection per
delivery."""
import asyncio
import json
import signal
import sys
import time

NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
NO_CONTENT_CLOSE = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
MAX_REQUEST = 1 << 20


class Events:
    def __init__(self):
        self.reset()

    def reset(self):
        self.total = 0
        self.parse_errors = 0
        self.calls = {}
        self.times = []

    def add(self, body):
        self.total += 1
        self.times.append(time.monotonic())
        try:
            payload = json.loads(body)
            self.calls.setdefault(payload["call_id"], []).append(payload["event"])
        except (ValueError, KeyError, TypeError):
            self.parse_errors += 1

    def stats(self):
        return json.dumps({"total": self.total, "parse_errors": self.parse_errors, "calls": self.calls,
                           "times": self.times}).encode()


class HttpConnection(asyncio.Protocol):
    def __init__(self, events):
        self.events = events
        self.buffer = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_REQUEST:
                    self.fail()
                return
            head = self.buffer[:end].lower()
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                value_end = head.find(b"\r\n", at + 2)
                try:
                    length = int(head[at + 17:value_end if value_end >= 0 else None].strip())
                except ValueError:
                    return self.fail()
            if length < 0 or length > MAX_REQUEST:
                return self.fail()
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4:end + 4 + length]
            self.buffer = self.buffer[end + 4 + length:]
            close = b"\r\nconnection: close" in head
            self.respond(head.split(b" ", 2), body, close)
            if close:
                self.transport.close()
                return

    def respond(self, request_line, body, close):
        method, path = (request_line + [b"", b""])[:2]
        if method == b"get" and path == b"/stats":
            stats = self.events.stats()
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                                 % len(stats) + stats)
            return
        if method == b"post" and path == b"/reset":
            self.events.reset()
        elif method == b"post":
            self.events.add(body)
        self.transport.write(NO_CONTENT_CLOSE if close else NO_CONTENT)

    def fail(self):
        self.transport.write(BAD_REQUEST)
        self.transport.close()


async def main():
    events = Events()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: HttpConnection(events), "127.0.0.1", 0, backlog=4096)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

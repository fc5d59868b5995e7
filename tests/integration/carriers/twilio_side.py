"""Twilio's side of a bidirectional Media Stream (<Connect><Stream>), as Twilio documents it
("Media Streams - WebSocket Messages"), for tests of Parley's /voice/twilio/stream/{phone_id}.

It opens the WebSocket with the X-Twilio-Signature header, sends `connected` and `start`, streams the
caller's audio as 20 ms `media` messages of base64 mu-law in real time (in bursts, as a network
delivers them), sends `dtmf` messages when asked, and plays what Parley sends the way Twilio does:
`media` payloads are queued and played in real time, a `mark` is echoed once the audio queued before
it has been played, and `clear` drops the queue and echoes the marks still in it."""
import asyncio
import base64
import json
import secrets
import time

import websockets

import mulaw

ACCOUNT = "AC" + "0123456789abcdef" * 2
FRAME = 160  # 20 ms of 8 kHz mu-law
SILENCE = b"\xff" * FRAME


def new_call_sid():
    return "CA" + secrets.token_hex(16)


class TwilioSide:
    def __init__(self, port, path, signature, call_sid=None, params=None):
        self.url = f"ws://127.0.0.1:{port}{path}"
        self.signature = signature
        self.call_sid = call_sid or new_call_sid()
        self.stream_sid = "MZ" + secrets.token_hex(16)
        self.params = params or {}
        self.played = bytearray()  # what the caller heard, 8 kHz mu-law, silence included
        self.events = []           # (seconds since start, message) from Parley, media excepted
        self.media_received = 0
        self.marks_echoed = 0
        self.clears = []           # seconds since start of each clear
        self.close_code = None
        self.close_reason = ""
        self._queue = []  # ("audio", bytes) | ("mark", name)
        self._seq = 0
        self._t0 = 0.0

    # ---- what Twilio sends ----
    def _msg(self, event, **body):
        self._seq += 1
        m = {"event": event, "sequenceNumber": str(self._seq), "streamSid": self.stream_sid}
        m.update(body)
        return json.dumps(m)

    def start_message(self):
        return self._msg("start", start={
            "accountSid": ACCOUNT, "streamSid": self.stream_sid, "callSid": self.call_sid, "tracks": ["inbound"],
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            "customParameters": self.params})

    async def _send_audio(self, ws, audio, burst, dtmf):
        chunks = [audio[i:i + FRAME] for i in range(0, len(audio), FRAME)]
        dtmf = sorted(dtmf)
        for group in range(0, len(chunks), burst):
            # A group goes out when its last chunk has been "recorded".
            due = self._t0 + (group + burst) * 0.02
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            for i in range(group, min(group + burst, len(chunks))):
                await ws.send(self._msg("media", media={
                    "track": "inbound", "chunk": str(i + 1), "timestamp": str(i * 20),
                    "payload": base64.b64encode(chunks[i]).decode()}))
            while dtmf and dtmf[0][0] <= (group + burst) * 0.02:
                _, digit = dtmf.pop(0)
                await ws.send(self._msg("dtmf", dtmf={"track": "inbound_track", "digit": digit}))

    # ---- what Twilio does with Parley's messages ----
    async def _receive(self, ws):
        async for raw in ws:
            m = json.loads(raw)
            now = time.monotonic() - self._t0
            if m.get("streamSid") != self.stream_sid:
                self.events.append((now, {"unexpected": m}))
                continue
            if m["event"] == "media":
                self.media_received += 1
                self._queue.append(("audio", base64.b64decode(m["media"]["payload"])))
                continue
            self.events.append((now, m))
            if m["event"] == "mark":
                self._queue.append(("mark", m["mark"]["name"]))
            elif m["event"] == "clear":
                self.clears.append(now)
                pending = [v for k, v in self._queue if k == "mark"]
                self._queue.clear()
                for name in pending:
                    await self._echo(ws, name)

    async def _echo(self, ws, name):
        self.marks_echoed += 1
        await ws.send(self._msg("mark", mark={"name": name}))

    async def _play(self, ws):
        tick = 0
        while True:
            tick += 1
            await asyncio.sleep(max(0.0, self._t0 + tick * 0.02 - time.monotonic()))
            while self._queue and self._queue[0][0] == "mark":
                await self._echo(ws, self._queue.pop(0)[1])
            if self._queue:
                self.played += self._queue.pop(0)[1].ljust(FRAME, b"\xff")[:FRAME]
            else:
                self.played += SILENCE
            while self._queue and self._queue[0][0] == "mark":
                await self._echo(ws, self._queue.pop(0)[1])

    async def run_async(self, audio, burst=5, dtmf=(), stop=True, linger_s=1.0, max_s=60.0, first=None):
        """Streams `audio` (mu-law bytes), then (with `stop`) sends stop after `linger_s`; returns when
        Parley closes the socket (or after `max_s`). `first`: raw messages sent instead of
        connected + start (protocol tests)."""
        headers = [("X-Twilio-Signature", self.signature)] if self.signature else []
        async with websockets.connect(self.url, extra_headers=headers, max_size=2 ** 20, open_timeout=10,
                                      close_timeout=5) as ws:
            self._t0 = time.monotonic()
            receiver = asyncio.ensure_future(self._receive(ws))
            player = asyncio.ensure_future(self._play(ws))
            try:
                for m in first if first is not None else [
                        json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}),
                        self.start_message()]:
                    await ws.send(m)
                await self._send_audio(ws, audio, burst, list(dtmf))
                if stop:
                    await asyncio.sleep(linger_s)
                    await ws.send(self._msg("stop", stop={"accountSid": ACCOUNT, "callSid": self.call_sid}))
                await asyncio.wait_for(ws.wait_closed(), max_s)
            except websockets.ConnectionClosed:
                pass
            finally:
                player.cancel()
                try:
                    await receiver
                except websockets.ConnectionClosed:
                    pass
            self.close_code, self.close_reason = ws.close_code, ws.close_reason
        return self

    def run(self, audio, **kw):
        return asyncio.run(self.run_async(audio, **kw))

    def heard(self):
        """What the caller heard as float samples at 8 kHz."""
        return mulaw.decode(bytes(self.played))


async def refused_status(port, path, signature):
    """The HTTP status Parley answers an upgrade with, or 101 when it accepts."""
    headers = [("X-Twilio-Signature", signature)] if signature else []
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}{path}", extra_headers=headers, open_timeout=10):
            return 101
    except websockets.InvalidStatusCode as e:
        return e.status_code

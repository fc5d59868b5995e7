"""Browser voice sessions end to end (seeds/001 "Start a Voice Session"): POST /voice/start, then a
WebSocket client plays the browser: it streams 16 kHz PCM16 (flite kal16 speech) in real time,
receives the agent's audio and events, and what it heard is transcribed by PocketSphinx. The agent
runs on the embedded engines, through the same pipeline as a phone call."""
import asyncio
import hashlib
import hmac
import json
import os
import time

import numpy as np
import pytest
import websockets

from baresip_peer import write_wav
from test_voice_calls import GREETING, LONG_GREETING, REPLY, flite, silence, spotted

SECRET_KEY = "5e" * 32  # PARLEY_SECRET_KEY: the test derives the token key the way the daemon does
GOODBYE = "Thanks for calling, goodbye."
FRAME = 320  # 20 ms at 16 kHz


def web_daemon(make_daemon, greeting=GREETING, **env):
    d = make_daemon({"PARLEY_SECRET_KEY": SECRET_KEY, "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000", **env})
    rules = {"intents": [{"name": "order", "phrases": ["where is my order", "i need help with my order"],
                          "reply": REPLY},
                         {"name": "bye", "dtmf": "2", "phrases": ["goodbye"], "reply": GOODBYE,
                          "action": "end_call"}],
             "fallback": "Sorry, I did not understand that."}
    agent = d.post("/voice/agents", {"name": "Acme web", "voice": {"greeting": greeting, "max_duration": 60},
                                     "rules": rules})
    assert agent.status == 201, agent
    return d, agent.json()["id"]


def start(d, agent_id, **extra):
    r = d.post("/voice/start", {"agent_id": agent_id, "context": {"user_name": "Jane", "page": "pricing"}, **extra})
    assert r.status == 201, r
    return r.json()


def pcm_bytes(samples):
    return np.clip(np.asarray(samples) * 32767.0, -32768, 32767).astype("<i2").tobytes()


def token_for(session_id, expires):
    """A token signed with the key the daemon derives from its secret key (api/voice_token.hpp)."""
    key = hmac.new(bytes.fromhex(SECRET_KEY), b"parley web voice session token", hashlib.sha256).digest()
    sig = hmac.new(key, f"parley.web_voice.{session_id}.{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{sig}"


class Browser:
    """The browser side of /voice/ws/{session_id}: microphone frames out in real time, the agent's
    audio and JSON events in."""

    def __init__(self, url):
        self.url = url
        self.audio = bytearray()  # agent audio received, 16 kHz PCM16
        self.events = []          # (seconds since open, event)
        self.close_code = None
        self._t0 = 0.0

    async def _receive(self, ws):
        async for m in ws:
            if isinstance(m, bytes):
                self.audio += m
            else:
                self.events.append((time.monotonic() - self._t0, json.loads(m)))

    async def run_async(self, audio=b"", chunk_ms=20, dtmf=(), send_end=True, linger_s=0.5, max_s=60, raw=()):
        async with websockets.connect(self.url, max_size=2 ** 22, open_timeout=10, close_timeout=5) as ws:
            self._t0 = time.monotonic()
            receiver = asyncio.ensure_future(self._receive(ws))
            try:
                step = FRAME * 2 * chunk_ms // 20
                dtmf = sorted(dtmf)
                for i, at in enumerate(range(0, len(audio), step)):
                    await asyncio.sleep(max(0.0, self._t0 + (i + 1) * chunk_ms / 1000 - time.monotonic()))
                    await ws.send(audio[at:at + step])
                    while dtmf and dtmf[0][0] <= (i + 1) * chunk_ms / 1000:
                        await ws.send(json.dumps({"type": "dtmf", "digit": dtmf.pop(0)[1]}))
                for m in raw:
                    await ws.send(m)
                if send_end:
                    await asyncio.sleep(linger_s)
                    await ws.send(json.dumps({"type": "end"}))
                await asyncio.wait_for(ws.wait_closed(), max_s)
            except websockets.ConnectionClosed:
                pass
            finally:
                try:
                    await receiver
                except websockets.ConnectionClosed:
                    pass
            self.close_code = ws.close_code
        return self

    def run(self, audio=b"", **kw):
        return asyncio.run(self.run_async(audio, **kw))

    def of_type(self, kind):
        return [e for _, e in self.events if e["type"] == kind]

    def heard_wav(self, tmp_path):
        path = os.path.join(str(tmp_path), "heard.wav")
        write_wav(path, np.frombuffer(bytes(self.audio), dtype="<i2") / 32768.0, 16000)
        return path


async def upgrade_status(url):
    try:
        async with websockets.connect(url, open_timeout=10):
            return 101
    except websockets.InvalidStatusCode as e:
        return e.status_code


def wait_ended(d, session_id, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = d.get(f"/voice/sessions/{session_id}").json()
        if s["status"] in ("completed", "failed"):
            return s
        time.sleep(0.1)
    raise AssertionError(d.get(f"/voice/sessions/{session_id}").json())


def test_start_returns_the_seed_shape_and_a_waiting_session(make_daemon):
    d, agent_id = web_daemon(make_daemon)
    r = d.post("/voice/start", {"agent_id": agent_id, "context": {"user_name": "Jane", "page": "pricing"}})
    assert r.status == 201, r
    body = r.json()
    assert set(body) == {"session_id", "token", "websocket_url", "livekit_url", "expires_at"}, body
    assert body["session_id"].startswith("session_") and body["livekit_url"] is None
    assert body["websocket_url"] == f"ws://127.0.0.1:{d.port}/voice/ws/{body['session_id']}"
    assert r.header("X-RateLimit-Limit") == "30"
    s = d.get(f"/voice/status/{body['session_id']}").json()
    assert s["status"] == "initiating" and s["agent_id"] == agent_id, s
    full = d.get(f"/voice/sessions/{body['session_id']}").json()
    assert full["kind"] == "web" and full["context"] == {"user_name": "Jane", "page": "pricing"}, full
    for bad, field in [({}, "agent_id"), ({"agent_id": "agent_nope"}, "agent_id"),
                       ({"agent_id": agent_id, "extra": 1}, "extra"), ({"agent_id": agent_id, "context": 5}, "context"),
                       ({"agent_id": agent_id, "webhook_url": "ftp://x"}, "webhook_url"),
                       ({"agent_id": agent_id, "max_duration": 0}, "max_duration")]:
        r = d.post("/voice/start", bad)
        assert r.status == 422 and r.json()["error"]["field"] == field, (bad, r)
    assert d.post("/voice/start", {"agent_id": agent_id}, auth=False).status == 401


def test_voice_sessions_are_rate_limited(make_daemon):
    d, agent_id = web_daemon(make_daemon, PARLEY_RATE_VOICE_SESSION_PER_MIN="2")
    assert [d.post("/voice/start", {"agent_id": agent_id}).status for _ in range(2)] == [201, 201]
    r = d.post("/voice/start", {"agent_id": agent_id})
    assert r.status == 429 and r.header("Retry-After"), r


def test_browser_hears_the_greeting_and_the_intent_reply(make_daemon, tmp_path):
    d, agent_id = web_daemon(make_daemon)
    s = start(d, agent_id)
    b = Browser(s["websocket_url"] + "?token=" + s["token"])
    # Sent in 100 ms chunks: the server re-chunks into 20 ms frames.
    b.run(pcm_bytes(np.concatenate([silence(4), flite("I need help with my order."), silence(5)])), chunk_ms=100)
    assert b.close_code == 1000
    first = b.events[0][1]
    assert first == {"type": "start", "session_id": s["session_id"], "sample_rate": 16000, "frame_ms": 20}, first
    words = spotted(b.heard_wav(tmp_path), "thanks for calling", "arrive tomorrow")
    assert "thanks for calling" in words and "arrive tomorrow" in words, words
    live = [(e["role"], e["text"]) for e in b.of_type("transcript")]
    assert live == [("agent", GREETING), ("user", "i need help with my order"), ("agent", REPLY)], live
    assert not b.of_type("clear")

    ended = wait_ended(d, s["session_id"])
    assert ended["status"] == "completed" and ended["end_reason"] == "remote_hangup" and ended["kind"] == "web", ended
    assert ended["answered_at"] and ended["latency"]["turns"] == 1, ended
    t = d.get(f"/v1/widget/transcript/{s['session_id']}").json()["transcript"]
    assert [(e["role"], e["text"]) for e in t] == live, t


def test_talking_over_the_agent_sends_clear(make_daemon, tmp_path):
    d, agent_id = web_daemon(make_daemon, greeting=LONG_GREETING)
    s = start(d, agent_id)
    b = Browser(s["websocket_url"] + "?token=" + s["token"])
    b.run(pcm_bytes(np.concatenate([silence(2), flite("Where is my order?"), silence(8)])))
    clears = [t for t, e in b.events if e["type"] == "clear"]
    assert clears and 2.0 < clears[0] < 6.0, b.events
    live = b.of_type("transcript")
    assert live[0]["role"] == "agent" and live[0]["interrupted"] is True, live
    assert [e["role"] for e in live[1:]] == ["user", "agent"] and live[2]["text"] == REPLY, live
    words = spotted(b.heard_wav(tmp_path), "arrive tomorrow", "anything else about your account")
    assert "arrive tomorrow" in words and "anything else about your account" not in words, words


def test_dtmf_and_the_agent_ending_the_session(make_daemon):
    d, agent_id = web_daemon(make_daemon)
    s = start(d, agent_id)
    b = Browser(s["websocket_url"] + "?token=" + s["token"])
    b.run(pcm_bytes(silence(10)), dtmf=[(5.0, "2")], send_end=False, max_s=30)
    assert b.close_code == 1000
    assert b.of_type("end") == [{"type": "end", "reason": "agent"}], b.events
    ended = wait_ended(d, s["session_id"])
    assert ended["end_reason"] == "agent", ended
    assert [e["text"] for e in b.of_type("transcript")] == [GREETING, "DTMF: 2", GOODBYE]


def test_post_voice_end_ends_a_live_browser_session(make_daemon):
    d, agent_id = web_daemon(make_daemon)
    s = start(d, agent_id)
    b = Browser(s["websocket_url"] + "?token=" + s["token"])

    async def scenario():
        browser = asyncio.ensure_future(b.run_async(pcm_bytes(silence(8)), send_end=False, max_s=20))
        await asyncio.sleep(2.0)
        r = await asyncio.get_running_loop().run_in_executor(None, d.post, f"/voice/end/{s['session_id']}")
        await browser
        return r
    r = asyncio.run(scenario())
    assert r.status == 200 and r.json()["status"] == "completed" and r.json()["end_reason"] == "ended_by_api", r
    assert b.of_type("end") == [{"type": "end", "reason": "ended_by_api"}] and b.close_code == 1000, b.events
    assert d.post(f"/voice/end/{s['session_id']}").status == 409


def test_expired_reused_and_forged_tokens_are_refused(make_daemon):
    d, agent_id = web_daemon(make_daemon)
    a, other = start(d, agent_id), start(d, agent_id)
    url, token = a["websocket_url"], a["token"]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    now = int(time.time())

    async def refused():
        return await asyncio.gather(
            upgrade_status(url),                                          # no token
            upgrade_status(url + "?token=" + forged),                     # forged signature
            upgrade_status(url + "?token=" + other["token"]),             # another session's token
            upgrade_status(url + "?token=" + token_for(a["session_id"], now - 5)),  # genuine but expired
            upgrade_status(url + "?token=garbage"),
            upgrade_status(url.replace(a["session_id"], "session_nope") + "?token=" + token))
    assert asyncio.run(refused()) == [401] * 6
    assert "reason=expired" in d.stdout() + d.stderr()
    assert d.get(f"/voice/status/{a['session_id']}").json()["status"] == "initiating"

    # A token signed here the daemon's way is accepted (so the expired one failed for its expiry).
    b = Browser(url + "?token=" + token_for(a["session_id"], now + 60))

    async def connect_then_reuse():
        first = asyncio.ensure_future(b.run_async(pcm_bytes(silence(2))))
        await asyncio.sleep(1.0)
        second = await upgrade_status(url + "?token=" + token)
        await first
        return second
    assert asyncio.run(connect_then_reuse()) == 409  # single use: the session is taken
    assert b.close_code == 1000 and b.events[0][1]["type"] == "start"
    assert wait_ended(d, a["session_id"])["status"] == "completed"
    assert asyncio.run(upgrade_status(url + "?token=" + token)) == 409  # and stays so once ended
    assert d.get(f"/voice/status/{other['session_id']}").json()["status"] == "initiating"


def test_malformed_messages_close_with_a_status_code(make_daemon):
    d, agent_id = web_daemon(make_daemon)
    cases = [("{not json", 1007), (json.dumps({"type": 5}), 1007), (json.dumps({"type": "dtmf", "digit": "x"}), 1007),
             (json.dumps({"type": "dance"}), 1008)]
    browsers = []
    for raw, _ in cases:
        s = start(d, agent_id)
        browsers.append((s, Browser(s["websocket_url"] + "?token=" + s["token"])))

    async def all_of_them():
        await asyncio.gather(*[b.run_async(pcm_bytes(silence(0.5)), raw=[raw], send_end=False, max_s=10)
                               for (_, b), (raw, _) in zip(browsers, cases)])
    asyncio.run(all_of_them())
    assert [b.close_code for _, b in browsers] == [code for _, code in cases]
    for s, _ in browsers:
        ended = wait_ended(d, s["session_id"])
        assert ended["status"] == "completed" and ended["end_reason"] == "protocol_error", ended
    assert d.get("/healthz", auth=False).status == 200

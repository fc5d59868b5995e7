"""The voice agent end to end (issue #5): baresip calls Parley's number over G.722 (wideband), the
agent runs on the embedded engines (PocketSphinx with the rules agent's grammar, flite `slt`), the
caller's sentence is synthesized at test time with another voice (flite `kal16`), and what baresip
heard is transcribed by PocketSphinx (`parley_transcribe`, keyword spotting) in the test."""
import io
import os
import subprocess
import time

import numpy as np
from conftest import PARLEY_BIN
from baresip_peer import Baresip, read_wav, resample, source_wav, write_wav
from test_media_calls import dtmf_tones

DID = "+14155551234"
GREETING = "Hello, thanks for calling Acme. How can I help you today?"
LONG_GREETING = ("Hello and welcome to Acme support. Our team can help you with orders, deliveries, returns, "
                 "invoices and anything else about your account, so please tell me in a few words what you need.")
REPLY = "Your order is on its way and will arrive tomorrow."
TRANSCRIBE = os.environ.get("PARLEY_TRANSCRIBE_BIN", os.path.join(os.path.dirname(PARLEY_BIN), "parley_transcribe"))


def voice_daemon(make_daemon, greeting=GREETING, trunk=None, intents=None):
    d = make_daemon({"PARLEY_RATE_DEFAULT_PER_MIN": "100000", "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000"})
    rules = {"intents": intents or [{"name": "order", "phrases": ["where is my order", "i need help with my order"],
                                     "reply": REPLY}],
             "fallback": "Sorry, I did not understand that."}
    agent = d.post("/voice/agents", {"name": "Acme", "voice": {"greeting": greeting, "max_duration": 60},
                                     "rules": rules})
    assert agent.status == 201, agent
    assert d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip",
                                           "agent_id": agent.json()["id"]}).status == 201
    body = {"name": "local PBX", "kind": "generic", "host": "127.0.0.1", "inbound": {"allowed_ips": ["127.0.0.1/32"]}}
    assert d.post("/voice/sip/providers", {**body, **(trunk or {})}).status == 201
    return d


def flite(text, voice="kal16"):
    """Speech by flite at 16 kHz (mono samples)."""
    out = subprocess.run(["flite", "-voice", voice, "-t", text, "-o", "/dev/stdout"], capture_output=True,
                         check=True, timeout=60).stdout
    samples, rate = read_wav(io.BytesIO(out))
    return resample(samples, rate, 16000)


def silence(seconds):
    return np.zeros(int(seconds * 16000))


def call(d, tmp_path, audio, seconds=30):
    """baresip calls the agent over G.722 playing `audio`; returns (what it heard as a WAV path, session)."""
    w = str(tmp_path)
    caller = Baresip(w, "caller", codec="g722", source=source_wav(w, "caller", audio, "g722"))
    log = caller.call(f"sip:{DID}@127.0.0.1:{d.sip_port}", seconds)
    assert "Call established" in log, log[-2000:]
    heard, rate = caller.received()
    path = os.path.join(w, "heard.wav")
    write_wav(path, heard, rate)
    deadline = time.time() + 10
    while time.time() < deadline:
        s = d.get("/voice/sessions?limit=1").json()["sessions"]
        if s and s[0]["status"] in ("completed", "failed"):
            return path, s[0]
        time.sleep(0.1)
    raise AssertionError(d.get("/voice/sessions?limit=1").json())


def spotted(path, *phrases):
    args = [TRANSCRIBE, path]
    for p in phrases:
        args += ["--words", p]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def transcript(d, session):
    return d.get(f"/v1/widget/transcript/{session['session_id']}").json()["transcript"]


def test_caller_hears_the_greeting_and_the_intent_reply(make_daemon, tmp_path):
    d = voice_daemon(make_daemon)
    audio = np.concatenate([silence(5), flite("I need help with my order."), silence(7)])
    heard, s = call(d, tmp_path, audio)
    words = spotted(heard, "thanks for calling", "arrive tomorrow")
    assert "thanks for calling" in words and "arrive tomorrow" in words, words
    t = transcript(d, s)
    assert [e["role"] for e in t] == ["agent", "user", "agent"], t
    assert t[0]["text"] == GREETING and t[1]["text"] == "i need help with my order" and t[2]["text"] == REPLY
    assert t[0]["timestamp"] < t[1]["timestamp"] < t[2]["timestamp"], t
    assert s["latency"]["turns"] == 1 and 0 < s["latency"]["voice_to_voice_ms"]["p50"] < 2000, s["latency"]
    # TTS characters count what was synthesized (whitespace between sentences aside).
    assert s["cost"]["stt_seconds"] > 0 and s["cost"]["tts_characters"] >= 0.9 * (len(GREETING) + len(REPLY))


def test_caller_speech_interrupts_the_agent(make_daemon, tmp_path):
    d = voice_daemon(make_daemon, greeting=LONG_GREETING)
    # The greeting lasts well over 8 s; the caller talks over it after 2 s.
    audio = np.concatenate([silence(2), flite("Where is my order?"), silence(8)])
    heard, s = call(d, tmp_path, audio)
    t = transcript(d, s)
    assert t[0]["role"] == "agent" and t[0].get("interrupted") is True, t
    assert len(t[0]["text"]) < len(LONG_GREETING) and LONG_GREETING.startswith(t[0]["text"].rstrip(".")), t
    assert [e["role"] for e in t[1:]] == ["user", "agent"] and t[2]["text"] == REPLY, t
    # The rest of the greeting was flushed: the caller heard the reply, not the greeting's end.
    words = spotted(heard, "arrive tomorrow", "anything else about your account")
    assert "arrive tomorrow" in words and "anything else about your account" not in words, words


def test_dtmf_reaches_the_rules_agent(make_daemon, tmp_path):
    d = voice_daemon(make_daemon, trunk={"dtmf_mode": "inband"},
                     intents=[{"name": "sales", "dtmf": "1", "reply": "You pressed one for sales."}])
    audio = np.concatenate([silence(4), dtmf_tones("1", 16000), silence(6)])
    heard, s = call(d, tmp_path, audio)
    t = transcript(d, s)
    assert [e["role"] for e in t] == ["agent", "user", "agent"] and t[2]["text"] == "You pressed one for sales.", t
    assert "pressed one" in spotted(heard, "pressed one")

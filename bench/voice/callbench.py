"""Shared pieces of the whole-system voice benchmarks (call_latency.py, concurrency.py): the IVR
agent and caller phrases of ivr_test_set.hpp, caller speech, a real `parley serve` with that agent
on a SIP number, the daemon's per-turn latency lines, and CPU accounting of processes.
Everything stays on 127.0.0.1."""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "bench", "common"))

from baresip_peer import read_wav, resample  # noqa: E402  (the integration tests' helpers)
from conftest import Daemon  # noqa: E402
from harness import cpu_seconds, thread_cpu_seconds  # noqa: E402,F401  (shared with the other benches)

import numpy as np  # noqa: E402

DID = "+14155551234"
RATE = 16000


def _test_set():
    with open(os.path.join(HERE, "ivr_test_set.hpp")) as f:
        return f.read()


def ivr_agent():
    """The 12-intent IVR rules agent of ivr_test_set.hpp (kIvrAgent), as API JSON."""
    m = re.search(r'kIvrAgent = R"json\((.*?)\)json"', _test_set(), re.S)
    return json.loads(m.group(1))


def ivr_phrases():
    """(text, intent) of every utterance the agent covers (kUtterances without the fallback ones)."""
    body = _test_set().split("kUtterances[] = {", 1)[1]
    return [(t, i) for t, i in re.findall(r'\{"([^"]+)", "([^"]+)"\}', body) if i != "fallback"]


def spread(items, n):
    """n items spread evenly over `items` (every intent gets its share)."""
    return [items[(i * len(items)) // n] for i in range(n)]


def flite(text, voice="kal16"):
    """Speech by the flite CLI at 16 kHz, as float samples in [-1, 1]."""
    out = subprocess.run(["flite", "-voice", voice, "-t", text, "-o", "/dev/stdout"], capture_output=True,
                         check=True, timeout=60).stdout
    import io
    samples, rate = read_wav(io.BytesIO(out))
    return resample(samples, rate, RATE)


_reply_seconds = {}


def reply_seconds(agent, intent):
    """How long Parley's voice (flite slt) takes to say `intent`'s reply (slots filled with a few digits)."""
    for it in agent["rules"]["intents"]:
        if it["name"] == intent:
            text = re.sub(r"\{\{\w+\}\}", "four five six seven", it["reply"])
            if text not in _reply_seconds:
                _reply_seconds[text] = len(flite(text, "slt")) / RATE
            return _reply_seconds[text]
    raise KeyError(intent)


def caller_script(agent, phrases, margin_s, lead_s=1.5, speech=None):
    """One WAV's worth of caller audio: `lead_s` of silence, then each phrase followed by silence
    long enough for the reply (its length plus `margin_s`). `speech` caches text -> samples.
    Returns (samples, [(start_s, end_s, text)])."""
    speech = {} if speech is None else speech
    parts = [np.zeros(int(lead_s * RATE))]
    at = lead_s
    marks = []
    gaps = {}
    for text, intent in phrases:
        if text not in speech:
            speech[text] = flite(text)
        if intent not in gaps:
            gaps[intent] = reply_seconds(agent, intent) + margin_s
        parts += [speech[text], np.zeros(int(gaps[intent] * RATE))]
        marks.append((at, at + len(speech[text]) / RATE, text))
        at += len(speech[text]) / RATE + gaps[intent]
    return np.concatenate(parts), marks


def start_daemon(build, workdir, extra_env=None):
    """`parley serve` from BUILD on free loopback ports with a fresh data dir, the IVR agent on DID and a
    trunk that admits 127.0.0.1. Returns (daemon, agent_json)."""
    data = os.path.join(workdir, "data")
    os.makedirs(data, exist_ok=True)
    import conftest
    conftest.PARLEY_BIN = os.path.join(build, "parley")
    env = {"PARLEY_RATE_DEFAULT_PER_MIN": "100000", "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000",
           "PARLEY_RATE_STATUS_PER_MIN": "100000"}
    env.update(extra_env or {})
    d = Daemon(data, env).start()
    agent = ivr_agent()
    agent["voice"] = {"max_duration": 1800}
    r = d.post("/voice/agents", agent)
    assert r.status == 201, r
    r = d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": r.json()["id"]})
    assert r.status == 201, r
    r = d.post("/voice/sip/providers", {"name": "bench", "kind": "generic", "host": "127.0.0.1",
                                        "inbound": {"allowed_ips": ["127.0.0.1/32"]}})
    assert r.status == 201, r
    return d, agent


TURN_RE = re.compile(r"^(\S+) level=info event=call\.turn_latency call_id=(\S+) turn=(\d+) dtmf=(\w+) (.*)$")


def parse_turn_lines(lines):
    """Every `event=call.turn_latency` line among `lines`: dicts of call_id, turn, dtmf and the
    *_ms fields (voice_to_voice, endpointing, stt, agent, tts, transport)."""
    out = []
    for line in lines:
        m = TURN_RE.match(line)
        if not m:
            continue
        row = {"logged_at": m.group(1), "call_id": m.group(2), "turn": int(m.group(3)), "dtmf": m.group(4) == "true"}
        for k, v in re.findall(r"(\w+)_ms=([\d.]+)", m.group(5)):
            row[k] = float(v)
        out.append(row)
    return out


def media_stops(lines):
    """(jitter_buffer_delay_ms, frames_late) of every `event=media.session_stopped` line."""
    out = []
    for line in lines:
        if "event=media.session_stopped" in line:
            f = dict(re.findall(r"(\w+)=([\d.]+)", line))
            out.append((float(f.get("jitter_buffer_delay_ms", 0)), int(f.get("frames_late", 0))))
    return out


def turn_latencies(daemon):
    return parse_turn_lines(daemon.stderr().splitlines())


PARTS = ["voice_to_voice", "endpointing", "stt", "agent", "tts", "transport"]


def percentile(values, p):
    """Nearest rank, as the daemon's session `latency` object computes it (p in 0..1)."""
    v = sorted(values)
    if not v:
        return float("nan")
    import math
    rank = max(1, min(len(v), math.ceil(p * len(v))))
    return v[rank - 1]


def p50_p95(values):
    return percentile(values, 0.5), percentile(values, 0.95)


def machine():
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}; date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {load}"


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])

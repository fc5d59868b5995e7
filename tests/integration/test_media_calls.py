"""Audio end to end through the real daemon in `media.test_mode = echo` (issue #4): baresip calls
Parley over each codec and records what comes back; Parley records the call in stereo. DTMF arrives
three ways (RFC 4733 from SIPp's pcap, inband tones, SIP INFO) and Parley reports the same digits.

Correlation thresholds: what comes back has crossed two encodes and two decodes (peer -> Parley ->
peer) plus the jitter buffer. G.711 and G.722 measured 0.998-0.9997 here, opus 0.89 (it is
perceptual, not waveform-exact), so a real defect (a wrong codec, a clock drift, a dropped
direction, byte order) falls far below 0.95 / 0.8."""
import os
import re
import subprocess
import tempfile
import time

import numpy as np
import pytest

from baresip_peer import CODECS, Baresip, best_correlation, espeak, read_wav, resample, source_wav, write_wav
from sip.sipkit import SCENARIOS, csv_stats, free_udp_port

DID = "+14155551234"
SENTENCE = "Hello, I need help with my order number one two three four."
THRESHOLD = {"pcmu": 0.95, "pcma": 0.95, "g722": 0.95, "opus": 0.8}


def media_daemon(make_daemon, trunk=None, env=None):
    d = make_daemon({"PARLEY_MEDIA_TEST_MODE": "echo", "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000",
                     "PARLEY_RATE_DEFAULT_PER_MIN": "100000", **(env or {})})
    agent = d.post("/voice/agents", {"name": "Echo check", "voice": {"recording": True, "max_duration": 60}}).json()
    assert d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": agent["id"]}).status == 201
    body = {"name": "local PBX", "kind": "generic", "host": "127.0.0.1", "inbound": {"allowed_ips": ["127.0.0.1/32"]}}
    r = d.post("/voice/sip/providers", {**body, **(trunk or {})})
    assert r.status == 201, r
    return d


def wait_for(pred, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.1)
    return None


def ended_session(d):
    def done():
        s = d.get("/voice/sessions?limit=5").json()["sessions"]
        return s[0] if s and s[0]["status"] in ("completed", "failed", "canceled") else None
    s = wait_for(done)
    assert s, d.get("/voice/sessions?limit=5").json()
    return s


def completed_recording(d, session):
    rec = wait_for(lambda: (lambda r: r if r["status"] == "completed" else None)(
        d.get(f"/voice/recording/{session['recording_id']}").json()))
    assert rec, d.get(f"/voice/recording/{session['recording_id']}").json()
    return rec


def dtmf_reported(d, via):
    """Digits the daemon reported, in order, from its structured log (event=call.dtmf)."""
    return "".join(m.group(1) for m in re.finditer(r"event=call\.dtmf .*?digit=(\S) .*?via=" + via, d.stderr()))


@pytest.mark.parametrize("codec", ["pcmu", "pcma", "g722", "opus"])
def test_echo_call_carries_audio_both_ways_and_is_recorded(make_daemon, tmp_path, codec):
    d = media_daemon(make_daemon)
    rate = CODECS[codec][2]
    speech = espeak(SENTENCE, rate, pad_s=1.0)
    caller = Baresip(str(tmp_path), "caller", codec=codec, source=source_wav(str(tmp_path), "speech", speech, codec))
    log = caller.call(f"sip:{DID}@127.0.0.1:{d.sip_port}", 12)
    assert "Call established" in log, log[-2000:]

    heard, heard_rate = caller.received()
    sent8 = resample(speech, rate, 8000)
    corr, lag = best_correlation(sent8, resample(heard, heard_rate, 8000), 8000)
    assert corr > THRESHOLD[codec], f"echo correlation {corr:.3f} at lag {lag:.3f} s"
    assert lag < 0.5, f"echo came back {lag:.3f} s late"

    s = ended_session(d)
    assert s["status"] == "completed" and s["end_reason"] == "remote_hangup"
    q = s["quality"]
    assert q["codec"].lower() == codec and q["packets_received"] > 150 and q["packets_lost"] == 0, q
    assert q["mos_estimate"] > 4, q  # rtt_ms needs an RTCP round within the 5 s call: not asserted

    rec = completed_recording(d, s)
    assert rec["channels"] == 2 and abs(rec["duration"] - len(speech) / rate) < 1.0, rec
    audio = d.get(f"/voice/recording/{s['recording_id']}/audio")
    assert audio.status == 200 and audio.header("Content-Type") == "audio/wav"
    path = tmp_path / "parley.wav"
    path.write_bytes(audio.body)
    stereo, rec_rate = read_wav(str(path))
    caller_ch, agent_ch = stereo[:, 0], stereo[:, 1]
    corr_caller, _ = best_correlation(sent8, resample(caller_ch, rec_rate, 8000), 8000)
    corr_agent, _ = best_correlation(sent8, resample(agent_ch, rec_rate, 8000), 8000)
    assert corr_caller > THRESHOLD[codec], f"caller channel correlation {corr_caller:.3f}"
    assert corr_agent > THRESHOLD[codec], f"agent channel (the echo) correlation {corr_agent:.3f}"


def test_srtp_call_over_tls_carries_audio(make_daemon, tmp_path):
    w = str(tmp_path)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", f"{w}/key.pem", "-out", f"{w}/cert.pem"],
                   check=True, capture_output=True, timeout=60)
    tls = free_udp_port()
    d = media_daemon(make_daemon, {"transport": "tls", "srtp": "required"},
                     {"PARLEY_SIP_TLS_LISTEN": f"127.0.0.1:{tls}", "PARLEY_SIP_TLS_CERT": f"{w}/cert.pem",
                      "PARLEY_SIP_TLS_KEY": f"{w}/key.pem"})
    speech = espeak(SENTENCE, 8000, pad_s=1.0)
    caller = Baresip(w, "caller", codec="pcmu", source=source_wav(w, "speech", speech, "pcmu"), srtp=True,
                     ca_file=f"{w}/cert.pem")
    log = caller.call(f"sip:{DID}@127.0.0.1:{tls};transport=tls", 12)
    assert "Call established" in log, log[-2000:]
    heard, rate = caller.received()
    corr, _ = best_correlation(speech, resample(heard, rate, 8000), 8000)
    assert corr > 0.95, f"SRTP echo correlation {corr:.3f}"
    assert "srtp=true" in d.stderr() and "transport=TLS" in d.stderr()
    assert ended_session(d)["quality"]["packets_invalid"] < 5  # SRTP authentication held


def test_plain_rtp_is_refused_where_the_trunk_requires_srtp(make_daemon, tmp_path):
    w = str(tmp_path)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", f"{w}/key.pem", "-out", f"{w}/cert.pem"],
                   check=True, capture_output=True, timeout=60)
    tls = free_udp_port()
    d = media_daemon(make_daemon, {"transport": "tls", "srtp": "required"},
                     {"PARLEY_SIP_TLS_LISTEN": f"127.0.0.1:{tls}", "PARLEY_SIP_TLS_CERT": f"{w}/cert.pem",
                      "PARLEY_SIP_TLS_KEY": f"{w}/key.pem"})
    caller = Baresip(w, "caller", codec="pcmu", source=source_wav(w, "speech", espeak("hello", 8000, pad_s=1.0), "pcmu"),
                     ca_file=f"{w}/cert.pem")
    log = caller.call(f"sip:{DID}@127.0.0.1:{tls};transport=tls", 6)
    assert "Call established" not in log and "488" in log, log[-2000:]
    assert d.get("/voice/sessions").json()["total"] == 0


def test_rfc4733_dtmf_from_sipp_pcap(make_daemon, tmp_path):
    d = media_daemon(make_daemon)
    os.symlink("/usr/share/sip-tester", tmp_path / "pcap")  # uac_pcap reads pcap/*.pcap (notes §2)
    stats = tmp_path / "stats.csv"
    r = subprocess.run(["sipp", f"127.0.0.1:{d.sip_port}", "-sn", "uac_pcap", "-s", DID[1:], "-i", "127.0.0.1",
                        "-mi", "127.0.0.1", "-mp", str(free_udp_port()), "-p", str(free_udp_port()), "-m", "1", "-timeout", "40s", "-timeout_error",
                        "-trace_stat", "-stf", str(stats), "-nostdin"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout[-2000:]
    assert csv_stats(str(stats))["SuccessfulCall(C)"] == "1"
    assert wait_for(lambda: dtmf_reported(d, "media")) == "1", d.stderr()[-3000:]
    s = ended_session(d)
    assert s["quality"]["codec"] == "PCMA" and s["quality"]["packets_received"] >= 230


def dtmf_tones(digits, rate, on_s=0.12, off_s=0.12):
    """ITU-T Q.23 dual tones for `digits`, each on_s long with off_s of silence after it."""
    low = {"1": 697, "2": 697, "3": 697, "4": 770, "5": 770, "6": 770, "7": 852, "8": 852, "9": 852, "*": 941,
           "0": 941, "#": 941}
    high = {"1": 1209, "2": 1336, "3": 1477, "4": 1209, "5": 1336, "6": 1477, "7": 1209, "8": 1336, "9": 1477,
            "*": 1209, "0": 1336, "#": 1477}
    t = np.arange(int(on_s * rate)) / rate
    parts = [np.zeros(int(0.5 * rate))]
    for digit in digits:
        parts.append(0.25 * (np.sin(2 * np.pi * low[digit] * t) + np.sin(2 * np.pi * high[digit] * t)))
        parts.append(np.zeros(int(off_s * rate)))
    parts.append(np.zeros(int(1.0 * rate)))
    return np.concatenate(parts)


def test_inband_dtmf_tones_are_detected(make_daemon, tmp_path):
    d = media_daemon(make_daemon, {"dtmf_mode": "inband"})
    w = str(tmp_path)
    caller = Baresip(w, "caller", codec="pcmu", source=source_wav(w, "tones", dtmf_tones("1#0", 8000), "pcmu"))
    log = caller.call(f"sip:{DID}@127.0.0.1:{d.sip_port}", 8)
    assert "Call established" in log, log[-2000:]
    assert wait_for(lambda: len(dtmf_reported(d, "media")) >= 3) and dtmf_reported(d, "media") == "1#0", \
        d.stderr()[-3000:]


def test_sip_info_dtmf_gives_the_same_digits(make_daemon, tmp_path):
    d = media_daemon(make_daemon, {"dtmf_mode": "sip_info"})
    stats = tmp_path / "stats.csv"
    r = subprocess.run(["sipp", f"127.0.0.1:{d.sip_port}", "-sf", os.path.join(SCENARIOS, "uac_info_dtmf.xml"),
                        "-s", DID[1:], "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(free_udp_port()), "-p", str(free_udp_port()), "-m", "1",
                        "-timeout", "20s", "-timeout_error", "-trace_stat", "-stf", str(stats), "-nostdin"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=40)
    assert r.returncode == 0, r.stdout[-2000:]
    assert wait_for(lambda: dtmf_reported(d, "sip_info") == "5#"), d.stderr()[-3000:]


def test_recording_survives_a_crash_mid_call(make_daemon, data_dir, tmp_path):
    d = media_daemon(make_daemon)
    w = str(tmp_path)
    long_speech = np.concatenate([espeak(SENTENCE, 8000)] * 4)
    caller = Baresip(w, "caller", codec="pcmu", source=source_wav(w, "speech", long_speech, "pcmu"))
    dial = subprocess.Popen(["baresip", "-f", caller.dir, "-t", "20", "-e", f"/dial sip:{DID}@127.0.0.1:{d.sip_port}"],
                            cwd=caller.dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        live = wait_for(lambda: (lambda s: s[0] if s and s[0]["status"] == "in_progress" else None)(
            d.get("/voice/sessions").json()["sessions"]))
        assert live and live["recording_id"]
        time.sleep(3)  # a few seconds of audio reach the file
        d.stop(sig=9)  # SIGKILL: no header completion, no final state
    finally:
        dial.kill()
        dial.wait()
    again = make_daemon({"PARLEY_MEDIA_TEST_MODE": "echo"})
    s = again.get(f"/voice/sessions/{live['session_id']}").json()
    assert s["status"] == "failed" and s["end_reason"] == "restart", s
    rec = again.get(f"/voice/recording/{live['recording_id']}").json()
    assert rec["status"] == "completed" and 1.5 < rec["duration"] < 10, rec
    audio = again.get(f"/voice/recording/{live['recording_id']}/audio")
    path = tmp_path / "repaired.wav"
    path.write_bytes(audio.body)
    stereo, rate = read_wav(str(path))  # a header Python's wave module accepts again
    assert abs(len(stereo) / rate - rec["duration"]) < 0.05
    assert np.abs(stereo[:, 0]).max() > 0.05, "the caller's speech is in the repaired file"

"""Outbound calls through real SIP peers (issue #6): Parley dials baresip and SIPp UASes through
trunks defined over the API, reports every step to a webhook receiver, fails over between trunks,
and normalizes failures."""
import datetime as dt
import os
import subprocess
import time

import numpy as np
import pytest

from baresip_peer import Baresip, espeak, source_wav
from sip.sipkit import SCENARIOS, Proc, csv_stats, free_udp_port, sipp_media_port
from webhook_receiver import Receiver, verified_events

FROM = "+18005551234"
TO = "+14155550123"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def dialer(make_daemon):
    return make_daemon({"PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "PARLEY_WEBHOOK_POLL_MS": "20",
                        "PARLEY_WEBHOOK_BASE_DELAY_MS": "100", "PARLEY_WEBHOOK_MAX_DELAY_MS": "300",
                        "PARLEY_OUTBOUND_RING_TIMEOUT_S": "3", "PARLEY_RATE_DIAL_PER_MIN": "1000",
                        "PARLEY_RATE_STATUS_PER_MIN": "100000", "PARLEY_RATE_DEFAULT_PER_MIN": "100000"})


def trunk(d, port, name="carrier", priority=10):
    r = d.post("/voice/sip/providers", {"name": name, "kind": "generic", "host": "127.0.0.1", "port": port,
                                        "priority": priority, "outbound": {}})
    assert r.status == 201, r
    return r.json()


def number_and_agent(d, trunk_id, max_duration=3):
    agent = d.post("/voice/agents", {"name": "Reminder", "voice": {"max_duration": max_duration}}).json()
    r = d.post("/voice/phone-numbers", {"phone_number": FROM, "provider": "sip", "sip_provider_id": trunk_id,
                                        "supports_outbound": True})
    assert r.status == 201, r
    return agent


def dial(d, agent, webhook=None, **extra):
    body = {"agent_id": agent["id"], "to_number": TO, "from_number": FROM, **extra}
    if webhook:
        body["webhook_url"] = webhook
    r = d.post("/voice/outbound/dial", body)
    assert r.status == 201, r
    return r.json()["call_id"]


def wait_status(d, call_id, statuses, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = d.get(f"/voice/sessions/{call_id}").json()
        if s["status"] in statuses:
            return s
        time.sleep(0.1)
    raise AssertionError(f"session stayed {s['status']}: {s}")


def sipp_uas(workdir, scenario=None, name="uas", replace=None):
    """A SIPp UAS on a free port; `scenario` is a file in tests/scenarios (default: built-in uas)."""
    port = free_udp_port()
    args = ["sipp", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(sipp_media_port()), "-p", str(port), "-m", "1", "-trace_stat", "-stf",
            os.path.join(workdir, f"{name}.csv"), "-nostdin", "-timeout", "60s"]
    if scenario:
        path = os.path.join(SCENARIOS, scenario)
        if replace:
            with open(path) as f:
                text = f.read()
            for k, v in replace.items():
                text = text.replace(k, v)
            path = os.path.join(workdir, f"{name}.xml")
            with open(path, "w") as f:
                f.write(text)
        args += ["-sf", path]
    else:
        args += ["-sn", "uas"]
    uas = Proc(args, workdir, name)
    uas.port = port
    uas.stats = lambda: csv_stats(os.path.join(workdir, f"{name}.csv"))
    time.sleep(0.3)
    return uas


def test_parley_dials_baresip_and_reports_every_step(dialer, receiver, tmp_path):
    d = dialer
    secret = d.post("/voice/webhooks/secret").json()["webhook_secret"]
    w = str(tmp_path)
    speech = np.concatenate([espeak("Hello, this is the callee speaking.", 8000, pad_s=1.0)] * 4)
    callee = Baresip(w, "callee", codec="pcmu", source=source_wav(w, "speech", speech, "pcmu"), auto_answer=True,
                     user=TO)
    proc = subprocess.Popen(["baresip", "-f", callee.dir, "-t", "15"], cwd=callee.dir, stdin=subprocess.DEVNULL,
                            stdout=open(os.path.join(w, "callee.log"), "w"), stderr=subprocess.STDOUT)
    try:
        time.sleep(1.0)
        t = trunk(d, callee.sip_port)
        agent = number_and_agent(d, t["id"], max_duration=3)
        call_id = dial(d, agent, receiver.url, context={"customer_name": "Jane"})
        s = wait_status(d, call_id, {"completed", "failed", "no_answer", "canceled"})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    log = open(os.path.join(w, "callee.log")).read()
    assert s["status"] == "completed" and s["end_reason"] == "max_duration", s
    assert 2 <= s["duration"] <= 5 and s["answered_at"] and s["provider_id"] == t["id"], s
    assert s["quality"]["packets_received"] > 50, s["quality"]
    assert [a["sip_status"] for a in s["attempts"]] == [200]
    assert "Call established" in log and "terminated" in log, log[-2000:]
    deadline = time.time() + 10
    while time.time() < deadline and len(receiver.delivered()) < 4:
        time.sleep(0.05)
    events = verified_events(receiver, secret)
    assert [e["event"] for e in events] == ["call.initiating", "call.ringing", "call.in_progress", "call.completed"]
    assert events[-1]["end_reason"] == "max_duration" and events[-1]["duration"] >= 2
    assert all(e["call_id"] == call_id and e["to_number"] == TO and e["from_number"] == FROM for e in events)


@pytest.mark.parametrize("status,reason,end_reason,outcome", [
    ("486", "Busy Here", "busy", "busy"),
    ("603", "Decline", "declined", "rejected"),
    ("404", "Not Found", "not_found", "invalid_number"),
])
def test_callee_answers_are_final(dialer, tmp_path, status, reason, end_reason, outcome):
    d = dialer
    uas = sipp_uas(str(tmp_path), "uas_reject.xml", replace={"[status]": status, "[reason]": reason})
    backup = sipp_uas(str(tmp_path), name="backup")
    try:
        t = trunk(d, uas.port)
        trunk(d, backup.port, name="backup", priority=20)
        agent = number_and_agent(d, t["id"])
        s = wait_status(d, dial(d, agent), {"failed", "completed", "no_answer"})
    finally:
        uas.stop()
        backup.stop()
    assert s["status"] == "failed" and s["end_reason"] == end_reason and s["outcome"] == outcome, s
    assert s["sip_status"] == int(status) and len(s["attempts"]) == 1, "a callee's answer is never retried"
    assert backup.stats().get("IncomingCall(C)", "0") == "0"


def test_no_answer_after_the_ring_timeout(dialer, receiver, tmp_path):
    d = dialer
    uas = sipp_uas(str(tmp_path), "uas_ring_forever.xml")
    try:
        agent = number_and_agent(d, trunk(d, uas.port)["id"])
        started = time.time()
        call_id = dial(d, agent, receiver.url)
        s = wait_status(d, call_id, {"failed", "completed", "no_answer"}, timeout=15)
        took = time.time() - started
    finally:
        uas.stop()
    assert s["status"] == "no_answer" and s["outcome"] == "no_answer", s
    assert 2.5 <= took <= 6, f"ring timeout of 3 s took {took:.1f} s"
    deadline = time.time() + 5
    while time.time() < deadline and len(receiver.delivered()) < 3:
        time.sleep(0.05)
    import json
    assert [json.loads(b)["event"] for _, b in receiver.delivered()] == ["call.initiating", "call.ringing",
                                                                        "call.no_answer"]


def test_trunk_failure_fails_over_to_the_next_trunk(dialer, tmp_path):
    d = dialer
    broken = sipp_uas(str(tmp_path), "uas_reject.xml", name="broken",
                      replace={"[status]": "503", "[reason]": "Service Unavailable"})
    healthy = sipp_uas(str(tmp_path), name="healthy")
    try:
        first = trunk(d, broken.port, name="first", priority=10)
        second = trunk(d, healthy.port, name="second", priority=20)
        agent = number_and_agent(d, first["id"], max_duration=2)
        s = wait_status(d, dial(d, agent), {"completed", "failed", "no_answer"})
    finally:
        broken.stop()
        healthy.stop()
    assert s["status"] == "completed" and s["provider_id"] == second["id"], s
    assert [(a["provider_id"], a["sip_status"]) for a in s["attempts"]] == [(first["id"], 503), (second["id"], 200)]


def test_end_while_ringing_cancels(dialer, tmp_path):
    d = dialer
    uas = sipp_uas(str(tmp_path), "uas_ring_forever.xml")
    try:
        agent = number_and_agent(d, trunk(d, uas.port)["id"])
        call_id = dial(d, agent)
        wait_status(d, call_id, {"ringing"})
        ended = d.post(f"/voice/end/{call_id}")
        assert ended.status == 200 and ended.json()["status"] == "canceled", ended
        uas.proc.wait(timeout=10)
    finally:
        uas.stop()
    assert uas.proc.returncode == 0, uas.output()[-2000:]  # SIPp saw CANCEL, answered 487, got the ACK
    s = d.get(f"/voice/sessions/{call_id}").json()
    assert s["end_reason"] == "ended_by_api" and s["ended_at"]


def test_idempotency_key_replay_dials_once(dialer, tmp_path):
    d = dialer
    uas = sipp_uas(str(tmp_path), "uas_ring_forever.xml")
    try:
        agent = number_and_agent(d, trunk(d, uas.port)["id"])
        body = {"agent_id": agent["id"], "to_number": TO, "from_number": FROM}
        first = d.post("/voice/outbound/dial", body, headers={"Idempotency-Key": "reminder-7"})
        again = d.post("/voice/outbound/dial", body, headers={"Idempotency-Key": "reminder-7"})
        assert first.status == 201 and again.status == 200 and again.json()["call_id"] == first.json()["call_id"]
        wait_status(d, first.json()["call_id"], {"ringing"})
        time.sleep(1)
        d.post(f"/voice/end/{first.json()['call_id']}")
        uas.proc.wait(timeout=10)
    finally:
        uas.stop()
    assert uas.stats()["IncomingCall(C)"] == "1", "one INVITE only"


def test_scheduled_call_dials_within_a_second_after_a_restart(make_daemon, tmp_path):
    env = {"PARLEY_RATE_STATUS_PER_MIN": "100000", "PARLEY_RATE_DEFAULT_PER_MIN": "100000"}
    d = make_daemon(env)
    uas = sipp_uas(str(tmp_path), "uas_ring_forever.xml")
    try:
        agent = number_and_agent(d, trunk(d, uas.port)["id"])
        when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=4)
        call_id = dial(d, agent, scheduled_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        d.stop()
        d2 = make_daemon(env)
        s = wait_status(d2, call_id, {"ringing"}, timeout=15)
        fired = dt.datetime.fromisoformat(s["started_at"].replace("Z", "+00:00"))
        assert 0 <= (fired - when).total_seconds() <= 1.0, (fired, when)
        d2.post(f"/voice/end/{call_id}")
    finally:
        uas.stop()
    assert uas.stats()["IncomingCall(C)"] == "1"

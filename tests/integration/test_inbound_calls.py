"""Inbound SIP calls into the real daemon, placed by SIPp: trunk IP auth, DID routing to the agent
linked to the number, session records with every state change, BYE both ways, max_duration."""
import datetime as dt
import os
import subprocess
import tempfile
import time

import pytest

from sip.sipkit import SCENARIOS, csv_stats, sipp_media_port

DID = "+14155551234"


def sipp(daemon, scenario_args, calls=1, rate=10, source="127.0.0.1", timeout=60, extra=()):
    """Runs SIPp as a UAC against the daemon; returns (exit code, final stats)."""
    with tempfile.TemporaryDirectory(prefix="sipp-") as work:
        stats = os.path.join(work, "stats.csv")
        args = ["sipp", f"127.0.0.1:{daemon.sip_port}", "-i", source, "-mi", source, "-mp", str(sipp_media_port()), "-p", "0",
                *scenario_args, "-m", str(calls), "-r", str(rate), "-l", str(max(calls, 1)),
                "-timeout", f"{timeout}s", "-timeout_error", "-trace_stat", "-stf", stats, "-nostdin", *extra]
        r = subprocess.run(args, cwd=work, capture_output=True, text=True, errors="replace", timeout=timeout + 30)
        return r.returncode, csv_stats(stats), r.stdout[-2000:] + r.stderr[-2000:]


@pytest.fixture
def trunk_daemon(make_daemon):
    d = make_daemon({"PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000", "PARLEY_RATE_STATUS_PER_MIN": "100000"})
    agent = d.post("/voice/agents", {"name": "Reception", "voice": {"max_duration": 2}}).json()
    assert d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": agent["id"]}).status == 201
    trunk = d.post("/voice/sip/providers", {"name": "local PBX", "kind": "generic", "host": "127.0.0.1",
                                            "inbound": {"allowed_ips": ["127.0.0.1/32"]}})
    assert trunk.status == 201, trunk
    d.agent = agent
    return d


def sessions(d):
    return d.get("/voice/sessions?limit=100").json()["sessions"]


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return False


def test_sipp_calls_reach_the_agent_and_are_recorded(trunk_daemon):
    d = trunk_daemon
    rc, stats, out = sipp(d, ["-sn", "uac", "-s", "14155551234", "-d", "200"], calls=20, rate=20)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "20" and stats["FailedCall(C)"] == "0", out
    assert wait_for(lambda: len(sessions(d)) == 20 and all(s["status"] == "completed" for s in sessions(d)))
    for s in sessions(d):
        assert s["kind"] == "inbound" and s["agent_id"] == d.agent["id"] and s["to_number"] == DID
        assert s["end_reason"] == "remote_hangup" and s["answered_at"] and s["ended_at"] and s["sip_call_id"]
    assert d.get("/voice/leads").json()["total"] >= 1


def test_parley_hangs_up_at_max_duration(trunk_daemon):
    d = trunk_daemon
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_wait_bye.xml"), "-s", "+14155551234"], timeout=30)
    assert rc == 0, out
    assert wait_for(lambda: sessions(d) and sessions(d)[0]["status"] == "completed")
    s = sessions(d)[0]
    assert s["end_reason"] == "max_duration" and s["from_number"] == "+14155550100"
    assert 2 <= s["duration"] <= 4


def iso(t):
    return dt.datetime.fromisoformat(t.replace("Z", "+00:00"))


def test_answer_delay_rings_before_the_answer(trunk_daemon):
    d = trunk_daemon
    assert d.patch(f"/voice/agents/{d.agent['id']}", {"voice": {"max_duration": 2, "answer_delay_ms": 2500}}).status == 200
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_wait_bye.xml"), "-s", "14155551234"], timeout=30)
    assert rc == 0, out
    assert wait_for(lambda: sessions(d) and sessions(d)[0]["status"] == "completed")
    s = sessions(d)[0]
    # The API's timestamps have whole seconds: 2.5 s of ringing reads as 2 or 3.
    rang = (iso(s["answered_at"]) - iso(s["started_at"])).total_seconds()
    assert 2 <= rang <= 4, s


def test_caller_cancel_while_ringing_leaves_a_canceled_session(trunk_daemon):
    """RFC 3261 s9.2: SIPp cancels after the 180 of an agent that rings 5 s; 200 for the CANCEL, 487 for the
    INVITE, and the session is final at once, never answered."""
    d = trunk_daemon
    assert d.patch(f"/voice/agents/{d.agent['id']}", {"voice": {"answer_delay_ms": 5000}}).status == 200
    started = time.time()
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_cancel.xml"), "-s", "14155551234"], timeout=20)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", out
    assert wait_for(lambda: sessions(d) and sessions(d)[0]["status"] == "canceled")
    s = sessions(d)[0]
    assert s["end_reason"] == "caller_canceled" and not s.get("answered_at") and s["ended_at"], s
    assert time.time() - started < 4, "recorded when the CANCEL came, not when the ring delay ran out"


def test_answer_delay_is_validated(trunk_daemon):
    r = trunk_daemon.post("/voice/agents", {"name": "Slow", "voice": {"answer_delay_ms": 30001}})
    assert r.status == 422 and r.json()["error"]["field"] == "voice.answer_delay_ms", r


@pytest.mark.parametrize("case", ["unknown_did", "unknown_trunk"])
def test_rejections(trunk_daemon, case, tmp_path):
    d = trunk_daemon
    status, user, source = ("404", "19998887777", "127.0.0.1") if case == "unknown_did" else ("403", "14155551234", "127.0.0.2")
    with open(os.path.join(SCENARIOS, "uac_expect_reject.xml")) as f:
        scenario = tmp_path / "reject.xml"
        scenario.write_text(f.read().replace("[status]", status))
    rc, stats, out = sipp(d, ["-sf", str(scenario), "-s", user], source=source, timeout=20)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", out
    assert sessions(d) == [], "a rejected call creates no session"


def test_route_by_caller_id_beats_the_number_link(trunk_daemon):
    d = trunk_daemon
    vip = d.post("/voice/agents", {"name": "VIP desk", "voice": {"max_duration": 2}}).json()
    r = d.post("/voice/sip/routes", {"priority": 1, "agent_id": vip["id"],
                                     "match": {"type": "caller_id", "mode": "exact", "value": "+14155550100"}})
    assert r.status == 201, r
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_wait_bye.xml"), "-s", "14155551234"], timeout=30)
    assert rc == 0, out
    assert wait_for(lambda: sessions(d) and sessions(d)[0]["status"] == "completed")
    assert sessions(d)[0]["agent_id"] == vip["id"]


def test_api_end_hangs_up_a_live_call(trunk_daemon):
    d = trunk_daemon
    d.patch(f"/voice/agents/{d.agent['id']}", {"voice": {"max_duration": 60}})
    with tempfile.TemporaryDirectory(prefix="sipp-") as work:
        stats = os.path.join(work, "stats.csv")
        args = ["sipp", f"127.0.0.1:{d.sip_port}", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(sipp_media_port()), "-p", "0",
                "-sf", os.path.join(SCENARIOS, "uac_wait_bye.xml"), "-s", "14155551234", "-m", "1",
                "-timeout", "30s", "-timeout_error", "-trace_stat", "-stf", stats, "-nostdin"]
        proc = subprocess.Popen(args, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert wait_for(lambda: sessions(d) and sessions(d)[0]["status"] == "in_progress")
            ended = d.post(f"/voice/end/{sessions(d)[0]['session_id']}")
            assert ended.status == 200, ended
            assert ended.json()["status"] == "completed" and ended.json()["end_reason"] == "ended_by_api"
            out, _ = proc.communicate(timeout=20)
        finally:
            proc.kill()
        assert proc.returncode == 0, out[-2000:]  # SIPp got the BYE and answered it
        assert csv_stats(stats)["SuccessfulCall(C)"] == "1"
    s = sessions(d)[0]
    assert s["status"] == "completed" and s["end_reason"] == "ended_by_api" and s["ended_at"]
    assert d.post(f"/voice/end/{s['session_id']}").status == 409


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_sipp_500_calls_at_50_per_second(trunk_daemon, transport):
    """Issue #3: SIPp's built-in uac places 500 calls at 50 calls/s over UDP, then TCP, with 0 failed."""
    d = trunk_daemon
    rc, stats, out = sipp(d, ["-sn", "uac", "-s", "14155551234", "-t", transport, "-d", "100"], calls=500, rate=50,
                          timeout=90)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "500" and stats["FailedCall(C)"] == "0", out
    assert wait_for(lambda: d.get("/voice/sessions?limit=1").json()["total"] == 500, timeout=20)
    assert wait_for(lambda: d.get("/voice/sessions?status=completed&limit=1").json()["total"] == 500, timeout=20)


def test_session_timer_expiry_tears_the_call_down(make_daemon):
    """RFC 4028 s10: the caller asked to refresh every 90 s and never does; Parley sends BYE before
    the session expires (at 90 - min(32, 90/3) = 60 s) and records why. The caller sends no RTP:
    the media timeout is off and no agent talks (echo mode), so only the session timer can end it."""
    d = make_daemon({"PARLEY_MEDIA_TIMEOUT_S": "0", "PARLEY_MEDIA_TEST_MODE": "echo",
                     "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000"})
    agent = d.post("/voice/agents", {"name": "Reception", "voice": {"max_duration": 300}}).json()
    d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": agent["id"]})
    d.post("/voice/sip/providers", {"name": "pbx", "kind": "generic", "host": "127.0.0.1",
                                    "inbound": {"allowed_ips": ["127.0.0.1/32"]}})
    started = time.time()
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_session_timer_no_refresh.xml"), "-s", "14155551234"],
                          timeout=100)
    took = time.time() - started
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", out
    assert 55 <= took <= 75, f"BYE after {took:.0f} s"
    assert wait_for(lambda: sessions(d) and sessions(d)[0]["status"] == "completed")
    assert sessions(d)[0]["end_reason"] == "session_timer_expired", sessions(d)[0]

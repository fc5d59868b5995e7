"""Inbound SIP calls into the real daemon, placed by SIPp: trunk IP auth, DID routing to the agent
linked to the number, session records with every state change, BYE both ways, max_duration."""
import os
import subprocess
import tempfile
import time

import pytest

from sip.sipkit import SCENARIOS, csv_stats, free_udp_port

DID = "+14155551234"


def sipp(daemon, scenario_args, calls=1, rate=10, source="127.0.0.1", timeout=60, extra=()):
    """Runs SIPp as a UAC against the daemon; returns (exit code, final stats)."""
    with tempfile.TemporaryDirectory(prefix="sipp-") as work:
        stats = os.path.join(work, "stats.csv")
        # -mp: SIPp binds media ports even without media; its default (6000) is shared with every other run.
        args = ["sipp", f"127.0.0.1:{daemon.sip_port}", "-i", source, "-mi", source, "-p", "0",
                "-mp", str(free_udp_port()),
                *scenario_args, "-m", str(calls), "-r", str(rate), "-l", str(max(calls, 1)),
                "-timeout", f"{timeout}s", "-timeout_error", "-trace_stat", "-stf", stats, "-nostdin", *extra]
        r = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=timeout + 30)
        return r.returncode, csv_stats(stats), r.stdout[-2000:]


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
        args = ["sipp", f"127.0.0.1:{d.sip_port}", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "0",
                "-mp", str(free_udp_port()),
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

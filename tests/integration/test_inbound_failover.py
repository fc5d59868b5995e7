"""Route failover into the real daemon (issue 3 item 7): an agent is unavailable when it is deleted
or already has max_concurrent_calls calls in flight; the route's failover then decides: next_agent
takes the call, sip_uri redirects with 302, message answers 480 (until the spoken message lands),
none answers 503 with Retry-After. SIPp places the calls; sip/digest_uac.py holds a call up and
reads the response headers SIPp does not show."""
import os

import pytest

from sip.digest_uac import DigestUac
from sip.sipkit import SCENARIOS
from test_inbound_calls import sessions, sipp, wait_for

DID = "+14155551234"


@pytest.fixture
def desk(make_daemon, tmp_path):
    """A trunk by IP, agent `main` (max 1 call) and `backup`; the route for DID is added by each test."""
    d = make_daemon({"PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000"})
    assert d.post("/voice/sip/providers", {"name": "PBX", "kind": "generic", "host": "127.0.0.1",
                                           "inbound": {"allowed_ips": ["127.0.0.1/32"]}}).status == 201
    d.main = d.post("/voice/agents", {"name": "Main", "max_concurrent_calls": 1, "voice": {"max_duration": 60}}).json()
    assert d.main["max_concurrent_calls"] == 1
    d.backup = d.post("/voice/agents", {"name": "Backup", "voice": {"max_duration": 60}}).json()
    d.uac = DigestUac(d.sip_port)
    d.tmp = tmp_path
    yield d
    d.uac.close()


def add_route(d, failover=None):
    body = {"priority": 1, "agent_id": d.main["id"], "match": {"type": "did", "number": DID}}
    if failover:
        body["failover"] = failover
    r = d.post("/voice/sip/routes", body)
    assert r.status == 201, r


def hold_a_call(d):
    """One answered call to `main`, left up: the agent is at its limit of 1."""
    up = d.uac.invite(DID)
    assert up.status == 200, up.raw
    d.uac.ack(up)
    assert wait_for(lambda: any(s["status"] == "in_progress" for s in sessions(d)))
    return up


def sipp_expects(d, status):
    with open(os.path.join(SCENARIOS, "uac_expect_reject.xml")) as f:
        scenario = d.tmp / f"expect_{status}.xml"
        scenario.write_text(f.read().replace("[status]", str(status)))
    rc, stats, out = sipp(d, ["-sf", str(scenario), "-s", "14155551234"], timeout=20)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", out


def test_next_agent_takes_the_call_when_the_agent_is_at_its_limit(desk):
    d = desk
    add_route(d, {"type": "next_agent", "agent_id": d.backup["id"]})
    up = hold_a_call(d)
    rc, stats, out = sipp(d, ["-sn", "uac", "-s", "14155551234", "-d", "200"], calls=3, rate=10)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "3", out
    assert wait_for(lambda: sum(s["agent_id"] == d.backup["id"] and s["status"] == "completed" for s in sessions(d)) == 3)
    assert d.uac.hang_up(up, acked=True) == 200
    # Back under the limit: the main agent takes calls again.
    rc, stats, out = sipp(d, ["-sn", "uac", "-s", "14155551234", "-d", "100"], calls=1)
    assert rc == 0, out
    assert wait_for(lambda: sum(s["agent_id"] == d.main["id"] for s in sessions(d)) == 2)


def test_next_agent_takes_the_call_of_a_deleted_agent(desk):
    d = desk
    add_route(d, {"type": "next_agent", "agent_id": d.backup["id"]})
    assert d.delete(f"/voice/agents/{d.main['id']}").status == 200
    rc, stats, out = sipp(d, ["-sn", "uac", "-s", "14155551234", "-d", "100"], calls=2, rate=10)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "2", out
    assert wait_for(lambda: len(sessions(d)) == 2 and all(s["agent_id"] == d.backup["id"] for s in sessions(d)))


def test_sip_uri_failover_redirects_with_302(desk):
    d = desk
    add_route(d, {"type": "sip_uri", "uri": "sip:desk@pbx.example.test;transport=tcp"})
    up = hold_a_call(d)
    sipp_expects(d, 302)
    moved = d.uac.invite(DID)
    assert moved.status == 302 and moved.raw.startswith("SIP/2.0 302 Moved Temporarily"), moved.raw
    assert moved.first("Contact") == "<sip:desk@pbx.example.test;transport=tcp>"
    assert len(sessions(d)) == 1, "a redirected call leaves no session"
    assert d.uac.hang_up(up, acked=True) == 200


def test_message_failover_answers_480_without_the_message(desk):
    d = desk
    add_route(d, {"type": "message", "message": "Our office is closed; internal code 4711."})
    up = hold_a_call(d)
    sipp_expects(d, 480)
    busy = d.uac.invite(DID)
    assert busy.status == 480, busy.raw
    assert busy.first("Reason") == 'SIP;cause=480;text="Agent unavailable"'
    assert "4711" not in busy.raw and "closed" not in busy.raw
    assert d.uac.hang_up(up, acked=True) == 200


def test_no_failover_answers_503_with_retry_after(desk):
    d = desk
    add_route(d)
    up = hold_a_call(d)
    sipp_expects(d, 503)
    full = d.uac.invite(DID)
    assert full.status == 503 and full.first("Retry-After") == "5", full.raw
    assert d.uac.hang_up(up, acked=True) == 200


def test_the_limit_holds_under_concurrent_calls(desk):
    """Ten calls at once against a limit of three (counted inside the session insert's
    transaction): exactly three get through, the others 503."""
    d = desk
    assert d.patch(f"/voice/agents/{d.main['id']}", {"max_concurrent_calls": 3}).status == 200
    add_route(d)
    rc, stats, out = sipp(d, ["-sn", "uac", "-s", "14155551234", "-d", "3000"], calls=10, rate=200, timeout=30)
    assert rc != 0 and stats["SuccessfulCall(C)"] == "3" and stats["FailedCall(C)"] == "7", out
    assert wait_for(lambda: len(sessions(d)) == 3 and all(s["status"] == "completed" for s in sessions(d)))


def test_max_concurrent_calls_is_validated(desk):
    d = desk
    for bad in (0, -1, "3", 1.5, 100001):
        r = d.post("/voice/agents", {"name": "X", "max_concurrent_calls": bad})
        assert r.status == 422 and r.json()["error"]["field"] == "max_concurrent_calls", (bad, r)
    r = d.post("/voice/sip/routes", {"agent_id": d.main["id"], "match": {"type": "did", "number": DID},
                                     "failover": {"type": "sip_uri", "uri": "sip:a@b\r\nX-Evil: 1"}})
    assert r.status == 422 and r.json()["error"]["field"] == "failover.uri", r

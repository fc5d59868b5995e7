"""SIP traces (issue 3 item 9): with `debug` on, every message to and from the trunk is stored with
credentials redacted and read back at GET /voice/sip/traces?call_id=...; with it off nothing is;
traces past the provider's trace_retention_hours are pruned. Calls are placed by SIPp; a
registration to Kamailio shows a real digest Authorization redacted. Loopback only."""
import os
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

import pytest

from .sipkit import SCENARIOS, Kamailio, csv_stats, free_udp_port

DID = "+14155551234"
RESPONSE = "6629fae49393a05397450978507c4ef1"  # the digest response in uac_with_credentials.xml


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.1)
    return None


@pytest.fixture
def daemon(make_daemon):
    d = make_daemon({"PARLEY_SIP_TRACE_PRUNE_INTERVAL_S": "1", "PARLEY_RATE_DEFAULT_PER_MIN": "100000",
                     "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000"})
    agent = d.post("/voice/agents", {"name": "Reception", "voice": {"max_duration": 30}}).json()
    assert d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": agent["id"]}).status == 201
    return d


def add_trunk(d, debug, **extra):
    r = d.post("/voice/sip/providers", {"name": "pbx", "kind": "generic", "host": "127.0.0.1", "debug": debug,
                                        "inbound": {"allowed_ips": ["127.0.0.1/32"]}, **extra})
    assert r.status == 201, r
    return r.json()["id"]


def call(d):
    """One SIPp call whose INVITE carries digest credentials; returns its SIP Call-ID."""
    before = {s["session_id"] for s in d.get("/voice/sessions?limit=100").json()["sessions"]}
    with tempfile.TemporaryDirectory(prefix="sipp-") as work:
        stats = os.path.join(work, "stats.csv")
        r = subprocess.run(["sipp", f"127.0.0.1:{d.sip_port}", "-sf", os.path.join(SCENARIOS, "uac_with_credentials.xml"),
                            "-s", DID.lstrip("+"), "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(free_udp_port()), "-p", str(free_udp_port()),
                            "-m", "1", "-timeout", "20s", "-timeout_error", "-trace_stat", "-stf", stats, "-nostdin"],
                           cwd=work, capture_output=True, text=True, timeout=40)
        assert r.returncode == 0 and csv_stats(stats)["SuccessfulCall(C)"] == "1", r.stdout[-2000:]
    new = wait_for(lambda: [s for s in d.get("/voice/sessions?limit=100").json()["sessions"]
                            if s["session_id"] not in before and s["status"] == "completed"])
    assert new, "the call was recorded"
    return new[0]["sip_call_id"]


def traces(d, call_id):
    r = d.get("/voice/sip/traces?call_id=" + urllib.parse.quote(call_id))
    assert r.status == 200, r
    return r.json()["messages"]


def first_line(m):
    return m["message"].split("\r\n", 1)[0]


def test_a_debug_trunk_call_is_traced_in_order_with_credentials_redacted(daemon, data_dir):
    pid = add_trunk(daemon, debug=True)
    time.sleep(0.3)  # the trunk set is applied on the SIP thread
    call_id = call(daemon)
    messages = wait_for(lambda: (lambda m: m if len(m) >= 6 else None)(traces(daemon, call_id)))
    assert messages, traces(daemon, call_id)
    flow = [(m["direction"], first_line(m).split(" ")[0] if m["direction"] == "in" else " ".join(first_line(m).split(" ")[:2]))
            for m in messages]
    assert flow[0] == ("in", "INVITE")
    assert ("out", "SIP/2.0 200") in flow and ("in", "ACK") in flow and ("in", "BYE") in flow
    assert flow.index(("out", "SIP/2.0 200")) < flow.index(("in", "ACK")) < flow.index(("in", "BYE"))
    assert flow[-1] == ("out", "SIP/2.0 200"), flow  # the BYE's answer last
    assert [m["timestamp"] for m in messages] == sorted(m["timestamp"] for m in messages)
    for m in messages:
        assert m["provider_id"] == pid and m["remote"].startswith("udp:127.0.0.1:")
    invite = messages[0]["message"]
    assert 'Authorization: Digest username="pbx", realm="parley"' in invite and 'response="[redacted]"' in invite
    assert RESPONSE not in invite and "0a4f113b" not in invite
    for name in os.listdir(data_dir):  # nor in the database files (WAL included)
        if name.startswith("parley.db"):
            with open(os.path.join(data_dir, name), "rb") as f:
                assert RESPONSE.encode() not in f.read()


def test_without_debug_nothing_is_stored(daemon):
    add_trunk(daemon, debug=False)
    time.sleep(0.3)
    call_id = call(daemon)
    time.sleep(0.5)
    assert traces(daemon, call_id) == []


def test_debug_can_be_switched_on_later(daemon):
    pid = add_trunk(daemon, debug=False)
    assert daemon.patch(f"/voice/sip/providers/{pid}", {"debug": True}).status == 200
    time.sleep(0.3)
    call_id = call(daemon)
    assert wait_for(lambda: len(traces(daemon, call_id)) >= 6)


def test_registration_through_a_debug_trunk_shows_the_real_digest_redacted(make_daemon, workdir, procs):
    port = free_udp_port()
    kam = Kamailio(workdir, port, "alice", "s3cret-Pw")
    procs.append(kam)
    d = make_daemon()
    pid = add_trunk(d, debug=True, port=port,
                    registration={"enabled": True, "username": "alice", "password": "s3cret-Pw", "expires": 60})
    assert wait_for(lambda: d.get(f"/voice/sip/providers/{pid}").json()["registration"]["state"] == "registered")
    call_id = wait_for(lambda: kam.contacts("alice@127.0.0.1") and kam.contacts("alice@127.0.0.1")[0]["Call-ID"])
    messages = wait_for(lambda: (lambda m: m if len(m) >= 4 else None)(traces(d, call_id)))
    assert messages, traces(d, call_id)
    assert [(m["direction"], first_line(m)[:12]) for m in messages[:4]] == [
        ("out", "REGISTER sip"), ("in", "SIP/2.0 401 "), ("out", "REGISTER sip"), ("in", "SIP/2.0 200 ")]
    authorized = messages[2]["message"]
    assert 'Authorization: Digest username="alice", realm="127.0.0.1", uri="sip:127.0.0.1"' in authorized, authorized
    assert 'response="[redacted]"' in authorized and "cnonce" not in authorized
    assert "s3cret-Pw" not in "".join(m["message"] for m in messages)


def test_traces_past_retention_are_pruned(daemon, data_dir):
    pid = add_trunk(daemon, debug=True, trace_retention_hours=1)
    now_ms = int(time.time() * 1000)
    hour = 3600 * 1000
    db = sqlite3.connect(os.path.join(data_dir, "parley.db"))
    rows = [(pid, "old@x", now_ms - 2 * hour), (pid, "fresh@x", now_ms - hour // 2),
            ("sp_gone", "orphan-old@x", now_ms - 73 * hour), ("sp_gone", "orphan-fresh@x", now_ms - 2 * hour),
            (None, "none-old@x", now_ms - 73 * hour)]
    db.executemany("insert into sip_traces(provider_id,call_id,direction,remote,message,created_at) "
                   "values(?,?,'in','udp:127.0.0.1:5060','OPTIONS sip:x SIP/2.0',?)", rows)
    db.commit()
    db.close()

    def left():
        return {c for c in ("old@x", "fresh@x", "orphan-old@x", "orphan-fresh@x", "none-old@x") if traces(daemon, c)}
    assert wait_for(lambda: left() == {"fresh@x", "orphan-fresh@x"}, timeout=5), left()

"""Trunk registration (issue 3 item 6) against a real registrar: Kamailio with registrar, usrloc and
auth (digest, qop=auth, one fixed password). Covers success with digest, refresh (same Call-ID,
CSeq going up), a call delivered to the registered Contact, a wrong password, 423 Interval Too
Brief, a registrar that is down (backoff, then recovery), and un-REGISTER on delete, disable,
change and shutdown. Loopback only."""
import os
import re
import subprocess
import tempfile
import time

import pytest

from .sipkit import SCENARIOS, Kamailio, csv_stats, free_udp_port, sipp_media_port

USER, PASSWORD, DID = "alice", "s3cret-Pw", "14155551234"
FAST_RETRY = {"PARLEY_SIP_REGISTRATION_RETRY_BASE_S": "1", "PARLEY_SIP_REGISTRATION_RETRY_MAX_S": "4"}


def wait_for(pred, timeout=10, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return None


@pytest.fixture
def kamailio(workdir, procs):
    def start(port=None, **kw):
        kam = Kamailio(workdir, port or free_udp_port(), USER, PASSWORD, did=DID, **kw)
        procs.append(kam)
        return kam
    return start


@pytest.fixture
def daemon(make_daemon):
    return make_daemon({**FAST_RETRY, "PARLEY_RATE_DEFAULT_PER_MIN": "100000"})


def provider(d, port, transport="udp", password=PASSWORD, expires=60, **extra):
    body = {"name": "registered trunk", "kind": "generic", "host": "127.0.0.1", "port": port, "transport": transport,
            "registration": {"enabled": True, "username": USER, "password": password, "expires": expires}, **extra}
    r = d.post("/voice/sip/providers", body)
    assert r.status == 201, r
    return r.json()["id"]


def registration(d, pid):
    return d.get(f"/voice/sip/providers/{pid}").json()["registration"]


def registered(d, pid):
    reg = registration(d, pid)
    return reg if reg["state"] == "registered" else None


def our_bindings(kam, d):
    return [b for b in kam.contacts(f"{USER}@127.0.0.1") if f"@127.0.0.1:{d.sip_port}" in b["Address"]]


def test_registers_with_digest_and_refreshes_before_expiry(daemon, kamailio):
    kam = kamailio(max_expires=4)  # the registrar grants 4 s: refreshed every 2 s
    pid = provider(daemon, kam.port)
    reg = wait_for(lambda: registered(daemon, pid))
    assert reg, registration(daemon, pid)
    assert reg["last_error"] is None and reg["expires_at"]
    first = wait_for(lambda: our_bindings(kam, daemon))
    assert first and len(first) == 1, kam.contacts(f"{USER}@127.0.0.1")
    assert re.fullmatch(r"sip:pb[0-9a-f]{20}@127\.0\.0\.1:\d+", first[0]["Address"]), first
    assert first[0]["User-Agent"].startswith("Parley")
    assert "challenge" in kam.errors(), "the registrar challenged and the digest answer was accepted"

    time.sleep(4.5)  # two refreshes
    later = our_bindings(kam, daemon)
    assert len(later) == 1
    assert later[0]["Call-ID"] == first[0]["Call-ID"], "one Call-ID per binding (RFC 3261 s10.2.4)"
    assert int(later[0]["CSeq"]) >= int(first[0]["CSeq"]) + 2, (first, later)
    assert registration(daemon, pid)["state"] == "registered"
    assert registration(daemon, pid)["expires_at"] > reg["expires_at"]
    # The refreshes reused the nonce (nc + 1): the registrar challenged only the first REGISTER.
    assert kam.errors().count("challenge ") == 1, kam.errors()[-3000:]


def test_a_call_to_the_registered_contact_routes_by_its_trunk(daemon, kamailio, tmp_path):
    kam = kamailio()
    agent = daemon.post("/voice/agents", {"name": "Reception", "voice": {"max_duration": 30}}).json()
    assert daemon.post("/voice/phone-numbers", {"phone_number": "+" + DID, "provider": "sip",
                                                "agent_id": agent["id"]}).status == 201
    pid = provider(daemon, kam.port)  # no IP allowlist: only the binding admits Kamailio's INVITE
    assert wait_for(lambda: registered(daemon, pid))

    with tempfile.TemporaryDirectory(prefix="sipp-") as work:
        stats = os.path.join(work, "stats.csv")
        r = subprocess.run(["sipp", f"127.0.0.1:{kam.port}", "-sf", os.path.join(SCENARIOS, "uac_via_proxy.xml"),
                            "-s", DID, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(sipp_media_port()), "-p", "0", "-m", "1", "-timeout", "20s",
                            "-timeout_error", "-trace_stat", "-stf", stats, "-nostdin"],
                           cwd=work, capture_output=True, text=True, timeout=40)
        assert r.returncode == 0 and csv_stats(stats)["SuccessfulCall(C)"] == "1", r.stdout[-2000:] + kam.errors()[-2000:]
    assert re.search(r"relay \S+ -> sip:pb[0-9a-f]{20}@127\.0\.0\.1:" + str(daemon.sip_port), kam.errors())
    sessions = wait_for(lambda: [s for s in daemon.get("/voice/sessions").json()["sessions"] if s["status"] == "completed"])
    assert sessions and sessions[0]["agent_id"] == agent["id"] and sessions[0]["to_number"] == "+" + DID
    assert f"provider_id={pid}" in daemon.stderr()

    # The same INVITE straight from an address no trunk admits, to a Contact we never registered: 403.
    with open(os.path.join(SCENARIOS, "uac_expect_reject.xml")) as f:
        scenario = tmp_path / "reject.xml"
        scenario.write_text(f.read().replace("[status]", "403"))
    r = subprocess.run(["sipp", f"127.0.0.1:{daemon.sip_port}", "-sf", str(scenario), "-s", "pb0123456789abcdef0123",
                        "-i", "127.0.0.1", "-mp", str(sipp_media_port()), "-p", "0", "-m", "1", "-timeout", "15s", "-timeout_error", "-nostdin"],
                       cwd=str(tmp_path), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout[-2000:]


def test_wrong_password_fails_with_the_reason_and_retries(daemon, kamailio):
    kam = kamailio()
    pid = provider(daemon, kam.port, password="not-the-password")
    reg = wait_for(lambda: registration(daemon, pid) if registration(daemon, pid)["state"] == "failed" else None)
    assert reg, registration(daemon, pid)
    assert "401 Unauthorized" in reg["last_error"] and "credentials rejected" in reg["last_error"], reg
    assert re.search(r"next attempt in \d+ s", reg["last_error"]), reg
    assert reg["expires_at"] is None and our_bindings(kam, daemon) == []
    # It keeps trying (backoff of 1-4 s here) and never gets a binding.
    assert wait_for(lambda: kam.errors().count("cseq=3 ") > 0, timeout=8), kam.errors()[-2000:]
    assert our_bindings(kam, daemon) == []
    # Fixing the password through the API registers at once.
    assert daemon.patch(f"/voice/sip/providers/{pid}", {"registration": {"password": PASSWORD}}).status == 200
    assert wait_for(lambda: registered(daemon, pid), timeout=5), registration(daemon, pid)
    assert len(our_bindings(kam, daemon)) == 1


def test_interval_too_brief_is_retried_with_min_expires(daemon, kamailio):
    kam = kamailio(min_expires=120, min_expires_mode=1)  # 423 with Min-Expires: 120 below that
    pid = provider(daemon, kam.port, expires=60)
    assert wait_for(lambda: registered(daemon, pid)), registration(daemon, pid)
    assert "expires=60" in kam.errors() and "expires=120" in kam.errors(), kam.errors()[-2000:]
    binding = our_bindings(kam, daemon)
    assert len(binding) == 1 and 100 < int(binding[0]["Expires"]) <= 120, binding


def test_registrar_down_backs_off_then_recovers(daemon, kamailio):
    port = free_udp_port()  # nothing listens yet: TCP connects are refused at once
    pid = provider(daemon, port, transport="tcp")
    waits = wait_for(lambda: (lambda w: w if len(w) >= 4 else None)(
        [int(x) for x in re.findall(rf"provider_id={pid} state=failed .*?retry_in_ms=(\d+)", daemon.stderr())]), timeout=15)
    assert waits, daemon.stderr()[-3000:]
    reg = registration(daemon, pid)
    assert reg["state"] == "failed" and f"cannot reach the registrar at tcp:127.0.0.1:{port}" in reg["last_error"], reg
    # RFC 5626 s4.5 with base 1 s, max 4 s: 50-100% of 1, 2, 4, 4 s.
    for wait, cap in zip(waits, [1000, 2000, 4000, 4000]):
        assert cap / 2 <= wait <= cap, waits
    kamailio(port=port)
    assert wait_for(lambda: registered(daemon, pid), timeout=8), registration(daemon, pid)
    assert registration(daemon, pid)["last_error"] is None


def test_unregisters_on_delete_disable_change_and_shutdown(daemon, make_daemon, kamailio, tmp_path):
    kam = kamailio()
    pid = provider(daemon, kam.port)
    assert wait_for(lambda: registered(daemon, pid))
    assert wait_for(lambda: our_bindings(kam, daemon))

    # Disabled: the binding goes (Expires: 0) and the state says so.
    assert daemon.patch(f"/voice/sip/providers/{pid}", {"registration": {"enabled": False}}).status == 200
    assert wait_for(lambda: our_bindings(kam, daemon) == [], timeout=5), kam.contacts(f"{USER}@127.0.0.1")
    assert "expires=0" in kam.errors()
    time.sleep(0.5)
    assert registration(daemon, pid)["state"] == "disabled"

    # Enabled again, then changed: the old binding is removed before the new one is made.
    assert daemon.patch(f"/voice/sip/providers/{pid}", {"registration": {"enabled": True}}).status == 200
    assert wait_for(lambda: registered(daemon, pid))
    call_id = wait_for(lambda: our_bindings(kam, daemon))[0]["Call-ID"]
    assert daemon.patch(f"/voice/sip/providers/{pid}", {"registration": {"expires": 120}}).status == 200
    changed = wait_for(lambda: [b for b in our_bindings(kam, daemon) if b["Call-ID"] != call_id], timeout=5)
    assert changed and len(our_bindings(kam, daemon)) == 1, kam.contacts(f"{USER}@127.0.0.1")

    # Deleted: un-REGISTERed.
    assert daemon.delete(f"/voice/sip/providers/{pid}").status == 200
    assert wait_for(lambda: our_bindings(kam, daemon) == [], timeout=5), kam.contacts(f"{USER}@127.0.0.1")

    # Shutdown: un-REGISTERed before the daemon exits.
    (tmp_path / "other").mkdir()
    other = make_daemon(FAST_RETRY, data=str(tmp_path / "other"))
    provider(other, kam.port)
    assert wait_for(lambda: our_bindings(kam, other))
    assert other.stop() == 0
    assert our_bindings(kam, other) == [], kam.contacts(f"{USER}@127.0.0.1")

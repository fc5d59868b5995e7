"""Test Connection (POST /voice/sip/providers/{id}/test): one OPTIONS through the running SIP engine,
against SIPp answering OPTIONS (-aa), a dead UDP port (timeout) and a dead TCP port (connection
refused). The handler waits on the worker pool, so the API stays responsive meanwhile."""
import threading
import time

import pytest

from conftest import assert_error
from .sipkit import Proc, free_udp_port


@pytest.fixture
def sipp_uas(workdir, procs):
    """SIPp's built-in UAS on a free port; -aa answers OPTIONS with 200."""
    def start(transport="u1"):
        port = free_udp_port()
        p = Proc(["sipp", "-sn", "uas", "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(free_udp_port()), "-p", str(port), "-aa", "-t", transport,
                  "-nostdin"], workdir, f"uas-{port}")
        procs.append(p)
        time.sleep(0.5)
        assert p.proc.poll() is None, p.output()[-1000:]
        return port
    return start


def trunk(d, port, transport="udp"):
    r = d.post("/voice/sip/providers", {"name": "t", "kind": "generic", "host": "127.0.0.1", "port": port,
                                        "transport": transport})
    assert r.status == 201, r
    return r.json()["id"]


def test_options_answered_by_sipp(parley, sipp_uas):
    port = sipp_uas()
    pid = trunk(parley, port)
    r = parley.post(f"/voice/sip/providers/{pid}/test")
    assert r.status == 200, r
    t = r.json()
    assert t["reachable"] is True and t["result"] == "answered", t
    assert t["status_code"] == 200 and t["reason"] == "OK"
    assert 0 <= t["rtt_ms"] < 1000
    assert t["transport"] == "udp" and t["target"] == f"127.0.0.1:{port}" and t["address"] == f"127.0.0.1:{port}"
    assert t["provider_id"] == pid


def test_options_over_tcp(parley, sipp_uas):
    port = sipp_uas("t1")
    pid = trunk(parley, port, "tcp")
    t = parley.post(f"/voice/sip/providers/{pid}/test").json()
    assert t["reachable"] is True and t["status_code"] == 200 and t["transport"] == "tcp", t


def test_dead_udp_port_times_out_without_blocking_the_api(parley):
    pid = trunk(parley, free_udp_port())
    result = {}

    def probe():
        started = time.time()
        result["response"] = parley.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 1500})
        result["seconds"] = time.time() - started

    worker = threading.Thread(target=probe)
    worker.start()
    time.sleep(0.3)
    started = time.time()
    assert parley.get("/voice/sip/providers").status == 200
    assert time.time() - started < 0.5, "other requests are served while a probe waits"
    worker.join(10)
    t = result["response"].json()
    assert t["reachable"] is False and t["result"] == "timeout", t
    assert t["status_code"] is None and t["rtt_ms"] is None and "1500 ms" in t["reason"]
    assert 1.4 <= result["seconds"] < 3.5, result["seconds"]


def test_dead_tcp_port_is_unreachable_at_once(parley):
    port = free_udp_port()
    pid = trunk(parley, port, "tcp")
    started = time.time()
    t = parley.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 5000}).json()
    assert t["reachable"] is False and t["result"] == "unreachable" and t["reason"] == "connection failed", t
    assert t["address"] == f"127.0.0.1:{port}"
    assert time.time() - started < 2


def test_bad_requests(parley):
    assert_error(parley.post("/voice/sip/providers/sp_missing/test"), 404)
    pid = trunk(parley, free_udp_port())
    assert_error(parley.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 50}), 422, field="timeout_ms")
    assert_error(parley.post(f"/voice/sip/providers/{pid}/test", {"bogus": 1}), 422, field="bogus")
    assert_error(parley.post(f"/voice/sip/providers/{pid}/test", raw=b"[1]", headers={"Content-Type": "application/json"}), 400)


def test_probes_beyond_half_the_workers_are_refused(make_daemon):
    d = make_daemon({"PARLEY_WORKER_THREADS": "2"})  # one probe at a time; the other worker serves the API
    pid = trunk(d, free_udp_port())
    first = {}
    worker = threading.Thread(target=lambda: first.update(r=d.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 1500})))
    worker.start()
    time.sleep(0.3)
    second = d.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 1500})
    assert_error(second, 503)
    assert "another connection test" in second.json()["error"]["message"]
    worker.join(10)
    assert first["r"].status == 200 and first["r"].json()["result"] == "timeout"
    assert d.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 200}).json()["result"] == "timeout", "free again"


def test_shutdown_answers_a_waiting_probe_at_once(make_daemon):
    d = make_daemon()
    pid = trunk(d, free_udp_port())
    result = {}
    worker = threading.Thread(target=lambda: result.update(r=d.post(f"/voice/sip/providers/{pid}/test", {"timeout_ms": 20000})))
    worker.start()
    time.sleep(0.5)
    started = time.time()
    assert d.stop() == 0
    worker.join(5)
    assert time.time() - started < 5, "the probe's 20 s deadline did not hold up the shutdown"
    assert_error(result["r"], 503)

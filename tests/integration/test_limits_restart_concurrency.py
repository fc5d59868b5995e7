"""Rate limits, durability across restarts, and concurrent writers."""
import threading

from conftest import assert_error


def test_status_rate_limit_reaches_429(make_daemon):
    d = make_daemon({"PARLEY_RATE_STATUS_PER_MIN": "5"})
    for i in range(5):
        r = d.get("/voice/status/call_missing000")
        assert r.status == 404
        assert r.header("X-RateLimit-Limit") == "5" and r.header("X-RateLimit-Remaining") == str(4 - i)
    r = d.get("/voice/status/call_missing000")
    err = assert_error(r, 429, "rate_limited")
    assert "5" in err["message"]
    assert int(r.header("Retry-After")) >= 1 and r.header("X-RateLimit-Remaining") == "0"
    assert int(r.header("X-RateLimit-Reset")) >= 1
    # other route classes have their own buckets
    assert d.get("/voice/sessions").status == 200


def test_dial_limit_is_ten_per_minute_by_default(make_daemon):
    parley = make_daemon()
    agent = parley.post("/voice/agents", {"name": "a"}).json()
    parley.add_silent_trunk()
    parley.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip"})
    body = {"agent_id": agent["id"], "to_number": "+14155551234", "from_number": "+18005551234"}
    statuses = [parley.post("/voice/outbound/dial", body).status for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
    assert parley.get("/voice/sessions").json()["total"] == 10


def test_limits_are_per_key(make_daemon):
    d = make_daemon({"PARLEY_RATE_LIST_SESSIONS_PER_MIN": "2"})
    other = d.cli("keys", "create", "--name", "second").stdout.strip()
    assert [d.get("/voice/sessions").status for _ in range(3)] == [200, 200, 429]
    assert d.get("/voice/sessions", key=other).status == 200


def test_restart_keeps_everything(make_daemon, data_dir):
    d = make_daemon()
    a = d.post("/voice/agents", {"name": "Persist", "llm": {"provider": "openai", "model": "m", "api_key": "sk-x"}}).json()
    d.add_silent_trunk()
    n = d.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip", "agent_id": a["id"]}).json()
    c = d.post("/voice/outbound/dial", {"agent_id": a["id"], "to_number": "+14155551234",
                                       "from_number": "+18005551234"}).json()
    assert d.stop() == 0
    d2 = make_daemon()
    assert d2.get(f"/voice/agents/{a['id']}").json() == d2.get(f"/voice/agents/{a['id']}").json()
    a2 = d2.get(f"/voice/agents/{a['id']}").json()
    assert a2["llm"]["api_key_set"] is True and a2["phone_number_id"] == n["id"]
    # A call still dialling at a graceful stop is ended by the stop itself (CANCEL), not left behind.
    status = d2.get(f"/voice/sessions/{c['call_id']}").json()
    assert status["status"] == "canceled" and status["end_reason"] == "shutdown" and status["ended_at"]
    assert d2.get("/voice/leads").json()["total"] == 1


def test_restart_after_kill_keeps_committed_writes(make_daemon):
    import signal
    d = make_daemon()
    ids = [d.post("/voice/agents", {"name": f"k{i}"}).json()["id"] for i in range(20)]
    d.stop(sig=signal.SIGKILL)
    d2 = make_daemon()
    assert d2.get("/voice/agents?limit=100").json()["total"] == 20
    assert all(d2.get(f"/voice/agents/{i}").status == 200 for i in ids)


def test_concurrent_writes(parley):
    nums = [f"+1415555{2000 + i:04d}" for i in range(40)]
    results = []
    lock = threading.Lock()

    def worker(chunk):
        for n in chunk:
            a = parley.post("/voice/agents", {"name": "c" + n})
            p = parley.post("/voice/phone-numbers", {"phone_number": n, "provider": "sip", "agent_id": a.json()["id"]})
            dup = parley.post("/voice/phone-numbers", {"phone_number": n, "provider": "sip"})
            with lock:
                results.append((a.status, p.status, dup.status))

    threads = [threading.Thread(target=worker, args=(nums[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40 and all(r == (201, 201, 409) for r in results), results
    assert parley.get("/voice/agents").json()["total"] == 40
    numbers = parley.get("/voice/phone-numbers?limit=100").json()
    assert numbers["total"] == 40 and all(n["agent_id"] for n in numbers["phone_numbers"])


def test_racing_links_to_one_number_admit_exactly_one(parley):
    n = parley.post("/voice/phone-numbers", {"phone_number": "+14155557777", "provider": "sip"}).json()
    agents = [parley.post("/voice/agents", {"name": f"r{i}"}).json()["id"] for i in range(10)]
    statuses = []

    def link(aid):
        statuses.append(parley.patch(f"/voice/agents/{aid}", {"phone_number_id": n["id"]}).status)

    threads = [threading.Thread(target=link, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 9
    linked = [a for a in agents if parley.get(f"/voice/agents/{a}").json()["phone_number_id"] == n["id"]]
    assert len(linked) == 1

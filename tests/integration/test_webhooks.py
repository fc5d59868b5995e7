"""Durable, ordered, signed webhooks delivered to a real HTTP receiver on loopback."""
import hashlib
import hmac
import json
import time

import pytest

from conftest import assert_error
from webhook_receiver import Receiver, verified_events


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hooked(make_daemon):
    return make_daemon({"PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "PARLEY_WEBHOOK_BASE_DELAY_MS": "100",
                        "PARLEY_WEBHOOK_MAX_DELAY_MS": "300", "PARLEY_WEBHOOK_POLL_MS": "20",
                        "PARLEY_RATE_DIAL_PER_MIN": "1000", "PARLEY_RATE_STATUS_PER_MIN": "100000"})


def setup_call(d, webhook_url, **extra):
    agent = d.post("/voice/agents", {"name": "hooks"}).json()
    d.add_silent_trunk()
    d.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip"})
    body = {"agent_id": agent["id"], "to_number": "+14155551234", "from_number": "+18005551234",
            "webhook_url": webhook_url, **extra}
    r = d.post("/voice/outbound/dial", body)
    assert r.status == 201, r
    return r.json()["call_id"]


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_events_are_signed_and_in_order(hooked, receiver):
    secret = hooked.post("/voice/webhooks/secret").json()["webhook_secret"]
    assert secret.startswith("whsec_")
    call_id = setup_call(hooked, receiver.url)
    assert hooked.post(f"/voice/end/{call_id}").json()["status"] == "canceled"
    assert wait_for(lambda: len(receiver.delivered()) == 2)
    events = []
    for headers, body in receiver.delivered():
        ts, sig = headers["X-Parley-Timestamp"], headers["X-Parley-Signature"]
        expected = "v1=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, sig)
        assert abs(time.time() - int(ts)) < 60
        payload = json.loads(body)
        assert payload["call_id"] == call_id and headers["X-Parley-Event"] == payload["event"]
        events.append(payload)
    assert [e["event"] for e in events] == ["call.initiating", "call.canceled"]
    assert set(events[0]) >= {"event", "call_id", "status", "duration", "timestamp"}
    assert events[1]["end_reason"] == "ended_by_api" and events[1]["transcript_url"].endswith(call_id)
    hooks = hooked.get(f"/voice/sessions/{call_id}/webhooks").json()["webhooks"]
    assert [h["status"] for h in hooks] == ["delivered", "delivered"]
    assert hooks[0]["attempts"][0]["status_code"] == 204


def test_receiver_down_for_three_attempts_still_gets_everything_in_order(hooked):
    receiver = Receiver(down_for=3)
    try:
        call_id = setup_call(hooked, receiver.url)
        hooked.post(f"/voice/end/{call_id}")
        assert wait_for(lambda: len(receiver.delivered()) == 5)
        time.sleep(0.5)
        bodies = [json.loads(b)["event"] for _, b in receiver.delivered()]
        assert bodies == ["call.initiating"] * 4 + ["call.canceled"], bodies
        hooks = hooked.get(f"/voice/sessions/{call_id}/webhooks").json()["webhooks"]
        assert [a["status_code"] for a in hooks[0]["attempts"]] == [503, 503, 503, 204]
        assert "X-Parley-Signature" not in receiver.delivered()[0][0], "no secret yet: unsigned"
    finally:
        receiver.close()


def test_pending_webhook_survives_restart(make_daemon, data_dir):
    env = {"PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "PARLEY_WEBHOOK_BASE_DELAY_MS": "100",
           "PARLEY_WEBHOOK_POLL_MS": "20"}
    receiver = Receiver(down_for=1000)
    try:
        d = make_daemon(env)
        call_id = setup_call(d, receiver.url)
        assert wait_for(lambda: len(receiver.delivered()) >= 1)
        d.stop()
        receiver.down_for = 0
        d2 = make_daemon(env)
        assert wait_for(lambda: d2.get(f"/voice/sessions/{call_id}/webhooks").json()["webhooks"][0]["status"] == "delivered")
    finally:
        receiver.close()


def test_private_targets_are_refused_by_default(make_daemon, receiver):
    d = make_daemon({"PARLEY_WEBHOOK_BASE_DELAY_MS": "100", "PARLEY_WEBHOOK_POLL_MS": "20"})
    call_id = setup_call(d, receiver.url)
    assert wait_for(lambda: d.get(f"/voice/sessions/{call_id}/webhooks").json()["webhooks"][0]["attempts"])
    attempt = d.get(f"/voice/sessions/{call_id}/webhooks").json()["webhooks"][0]["attempts"][0]
    assert attempt["status_code"] is None and "non-public" in attempt["error"]
    assert receiver.delivered() == []


def test_idempotency_key_replay_does_not_dial_twice(hooked, receiver):
    agent = hooked.post("/voice/agents", {"name": "idem"}).json()
    hooked.add_silent_trunk()
    hooked.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip"})
    body = {"agent_id": agent["id"], "to_number": "+14155551234", "from_number": "+18005551234"}
    first = hooked.post("/voice/outbound/dial", body, headers={"Idempotency-Key": "order-42"})
    again = hooked.post("/voice/outbound/dial", body, headers={"Idempotency-Key": "order-42"})
    other = hooked.post("/voice/outbound/dial", body, headers={"Idempotency-Key": "order-43"})
    assert first.status == 201 and again.status == 200 and other.status == 201
    assert again.json() == first.json() and again.header("Idempotent-Replayed") == "true"
    assert other.json()["call_id"] != first.json()["call_id"]
    assert hooked.get("/voice/sessions").json()["total"] == 2
    assert_error(hooked.post("/voice/outbound/dial", body, headers={"Idempotency-Key": "x" * 300}), 400)


def test_scheduled_call_fires_within_a_second_after_restart(make_daemon, receiver):
    import datetime as dt
    # The test polls the status endpoint every 50 ms: lift its 60/min limit.
    env = {"PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "PARLEY_WEBHOOK_POLL_MS": "20",
           "PARLEY_RATE_STATUS_PER_MIN": "100000"}
    d = make_daemon(env)
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=4)
    call_id = setup_call(d, receiver.url, scheduled_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert d.get(f"/voice/status/{call_id}").json()["status"] == "scheduled"
    d.stop()
    d2 = make_daemon(env)
    assert d2.get(f"/voice/status/{call_id}").json()["status"] == "scheduled", "a restart keeps scheduled calls"
    assert wait_for(lambda: d2.get(f"/voice/status/{call_id}").json()["status"] == "initiating", timeout=10)
    fired = dt.datetime.fromisoformat(d2.get(f"/voice/sessions/{call_id}").json()["started_at"].replace("Z", "+00:00"))
    assert 0 <= (fired - when).total_seconds() <= 1.0, (fired, when)
    assert wait_for(lambda: [json.loads(b)["event"] for _, b in receiver.delivered()] == ["call.initiating"])


def test_scheduled_call_can_be_canceled_before_it_fires(hooked, receiver):
    import datetime as dt
    when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    call_id = setup_call(hooked, receiver.url, scheduled_at=when)
    assert hooked.post(f"/voice/end/{call_id}").json()["status"] == "canceled"
    time.sleep(3)
    assert hooked.get(f"/voice/status/{call_id}").json()["status"] == "canceled"
    assert [json.loads(b)["event"] for _, b in receiver.delivered()] == ["call.canceled"]

"""Outbound dial validation and persistence, sessions, status, transcript, recordings, leads, end."""
import datetime as dt
import os
import sqlite3
import struct
import time

from conftest import assert_error


def iso(delta_s):
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delta_s)).strftime("%Y-%m-%dT%H:%M:%SZ")


def dial_body(agent, **over):
    body = {"agent_id": agent["id"], "to_number": "+14155551234", "from_number": "+18005551234",
            "context": {"customer_name": "Jane Doe", "order_id": "ORD-123"}, "max_duration": 300, "recording": True,
            "webhook_url": "https://your-app.com/call-events"}
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def test_dial_response_is_the_seed_shape(parley, agent, outbound_number):
    r = parley.post("/voice/outbound/dial", dial_body(agent))
    assert r.status == 201, r
    d = r.json()
    assert set(d) == {"call_id", "status", "agent_id", "to_number", "created_at"}
    assert d["call_id"].startswith("call_") and d["status"] == "initiating" and d["to_number"] == "+14155551234"
    s = parley.get(f"/voice/sessions/{d['call_id']}").json()
    assert s["kind"] == "outbound" and s["context"] == {"customer_name": "Jane Doe", "order_id": "ORD-123"}
    assert s["max_duration"] == 300 and s["recording"] is True and s["webhook_url"] == "https://your-app.com/call-events"
    assert s["transcript_url"] == f"/v1/widget/transcript/{d['call_id']}"
    st = parley.get(f"/voice/status/{d['call_id']}").json()
    assert list(st) == ["session_id", "status", "duration", "agent_id", "to_number", "from_number", "started_at",
                        "ended_at", "tokens_used"]
    assert st["status"] == "initiating" and st["duration"] == 0 and st["tokens_used"] == 0


def test_dial_defaults_come_from_the_agent(parley, outbound_number, agent):
    parley.patch(f"/voice/agents/{agent['id']}", {"voice": {"max_duration": 90, "recording": True}})
    d = parley.post("/voice/outbound/dial", {"agent_id": agent["id"], "to_number": "+14155551234",
                                             "from_number": "+18005551234"}).json()
    s = parley.get(f"/voice/sessions/{d['call_id']}").json()
    assert s["max_duration"] == 90 and s["recording"] is True and s["context"] == {}


def test_dial_validation(parley, agent, outbound_number):
    inbound_only = parley.post("/voice/phone-numbers", {"phone_number": "+14155550199", "provider": "sip",
                                                        "supports_outbound": False}).json()
    cases = [
        (dial_body(agent, agent_id=None), "agent_id"),
        (dial_body(agent, agent_id="agent_nobody"), "agent_id"),
        (dial_body(agent, to_number=None), "to_number"),
        (dial_body(agent, to_number="4155551234"), "to_number"),
        (dial_body(agent, to_number="+1415555123"), "to_number"),
        (dial_body(agent, from_number="+14155550000"), "from_number"),
        (dial_body(agent, from_number=inbound_only["phone_number"]), "from_number"),
        (dial_body(agent, from_number="not a number"), "from_number"),
        (dial_body(agent, to_number="+18005551234"), "to_number"),
        (dial_body(agent, max_duration=0), "max_duration"),
        (dial_body(agent, max_duration=14401), "max_duration"),
        (dial_body(agent, max_duration=3.5), "max_duration"),
        (dial_body(agent, recording="yes"), "recording"),
        (dial_body(agent, context="hi"), "context"),
        (dial_body(agent, context={"big": "x" * 20000}), "context"),
        (dial_body(agent, scheduled_at="tomorrow"), "scheduled_at"),
        (dial_body(agent, scheduled_at=iso(-60)), "scheduled_at"),
        (dial_body(agent, scheduled_at=iso(400 * 86400)), "scheduled_at"),
        (dial_body(agent, webhook_url="ftp://x.example"), "webhook_url"),
        (dial_body(agent, webhook_url="https://"), "webhook_url"),
        (dial_body(agent, surprise=1), "surprise"),
    ]
    for body, field in cases:
        assert_error(parley.post("/voice/outbound/dial", body), 422, field=field)
    assert parley.get("/voice/sessions").json()["total"] == 0, "no session was created by a refused dial"


def test_scheduled_dial_and_cancel(parley, agent, outbound_number):
    when = iso(3600)
    d = parley.post("/voice/outbound/dial", dial_body(agent, scheduled_at=when)).json()
    assert d["status"] == "scheduled"
    s = parley.get(f"/voice/sessions/{d['call_id']}").json()
    assert s["scheduled_at"] == when
    r = parley.post(f"/voice/end/{d['call_id']}")
    assert r.status == 200 and r.json()["status"] == "canceled" and r.json()["ended_at"]
    assert_error(parley.post(f"/voice/end/{d['call_id']}"), 409)
    assert_error(parley.post("/voice/end/call_unknown0"), 404)
    assert parley.get(f"/voice/status/{d['call_id']}").json()["status"] == "canceled"


def test_sessions_list_filters_and_order(parley, agent, outbound_number, data_dir):
    other = parley.post("/voice/agents", {"name": "Other"}).json()
    ids = []
    for i in range(4):
        a = agent if i % 2 == 0 else other
        ids.append(parley.post("/voice/outbound/dial", dial_body(a, to_number=f"+1415555123{i}")).json()["call_id"])
        time.sleep(0.01)
    parley.post(f"/voice/end/{ids[0]}")
    listing = parley.get("/voice/sessions?limit=20").json()
    assert listing["total"] == 4 and [s["session_id"] for s in listing["sessions"]] == ids[::-1]
    assert parley.get(f"/voice/sessions?agent_id={other['id']}").json()["total"] == 2
    assert parley.get("/voice/sessions?status=canceled").json()["total"] == 1
    assert parley.get("/voice/sessions?status=initiating&limit=1").json()["total"] == 3
    assert len(parley.get("/voice/sessions?status=initiating&limit=1").json()["sessions"]) == 1
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    assert parley.get(f"/voice/sessions?start_date={today}&end_date={today}").json()["total"] == 4
    assert parley.get("/voice/sessions?end_date=2000-01-01").json()["total"] == 0
    assert parley.get(f"/voice/sessions?start_date={iso(3600)}").json()["total"] == 0
    assert_error(parley.get("/voice/sessions?status=exploded"), 422, field="status")
    assert_error(parley.get("/voice/sessions?start_date=yesterday"), 422, field="start_date")
    assert_error(parley.get("/voice/sessions?start_date=2026-02-01&end_date=2026-01-01"), 422)
    assert_error(parley.get("/voice/sessions?limit=500"), 422, field="limit")


def test_transcript_recording_and_leads(parley, agent, outbound_number, data_dir):
    d = parley.post("/voice/outbound/dial", dial_body(agent)).json()
    cid = d["call_id"]
    assert parley.get(f"/v1/widget/transcript/{cid}").json() == {"call_id": cid, "transcript": []}
    assert_error(parley.get("/v1/widget/transcript/call_missing"), 404)

    # Rows as the voice pipeline writes them, through the same database.
    wav = os.path.join(data_dir, "rec.wav")
    pcm = b"".join(struct.pack("<hh", i % 100, -(i % 100)) for i in range(16000))
    with open(wav, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVEfmt " +
                struct.pack("<IHHIIHH", 16, 1, 2, 16000, 64000, 4, 16) + b"data" + struct.pack("<I", len(pcm)) + pcm)
    db = sqlite3.connect(os.path.join(data_dir, "parley.db"))
    db.executemany("insert into transcript_entries(session_id,seq,role,text,offset_s,interrupted) values(?,?,?,?,?,?)",
                   [(cid, 1, "agent", "Hello, thanks for calling Acme.", 0.5, 0),
                    (cid, 2, "user", "Hi, I need help with my order.", 2.1, 0),
                    (cid, 3, "agent", "Of course! What's your", 3.8, 1)])
    db.execute("insert into recordings values('rec_abc123',?,?,1.0,?,16000,2,'completed',0)", (cid, wav, os.path.getsize(wav)))
    db.commit()
    db.close()
    t = parley.get(f"/v1/widget/transcript/{cid}").json()
    assert t["call_id"] == cid
    assert t["transcript"][0] == {"role": "agent", "text": "Hello, thanks for calling Acme.", "timestamp": 0.5}
    assert t["transcript"][2]["interrupted"] is True and "interrupted" not in t["transcript"][1]

    meta = parley.get("/voice/recording/rec_abc123").json()
    assert meta["session_id"] == cid and meta["format"] == "wav" and meta["channels"] == 2
    full = parley.get(meta["audio_url"])
    assert full.status == 200 and full.header("Content-Type") == "audio/wav" and full.body[:4] == b"RIFF"
    assert len(full.body) == os.path.getsize(wav)
    part = parley.get(meta["audio_url"], headers={"Range": "bytes=0-11"})
    assert part.status == 206 and part.body == full.body[:12]
    assert part.header("Content-Range") == f"bytes 0-11/{len(full.body)}"
    tail = parley.get(meta["audio_url"], headers={"Range": "bytes=-4"})
    assert tail.status == 206 and tail.body == full.body[-4:]
    assert parley.get(meta["audio_url"], headers={"Range": "bytes=999999999-"}).status == 416
    assert_error(parley.get("/voice/recording/rec_none"), 404)

    leads = parley.get("/voice/leads").json()
    assert leads["total"] == 1 and leads["leads"][0]["phone_number"] == "+14155551234"
    parley.post("/voice/outbound/dial", dial_body(agent))
    lead = parley.get("/voice/leads").json()["leads"][0]
    assert lead["call_count"] == 2 and lead["last_agent_id"] == agent["id"]


def test_toll_fraud_and_country_protection(make_daemon):
    d = make_daemon({"PARLEY_OUTBOUND_ALLOWED_COUNTRIES": "US,IN"})
    agent = d.post("/voice/agents", {"name": "a"}).json()
    d.add_silent_trunk()
    d.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip"})
    body = {"agent_id": agent["id"], "from_number": "+18005551234"}
    err = assert_error(d.post("/voice/outbound/dial", {**body, "to_number": "+19005551234"}), 422, field="to_number")
    assert "premium_rate" in err["message"]
    err = assert_error(d.post("/voice/outbound/dial", {**body, "to_number": "+442071838750"}), 422, field="to_number")
    assert "GB" in err["message"]
    assert d.post("/voice/outbound/dial", {**body, "to_number": "+14155551234"}).status == 201
    assert d.get("/voice/sessions").json()["total"] == 1


def test_concurrent_outbound_cap_per_key(make_daemon):
    d = make_daemon({"PARLEY_OUTBOUND_MAX_CONCURRENT_PER_KEY": "2"})
    agent = d.post("/voice/agents", {"name": "a"}).json()
    d.add_silent_trunk()
    d.post("/voice/phone-numbers", {"phone_number": "+18005551234", "provider": "sip"})
    body = {"agent_id": agent["id"], "from_number": "+18005551234", "to_number": "+14155551234"}
    first = d.post("/voice/outbound/dial", body).json()
    assert d.post("/voice/outbound/dial", body).status == 201
    err = assert_error(d.post("/voice/outbound/dial", body), 429, "rate_limited")
    assert "limit 2" in err["message"]
    other_key = d.cli("keys", "create", "--name", "other").stdout.strip()
    assert d.post("/voice/outbound/dial", body, key=other_key).status == 201, "the cap is per key"
    d.post(f"/voice/end/{first['call_id']}")
    assert d.post("/voice/outbound/dial", body).status == 201, "an ended call frees its slot"

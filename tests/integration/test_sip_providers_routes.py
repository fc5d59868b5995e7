"""SIP providers (trunks), inbound routes and SIP traces over the API."""
import os
import sqlite3

from conftest import assert_error, free_port

# Loopback only: the daemon registers this trunk and traces it (debug), so its host and registrar
# are local addresses where nothing answers (a host name would be looked up in DNS).
TWILIO = {
    "name": "Twilio main", "kind": "twilio", "host": "127.0.0.1", "transport": "udp",
    "inbound": {"auth": "ip_and_digest", "allowed_ips": ["54.172.60.0/30", "127.0.0.1"], "username": "parley",
                "password": "in-SECRET-1"},
    "outbound": {"username": "trunkuser", "password": "out-SECRET-2"},
    "codecs": ["G722", "PCMU"], "dtmf_mode": "rfc2833",
    "session_timer": {"expires": 1800, "min_se": 90},
    "registration": {"enabled": True, "username": "reguser", "password": "reg-SECRET-3", "expires": 600,
                     "registrar": f"127.0.0.1:{free_port()}"},
    "priority": 5, "debug": True,
}


def test_provider_crud_secrets_and_defaults(parley, data_dir):
    r = parley.post("/voice/sip/providers", TWILIO)
    assert r.status == 201, r
    p = r.json()
    assert p["id"].startswith("sp_") and p["port"] == 5060 and p["weight"] == 100 and p["srtp"] == "off"
    assert p["inbound"]["password_set"] and p["outbound"]["password_set"] and p["registration"]["password_set"]
    assert p["registration"]["state"] == "registering" and p["registration"]["expires_at"] is None
    assert p["session_timer"] == {"expires": 1800, "min_se": 90, "enabled": True, "refresher": "uac"}
    for secret in (b"in-SECRET-1", b"out-SECRET-2", b"reg-SECRET-3"):
        assert secret not in r.body and secret not in parley.get("/voice/sip/providers").body
        for name in os.listdir(data_dir):
            if name.startswith("parley.db"):
                with open(os.path.join(data_dir, name), "rb") as f:
                    assert secret not in f.read()
    assert parley.get(f"/voice/sip/providers/{p['id']}").json() == p

    generic = parley.post("/voice/sip/providers", {"name": "PBX", "kind": "generic", "host": "127.0.0.1",
                                                   "transport": "tls", "priority": 1}).json()
    assert generic["port"] == 5061 and generic["codecs"] == ["PCMU", "PCMA", "G722", "opus", "G729"]
    assert generic["inbound"]["auth"] == "none" and generic["registration"]["state"] == "disabled"
    listing = parley.get("/voice/sip/providers").json()
    assert [x["id"] for x in listing["providers"]] == [generic["id"], p["id"]], "ordered by priority"

    r = parley.patch(f"/voice/sip/providers/{p['id']}", {"registration": {"enabled": False}, "weight": 50,
                                                         "outbound": {"password": None}})
    assert r.status == 200, r
    u = r.json()
    assert u["registration"]["state"] == "disabled" and u["weight"] == 50 and u["outbound"]["password_set"] is False
    assert u["inbound"]["password_set"] is True and u["codecs"] == ["G722", "PCMU"]
    assert parley.delete(f"/voice/sip/providers/{generic['id']}").status == 200
    assert_error(parley.get(f"/voice/sip/providers/{generic['id']}"), 404)


def test_provider_validation(parley):
    base = {"name": "x", "kind": "generic", "host": "127.0.0.1"}
    cases = [
        ({**base, "kind": "skype"}, "kind"),
        ({**base, "host": "bad host!"}, "host"),
        ({k: v for k, v in base.items() if k != "host"}, "host"),
        ({**base, "port": 70000}, "port"),
        ({**base, "transport": "sctp"}, "transport"),
        ({**base, "codecs": ["PCMU", "GSM"]}, "codecs"),
        ({**base, "codecs": []}, "codecs"),
        ({**base, "codecs": ["PCMU", "PCMU"]}, "codecs"),
        ({**base, "dtmf_mode": "shout"}, "dtmf_mode"),
        ({**base, "inbound": {"allowed_ips": ["300.1.2.3/24"]}}, "inbound.allowed_ips"),
        ({**base, "inbound": {"auth": "ip"}}, "inbound.allowed_ips"),
        ({**base, "inbound": {"auth": "digest", "username": "u"}}, "inbound.password"),
        ({**base, "session_timer": {"expires": 60}}, "session_timer.expires"),
        ({**base, "session_timer": {"expires": 100, "min_se": 200}}, "session_timer.min_se"),
        ({**base, "registration": {"enabled": True, "username": "u"}}, "registration.password"),
        ({**base, "srtp": "required"}, "srtp"),
        ({**base, "outbound": {"password": 5}}, "outbound.password"),
        ({**base, "bogus": 1}, "bogus"),
    ]
    for body, field in cases:
        assert_error(parley.post("/voice/sip/providers", body), 422, field=field)
    assert parley.get("/voice/sip/providers").json()["total"] == 0


def test_provider_in_use_cannot_be_deleted(parley):
    p = parley.post("/voice/sip/providers", {"name": "v", "kind": "vobiz", "host": "127.0.0.1"}).json()
    n = parley.post("/voice/phone-numbers", {"phone_number": "+919876543210", "provider": "vobiz",
                                             "sip_provider_id": p["id"]}).json()
    err = assert_error(parley.delete(f"/voice/sip/providers/{p['id']}"), 409)
    assert "1 phone number" in err["message"]
    parley.delete(f"/voice/phone-numbers/{n['id']}")
    assert parley.delete(f"/voice/sip/providers/{p['id']}").status == 200


def test_routes_crud_and_validation(parley, agent):
    other = parley.post("/voice/agents", {"name": "Overflow"}).json()
    r = parley.post("/voice/sip/routes", {"name": "sales DID", "priority": 10,
                                          "match": {"type": "did", "number": "+14155551234"},
                                          "agent_id": agent["id"],
                                          "failover": {"type": "next_agent", "agent_id": other["id"]}})
    assert r.status == 201, r
    route = r.json()
    assert route["id"].startswith("route_") and route["enabled"] is True and route["match"]["number"] == "+14155551234"
    h = parley.post("/voice/sip/routes", {"match": {"type": "header", "name": "X-Queue", "mode": "prefix", "value": "vip"},
                                          "agent_id": other["id"], "priority": 5,
                                          "failover": {"type": "message", "message": "All agents are busy."}}).json()
    c = parley.post("/voice/sip/routes", {"match": {"type": "caller_id", "mode": "regex", "value": "^\\+44"},
                                          "agent_id": agent["id"], "failover": {"type": "sip_uri", "uri": "sip:desk@127.0.0.1"}})
    assert c.status == 201, c
    assert [x["id"] for x in parley.get("/voice/sip/routes").json()["routes"]] == [h["id"], route["id"], c.json()["id"]]
    u = parley.patch(f"/voice/sip/routes/{route['id']}", {"enabled": False, "priority": 1})
    assert u.status == 200 and u.json()["enabled"] is False and u.json()["priority"] == 1
    assert u.json()["failover"]["agent_id"] == other["id"]
    assert parley.delete(f"/voice/sip/routes/{h['id']}").status == 200
    assert_error(parley.get(f"/voice/sip/routes/{h['id']}"), 404)

    cases = [
        ({"agent_id": agent["id"]}, "match"),
        ({"match": {"type": "did", "number": "123"}, "agent_id": agent["id"]}, "match.number"),
        ({"match": {"type": "smell"}, "agent_id": agent["id"]}, "match.type"),
        ({"match": {"type": "caller_id", "mode": "regex", "value": "(["}, "agent_id": agent["id"]}, "match.value"),
        ({"match": {"type": "header", "name": "Bad Header", "value": "x"}, "agent_id": agent["id"]}, "match.name"),
        ({"match": {"type": "did", "number": "+14155551234"}}, "agent_id"),
        ({"match": {"type": "did", "number": "+14155551234"}, "agent_id": "agent_none"}, "agent_id"),
        ({"match": {"type": "did", "number": "+14155551234"}, "agent_id": agent["id"], "provider_id": "sp_none"},
         "provider_id"),
        ({"match": {"type": "did", "number": "+14155551234"}, "agent_id": agent["id"],
          "failover": {"type": "sip_uri", "uri": "http://x"}}, "failover.uri"),
        ({"match": {"type": "did", "number": "+14155551234"}, "agent_id": agent["id"],
          "failover": {"type": "next_agent", "agent_id": "agent_none"}}, "failover.agent_id"),
    ]
    for body, field in cases:
        assert_error(parley.post("/voice/sip/routes", body), 422, field=field)


def test_sip_traces_endpoint(parley, data_dir):
    assert_error(parley.get("/voice/sip/traces"), 422, field="call_id")
    assert parley.get("/voice/sip/traces?call_id=abc@127.0.0.1").json() == {"call_id": "abc@127.0.0.1", "messages": []}
    db = sqlite3.connect(os.path.join(data_dir, "parley.db"))
    db.executemany("insert into sip_traces(provider_id,call_id,direction,remote,message,created_at) values(?,?,?,?,?,?)",
                   [("sp_x", "abc@127.0.0.1", "in", "udp:127.0.0.1:5062", "INVITE sip:x SIP/2.0\r\n...", 1000),
                    ("sp_x", "abc@127.0.0.1", "out", "udp:127.0.0.1:5062", "SIP/2.0 200 OK\r\n...", 1001),
                    ("sp_x", "other", "in", "udp:127.0.0.1:5062", "BYE", 1002)])
    db.commit()
    db.close()
    t = parley.get("/voice/sip/traces?call_id=abc%40127.0.0.1").json()
    assert [m["direction"] for m in t["messages"]] == ["in", "out"] and t["messages"][0]["message"].startswith("INVITE")

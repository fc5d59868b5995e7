"""SIP trunk import (Vobiz or any provider: server, username, password, DIDs) in one transaction,
its numbers taking calls, and India's DLT caller-ID rule enforced at dial time."""
import datetime
import socket
import os
import sqlite3
import time

from conftest import assert_error
from sip.sipkit import SCENARIOS
from test_inbound_calls import sipp

PASSWORD = "vobiz-Secret-9876"


def vobiz(d, dids, **over):
    body = {"kind": "vobiz", "name": "Vobiz India", "server": "sip.vobiz.example.test", "username": "acct42",
            "password": PASSWORD, "allowed_ips": ["127.0.0.1/32"], "dids": dids}
    body.update(over)
    return d.post("/voice/sip/import", body)


def test_import_creates_the_trunk_and_its_numbers_in_one_call(parley):
    agent = parley.post("/voice/agents", {"name": "Hindi desk", "voice": {"max_duration": 30}}).json()
    r = vobiz(parley, [{"phone_number": "+919876543210", "agent_id": agent["id"], "dlt_registered": True},
                       "+919876543211"])
    assert r.status == 201, r
    body = r.json()
    sp = body["sip_provider"]
    assert sp["kind"] == "vobiz" and sp["name"] == "Vobiz India" and sp["host"] == "sip.vobiz.example.test"
    assert sp["outbound"]["username"] == "acct42" and sp["outbound"]["password_set"] is True
    assert sp["inbound"] == {"auth": "ip", "allowed_ips": ["127.0.0.1/32"], "password_set": False}
    assert PASSWORD not in r.body.decode()
    assert body["test_connection"] == {"method": "POST", "path": f"/voice/sip/providers/{sp['id']}/test"}
    first, second = body["phone_numbers"]
    assert first["phone_number"] == "+919876543210" and first["agent_id"] == agent["id"] and first["dlt_registered"]
    assert second["dlt_registered"] is False and second["agent_id"] is None
    assert all(n["provider"] == "vobiz" and n["sip_provider_id"] == sp["id"] and n["status"] == "active"
               for n in body["phone_numbers"])
    assert len(body["warnings"]) == 1 and "+919876543211" in body["warnings"][0]
    db = sqlite3.connect(os.path.join(parley.data_dir, "parley.db"))
    (sealed,) = db.execute("SELECT credentials FROM sip_providers WHERE id = ?", (sp["id"],)).fetchone()
    db.close()
    assert sealed.startswith("v1:") and PASSWORD not in sealed
    assert PASSWORD not in parley.stderr() + parley.stdout()

    # A call from the provider's address to the DID reaches the agent.
    rc, stats, out = sipp(parley, ["-sf", os.path.join(SCENARIOS, "uac_digest_if_challenged.xml"),
                                   "-s", "919876543210"], timeout=30)
    assert rc == 0, out
    deadline = time.time() + 10
    while time.time() < deadline:
        sessions = parley.get("/voice/sessions?limit=5").json()["sessions"]
        if sessions and sessions[0]["status"] == "completed":
            break
        time.sleep(0.1)
    assert sessions[0]["agent_id"] == agent["id"] and sessions[0]["to_number"] == "+919876543210"


def test_registration_uses_the_trunk_credentials(parley):
    r = vobiz(parley, ["+919876543220"], register=True, transport="tcp", port=5080)
    assert r.status == 201, r
    sp = r.json()["sip_provider"]
    assert sp["registration"]["enabled"] is True and sp["registration"]["username"] == "acct42"
    assert sp["registration"]["password_set"] is True
    assert (sp["transport"], sp["port"]) == ("tcp", 5080)


def test_import_is_all_or_nothing(parley):
    assert vobiz(parley, ["+919876543230"]).status == 201
    providers = parley.get("/voice/sip/providers").json()["total"]
    r = vobiz(parley, ["+919876543231", "+919876543230"])
    assert_error(r, 409, field="dids[1].phone_number")
    assert parley.get("/voice/sip/providers").json()["total"] == providers
    numbers = [n["phone_number"] for n in parley.get("/voice/phone-numbers?limit=100").json()["phone_numbers"]]
    assert "+919876543231" not in numbers


def test_import_validation_names_the_field(parley):
    a = parley.post("/voice/agents", {"name": "x"}).json()
    for over, dids, field in [
        ({"password": None}, ["+919876543240"], "password"),
        ({"username": ""}, ["+919876543240"], "username"),
        ({"server": "bad host!"}, ["+919876543240"], "server"),
        ({"allowed_ips": ["not-an-ip"]}, ["+919876543240"], "allowed_ips"),
        ({"kind": "skype"}, ["+919876543240"], "kind"),
        ({"register": "yes"}, ["+919876543240"], "register"),
        ({"transport": "sctp"}, ["+919876543240"], "transport"),
        ({}, [], "dids"),
        ({}, ["12345"], "dids[0].phone_number"),
        ({}, ["+919876543240", "+919876543240"], "dids[1]"),
        ({}, [{"phone_number": "+919876543240", "agent_id": a["id"]},
              {"phone_number": "+919876543241", "agent_id": a["id"]}], "dids[1].agent_id"),
        ({}, [{"phone_number": "+919876543240", "colour": "red"}], "dids[0].colour"),
        ({}, [42], "dids[0]"),
        ({"extra": 1}, ["+919876543240"], "extra"),
    ]:
        body = {k: v for k, v in over.items() if v is not None}
        r = vobiz(parley, dids, **body) if "password" not in over else parley.post("/voice/sip/import", {
            "server": "sip.vobiz.example.test", "username": "acct42", "dids": dids})
        assert r.status in (409, 422), (over, dids, r)
        assert r.json()["error"]["field"] == field, (over, dids, r)
    assert parley.get("/voice/sip/providers").json()["total"] == 0


def test_indian_caller_id_needs_dlt_registration_before_dialing(parley):
    agent = parley.post("/voice/agents", {"name": "Outbound India"}).json()
    # The dials below really go out: the trunk is a loopback socket that never answers.
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    parley.silent_sockets.append(silent)
    n = vobiz(parley, [{"phone_number": "+919876543250", "agent_id": agent["id"]}], server="127.0.0.1",
              port=silent.getsockname()[1]).json()["phone_numbers"][0]
    dial = {"agent_id": agent["id"], "to_number": "+919812345678", "from_number": "+919876543250"}
    r = parley.post("/voice/outbound/dial", dial)
    err = assert_error(r, 422, "dlt_not_registered", "from_number")
    assert "DLT" in err["message"] and n["id"] in err["message"]
    # Scheduled calls are checked the same way.
    tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert_error(parley.post("/voice/outbound/dial", {**dial, "scheduled_at": tomorrow}), 422, "dlt_not_registered")
    assert parley.get("/voice/sessions").json()["total"] == 0

    assert_error(parley.patch(f"/voice/phone-numbers/{n['id']}", {"dlt_registered": "yes"}), 422, field="dlt_registered")
    assert_error(parley.patch(f"/voice/phone-numbers/{n['id']}", {"agent_id": "x"}), 422, field="agent_id")
    assert_error(parley.patch("/voice/phone-numbers/pn_missing", {"dlt_registered": True}), 404)
    p = parley.patch(f"/voice/phone-numbers/{n['id']}", {"dlt_registered": True})
    assert p.status == 200 and p.json()["dlt_registered"] is True, p
    assert parley.post("/voice/outbound/dial", dial).status == 201
    # Numbers outside India are not affected; the flag can also be set when a number is added.
    us = parley.post("/voice/phone-numbers", {"phone_number": "+14155550190", "provider": "sip"}).json()
    assert us["dlt_registered"] is False
    b = parley.post("/voice/agents", {"name": "US"}).json()
    assert parley.post("/voice/outbound/dial", {"agent_id": b["id"], "to_number": "+14155550191",
                                                "from_number": "+14155550190"}).status == 201
    ind = parley.post("/voice/phone-numbers", {"phone_number": "+919876543260", "provider": "exotel",
                                               "dlt_registered": True}).json()
    assert ind["dlt_registered"] is True

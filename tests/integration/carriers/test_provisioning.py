"""Number import with automatic provisioning against a local Twilio/Plivo (fake_carriers.py): every
run ends fully provisioned or with nothing left at the carrier, whichever step fails and however
(500, 429, an answer lost to a timeout); clean-up failures leave the number corrupted with the list
of what is left; force delete drops the record; an import cut short by a crash is rolled back at
the next start."""
import os
import signal
import sqlite3
import tempfile
import threading
import time

import pytest

from conftest import Daemon, assert_error
from fake_carriers import PLIVO_AUTH_ID, PLIVO_TOKEN, PUBLIC, TWILIO_ACCOUNT, TWILIO_TOKEN, FakeCarriers, parley_env

NUMBER = "+14155550142"
PLIVO_NUMBER = "+14155550143"
NOTHING = {"trunks": [], "origination_urls": [], "credential_lists": [], "credentials": [],
           "trunk_credential_lists": [], "trunk_numbers": [], "applications": []}

# Every request of a sip_trunk import and of a Plivo import, in order: (step, method, path pattern).
TWILIO_STEPS = [
    ("find_number", "GET", r"/IncomingPhoneNumbers\.json$"),
    ("create_trunk", "POST", r"^/v1/Trunks$"),
    ("add_origination_url", "POST", r"/OriginationUrls$"),
    ("create_credential_list", "POST", r"/SIP/CredentialLists\.json$"),
    ("add_credential", "POST", r"/Credentials\.json$"),
    ("attach_credential_list", "POST", r"^/v1/Trunks/TK\w+/CredentialLists$"),
    ("attach_phone_number", "POST", r"^/v1/Trunks/TK\w+/PhoneNumbers$"),
]
PLIVO_STEPS = [
    ("find_number", "GET", r"/Number/\d+/$"),
    ("create_application", "POST", r"/Application/$"),
    ("link_number", "POST", r"/Number/\d+/$"),
]


@pytest.fixture(scope="module")
def fake():
    f = FakeCarriers(stall_s=1.5).start()
    f.twilio_sid = f.add_twilio_number(NUMBER)
    f.add_plivo_number(PLIVO_NUMBER, app_id=f.add_plivo_app("their-old-app"))
    yield f
    f.stop()


@pytest.fixture(scope="module")
def daemon(fake):
    with tempfile.TemporaryDirectory(prefix="parley-prov-") as d:
        p = Daemon(d, parley_env(fake)).start()
        p.agent = p.post("/voice/agents", {"name": "Imported line"}).json()
        yield p
        p.stop()


@pytest.fixture(autouse=True)
def clean(fake):
    fake.clear_faults()
    yield
    fake.clear_faults()


def twilio_import(d, **over):
    body = {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN, "phone_number": NUMBER,
            "agent_id": d.agent["id"], "mode": "sip_trunk"}
    body.update(over)
    return d.post("/voice/twilio/byok/import", body)


def plivo_import(d, **over):
    body = {"auth_id": PLIVO_AUTH_ID, "auth_token": PLIVO_TOKEN, "phone_number": PLIVO_NUMBER}
    body.update(over)
    return d.post("/voice/plivo/byok/import", body)


def numbers(d):
    return d.get("/voice/phone-numbers?limit=100").json()["phone_numbers"]


def test_sip_trunk_import_provisions_everything_and_delete_undoes_it(daemon, fake):
    r = twilio_import(daemon)
    assert r.status == 201, r
    n = r.json()
    assert n["status"] == "active" and n["provider"] == "twilio" and n["agent_id"] == daemon.agent["id"]
    assert n["webhook_urls"] == {"voice_url": f"{PUBLIC}/voice/twilio/incoming/{n['id']}",
                                 "status_callback": f"{PUBLIC}/voice/twilio/status/{n['id']}"}
    assert n["credentials_set"] and "auth_token" not in r.body.decode() and TWILIO_TOKEN not in r.body.decode()
    kinds = [x["kind"] for x in n["remote_resources"]]
    assert kinds == ["twilio.trunk", "twilio.origination_url", "twilio.credential_list", "twilio.credential",
                     "twilio.trunk_credential_list", "twilio.trunk_phone_number"]
    assert all(x["state"] == "created" and x["remote_id"] and x["remove_with"] for x in n["remote_resources"])

    res = fake.resources()
    assert len(res["trunks"]) == 1 and res["trunk_numbers"] == [fake.twilio_sid]
    trunk = fake.trunks[res["trunks"][0]]
    assert trunk["domain_name"].endswith(".pstn.twilio.com") and n["config"]["trunk_sid"] == trunk["sid"]
    (ou,) = fake.origination_urls.values()
    assert ou["sip_url"] == f"sip:127.0.0.1:{daemon.sip_port};transport=udp"
    assert (ou["priority"], ou["weight"], ou["enabled"]) == (10, 100, True)
    (cred,) = fake.credentials.values()
    assert res["trunk_credential_lists"] == [(trunk["sid"], cred["credential_list_sid"])]
    # Twilio's encodings: form bodies with Basic auth on every request (the fake refuses anything else).
    assert all(ct.startswith("application/x-www-form-urlencoded") for method, path, ct, _ in fake.log
               if method == "POST" and not path.startswith("/v1/Account/"))
    # The credential's password is in Parley's SIP provider (sealed), never in an API answer.
    assert cred["password"] not in r.body.decode()
    sp = daemon.get(f"/voice/sip/providers/{n['sip_provider_id']}").json()
    assert sp["kind"] == "twilio" and sp["host"] == trunk["domain_name"]
    # Twilio's edges by IP and the credential by digest (MD5): both are checked on a call.
    assert sp["inbound"]["allowed_ips"] == ["127.0.0.1/32"] and sp["inbound"]["auth"] == "ip_and_digest"
    assert sp["inbound"]["username"] == cred["username"] and sp["inbound"]["password_set"] is True
    assert sp["inbound"]["digest_algorithms"] == ["MD5"]
    assert sp["outbound"]["username"] == cred["username"] and sp["outbound"]["password_set"] is True
    assert cred["password"] not in daemon.get(f"/voice/sip/providers/{n['sip_provider_id']}").body.decode()
    db = sqlite3.connect(os.path.join(daemon.data_dir, "parley.db"))
    sealed = db.execute("SELECT credentials FROM phone_numbers WHERE id = ?", (n["id"],)).fetchone()[0]
    db.close()
    assert sealed.startswith("v1:") and TWILIO_TOKEN not in sealed and cred["password"] not in sealed
    for log in (daemon.stdout(), daemon.stderr()):
        assert TWILIO_TOKEN not in log and cred["password"] not in log

    # A second import of the same number is refused before anything is sent to Twilio.
    before = len(fake.log)
    assert_error(twilio_import(daemon), 409)
    assert len(fake.log) == before

    d = daemon.delete(f"/voice/phone-numbers/{n['id']}")
    assert d.status == 200, d
    assert fake.resources() == NOTHING
    assert numbers(daemon) == []
    assert daemon.get(f"/voice/sip/providers/{n['sip_provider_id']}").status == 404


@pytest.mark.parametrize("inbound,outbound,kinds", [
    (True, False, ["twilio.trunk", "twilio.origination_url", "twilio.trunk_phone_number"]),
    (False, True, ["twilio.trunk", "twilio.credential_list", "twilio.credential", "twilio.trunk_credential_list",
                   "twilio.trunk_phone_number"]),
])
def test_directions_decide_what_is_made(daemon, fake, inbound, outbound, kinds):
    r = twilio_import(daemon, supports_inbound=inbound, supports_outbound=outbound)
    assert r.status == 201, r
    n = r.json()
    assert [x["kind"] for x in n["remote_resources"]] == kinds
    sp = daemon.get(f"/voice/sip/providers/{n['sip_provider_id']}").json()
    # Digest needs the credential, which is made for termination (outbound) only.
    assert sp["inbound"]["auth"] == ("ip_and_digest" if inbound and outbound else "ip" if inbound else "none")
    assert ("username" in sp.get("outbound", {})) == outbound
    assert daemon.delete(f"/voice/phone-numbers/{n['id']}").status == 200
    assert fake.resources() == NOTHING


@pytest.mark.parametrize("fault", ["500", "429", "timeout"])
@pytest.mark.parametrize("step,method,pattern", TWILIO_STEPS, ids=[s[0] for s in TWILIO_STEPS])
def test_twilio_failure_at_each_step_rolls_back(daemon, fake, step, method, pattern, fault):
    fake.fail(method, pattern, fault)
    r = twilio_import(daemon)
    if r.status == 201:  # never: every step's failure fails the import
        pytest.fail(f"import succeeded despite a {fault} at {step}")
    err = r.json()["error"]
    assert r.status == 502, r
    assert err["code"] == "carrier_error" and err["step"] == step and err["rolled_back"] is True
    assert err["leftover_resources"] == []
    if fault == "timeout":
        assert err["carrier"]["http_status"] is None
    else:
        assert err["carrier"]["http_status"] == int(fault)
        assert err["carrier"]["code"] == {"500": "20500", "429": "20429"}[fault]
        assert err["carrier"]["message"] == "injected fault"
    # (A stalled request did its work before stalling: what the fake holds now is final.)
    assert fake.resources() == NOTHING, (step, fault)
    assert numbers(daemon) == []
    assert daemon.get("/voice/sip/providers").json()["total"] == 0


def test_media_stream_import_points_the_number_and_delete_restores_it(daemon, fake):
    r = twilio_import(daemon, mode="media_stream")
    assert r.status == 201, r
    n = r.json()
    pn = fake.numbers[fake.twilio_sid]
    assert pn["voice_url"] == f"{PUBLIC}/voice/twilio/incoming/{n['id']}" and pn["voice_method"] == "POST"
    assert pn["status_callback"] == f"{PUBLIC}/voice/twilio/status/{n['id']}"
    assert n["sip_provider_id"] is None and n["config"]["mode"] == "media_stream"
    assert fake.resources() == NOTHING  # nothing created, one number changed
    assert daemon.delete(f"/voice/phone-numbers/{n['id']}").status == 200
    assert pn["voice_url"] == "https://old.example.test/voice" and pn["status_callback"] == ""


@pytest.mark.parametrize("fault", ["500", "timeout"])
def test_media_stream_failure_restores_the_number(daemon, fake, fault):
    fake.fail("POST", r"/IncomingPhoneNumbers/PN\w+\.json$", fault)
    r = twilio_import(daemon, mode="media_stream")
    assert r.status == 502 and r.json()["error"]["step"] == "set_voice_url", r
    assert fake.numbers[fake.twilio_sid]["voice_url"] == "https://old.example.test/voice"
    assert numbers(daemon) == []


def test_input_errors_cost_nothing(daemon, fake):
    assert_error(twilio_import(daemon, auth_token="wrong-token"), 422, field="auth_token")
    assert_error(twilio_import(daemon, phone_number="+14155550199"), 422, field="phone_number")
    assert_error(twilio_import(daemon, account_sid="AC123"), 422, field="account_sid")
    assert_error(twilio_import(daemon, mode="sms"), 422, field="mode")
    assert_error(twilio_import(daemon, supports_inbound=False, supports_outbound=False), 422)
    assert_error(twilio_import(daemon, agent_id="agent_nope"), 422, field="agent_id")
    assert_error(twilio_import(daemon, extra=1), 422, field="extra")
    assert_error(plivo_import(daemon, auth_token="nope"), 422, field="auth_token")
    assert_error(plivo_import(daemon, phone_number="+14155550198"), 422, field="phone_number")
    assert fake.resources() == NOTHING and numbers(daemon) == []
    # A number already on someone else's trunk is left alone.
    other = fake.add_twilio_number("+14155550177")
    fake.numbers[other]["trunk_sid"] = "TK" + "f" * 32
    assert_error(twilio_import(daemon, phone_number="+14155550177"), 409, field="phone_number")
    with fake.lock:
        del fake.numbers[other]


def test_delete_after_partial_cleanup_failure_leaves_corrupted_then_retry_and_force(daemon, fake):
    n = twilio_import(daemon).json()
    fake.fail("DELETE", r"/Credentials/CR\w+\.json$", "500", times=10)
    d = daemon.delete(f"/voice/phone-numbers/{n['id']}")
    assert d.status == 502, d
    err = d.json()["error"]
    assert err["code"] == "cleanup_failed" and err["status"] == "corrupted" and err["phone_number_id"] == n["id"]
    left = {x["kind"]: x for x in err["leftover_resources"]}
    # The credential could not go, so neither could its list (it still holds it); the rest is gone.
    assert set(left) == {"twilio.credential_list", "twilio.credential"}
    assert "HTTP 500" in left["twilio.credential"]["last_error"]
    assert left["twilio.credential"]["remove_with"].startswith(f"DELETE {fake.base}/2010-04-01/Accounts/")
    got = daemon.get(f"/voice/phone-numbers/{n['id']}").json()
    assert got["status"] == "corrupted" and "clean-up failed" in got["last_error"]
    assert [x["kind"] for x in got["remote_resources"]] == ["twilio.credential_list", "twilio.credential"]
    res = fake.resources()
    assert res["trunks"] == [] and res["trunk_numbers"] == [] and len(res["credentials"]) == 1
    # The agent keeps its number until the record goes; the number does not take calls meanwhile.
    assert daemon.get(f"/voice/agents/{daemon.agent['id']}").json()["phone_number_id"] == n["id"]

    # Once Twilio answers again, a plain DELETE finishes the job.
    fake.clear_faults()
    assert daemon.delete(f"/voice/phone-numbers/{n['id']}").status == 200
    assert fake.resources() == NOTHING and numbers(daemon) == []

    # And when it does not, force drops the record and says what was abandoned.
    n = twilio_import(daemon).json()
    fake.fail("DELETE", r"^/v1/Trunks/TK\w+$", "500", times=10)
    assert daemon.delete(f"/voice/phone-numbers/{n['id']}").status == 502
    assert daemon.get(f"/voice/phone-numbers/{n['id']}").json()["status"] == "corrupted"
    f = daemon.delete(f"/voice/phone-numbers/{n['id']}?force=true")
    assert f.status == 200, f
    assert [x["kind"] for x in f.json()["abandoned_resources"]] == ["twilio.trunk"]
    assert daemon.get(f"/voice/phone-numbers/{n['id']}").status == 404
    assert daemon.get(f"/voice/sip/providers/{n['sip_provider_id']}").status == 404
    assert len(fake.resources()["trunks"]) == 1, "force does not pretend: the trunk is still at Twilio"
    fake.clear_faults()
    with fake.lock:
        fake.trunks.clear()


def test_failed_rollback_leaves_the_import_corrupted(daemon, fake):
    fake.fail("POST", TWILIO_STEPS[-1][2], "500")
    fake.fail("DELETE", r"^/v1/Trunks/TK\w+$", "500", times=10)
    r = twilio_import(daemon)
    assert r.status == 502, r
    err = r.json()["error"]
    assert err["step"] == "attach_phone_number" and err["rolled_back"] is False
    assert [x["kind"] for x in err["leftover_resources"]] == ["twilio.trunk"]
    assert "corrupted" in err["message"]
    n = daemon.get(f"/voice/phone-numbers/{err['phone_number_id']}").json()
    assert n["status"] == "corrupted"
    fake.clear_faults()
    assert daemon.delete(f"/voice/phone-numbers/{n['id']}").status == 200
    assert fake.resources() == NOTHING


def test_plivo_import_and_delete(daemon, fake):
    old_app = fake.plivo_numbers[PLIVO_NUMBER[1:]]["app_id"]
    r = plivo_import(daemon)
    assert r.status == 201, r
    n = r.json()
    (app_id,) = fake.resources()["applications"]
    app = fake.apps[app_id]
    assert app["app_name"] == f"parley-{n['id']}"
    assert app["answer_url"] == f"{PUBLIC}/voice/plivo/answer/{n['id']}"
    assert app["hangup_url"] == f"{PUBLIC}/voice/plivo/hangup/{n['id']}"
    assert fake.plivo_numbers[PLIVO_NUMBER[1:]]["app_id"] == app_id
    assert n["webhook_urls"]["answer_url"] == app["answer_url"]
    assert all(ct.startswith("application/json") for m, p, ct, _ in fake.log if m == "POST" and p.startswith("/v1/Account/"))
    assert daemon.delete(f"/voice/phone-numbers/{n['id']}").status == 200
    assert fake.resources() == NOTHING
    assert fake.plivo_numbers[PLIVO_NUMBER[1:]]["app_id"] == old_app, "the previous application is linked again"


@pytest.mark.parametrize("fault", ["500", "429", "timeout"])
@pytest.mark.parametrize("step,method,pattern", PLIVO_STEPS, ids=[s[0] for s in PLIVO_STEPS])
def test_plivo_failure_at_each_step_rolls_back(daemon, fake, step, method, pattern, fault):
    old_app = fake.plivo_numbers[PLIVO_NUMBER[1:]]["app_id"]
    fake.fail(method, pattern, fault)
    r = plivo_import(daemon)
    assert r.status == 502, r
    err = r.json()["error"]
    assert err["step"] == step and err["rolled_back"] is True and err["carrier"]["name"] == "Plivo"
    if fault != "timeout":
        assert err["carrier"]["http_status"] == int(fault) and err["carrier"]["message"] == "injected fault"
    assert fake.resources() == NOTHING
    assert fake.plivo_numbers[PLIVO_NUMBER[1:]]["app_id"] == old_app
    assert numbers(daemon) == []


def test_import_cut_short_by_a_crash_is_rolled_back_at_start(fake):
    with tempfile.TemporaryDirectory(prefix="parley-crash-") as d:
        env = parley_env(fake, PARLEY_CARRIER_HTTP_TIMEOUT_S="30")
        p = Daemon(d, env).start()
        fake.stall_s = 20
        fake.fail("POST", TWILIO_STEPS[-1][2], "timeout")  # done at Twilio, answered much later
        try:
            threading.Thread(target=lambda: _ignore(lambda: twilio_import_without_agent(p)), daemon=True).start()
            deadline = time.time() + 10
            while time.time() < deadline and not fake.resources()["trunk_numbers"]:
                time.sleep(0.05)
            assert fake.resources()["trunk_numbers"], "the import did not reach its last step"
            p.proc.send_signal(signal.SIGKILL)  # everything is made at Twilio; the answer never arrives
            p.proc.wait(10)
            (stuck,) = [n for n in sqlite_numbers(d)]
            assert stuck[1] == "provisioning"
        finally:
            fake.stall_s = 1.5
        q = Daemon(d, env).start()
        try:
            deadline = time.time() + 20
            while time.time() < deadline and (sqlite_numbers(d) or fake.resources() != NOTHING):
                time.sleep(0.1)
            assert fake.resources() == NOTHING and sqlite_numbers(d) == []
            assert "event=phone_number.recovering" in q.stderr() + q.stdout()
        finally:
            q.stop()


def twilio_import_without_agent(p):
    return p.post("/voice/twilio/byok/import", {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                                "phone_number": NUMBER})


def sqlite_numbers(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "parley.db"), timeout=10)
    try:
        return db.execute("SELECT id, state FROM phone_numbers").fetchall()
    finally:
        db.close()


def _ignore(fn):
    try:
        fn()
    except OSError:
        pass

"""End to end for an imported Twilio sip_trunk number, with SIPp playing Twilio: a webhook signed by
the official twilio library gets TwiML that dials Parley's SIP address with the trunk's credentials;
SIPp dials that URI with those credentials and the call reaches the agent linked to the number.

The imported trunk requires both its IP allowlist (`twilio.signaling_ips`, here 127.0.0.1) and digest
credentials (`ip_and_digest`, MD5): the call leg is challenged and answers with the TwiML credentials,
and the same leg with a wrong password is refused."""
import os
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from fake_carriers import PUBLIC, TWILIO_ACCOUNT, TWILIO_TOKEN, FakeCarriers, parley_env
from npm_oracle import oracle  # noqa: F401  (fixture)
from sip.sipkit import SCENARIOS
from test_inbound_calls import sipp

DID = "+14155550161"


@pytest.fixture
def fake():
    f = FakeCarriers(stall_s=1.5).start()
    yield f
    f.stop()


def test_signed_webhook_twiml_and_sip_call_reach_the_linked_agent(make_daemon, fake, oracle):
    fake.add_twilio_number(DID)
    d = make_daemon(parley_env(fake, PARLEY_RATE_LIST_SESSIONS_PER_MIN="100000"))
    agent = d.post("/voice/agents", {"name": "Twilio line", "voice": {"max_duration": 30}}).json()
    other = d.post("/voice/agents", {"name": "Someone else"}).json()
    assert d.post("/voice/phone-numbers", {"phone_number": "+14155550162", "provider": "sip",
                                           "agent_id": other["id"]}).status == 201
    imp = d.post("/voice/twilio/byok/import", {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                               "phone_number": DID, "agent_id": agent["id"], "mode": "sip_trunk"})
    assert imp.status == 201, imp
    number = imp.json()

    # Twilio's side: the webhook it would send for an incoming call, signed by the official library.
    path = urllib.parse.urlsplit(number["webhook_urls"]["voice_url"]).path
    params = {"CallSid": "CA" + "1" * 32, "AccountSid": TWILIO_ACCOUNT, "From": "+14155550100", "To": DID,
              "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}
    (signed,) = oracle([{"kind": "twilio", "token": TWILIO_TOKEN, "url": PUBLIC + path, "params": params}])
    r = d.request("POST", path, raw=urllib.parse.urlencode(params).encode(), auth=False,
                  headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signed["sig"]})
    assert r.status == 200, r
    sip = ET.fromstring(r.body).find("./Dial/Sip")
    assert sip is not None, r.body
    uri, user, password = sip.text.strip(), sip.get("username"), sip.get("password")
    assert uri == f"sip:{DID}@127.0.0.1:{d.sip_port}"
    # The credentials in the TwiML are the ones Parley put on the trunk's credential list at Twilio.
    (cred,) = fake.credentials.values()
    assert (user, password) == (cred["username"], cred["password"])

    service = uri[len("sip:"):uri.index("@")]
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_digest_if_challenged.xml"), "-s", service,
                              "-au", user, "-ap", password], timeout=30)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", out
    assert "event=sip.auth.ok" in d.stderr() and f"user={user}" in d.stderr(), "the leg was challenged"
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_digest_rejected.xml"), "-s", service,
                              "-au", user, "-ap", password + "x"], timeout=30)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", "a wrong password gets a second 401: " + out

    deadline = time.time() + 10
    sessions = []
    while time.time() < deadline:
        sessions = d.get("/voice/sessions?limit=10").json()["sessions"]
        if sessions and sessions[0]["status"] == "completed":
            break
        time.sleep(0.1)
    assert len(sessions) == 1, sessions
    s = sessions[0]
    assert s["agent_id"] == agent["id"] and s["kind"] == "inbound" and s["to_number"] == DID
    assert s["status"] == "completed" and s["end_reason"] == "remote_hangup" and s["answered_at"]

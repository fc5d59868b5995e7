"""Carrier webhooks end to end: signatures made by the official twilio/plivo libraries are accepted,
tampered ones refused with 403 and no state change; Exotel's IP allowlist + token; TwiML/XML answers."""
import os
import sqlite3
import urllib.parse

import pytest

from conftest import assert_error
from npm_oracle import oracle  # noqa: F401  (fixture)

PUBLIC = "https://voice.example.test"
TOKEN = "twilio-auth-token-0123456789"
PLIVO_TOKEN = "plivo-auth-token-ABCDEF"


def form(d):
    return urllib.parse.urlencode(d).encode()


def post_form(daemon, path, params, headers):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    return daemon.request("POST", path, raw=form(params), headers=hdrs, auth=False)


@pytest.fixture
def carrier_daemon(make_daemon):
    d = make_daemon({"PARLEY_PUBLIC_URL": PUBLIC, "EXOTEL_ALLOWED_IPS": "127.0.0.1/32, ::1",
                     "PARLEY_PUBLIC_IP": "203.0.113.10", "PARLEY_RATE_DIAL_PER_MIN": "1000"})
    d.add_silent_trunk()  # the dialled sessions below need a trunk; its far end never answers
    return d


def make_number(daemon, provider, e164, credentials=None, config=None, agent=True, **extra):
    body = {"phone_number": e164, "provider": provider, **extra}
    if agent:
        a = daemon.post("/voice/agents", {"name": f"agent {e164}"})
        assert a.status == 201, a
        body["agent_id"] = a.json()["id"]
    if credentials:
        body["credentials"] = credentials
    if config:
        body["config"] = config
    r = daemon.post("/voice/phone-numbers", body)
    assert r.status == 201, r
    return r.json()


def session_with_carrier_call(daemon, number, carrier_call_id):
    """A dialled session tagged with the carrier's call id, as the call layer will do on dialing."""
    r = daemon.post("/voice/outbound/dial", {"agent_id": number["agent_id"], "to_number": "+14155550100",
                                             "from_number": number["phone_number"]})
    assert r.status == 201, r
    sid = r.json()["call_id"]
    db = sqlite3.connect(os.path.join(daemon.data_dir, "parley.db"), timeout=10)
    with db:
        db.execute("UPDATE voice_sessions SET carrier_call_id = ? WHERE id = ?", (carrier_call_id, sid))
    db.close()
    return sid


def telephony_status(daemon, sid):
    r = daemon.get(f"/voice/sessions/{sid}")
    assert r.status == 200, r
    return r.json()["telephony_status"]


def test_twilio_incoming_signed_by_the_library_gets_twiml(carrier_daemon, oracle):
    n = make_number(carrier_daemon, "twilio", "+14155550001", {"auth_token": TOKEN, "sip_username": "tw_user",
                                                               "sip_password": "p&ss<1>"})
    path = f"/voice/twilio/incoming/{n['id']}?attempt=1&x=a%20b"
    params = {"CallSid": "CA0001", "From": "+15551234567", "To": "+14155550001", "Digits": ""}
    other = {"CallSid": "CA0001", "From": "+15551234567", "To": "+14155550002", "Digits": ""}
    sig, port_sig, wrong_token, other_path = oracle([
        {"kind": "twilio", "token": TOKEN, "url": PUBLIC + path, "params": params},
        {"kind": "twilio", "token": TOKEN, "url": PUBLIC.replace(".test", ".test:443") + path, "params": params},
        {"kind": "twilio", "token": TOKEN + "x", "url": PUBLIC + path, "params": params},
        {"kind": "twilio", "token": TOKEN, "url": PUBLIC + path.replace("attempt=1", "attempt=2"), "params": params},
    ])
    ok = post_form(carrier_daemon, path, params, {"X-Twilio-Signature": sig["sig"]})
    assert ok.status == 200, ok
    assert ok.header("Content-Type").startswith("application/xml")
    body = ok.body.decode()
    assert ('<Response><Dial><Sip username="tw_user" password="p&amp;ss&lt;1&gt;">'
            f'sip:+14155550001@203.0.113.10:{carrier_daemon.sip_port}</Sip></Dial></Response>') in body, body
    # Twilio may sign the URL with the default port: accepted like its own library does.
    assert post_form(carrier_daemon, path, params, {"X-Twilio-Signature": port_sig["sig"]}).status == 200

    for headers, p, why in [
        ({"X-Twilio-Signature": wrong_token["sig"]}, params, "wrong token"),
        ({"X-Twilio-Signature": other_path["sig"]}, params, "tampered URL"),
        ({"X-Twilio-Signature": sig["sig"]}, other, "tampered params"),
        ({"X-Twilio-Signature": sig["sig"]}, {**params, "Extra": "1"}, "added param"),
        ({}, params, "no signature"),
    ]:
        r = post_form(carrier_daemon, path, p, headers)
        assert_error(r, 403, "forbidden"), why
    # a tampered query string
    r = post_form(carrier_daemon, path.replace("attempt=1", "attempt=3"), params, {"X-Twilio-Signature": sig["sig"]})
    assert_error(r, 403, "forbidden")
    # another number's path with a valid signature for this one
    r = post_form(carrier_daemon, "/voice/twilio/incoming/pn_doesnotexist", params, {"X-Twilio-Signature": sig["sig"]})
    assert_error(r, 403, "forbidden")
    # the same credentials do not make a Plivo number answer Twilio webhooks
    p = make_number(carrier_daemon, "plivo", "+14155550009", {"auth_token": TOKEN})
    ppath = f"/voice/twilio/incoming/{p['id']}"
    (psig,) = oracle([{"kind": "twilio", "token": TOKEN, "url": PUBLIC + ppath, "params": params}])
    assert_error(post_form(carrier_daemon, ppath, params, {"X-Twilio-Signature": psig["sig"]}), 403)


def test_twilio_media_stream_mode_and_inactive_number(carrier_daemon, oracle):
    n = make_number(carrier_daemon, "twilio", "+14155550003", {"auth_token": TOKEN}, {"mode": "media_stream"})
    path = f"/voice/twilio/incoming/{n['id']}"
    params = {"CallSid": "CA0003"}
    (sig,) = oracle([{"kind": "twilio", "token": TOKEN, "url": PUBLIC + path, "params": params}])
    r = post_form(carrier_daemon, path, params, {"X-Twilio-Signature": sig["sig"]})
    assert r.status == 200, r
    assert (f'<Response><Connect><Stream url="wss://voice.example.test/voice/twilio/stream/{n["id"]}"/>'
            '</Connect></Response>') in r.body.decode()
    # without an agent the call is hung up rather than dialled
    m = make_number(carrier_daemon, "twilio", "+14155550004", {"auth_token": TOKEN}, agent=False)
    mpath = f"/voice/twilio/incoming/{m['id']}"
    (msig,) = oracle([{"kind": "twilio", "token": TOKEN, "url": PUBLIC + mpath, "params": params}])
    r = post_form(carrier_daemon, mpath, params, {"X-Twilio-Signature": msig["sig"]})
    assert r.status == 200 and "<Hangup/>" in r.body.decode(), r


def test_twilio_status_updates_the_session_only_when_signed(carrier_daemon, oracle):
    n = make_number(carrier_daemon, "twilio", "+14155550005", {"auth_token": TOKEN})
    sid = session_with_carrier_call(carrier_daemon, n, "CA0005")
    path = f"/voice/twilio/status/{n['id']}"
    good = {"CallSid": "CA0005", "CallStatus": "ringing"}
    forged = {"CallSid": "CA0005", "CallStatus": "completed"}
    sig, bad = oracle([{"kind": "twilio", "token": TOKEN, "url": PUBLIC + path, "params": good},
                       {"kind": "twilio", "token": "not-the-token", "url": PUBLIC + path, "params": forged}])
    assert_error(post_form(carrier_daemon, path, forged, {"X-Twilio-Signature": bad["sig"]}), 403, "forbidden")
    assert_error(post_form(carrier_daemon, path, forged, {"X-Twilio-Signature": sig["sig"]}), 403, "forbidden")
    assert telephony_status(carrier_daemon, sid) is None
    assert post_form(carrier_daemon, path, good, {"X-Twilio-Signature": sig["sig"]}).status == 204
    assert telephony_status(carrier_daemon, sid) == "ringing"
    # a call Parley has no session for is accepted and changes nothing
    unknown = {"CallSid": "CA9999", "CallStatus": "completed"}
    (usig,) = oracle([{"kind": "twilio", "token": TOKEN, "url": PUBLIC + path, "params": unknown}])
    assert post_form(carrier_daemon, path, unknown, {"X-Twilio-Signature": usig["sig"]}).status == 204
    assert telephony_status(carrier_daemon, sid) == "ringing"


def test_twilio_json_body_variant(carrier_daemon, oracle):
    n = make_number(carrier_daemon, "twilio", "+14155550006", {"auth_token": TOKEN})
    sid = session_with_carrier_call(carrier_daemon, n, "CA0006")
    path = f"/voice/twilio/status/{n['id']}"
    body = '{"CallSid":"CA0006","CallStatus":"in-progress"}'
    (s,) = oracle([{"kind": "twilio_body", "token": TOKEN, "url": PUBLIC + path, "body": body}])
    signed_path = s["url"][len(PUBLIC):]
    hdrs = {"Content-Type": "application/json", "X-Twilio-Signature": s["sig"]}
    r = carrier_daemon.request("POST", signed_path, raw=body.replace("in-progress", "completed").encode(),
                               headers=hdrs, auth=False)
    assert_error(r, 403, "forbidden")  # body changed: hash mismatch
    assert telephony_status(carrier_daemon, sid) is None
    r = carrier_daemon.request("POST", signed_path, raw=body.encode(), headers=hdrs, auth=False)
    assert r.status == 204, r
    assert telephony_status(carrier_daemon, sid) == "in-progress"


def test_plivo_answer_and_hangup_with_library_signatures(carrier_daemon, oracle):
    n = make_number(carrier_daemon, "plivo", "+14155550007", {"auth_token": PLIVO_TOKEN, "sip_username": "pl_user",
                                                              "sip_password": "pl_pass"})
    sid = session_with_carrier_call(carrier_daemon, n, "uuid-0007")
    answer = f"/voice/plivo/answer/{n['id']}"
    answer_q = f"/voice/plivo/answer/{n['id']}?b=2&a=1"
    hangup = f"/voice/plivo/hangup/{n['id']}"
    params = {"CallUUID": "uuid-0007", "From": "15551234567", "To": "14155550007", "Direction": "inbound"}
    hang = {"CallUUID": "uuid-0007", "CallStatus": "completed", "HangupCause": "NORMAL_CLEARING"}
    res = oracle([
        {"kind": "plivo", "method": "POST", "url": PUBLIC + answer, "nonce": "11111111", "token": PLIVO_TOKEN, "params": params},
        {"kind": "plivo", "method": "POST", "url": PUBLIC + answer_q, "nonce": "22222222", "token": PLIVO_TOKEN, "params": params},
        {"kind": "plivo", "method": "POST", "url": PUBLIC + hangup, "nonce": "33333333", "token": PLIVO_TOKEN, "params": hang},
        {"kind": "plivo", "method": "POST", "url": PUBLIC + hangup, "nonce": "44444444", "token": "WRONG", "params": hang},
    ])
    sig, sig_q, sig_hang, sig_wrong = res
    assert sig_q["base"].endswith("?a=1&b=2.CallUUIDuuid-0007Directioninbound" "From15551234567To14155550007")

    def plivo(path, p, signature, nonce):
        return post_form(carrier_daemon, path, p, {"X-Plivo-Signature-V3": signature, "X-Plivo-Signature-V3-Nonce": nonce})

    r = plivo(answer, params, sig["sig"], "11111111")
    assert r.status == 200, r
    assert (f"<Response><Dial><User>sip:pl_user:pl_pass@203.0.113.10:{carrier_daemon.sip_port}</User></Dial></Response>"
            in r.body.decode())
    assert plivo(answer_q, params, sig_q["sig"], "22222222").status == 200
    # several comma-separated signatures: any one may match
    assert plivo(answer, params, "bm90LWl0," + sig["sig"], "11111111").status == 200
    assert_error(plivo(answer, params, sig["sig"], "11111112"), 403, "forbidden")              # nonce
    assert_error(plivo(answer, {**params, "To": "1"}, sig["sig"], "11111111"), 403, "forbidden")  # params
    assert_error(plivo(answer_q.replace("b=2", "b=3"), params, sig_q["sig"], "22222222"), 403)  # URL
    assert_error(plivo(hangup, hang, sig_wrong["sig"], "44444444"), 403, "forbidden")          # token
    r = post_form(carrier_daemon, answer, params, {"X-Plivo-Signature-V3": sig["sig"]})        # no nonce
    assert_error(r, 403)
    assert telephony_status(carrier_daemon, sid) is None
    assert plivo(hangup, hang, sig_hang["sig"], "33333333").status == 204
    assert telephony_status(carrier_daemon, sid) == "completed"


def test_exotel_needs_allowed_address_and_token(carrier_daemon, make_daemon):
    n = make_number(carrier_daemon, "exotel", "+914422334455", config={"exotel_webhook_token": "s3cret-token"},
                    dlt_registered=True)
    sid = session_with_carrier_call(carrier_daemon, n, "exo-1")
    ok = carrier_daemon.request("POST", f"/exotel/incoming/{n['id']}?token=s3cret-token", raw=form({"CallSid": "exo-1"}),
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=False)
    assert ok.status == 200, ok
    assert (f"<Response><Dial><Sip>sip:+914422334455@203.0.113.10:{carrier_daemon.sip_port}</Sip></Dial></Response>"
            in ok.body.decode())
    for q in ["?token=s3cret-tokeN", "?token=", ""]:
        r = carrier_daemon.request("POST", f"/exotel/status/{n['id']}{q}", raw=form({"CallSid": "exo-1", "Status": "busy"}),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=False)
        assert_error(r, 403, "forbidden")
    assert telephony_status(carrier_daemon, sid) is None
    r = carrier_daemon.request("POST", f"/exotel/status/{n['id']}?token=s3cret-token",
                               raw=b'{"CallSid":"exo-1","Status":"busy"}', headers={"Content-Type": "application/json"},
                               auth=False)
    assert r.status == 204, r
    assert telephony_status(carrier_daemon, sid) == "busy"


def test_exotel_default_allowlist_refuses_everything_and_proxies_must_be_trusted(make_daemon, oracle, tmp_path):
    # No EXOTEL_ALLOWED_IPS: every Exotel request is refused, even with the right token.
    d = make_daemon({"PARLEY_TRUSTED_PROXIES": "127.0.0.1"}, data=str(tmp_path))
    n = make_number(d, "exotel", "+914422334466", config={"exotel_webhook_token": "tok"})
    r = d.request("POST", f"/exotel/incoming/{n['id']}?token=tok", raw=b"", auth=False,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 403, "forbidden")
    # No public_url: behind a trusted proxy the signed URL is rebuilt from X-Forwarded-Proto/Host.
    t = make_number(d, "twilio", "+14155550008", {"auth_token": TOKEN})
    path = f"/voice/twilio/incoming/{t['id']}"
    params = {"CallSid": "CA0008"}
    (sig,) = oracle([{"kind": "twilio", "token": TOKEN, "url": "https://edge.example.test" + path, "params": params}])
    fwd = {"X-Twilio-Signature": sig["sig"], "X-Forwarded-Proto": "https", "X-Forwarded-Host": "edge.example.test"}
    assert post_form(d, path, params, fwd).status == 200


def test_forwarded_headers_from_untrusted_peers_are_ignored(make_daemon, oracle, tmp_path):
    d = make_daemon({}, data=str(tmp_path))
    t = make_number(d, "twilio", "+14155550010", {"auth_token": TOKEN})
    path = f"/voice/twilio/incoming/{t['id']}"
    params = {"CallSid": "CA0010"}
    (sig,) = oracle([{"kind": "twilio", "token": TOKEN, "url": "https://edge.example.test" + path, "params": params}])
    fwd = {"X-Twilio-Signature": sig["sig"], "X-Forwarded-Proto": "https", "X-Forwarded-Host": "edge.example.test"}
    assert_error(post_form(d, path, params, fwd), 403, "forbidden")

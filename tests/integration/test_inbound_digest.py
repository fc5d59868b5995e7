"""Digest authentication of trunk calls into the real daemon (RFC 3261 s22.4, RFC 8760): SIPp answers
the 401 with MD5; SHA-256, replayed and stale nonces, and a nonce that outlives a restart are played
by sip/digest_uac.py (SIPp 3.6.1 computes MD5 only). Wrong credentials get a new 401 and no session."""
import os
import time

import pytest

from sip.digest_uac import DigestUac, mint_nonce
from sip.sipkit import SCENARIOS
from test_inbound_calls import sessions, sipp, wait_for

DID = "+14155551234"
SECRET_KEY = "5e" * 32  # PARLEY_SECRET_KEY: lets the stale-nonce test mint a nonce the daemon accepts as its own


def digest_daemon(make_daemon, inbound, data=None):
    d = make_daemon({"PARLEY_SECRET_KEY": SECRET_KEY, "PARLEY_RATE_LIST_SESSIONS_PER_MIN": "100000"}, data=data)
    if data is None:
        agent = d.post("/voice/agents", {"name": "Reception", "voice": {"max_duration": 30}}).json()
        assert d.post("/voice/phone-numbers", {"phone_number": DID, "provider": "sip", "agent_id": agent["id"]}).status == 201
        r = d.post("/voice/sip/providers", {"name": "PBX", "kind": "generic", "host": "pbx.example.test",
                                            "inbound": inbound})
        assert r.status == 201, r
        assert "password" not in r.json()["inbound"] and r.json()["inbound"]["password_set"] is True
        d.agent = agent
    return d


@pytest.fixture
def md5_trunk(make_daemon):
    return digest_daemon(make_daemon, {"auth": "digest", "username": "alice", "password": "s3cret",
                                       "digest_algorithms": ["MD5"]})


@pytest.fixture
def sha_trunk(make_daemon):
    return digest_daemon(make_daemon, {"auth": "digest", "username": "alice", "password": "s3cret",
                                       "realm": "pbx.example.test"})


@pytest.fixture
def uac(request):
    clients = []

    def make(daemon):
        c = DigestUac(daemon.sip_port)
        clients.append(c)
        return c
    yield make
    for c in clients:
        c.close()


def test_sipp_answers_the_md5_challenge_and_reaches_the_agent(md5_trunk):
    d = md5_trunk
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_digest.xml"), "-s", "14155551234",
                              "-au", "alice", "-ap", "s3cret"], calls=10, rate=10)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "10" and stats["FailedCall(C)"] == "0", out
    assert wait_for(lambda: len(sessions(d)) == 10 and all(s["status"] == "completed" for s in sessions(d)))
    assert all(s["agent_id"] == d.agent["id"] and s["to_number"] == DID for s in sessions(d))


def test_sipp_with_a_wrong_password_is_challenged_again_and_gets_no_session(md5_trunk):
    d = md5_trunk
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_digest_rejected.xml"), "-s", "14155551234",
                              "-au", "alice", "-ap", "wrong"], calls=3, rate=10)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "3", out
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_digest_rejected.xml"), "-s", "14155551234",
                              "-au", "mallory", "-ap", "s3cret"], calls=1, rate=10)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "1", "an unknown username is challenged too: " + out
    time.sleep(0.5)
    assert sessions(d) == []


def test_sha256_is_offered_first_and_answered(sha_trunk, uac):
    d, c = sha_trunk, uac(sha_trunk)
    first = c.invite(DID)
    assert first.status == 401
    algorithms = [v.split("algorithm=")[1].split(",")[0] for v in first.all("WWW-Authenticate")]
    assert algorithms == ["SHA-256", "MD5"], first.raw  # RFC 8760 s2.4: preferred first
    challenge = first.challenge("SHA-256")
    assert challenge["realm"] == "pbx.example.test" and challenge["qop"] == "auth"
    ok = c.invite(DID, c.authorization(challenge, "alice", "s3cret", DID))
    assert ok.status == 200, ok.raw
    assert c.hang_up(ok) == 200
    assert wait_for(lambda: len(sessions(d)) == 1 and sessions(d)[0]["status"] == "completed")

    md5 = c.invite(DID)
    ok = c.invite(DID, c.authorization(md5.challenge("MD5"), "alice", "s3cret", DID))
    assert ok.status == 200, "MD5 is offered second and accepted"
    assert c.hang_up(ok) == 200

    wrong = c.invite(DID, c.authorization(challenge, "alice", "guess", DID))
    assert wrong.status == 401 and wrong.first("WWW-Authenticate"), "a wrong password is challenged again"
    assert wait_for(lambda: len(sessions(d)) == 2)


def test_replayed_credentials_are_refused(sha_trunk, uac):
    d, c = sha_trunk, uac(sha_trunk)
    challenge = c.invite(DID).challenge("SHA-256")
    auth = c.authorization(challenge, "alice", "s3cret", DID)
    ok = c.invite(DID, auth)
    assert ok.status == 200
    assert c.hang_up(ok) == 200
    replay = c.invite(DID, auth)  # a new call with the very same Authorization (nonce, nc, cnonce, response)
    assert replay.status == 401, replay.raw
    assert "stale=true" not in " ".join(replay.all("WWW-Authenticate"))
    later = c.invite(DID, c.authorization(challenge, "alice", "s3cret", DID, nc="00000002"))
    assert later.status == 200, "the same nonce with a higher nonce-count is fine (RFC 7616 s3.4)"
    assert c.hang_up(later) == 200
    assert wait_for(lambda: len(sessions(d)) == 2)


def test_a_stale_nonce_is_challenged_again_with_stale_true(sha_trunk, uac):
    d, c = sha_trunk, uac(sha_trunk)
    challenge = c.invite(DID).challenge("SHA-256")
    old = mint_nonce(SECRET_KEY, time.time() - 600)  # authentic, but past the 300 s lifetime
    stale = c.invite(DID, c.authorization(challenge, "alice", "s3cret", DID, nonce=old))
    assert stale.status == 401
    fresh = stale.challenge("SHA-256")
    assert fresh.get("stale") == "true" and fresh["nonce"] != old, stale.raw
    ok = c.invite(DID, c.authorization(fresh, "alice", "s3cret", DID))
    assert ok.status == 200
    assert c.hang_up(ok) == 200

    forged = mint_nonce("00" * 32, time.time())  # a nonce under another key is no nonce of ours
    bad = c.invite(DID, c.authorization(challenge, "alice", "s3cret", DID, nonce=forged))
    assert bad.status == 401 and bad.challenge("SHA-256").get("stale") is None
    assert wait_for(lambda: len(sessions(d)) == 1)


def test_a_nonce_outlives_a_restart(sha_trunk, make_daemon, uac, data_dir):
    d = sha_trunk
    challenge = uac(d).invite(DID).challenge("SHA-256")
    d.stop()
    again = digest_daemon(make_daemon, None, data=data_dir)
    c = uac(again)
    ok = c.invite(DID, c.authorization(challenge, "alice", "s3cret", DID))
    assert ok.status == 200, "nonces are keyed from the secret key, not per process: " + ok.raw
    assert c.hang_up(ok) == 200


def test_ip_and_digest_needs_the_allowlist_and_the_credentials(make_daemon, uac):
    d = digest_daemon(make_daemon, {"auth": "ip_and_digest", "allowed_ips": ["127.0.0.2/32"], "username": "alice",
                                    "password": "s3cret"})
    # From 127.0.0.1: right credentials, wrong address, and no other trunk: 403 before any challenge.
    c = uac(d)
    assert c.invite(DID).status == 403
    challenge = {"realm": "127.0.0.1", "nonce": mint_nonce(SECRET_KEY, time.time()), "algorithm": "SHA-256"}
    assert c.invite(DID, c.authorization(challenge, "alice", "s3cret", DID)).status == 403
    # From the allowlisted address a challenge comes, and only the right password gets through.
    d.patch(f"/voice/sip/providers/{d.get('/voice/sip/providers').json()['providers'][0]['id']}",
            {"inbound": {"digest_algorithms": ["MD5"]}})
    time.sleep(0.3)  # the routing table follows the API write at once; give its thread the moment
    rc, stats, out = sipp(d, ["-sf", os.path.join(SCENARIOS, "uac_digest.xml"), "-s", "14155551234",
                              "-au", "alice", "-ap", "s3cret"], source="127.0.0.2", calls=2, rate=10)
    assert rc == 0 and stats["SuccessfulCall(C)"] == "2", out
    assert wait_for(lambda: len(sessions(d)) == 2)

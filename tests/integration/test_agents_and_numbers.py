"""Agents and phone numbers: shapes, validation, write-only secrets, linking rules."""
import os
import sqlite3

from conftest import assert_error

SEED_AGENT = {
    "name": "Acme",
    "system_prompt": "You are a friendly support agent...",
    "voice": {
        "greeting": "Hi, thanks for calling Acme. How can I help you today?",
        "tts": {"provider": "aero", "model": "aero-2", "voice": "maya"},
        "stt": {"provider": "deepgram", "model": "nova-2", "language": "en"},
        "max_duration": 600,
        "recording": True,
    },
}


def test_create_get_list_agent_with_seed_config(parley):
    r = parley.post("/voice/agents", SEED_AGENT)
    assert r.status == 201, r
    a = r.json()
    assert a["id"].startswith("agent_")
    assert a["voice"]["greeting"] == SEED_AGENT["voice"]["greeting"]
    assert a["voice"]["tts"]["provider"] == "aero" and a["voice"]["stt"]["model"] == "nova-2"
    assert a["voice"]["transcription"] is True and a["voice"]["recording"] is True
    assert a["engine"] == "rules" and a["phone_number_id"] is None
    assert parley.get(f"/voice/agents/{a['id']}").json() == a
    listing = parley.get("/voice/agents").json()
    assert listing["total"] == 1 and listing["agents"][0]["id"] == a["id"]


def test_agent_defaults(parley):
    a = parley.post("/voice/agents", {"name": "Min"}).json()
    assert a["voice"]["max_duration"] == 600
    assert a["voice"]["tts"]["provider"] == "flite" and a["voice"]["stt"]["provider"] == "pocketsphinx"
    assert a["voice"]["recording"] is False and a["voice"]["transcription"] is True


def test_agent_validation_errors(parley):
    cases = [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x", "voice": {"tts": {"provider": "nope"}}}, "voice.tts.provider"),
        ({"name": "x", "voice": {"stt": {"provider": "nope"}}}, "voice.stt.provider"),
        ({"name": "x", "voice": {"max_duration": 0}}, "voice.max_duration"),
        ({"name": "x", "voice": {"max_duration": 14401}}, "voice.max_duration"),
        ({"name": "x", "voice": {"max_duration": "600"}}, "voice.max_duration"),
        ({"name": "x", "voice": {"recording": "yes"}}, "voice.recording"),
        ({"name": "x", "voice": "loud"}, "voice"),
        ({"name": "x", "colour": "red"}, "colour"),
        ({"name": "x", "voice": {"tts": {"speed": 2}}}, "voice.tts.speed"),
        ({"name": "x", "llm": {"provider": "openai"}}, "llm.model"),
        ({"name": "x", "llm": {"provider": "skynet", "model": "m"}}, "llm.provider"),
        ({"name": "x", "llm": {"provider": "ollama", "model": "m"}}, "llm.base_url"),
        ({"name": "x", "engine": "llm"}, "llm"),
        ({"name": "x", "after_hours": {"timezone": "Mars/Olympus", "schedule": []}}, "after_hours.timezone"),
        ({"name": "x", "after_hours": {"timezone": "America/New_York", "schedule": [{"days": ["mon"], "start": "25:00", "end": "17:00"}]}},
         "after_hours.schedule[0].start"),
        ({"name": "x", "rules": {"intents": [{"name": "a"}]}}, "rules.intents[0].phrases"),
        ({"name": "x", "rules": {"intents": [{"name": "a", "phrases": ["hi"], "action": "explode"}]}}, "rules.intents[0].action"),
        ({"name": "x", "webhook_url": "ftp://x"}, "webhook_url"),
        ({"name": "x", "phone_number_id": "pn_missing"}, "phone_number_id"),
    ]
    for body, field in cases:
        r = parley.post("/voice/agents", body)
        assert_error(r, 422, field=field)
    err = assert_error(parley.post("/voice/agents", {"name": "x", "voice": {"tts": {"provider": "nope"}}}), 422)
    for p in ["flite", "espeak", "openai", "elevenlabs", "aero"]:
        assert p in err["message"], "the valid providers are listed"
    assert parley.get("/voice/agents").json()["total"] == 0, "nothing half-written"


def test_llm_secret_is_write_only_and_encrypted(parley, data_dir):
    secret = "sk-test-SECRET-value-123456"
    body = {"name": "LLM", "llm": {"provider": "openai", "model": "gpt-4o-mini", "api_key": secret},
            "voice": {"tts": {"provider": "elevenlabs", "api_key": "el-SECRET-9"}}}
    r = parley.post("/voice/agents", body)
    assert r.status == 201, r
    a = r.json()
    assert a["engine"] == "llm" and a["llm"]["api_key_set"] is True and "api_key" not in a["llm"]
    assert a["voice"]["tts"]["api_key_set"] is True and a["voice"]["stt"]["api_key_set"] is False
    for text in (r.body, parley.get(f"/voice/agents/{a['id']}").body, parley.get("/voice/agents").body):
        assert secret.encode() not in text and b"el-SECRET-9" not in text
    for name in os.listdir(data_dir):
        if name.startswith("parley.db"):
            with open(os.path.join(data_dir, name), "rb") as f:
                assert secret.encode() not in f.read(), name
    assert secret not in parley.stderr()
    # null removes a secret; replacing the llm section without a key keeps the sealed one
    r = parley.patch(f"/voice/agents/{a['id']}", {"voice": {"tts": {"api_key": None}}, "llm": {"model": "gpt-4o"}})
    assert r.status == 200, r
    assert r.json()["voice"]["tts"]["api_key_set"] is False and r.json()["llm"]["api_key_set"] is True
    assert r.json()["llm"]["model"] == "gpt-4o"
    r = parley.patch(f"/voice/agents/{a['id']}", {"llm": None, "engine": "rules"})
    assert r.status == 200, r
    assert "llm" not in r.json() and r.json()["engine"] == "rules"


def test_patch_merges_and_validates(parley, agent):
    r = parley.patch(f"/voice/agents/{agent['id']}", {"voice": {"max_duration": 120}, "system_prompt": "Be brief."})
    assert r.status == 200, r
    a = r.json()
    assert a["voice"]["max_duration"] == 120 and a["voice"]["greeting"] == agent["voice"]["greeting"]
    assert a["system_prompt"] == "Be brief." and a["updated_at"] >= agent["updated_at"]
    assert_error(parley.patch(f"/voice/agents/{agent['id']}", {"voice": {"max_duration": -1}}), 422, field="voice.max_duration")
    assert_error(parley.patch(f"/voice/agents/{agent['id']}", {"name": None}), 422, field="name")
    assert parley.get(f"/voice/agents/{agent['id']}").json()["voice"]["max_duration"] == 120, "a refused patch changes nothing"
    assert_error(parley.patch("/voice/agents/agent_missing", {"name": "x"}), 404)
    assert_error(parley.get("/voice/agents/not-an-id"), 404)


def test_rules_agent_accepted(parley):
    r = parley.post("/voice/agents", {"name": "IVR", "rules": {
        "fallback": "Sorry, say order or press 1.",
        "intents": [{"name": "order", "phrases": ["where is my order", "order status"], "dtmf": "1",
                     "reply": "Your order {{order_id}} ships tomorrow.", "action": "continue"},
                    {"name": "human", "phrases": ["agent"], "action": "transfer:sip:desk@127.0.0.1"},
                    {"name": "bye", "dtmf": "9", "action": "end_call"}]}})
    assert r.status == 201, r
    assert len(r.json()["rules"]["intents"]) == 3


def test_phone_numbers_crud_and_validation(parley, agent):
    r = parley.post("/voice/phone-numbers", {"phone_number": "+14155551234", "provider": "twilio",
                                             "supports_inbound": True, "supports_outbound": False,
                                             "credentials": {"account_sid": "AC123", "auth_token": "tok-SECRET"}})
    assert r.status == 201, r
    n = r.json()
    assert n["id"].startswith("pn_") and n["status"] == "active" and n["country"] == "US"
    assert n["credentials_set"] is True and b"tok-SECRET" not in r.body and n["supports_outbound"] is False
    assert parley.get(f"/voice/phone-numbers/{n['id']}").json() == n
    assert parley.get("/voice/phone-numbers").json()["total"] == 1

    for body, status, field in [
        ({"phone_number": "4155551234", "provider": "sip"}, 422, "phone_number"),
        ({"phone_number": "+1 415 555 1234", "provider": "sip"}, 422, "phone_number"),
        ({"phone_number": "+1999", "provider": "sip"}, 422, "phone_number"),
        ({"phone_number": "+442071838750", "provider": "nexmo"}, 422, "provider"),
        ({"phone_number": "+442071838750"}, 422, "provider"),
        ({"phone_number": "+442071838750", "provider": "sip", "agent_id": "agent_missing"}, 422, "agent_id"),
        ({"phone_number": "+442071838750", "provider": "sip", "credentials": {"k": 1}}, 422, "credentials.k"),
        ({"phone_number": "+14155551234", "provider": "sip"}, 409, "phone_number"),
    ]:
        assert_error(parley.post("/voice/phone-numbers", body), status, field=field)
    assert parley.get("/voice/phone-numbers").json()["total"] == 1


def test_one_agent_per_number_and_unlink_on_delete(parley, agent):
    n1 = parley.post("/voice/phone-numbers", {"phone_number": "+442071838750", "provider": "sip", "agent_id": agent["id"]}).json()
    assert n1["agent_id"] == agent["id"]
    assert parley.get(f"/voice/agents/{agent['id']}").json()["phone_number_id"] == n1["id"]
    assert_error(parley.post("/voice/phone-numbers", {"phone_number": "+61212345678", "provider": "sip",
                                                      "agent_id": agent["id"]}), 409, field="agent_id")
    other = parley.post("/voice/agents", {"name": "Other"}).json()
    assert_error(parley.patch(f"/voice/agents/{other['id']}", {"phone_number_id": n1["id"]}), 409, field="phone_number_id")
    n2 = parley.post("/voice/phone-numbers", {"phone_number": "+61212345678", "provider": "vobiz"}).json()
    # relink the first agent to another number: the old link is released in the same transaction
    r = parley.patch(f"/voice/agents/{agent['id']}", {"phone_number_id": n2["id"]})
    assert r.status == 200 and r.json()["phone_number_id"] == n2["id"]
    assert parley.get(f"/voice/phone-numbers/{n1['id']}").json()["agent_id"] is None
    r = parley.post("/voice/agents", {"name": "Third", "phone_number_id": n1["id"]})
    assert r.status == 201 and r.json()["phone_number_id"] == n1["id"]
    assert parley.delete(f"/voice/phone-numbers/{n2['id']}").json() == {"id": n2["id"], "deleted": True}
    assert parley.get(f"/voice/agents/{agent['id']}").json()["phone_number_id"] is None
    assert_error(parley.get(f"/voice/phone-numbers/{n2['id']}"), 404)
    assert_error(parley.delete(f"/voice/phone-numbers/{n2['id']}"), 404)
    assert_error(parley.delete(f"/voice/phone-numbers/{n1['id']}?force=maybe"), 422, field="force")


def test_force_delete_corrupted_number(parley, data_dir):
    n = parley.post("/voice/phone-numbers", {"phone_number": "+14155550100", "provider": "twilio"}).json()
    db = sqlite3.connect(os.path.join(data_dir, "parley.db"))
    db.execute("update phone_numbers set state='deleting' where id=?", (n["id"],))
    db.commit()
    db.close()
    assert_error(parley.delete(f"/voice/phone-numbers/{n['id']}"), 409)
    assert parley.delete(f"/voice/phone-numbers/{n['id']}?force=true").status == 200
    assert_error(parley.get(f"/voice/phone-numbers/{n['id']}"), 404)


def test_delete_agent_unlinks_number(parley, agent, outbound_number):
    assert parley.delete(f"/voice/agents/{agent['id']}").status == 200
    assert parley.get(f"/voice/phone-numbers/{outbound_number['id']}").json()["agent_id"] is None
    assert_error(parley.get(f"/voice/agents/{agent['id']}"), 404)
    assert_error(parley.delete(f"/voice/agents/{agent['id']}"), 404)


def test_pagination_bounds(parley):
    for i in range(5):
        parley.post("/voice/agents", {"name": f"a{i}"})
    page = parley.get("/voice/agents?limit=2&offset=1").json()
    assert page["total"] == 5 and len(page["agents"]) == 2 and page["limit"] == 2 and page["offset"] == 1
    assert [a["name"] for a in parley.get("/voice/agents?limit=5").json()["agents"]] == ["a4", "a3", "a2", "a1", "a0"]
    for q in ["limit=0", "limit=101", "limit=abc", "offset=-1", "limit=5x"]:
        assert_error(parley.get(f"/voice/agents?{q}"), 422)


def test_tts_voices_lists_the_embedded_voices(parley):
    r = parley.get("/voice/tts/voices")
    assert r.status == 200, r
    providers = {p["provider"]: p for p in r.json()["providers"]}
    assert {"flite", "espeak", "aero", "openai", "elevenlabs"} <= set(providers)
    assert {"slt", "kal16", "kal"} <= {v["id"] for v in providers["flite"]["voices"]}
    assert all(v["native_sample_rate"] in (8000, 16000) for v in providers["flite"]["voices"])
    assert providers["espeak"]["voices"] and "alloy" in {v["id"] for v in providers["openai"]["voices"]}
    only = parley.get("/voice/tts/voices?provider=flite").json()["providers"]
    assert [p["provider"] for p in only] == ["flite"]
    assert_error(parley.get("/voice/tts/voices?provider=nope"), 422, field="provider")


def test_turn_taking_and_fallback_settings_are_validated(parley):
    ok = parley.post("/voice/agents", {"name": "tuned", "voice": {
        "turn": {"endpoint_silence_ms": 500, "barge_in_ms": 250, "noise_suppression": -1},
        "stt": {"provider": "deepgram", "fallback": "pocketsphinx", "narrowband": "fold", "dictation_check": False},
        "tts": {"provider": "openai", "fallback": "flite"}}})
    assert ok.status == 201, ok
    assert ok.json()["voice"]["turn"]["endpoint_silence_ms"] == 500
    assert ok.json()["voice"]["stt"]["dictation_check"] is False
    for voice, field in [({"turn": {"endpoint_silence_ms": 50}}, "voice.turn.endpoint_silence_ms"),
                         ({"turn": {"vad": 1}}, "voice.turn.vad"),
                         ({"turn": "fast"}, "voice.turn"),
                         ({"stt": {"fallback": "siri"}}, "voice.stt.fallback"),
                         ({"stt": {"narrowband": "upsample"}}, "voice.stt.narrowband"),
                         ({"stt": {"dictation_check": "yes"}}, "voice.stt.dictation_check")]:
        assert_error(parley.post("/voice/agents", {"name": "bad", "voice": voice}), 422, field=field)
    assert_error(parley.post("/voice/agents", {"name": "bad", "llm": {"provider": "openai", "model": "m",
                                                                     "fallback": "bard"}}), 422, field="llm.fallback")

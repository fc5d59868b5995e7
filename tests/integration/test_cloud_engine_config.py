"""Agent configuration of the cloud engines (docs/cloud-engines.md): accepted shapes, precise 422s,
write-only keys."""
from conftest import assert_error

CLOUD_AGENT = {
    "name": "Cloud",
    "system_prompt": "You help {{customer_name}}.",
    "voice": {
        "tts": {"provider": "elevenlabs", "voice": "21m00Tcm4TlvDq8ikWAM", "model": "eleven_flash_v2_5",
                "api_key": "xi-SECRET-1", "idle_timeout_ms": 4000},
        "stt": {"provider": "deepgram", "model": "nova-2", "language": "en-US", "api_key": "dg-SECRET-2",
                "base_url": "wss://api.deepgram.com", "endpointing_ms": 300, "utterance_end_ms": 1000,
                "smart_format": True},
    },
    "llm": {"provider": "groq", "model": "llama-3.1-8b-instant", "api_key": "gsk-SECRET-3", "timeout_ms": 30000,
            "tools": ["end_call", "send_dtmf", {"name": "transfer_call", "targets": ["sip:sales@pbx.example.com"]},
                      {"name": "lookup_order", "description": "Find an order by its number",
                       "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}},
                                      "required": ["order_id"]},
                       "url": "https://tools.example.com/orders", "headers": {"X-Api-Key": "t"}, "timeout_ms": 3000}]},
}


def test_cloud_engine_config_round_trips_without_secrets(parley):
    r = parley.post("/voice/agents", CLOUD_AGENT)
    assert r.status == 201, r
    a = r.json()
    assert a["voice"]["stt"]["base_url"] == "wss://api.deepgram.com"
    assert a["voice"]["stt"]["endpointing_ms"] == 300
    assert a["llm"]["tools"][3]["name"] == "lookup_order"
    assert a["voice"]["tts"]["api_key_set"] and a["voice"]["stt"]["api_key_set"] and a["llm"]["api_key_set"]
    for secret in (b"xi-SECRET-1", b"dg-SECRET-2", b"gsk-SECRET-3"):
        assert secret not in r.body


def test_cloud_engine_config_errors_name_the_field(parley):
    cases = [
        ({"voice": {"stt": {"provider": "deepgram", "base_url": "ftp://x"}}}, "voice.stt.base_url"),
        ({"voice": {"tts": {"provider": "openai", "base_url": "ws://x"}}}, "voice.tts.base_url"),
        ({"voice": {"stt": {"provider": "deepgram", "endpointing_ms": 5}}}, "voice.stt.endpointing_ms"),
        ({"voice": {"tts": {"provider": "openai", "timeout_ms": "soon"}}}, "voice.tts.timeout_ms"),
        ({"llm": {"provider": "openai", "model": "m", "tools": ["transfer_call"]}}, "llm.tools[0]"),
        ({"llm": {"provider": "openai", "model": "m", "tools": ["fly"]}}, "llm.tools[0]"),
        ({"llm": {"provider": "openai", "model": "m", "tools": [{"name": "transfer_call", "targets": ["10"]}]}},
         "llm.tools[0].targets"),
        ({"llm": {"provider": "openai", "model": "m", "tools": [{"name": "bad name", "url": "https://x"}]}},
         "llm.tools[0].name"),
        ({"llm": {"provider": "openai", "model": "m", "tools": [{"name": "t"}]}}, "llm.tools[0].url"),
        ({"llm": {"provider": "openai", "model": "m", "tools": [{"name": "t", "url": "https://x", "method": "GET"}]}},
         "llm.tools[0].method"),
        ({"llm": {"provider": "openai", "model": "m", "tools": [{"name": "t", "url": "https://x",
                                                                 "parameters": {"type": "string"}}]}},
         "llm.tools[0].parameters"),
        ({"llm": {"provider": "openai", "model": "m", "stream_usage": "yes"}}, "llm.stream_usage"),
    ]
    for body, field in cases:
        err = assert_error(parley.post("/voice/agents", {"name": "x", **body}), 422)
        assert err["field"] == field, (body, err)
    assert parley.get("/voice/agents").json()["total"] == 0

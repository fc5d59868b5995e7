"""The curl examples of shared/seeds/001 (and the scheduled call of seeds/000), run verbatim with curl
against the local base URL, a created agent and a created number."""
import json
import subprocess


def curl(cmd, parley, agent_id, call_id=None):
    cmd = (cmd.replace("https://api.thinnest.ai", f"http://127.0.0.1:{parley.port}")
              .replace("YOUR_API_KEY", parley.key).replace("agent_xyz", agent_id))
    if call_id:
        cmd = cmd.replace("session_abc123", call_id)
    r = subprocess.run(["bash", "-c", cmd + " -s -w '\\n%{http_code}'"], capture_output=True, text=True, timeout=20)
    body, _, code = r.stdout.rpartition("\n")
    return int(code), (json.loads(body) if body.strip() else None)


def test_seed_curl_examples(parley, agent, outbound_number):
    dial = '''curl -X POST "https://api.thinnest.ai/voice/outbound/dial" \\
  -H "Authorization: Bearer YOUR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "agent_id": "agent_xyz",
    "to_number": "+14155551234",
    "from_number": "+18005551234",
    "context": {
      "customer_name": "Jane Doe",
      "order_id": "ORD-123"
    },
    "max_duration": 300,
    "recording": true,
    "webhook_url": "https://your-app.com/call-events"
  }' '''
    code, body = curl(dial, parley, agent["id"])
    assert code == 201 and body["status"] == "initiating" and body["agent_id"] == agent["id"], body
    call_id = body["call_id"]

    scheduled = '''curl -X POST "https://api.thinnest.ai/voice/outbound/dial" \\
-H "Authorization: Bearer YOUR_API_KEY" \\
-d '{
"agent_id": "agent_xyz",
"to_number": "+14155551234",
"from_number": "+18005551234",
"scheduled_at": "2027-03-10T14:00:00Z"
}' '''
    code, body = curl(scheduled, parley, agent["id"])
    assert code == 201 and body["status"] == "scheduled", body

    code, body = curl('''curl "https://api.thinnest.ai/voice/status/session_abc123" \\
  -H "Authorization: Bearer YOUR_API_KEY"''', parley, agent["id"], call_id)
    assert code == 200 and body["session_id"] == call_id

    code, body = curl('''curl "https://api.thinnest.ai/voice/sessions?limit=20" \\
  -H "Authorization: Bearer YOUR_API_KEY"''', parley, agent["id"])
    assert code == 200 and body["total"] == 2

    code, body = curl('''curl "https://api.thinnest.ai/voice/sessions/session_abc123" \\
  -H "Authorization: Bearer YOUR_API_KEY"''', parley, agent["id"], call_id)
    assert code == 200 and body["session_id"] == call_id

    code, body = curl('''curl "https://api.thinnest.ai/v1/widget/transcript/session_abc123" \\
  -H "Authorization: Bearer YOUR_API_KEY"''', parley, agent["id"], call_id)
    assert code == 200 and body == {"call_id": call_id, "transcript": []}

    code, body = curl('''curl "https://api.thinnest.ai/voice/recording/rec_abc123" \\
  -H "Authorization: Bearer YOUR_API_KEY"''', parley, agent["id"])
    assert code == 404 and body["error"]["code"] == "not_found"

    code, body = curl('''curl -X POST "https://api.thinnest.ai/voice/end/session_abc123" \\
  -H "Authorization: Bearer YOUR_API_KEY"''', parley, agent["id"], call_id)
    assert code == 200 and body["status"] == "canceled"

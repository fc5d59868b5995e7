-- wrk script: POST a call.completed event shaped like Parley's (README "Webhooks"), one connection per
-- request like Parley's webhook client (Connection: close). Used to measure the receiver's ceiling.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Connection"] = "close"
wrk.headers["X-Parley-Event"] = "call.completed"
wrk.body = '{"event":"call.completed","call_id":"call_receiver_ceiling","status":"completed","duration":3,' ..
           '"timestamp":"2026-12-01T18:00:00Z","agent_id":"agent_bench","to_number":"+14155550123",' ..
           '"from_number":"+18005551234","end_reason":"max_duration","recording_id":null,' ..
           '"transcript_url":"/v1/widget/transcript/call_receiver_ceiling"}'

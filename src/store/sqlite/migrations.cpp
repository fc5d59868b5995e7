#include "store/sqlite/migrations.hpp"

namespace parley::store::sqlite {
namespace {

constexpr Migration kMigrations[] = {
    {1, "foundation", R"SQL(
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  secrets TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE phone_numbers (
  id TEXT PRIMARY KEY,
  phone_number TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  state TEXT NOT NULL,
  supports_inbound INTEGER NOT NULL,
  supports_outbound INTEGER NOT NULL,
  agent_id TEXT UNIQUE REFERENCES agents(id) ON DELETE SET NULL,
  sip_provider_id TEXT,
  config TEXT NOT NULL DEFAULT '{}',
  credentials TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE voice_sessions (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  api_key_id TEXT,
  from_number TEXT,
  to_number TEXT,
  context TEXT NOT NULL DEFAULT '{}',
  max_duration INTEGER NOT NULL,
  recording INTEGER NOT NULL,
  webhook_url TEXT,
  scheduled_at INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  answered_at INTEGER,
  ended_at INTEGER,
  end_reason TEXT,
  sip_call_id TEXT,
  telephony_status TEXT,
  tokens_used INTEGER NOT NULL DEFAULT 0,
  cost TEXT,
  recording_id TEXT,
  quality TEXT
);
CREATE INDEX voice_sessions_by_created ON voice_sessions(created_at DESC, id DESC);
CREATE INDEX voice_sessions_by_agent ON voice_sessions(agent_id, created_at DESC);
CREATE INDEX voice_sessions_by_status ON voice_sessions(status, created_at DESC);
CREATE INDEX voice_sessions_due ON voice_sessions(scheduled_at) WHERE status = 'scheduled';
CREATE TABLE transcript_entries (
  session_id TEXT NOT NULL REFERENCES voice_sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL,
  text TEXT NOT NULL,
  offset_s REAL NOT NULL,
  interrupted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, seq)
);
CREATE TABLE recordings (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  path TEXT NOT NULL,
  duration_s REAL NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX recordings_by_session ON recordings(session_id);
CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  phone_number TEXT NOT NULL UNIQUE,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  call_count INTEGER NOT NULL,
  last_session_id TEXT,
  last_agent_id TEXT
);
)SQL"},
    {2, "sip_trunks_routes_traces", R"SQL(
CREATE TABLE sip_providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  priority INTEGER NOT NULL,
  config TEXT NOT NULL,
  credentials TEXT NOT NULL DEFAULT '',
  registration_state TEXT NOT NULL DEFAULT 'disabled',
  registration_expires_at INTEGER,
  registration_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE sip_routes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  priority INTEGER NOT NULL,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sip_routes_by_priority ON sip_routes(priority, created_at);
CREATE TABLE sip_traces (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider_id TEXT,
  call_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  remote TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sip_traces_by_call ON sip_traces(call_id, id);
CREATE INDEX sip_traces_by_age ON sip_traces(created_at);
)SQL"},
    {3, "webhook_outbox_and_idempotency", R"SQL(
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  api_key_id TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (session_id, seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  attempted_at INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
ALTER TABLE api_keys ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE voice_sessions ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX voice_sessions_idempotency ON voice_sessions(api_key_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
)SQL"},
    {4, "carrier_call_ids", R"SQL(
ALTER TABLE voice_sessions ADD COLUMN carrier_call_id TEXT;
CREATE UNIQUE INDEX voice_sessions_by_carrier_call ON voice_sessions(carrier_call_id)
  WHERE carrier_call_id IS NOT NULL;
)SQL"},
    // Carrier provisioning: the journal of remote resources made for each number (rolled back in
    // reverse order; what is left is shown for manual clean-up), and the India DLT caller-ID flag.
    {5, "carrier_provisioning", R"SQL(
CREATE TABLE carrier_resources (
  phone_number_id TEXT NOT NULL REFERENCES phone_numbers(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  remote_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  undo_request TEXT NOT NULL,
  lookup TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (phone_number_id, seq)
);
ALTER TABLE phone_numbers ADD COLUMN dlt_registered INTEGER NOT NULL DEFAULT 0;
)SQL"},
    {6, "outbound_dial_details", R"SQL(
ALTER TABLE voice_sessions ADD COLUMN provider_id TEXT;
ALTER TABLE voice_sessions ADD COLUMN outcome TEXT;
ALTER TABLE voice_sessions ADD COLUMN sip_status INTEGER;
ALTER TABLE voice_sessions ADD COLUMN attempts TEXT;
)SQL"},
    {7, "session_turn_latency", R"SQL(
ALTER TABLE voice_sessions ADD COLUMN latency TEXT;
)SQL"},
    // Inbound admission: one counter that every change to what routing reads bumps (routers on
    // any node poll it instead of re-reading the tables), and the in-flight calls of an agent
    // counted from a partial index (its concurrency cap, inside the session-create transaction).
    {8, "routing_generation_and_agent_load", R"SQL(
CREATE TABLE routing_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
INSERT INTO routing_generation (id, value) VALUES (1, 1);
CREATE TRIGGER agents_ins AFTER INSERT ON agents BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER agents_upd AFTER UPDATE ON agents BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER agents_del AFTER DELETE ON agents BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER phone_numbers_ins AFTER INSERT ON phone_numbers BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER phone_numbers_upd AFTER UPDATE ON phone_numbers BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER phone_numbers_del AFTER DELETE ON phone_numbers BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER sip_providers_ins AFTER INSERT ON sip_providers BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER sip_providers_upd AFTER UPDATE OF name, kind, priority, config, credentials ON sip_providers
  BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER sip_providers_del AFTER DELETE ON sip_providers BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER sip_routes_ins AFTER INSERT ON sip_routes BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER sip_routes_upd AFTER UPDATE ON sip_routes BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE TRIGGER sip_routes_del AFTER DELETE ON sip_routes BEGIN UPDATE routing_generation SET value = value + 1; END;
CREATE INDEX voice_sessions_in_flight_by_agent ON voice_sessions(agent_id)
  WHERE status IN ('initiating', 'ringing', 'in_progress');
)SQL"},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace parley::store::sqlite

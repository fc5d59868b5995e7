#pragma once
// Rows as plain values. Times are Unix milliseconds (UTC). JSON-valued columns hold text that the
// API layer owns; the store never interprets them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::store {

struct ApiKey {
  std::string id;
  std::string name;
  std::string prefix;    // first characters of the key, shown to tell keys apart
  std::string key_hash;  // SHA-256 hex of the whole key: the key itself is never stored
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::optional<std::int64_t> revoked_at;
};

struct Agent {
  std::string id;
  std::string name;
  std::string config;   // JSON object: everything but id, name, secrets and the phone link
  std::string secrets;  // sealed JSON object of write-only fields (core::SecretBox)
  std::optional<std::string> phone_number_id;  // derived from phone_numbers.agent_id
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct PhoneNumber {
  std::string id;
  std::string phone_number;  // E.164
  std::string provider;      // twilio|plivo|exotel|vobiz|sip
  std::string state;         // provisioning|active|deleting|corrupted
  bool supports_inbound = true;
  bool supports_outbound = true;
  std::optional<std::string> agent_id;
  std::optional<std::string> sip_provider_id;
  std::string config = "{}";   // JSON object, non-secret provider settings
  std::string credentials;     // sealed JSON object of provider credentials
  std::string last_error;
  // India (+91): the caller ID is registered on TRAI's DLT platform (seeds/003); outbound calls
  // from an Indian number without it are refused at dial time.
  bool dlt_registered = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// One resource Parley made (or changed) at a carrier for a phone number: the provisioning journal.
// A row is written before the request that makes the resource and completed with the carrier's id
// after, so an unanswered request or a crash still leaves a trace to clean up. `undo_request` and
// `lookup` are JSON owned by src/carriers (how to remove it; how to find it while its id is unknown).
struct CarrierResource {
  std::string phone_number_id;
  int seq = 0;               // creation order; undone in reverse
  std::string kind;          // twilio.trunk, twilio.credential_list, plivo.application, ...
  std::string label;         // what a human should look for in the carrier's console
  std::string remote_id;     // empty while unknown
  std::string state;         // pending (request sent, outcome unknown) | created
  std::string undo_request;
  std::string lookup;
  std::string last_error;    // why the last attempt to remove it failed
  std::int64_t created_at = 0;
};

struct VoiceSession {
  std::string id;
  std::string kind;    // inbound|outbound|web
  std::string status;  // scheduled|initiating|ringing|in_progress|completed|failed|no_answer|busy|canceled
  std::string agent_id;
  std::optional<std::string> api_key_id;
  std::optional<std::string> from_number;
  std::optional<std::string> to_number;
  std::string context = "{}";  // JSON object passed to the agent
  int max_duration = 600;
  bool recording = false;
  std::optional<std::string> webhook_url;
  std::optional<std::int64_t> scheduled_at;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> answered_at;
  std::optional<std::int64_t> ended_at;
  std::optional<std::string> end_reason;
  std::optional<std::string> sip_call_id;
  std::optional<std::string> telephony_status;
  std::int64_t tokens_used = 0;
  std::optional<std::string> cost;     // JSON object
  std::optional<std::string> recording_id;
  std::optional<std::string> quality;  // JSON object
  // Outbound: the trunk that carried (or last tried) the call, the normalized outcome of a failed
  // dial, the final SIP status, and every attempt (JSON array).
  std::optional<std::string> provider_id;
  std::optional<std::string> outcome;
  std::optional<int> sip_status;
  std::optional<std::string> attempts;
  std::optional<std::string> latency;  // per-turn latency p50/p95 and its split (JSON object)
};

struct TranscriptEntry {
  std::string session_id;
  int seq = 0;
  std::string role;  // agent|user
  std::string text;
  double offset_s = 0;
  bool interrupted = false;
};

struct Recording {
  std::string id;
  std::string session_id;
  std::string path;
  double duration_s = 0;
  std::int64_t size_bytes = 0;
  int sample_rate = 16000;
  int channels = 2;
  std::string state;  // recording|completed|failed
  std::int64_t created_at = 0;
};

struct Lead {
  std::string id;
  std::string phone_number;
  std::int64_t first_seen_at = 0;
  std::int64_t last_seen_at = 0;
  int call_count = 0;
  std::optional<std::string> last_session_id;
  std::optional<std::string> last_agent_id;
};

// A SIP trunk (carrier or PBX). `config` is the API-validated JSON object; `credentials` is sealed.
struct SipProvider {
  std::string id;
  std::string name;
  std::string kind;  // twilio|vobiz|plivo|exotel|telnyx|generic
  int priority = 10;
  std::string config = "{}";
  std::string credentials;
  std::string registration_state = "disabled";  // disabled|registering|registered|failed
  std::optional<std::int64_t> registration_expires_at;
  std::string registration_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// An inbound routing rule, evaluated by ascending priority. `config` holds match and target.
struct SipRoute {
  std::string id;
  std::string name;
  int priority = 100;
  std::string config = "{}";
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// One SIP message to or from a provider with debug logging on (credentials already redacted).
struct SipTrace {
  std::int64_t id = 0;
  std::optional<std::string> provider_id;
  std::string call_id;
  std::string direction;  // in|out
  std::string remote;     // transport:host:port
  std::string message;
  std::int64_t created_at = 0;
};

// A webhook event waiting in (or delivered from) the outbox. `seq` orders events per session.
struct WebhookDelivery {
  std::string id;
  std::string session_id;
  int seq = 0;
  std::string event;  // call.initiating, call.ringing, ...
  std::string url;
  std::optional<std::string> api_key_id;  // whose webhook secret signs it
  std::string payload;                    // JSON body, fixed when the event happened
  std::string status = "pending";         // pending|delivered|failed
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::optional<std::int64_t> last_status_code;
  std::optional<std::string> last_error;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> delivered_at;
};

struct WebhookAttempt {
  std::string delivery_id;
  int attempt = 0;
  std::int64_t attempted_at = 0;
  std::optional<std::int64_t> status_code;
  std::optional<std::string> error;
  std::int64_t duration_ms = 0;
};

// What an outbox row is made of; the store adds id, seq and times.
struct OutboxEvent {
  std::string event;
  std::string url;
  std::optional<std::string> api_key_id;
  std::string payload;
};

// A compare-and-set on a session's status plus the fields that change with it.
struct SessionTransition {
  std::string session_id;
  std::vector<std::string> from;  // the statuses it may leave
  std::string to;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> answered_at;
  std::optional<std::int64_t> ended_at;
  std::optional<std::string> end_reason;
  std::optional<std::string> telephony_status;
  std::optional<std::string> sip_call_id;
  std::optional<std::string> quality;  // JSON object, written when the media ends
  std::optional<std::int64_t> tokens_used;
  std::optional<std::string> cost;     // JSON object
  std::optional<std::string> provider_id;
  std::optional<std::string> outcome;
  std::optional<int> sip_status;
  std::optional<std::string> attempts;
  std::optional<std::string> latency;
};

struct SessionFilter {
  std::optional<std::string> agent_id;
  std::optional<std::string> status;
  std::optional<std::int64_t> created_from;  // inclusive
  std::optional<std::int64_t> created_to;    // inclusive
  int limit = 20;
  int offset = 0;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

}  // namespace parley::store

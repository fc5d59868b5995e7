#pragma once
// The repository interface every caller uses. Backends (sqlite/, later postgres/) implement it;
// only src/app picks one. Every method that changes several rows does so in one transaction.
// Errors: not_found, conflict (unique or link rules), io (the database failed), corrupt.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace parley::store {

using core::Result;
using core::Status;

// How an update treats the agent's phone link.
struct PhoneLink {
  std::optional<std::string> phone_number_id;  // nullopt: unlink
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Status migrate() = 0;  // applies pending versioned migrations, each in its own transaction
  virtual Result<int> schema_version() = 0;

  // API keys
  virtual Status create_api_key(const ApiKey& key) = 0;
  virtual Result<std::optional<ApiKey>> find_api_key_by_hash(std::string_view key_hash) = 0;
  virtual Result<std::vector<ApiKey>> list_api_keys() = 0;
  virtual Result<std::int64_t> count_api_keys() = 0;  // revoked ones included: "first start" means none ever
  virtual Status revoke_api_key(std::string_view id) = 0;
  virtual Status touch_api_key(std::string_view id, std::int64_t at) = 0;

  // Agents. Linking a number that another agent holds is a conflict.
  virtual Result<Agent> create_agent(const Agent& agent, const std::optional<PhoneLink>& link) = 0;
  virtual Result<Agent> get_agent(std::string_view id) = 0;
  virtual Result<Page<Agent>> list_agents(int limit, int offset) = 0;
  virtual Result<Agent> update_agent(const Agent& agent, const std::optional<PhoneLink>& link) = 0;
  virtual Status delete_agent(std::string_view id) = 0;  // unlinks its number

  // Phone numbers. A duplicate E.164 number or an agent that already has a number is a conflict.
  virtual Result<PhoneNumber> create_phone_number(const PhoneNumber& number) = 0;
  virtual Result<PhoneNumber> get_phone_number(std::string_view id) = 0;
  virtual Result<std::optional<PhoneNumber>> find_phone_number(std::string_view e164) = 0;
  virtual Result<Page<PhoneNumber>> list_phone_numbers(int limit, int offset) = 0;
  virtual Status set_phone_number_state(std::string_view id, std::string_view state, std::string_view last_error) = 0;
  virtual Status delete_phone_number(std::string_view id) = 0;

  // Builds the webhook event for a session as it is after a change (nullopt: no event). Called
  // inside the store's transaction, so the event and the change commit together (outbox).
  using EventFor = std::function<std::optional<OutboxEvent>(const VoiceSession& after)>;

  struct CreateOptions {
    // A session the same API key created with this key in the last 24 h is returned instead
    // (second member of the result true) and nothing is written.
    std::optional<std::string> idempotency_key;
    // Refuse (rate_limited) when the API key already has this many calls initiating, ringing or
    // in progress; counted inside the transaction so concurrent dials cannot overshoot.
    std::optional<int> max_active_for_key;
    // Refuse (not_found) when the session's agent no longer exists, or (unavailable) when it already
    // has this many calls initiating, ringing or in progress, inbound or outbound; both checked
    // inside the transaction, so concurrent calls cannot overshoot the cap.
    bool require_agent = false;
    std::optional<int> max_active_for_agent;
  };
  // Sessions. Creating one also records its remote party as a lead, in the same transaction.
  virtual Result<std::pair<VoiceSession, bool>> create_session(const VoiceSession& session, const CreateOptions& options,
                                                               const EventFor& event_for) = 0;
  Result<VoiceSession> create_session(const VoiceSession& session) {
    auto r = create_session(session, CreateOptions{}, nullptr);
    if (!r) return std::unexpected(r.error());
    return std::move(r->first);
  }
  // Ids of sessions in one of `statuses`, oldest first; with `due_by`, only scheduled ones due then.
  virtual Result<std::vector<std::string>> session_ids_in(const std::vector<std::string>& statuses,
                                                          std::optional<std::int64_t> due_by, int limit) = 0;
  // Moves a session from one of `t.from` to `t.to` (conflict if it is elsewhere) and queues its event.
  virtual Result<VoiceSession> transition_session(const SessionTransition& t, const EventFor& event_for) = 0;
  virtual Result<VoiceSession> get_session(std::string_view id) = 0;
  virtual Result<Page<VoiceSession>> list_sessions(const SessionFilter& filter) = 0;
  virtual Result<std::vector<TranscriptEntry>> list_transcript(std::string_view session_id) = 0;
  virtual Status append_transcript(const TranscriptEntry& entry) = 0;
  virtual Result<Recording> get_recording(std::string_view id) = 0;
  // Inserts a recording (state "recording") and links it to its session, in one transaction.
  virtual Status create_recording(const Recording& recording) = 0;
  // The file is complete (or failed): its final state, duration and size.
  virtual Status finish_recording(std::string_view id, std::string_view state, double duration_s,
                                  std::int64_t size_bytes) = 0;
  virtual Result<std::vector<Recording>> recordings_in_state(std::string_view state, int limit) = 0;
  virtual Result<Page<Lead>> list_leads(int limit, int offset) = 0;

  // SIP providers (trunks). Deleting one that phone numbers use is a conflict.
  virtual Result<SipProvider> create_sip_provider(const SipProvider& p) = 0;
  virtual Result<SipProvider> get_sip_provider(std::string_view id) = 0;
  virtual Result<Page<SipProvider>> list_sip_providers(int limit, int offset) = 0;  // by priority, then age
  virtual Result<SipProvider> update_sip_provider(const SipProvider& p) = 0;
  virtual Status delete_sip_provider(std::string_view id) = 0;
  virtual Status set_registration_state(std::string_view id, std::string_view state,
                                        std::optional<std::int64_t> expires_at, std::string_view error) = 0;

  // Inbound routes, listed by ascending priority.
  virtual Result<SipRoute> create_sip_route(const SipRoute& r) = 0;
  virtual Result<SipRoute> get_sip_route(std::string_view id) = 0;
  virtual Result<Page<SipRoute>> list_sip_routes(int limit, int offset) = 0;
  virtual Result<SipRoute> update_sip_route(const SipRoute& r) = 0;
  virtual Status delete_sip_route(std::string_view id) = 0;

  // Group commit: `write` runs with the others queued meanwhile in one transaction, each in a
  // savepoint of its own (a failing write is undone alone), and one commit makes them all durable:
  // N writes cost one fsync. Writes run in submission order on the store's committer thread, where
  // every Store method called from `write` joins that transaction. `done` (optional) gets the
  // write's outcome there once it is committed (or failed): keep it short.
  using Write = std::function<Status(Store&)>;
  virtual void write_async(Write write, std::function<void(const Status&)> done) = 0;
  // Returns once every write queued before the call is committed and its `done` has run.
  virtual void flush() = 0;

  // Grows with every committed change to agents, phone numbers, SIP providers or routes (whatever
  // wrote it, on any node sharing the database): readers of those tables poll it cheaply.
  virtual Result<std::int64_t> routing_generation() = 0;

  // Webhook outbox. `claim_due_webhooks` returns pending deliveries due by `now` that are the
  // oldest pending one of their session (per-call order), excluding `in_flight` ids.
  virtual Result<std::vector<WebhookDelivery>> claim_due_webhooks(std::int64_t now, int limit,
                                                                  const std::vector<std::string>& in_flight) = 0;
  // Records an attempt and its outcome in one transaction: delivered, retry at `next_attempt_at`,
  // or failed for good (`give_up`).
  virtual Status record_webhook_attempt(const WebhookAttempt& attempt, bool delivered, bool give_up,
                                        std::int64_t next_attempt_at) = 0;
  virtual Result<std::vector<WebhookDelivery>> list_webhooks(std::string_view session_id) = 0;
  virtual Result<std::vector<WebhookAttempt>> list_webhook_attempts(std::string_view session_id) = 0;
  virtual Result<std::optional<std::int64_t>> next_webhook_due() = 0;  // earliest pending, for the scheduler
  virtual Status set_webhook_secret(std::string_view api_key_id, std::string_view sealed) = 0;
  virtual Result<std::string> webhook_secret(std::string_view api_key_id) = 0;  // sealed; empty if none

  // SIP message traces (diagnostics), oldest first. Appended in batches (one transaction each);
  // pruned by age per provider (its trace_retention_hours), and for traces whose provider is gone.
  // Pruning deletes in bounded chunks so writers are never locked out for long. Both return how
  // many rows went.
  virtual Status append_sip_traces(const std::vector<SipTrace>& traces) = 0;
  virtual Result<std::vector<SipTrace>> list_sip_traces(std::string_view call_id, int limit) = 0;
  virtual Result<std::int64_t> prune_sip_traces(std::string_view provider_id, std::int64_t older_than) = 0;
  virtual Result<std::int64_t> prune_orphan_sip_traces(std::int64_t older_than) = 0;

  // Carriers. A session's carrier call id (Twilio CallSid, Plivo CallUUID, Exotel CallSid) is set
  // once by the call layer; status callbacks then find the session by it (false: no such session).
  virtual Status set_carrier_call_id(std::string_view session_id, std::string_view carrier_call_id) = 0;
  virtual Result<bool> set_telephony_status(std::string_view carrier_call_id, std::string_view status) = 0;
  // Moves a number from one of `from` to `to` (conflict when it is in another state).
  virtual Result<PhoneNumber> transition_phone_number(std::string_view id, const std::vector<std::string>& from,
                                                      std::string_view to, std::string_view last_error) = 0;
  // Ends provisioning in one transaction: creates `trunk` when given, then makes the number (which
  // must be `provisioning`) active with its config, sealed credentials and the trunk link.
  virtual Result<PhoneNumber> activate_phone_number(std::string_view id, std::string_view config,
                                                    std::string_view credentials,
                                                    const std::optional<SipProvider>& trunk) = 0;
  // Removes a number with its provisioning journal and, in the same transaction, `owned_trunk_id`
  // (a SIP provider made for this number alone).
  virtual Status delete_phone_number_and_trunk(std::string_view id, const std::optional<std::string>& owned_trunk_id) = 0;
  virtual Status set_phone_number_dlt(std::string_view id, bool registered) = 0;

  // The provisioning journal of a number (records.hpp CarrierResource), by seq.
  virtual Result<int> add_carrier_resource(const CarrierResource& r) = 0;  // assigns and returns seq
  virtual Status update_carrier_resource(const CarrierResource& r) = 0;    // remote_id, state, last_error
  virtual Status remove_carrier_resource(std::string_view phone_number_id, int seq) = 0;
  virtual Result<std::vector<CarrierResource>> list_carrier_resources(std::string_view phone_number_id) = 0;
  // Creates a SIP provider and its numbers in one transaction (SIP trunk import).
  virtual Result<std::vector<PhoneNumber>> import_sip_numbers(const SipProvider& provider,
                                                              const std::vector<PhoneNumber>& numbers) = 0;
};

}  // namespace parley::store

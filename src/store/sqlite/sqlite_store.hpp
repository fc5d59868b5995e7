#pragma once
// The embedded backend: one SQLite file in WAL mode with synchronous=FULL. Connections are pooled
// (one per concurrent caller, created on demand) and each caches its prepared statements. Writes
// queued with write_async share transactions (group commit) on one committer thread.
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database file. Does not migrate.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;  // commits what write_async still holds

  Status migrate() override;
  Result<int> schema_version() override;

  Status create_api_key(const ApiKey& key) override;
  Result<std::optional<ApiKey>> find_api_key_by_hash(std::string_view key_hash) override;
  Result<std::vector<ApiKey>> list_api_keys() override;
  Result<std::int64_t> count_api_keys() override;
  Status revoke_api_key(std::string_view id) override;
  Status touch_api_key(std::string_view id, std::int64_t at) override;

  Result<Agent> create_agent(const Agent& agent, const std::optional<PhoneLink>& link) override;
  Result<Agent> get_agent(std::string_view id) override;
  Result<Page<Agent>> list_agents(int limit, int offset) override;
  Result<Agent> update_agent(const Agent& agent, const std::optional<PhoneLink>& link) override;
  Status delete_agent(std::string_view id) override;

  Result<PhoneNumber> create_phone_number(const PhoneNumber& number) override;
  Result<PhoneNumber> get_phone_number(std::string_view id) override;
  Result<std::optional<PhoneNumber>> find_phone_number(std::string_view e164) override;
  Result<Page<PhoneNumber>> list_phone_numbers(int limit, int offset) override;
  Status set_phone_number_state(std::string_view id, std::string_view state, std::string_view last_error) override;
  Status delete_phone_number(std::string_view id) override;

  using Store::create_session;
  Result<std::pair<VoiceSession, bool>> create_session(const VoiceSession& session, const CreateOptions& options,
                                                       const EventFor& event_for) override;
  Result<VoiceSession> transition_session(const SessionTransition& t, const EventFor& event_for) override;
  Result<std::vector<std::string>> session_ids_in(const std::vector<std::string>& statuses,
                                                  std::optional<std::int64_t> due_by, int limit) override;
  Result<VoiceSession> get_session(std::string_view id) override;
  Result<Page<VoiceSession>> list_sessions(const SessionFilter& filter) override;
  Result<std::vector<TranscriptEntry>> list_transcript(std::string_view session_id) override;
  Status append_transcript(const TranscriptEntry& entry) override;
  Result<Recording> get_recording(std::string_view id) override;
  Status create_recording(const Recording& recording) override;
  Status finish_recording(std::string_view id, std::string_view state, double duration_s,
                          std::int64_t size_bytes) override;
  Result<std::vector<Recording>> recordings_in_state(std::string_view state, int limit) override;
  Result<Page<Lead>> list_leads(int limit, int offset) override;

  Result<SipProvider> create_sip_provider(const SipProvider& p) override;
  Result<SipProvider> get_sip_provider(std::string_view id) override;
  Result<Page<SipProvider>> list_sip_providers(int limit, int offset) override;
  Result<SipProvider> update_sip_provider(const SipProvider& p) override;
  Status delete_sip_provider(std::string_view id) override;
  Status set_registration_state(std::string_view id, std::string_view state, std::optional<std::int64_t> expires_at,
                                std::string_view error) override;

  Result<SipRoute> create_sip_route(const SipRoute& r) override;
  Result<SipRoute> get_sip_route(std::string_view id) override;
  Result<Page<SipRoute>> list_sip_routes(int limit, int offset) override;
  Result<SipRoute> update_sip_route(const SipRoute& r) override;
  Status delete_sip_route(std::string_view id) override;
  Result<std::int64_t> routing_generation() override;
  void write_async(Write write, std::function<void(const Status&)> done) override;
  void flush() override;

  Result<std::vector<WebhookDelivery>> claim_due_webhooks(std::int64_t now, int limit,
                                                          const std::vector<std::string>& in_flight) override;
  Status record_webhook_attempt(const WebhookAttempt& attempt, bool delivered, bool give_up,
                                std::int64_t next_attempt_at) override;
  Result<std::vector<WebhookDelivery>> list_webhooks(std::string_view session_id) override;
  Result<std::vector<WebhookAttempt>> list_webhook_attempts(std::string_view session_id) override;
  Result<std::optional<std::int64_t>> next_webhook_due() override;
  Status set_webhook_secret(std::string_view api_key_id, std::string_view sealed) override;
  Result<std::string> webhook_secret(std::string_view api_key_id) override;

  Status append_sip_traces(const std::vector<SipTrace>& traces) override;
  Result<std::vector<SipTrace>> list_sip_traces(std::string_view call_id, int limit) override;
  Result<std::int64_t> prune_sip_traces(std::string_view provider_id, std::int64_t older_than) override;
  Result<std::int64_t> prune_orphan_sip_traces(std::int64_t older_than) override;

  Status set_carrier_call_id(std::string_view session_id, std::string_view carrier_call_id) override;
  Result<bool> set_telephony_status(std::string_view carrier_call_id, std::string_view status) override;
  Result<PhoneNumber> transition_phone_number(std::string_view id, const std::vector<std::string>& from,
                                              std::string_view to, std::string_view last_error) override;
  Result<PhoneNumber> activate_phone_number(std::string_view id, std::string_view config, std::string_view credentials,
                                            const std::optional<SipProvider>& trunk) override;
  Status delete_phone_number_and_trunk(std::string_view id, const std::optional<std::string>& owned_trunk_id) override;
  Status set_phone_number_dlt(std::string_view id, bool registered) override;
  Result<int> add_carrier_resource(const CarrierResource& r) override;
  Status update_carrier_resource(const CarrierResource& r) override;
  Status remove_carrier_resource(std::string_view phone_number_id, int seq) override;
  Result<std::vector<CarrierResource>> list_carrier_resources(std::string_view phone_number_id) override;
  Result<std::vector<PhoneNumber>> import_sip_numbers(const SipProvider& provider,
                                                      const std::vector<PhoneNumber>& numbers) override;

 private:
  // Returns a pooled connection on destruction; or borrows the group commit's connection, when a
  // method runs inside a write of write_async on the committer thread.
  class Lease {
   public:
    Lease(SqliteStore* s, std::unique_ptr<Connection> c) : store_(s), conn_(std::move(c)), borrowed_(conn_.get()) {}
    explicit Lease(Connection& borrowed) : store_(nullptr), borrowed_(&borrowed) {}
    Lease(Lease&& o) noexcept = default;
    ~Lease() {
      if (conn_) store_->release(std::move(conn_));
    }
    Connection& operator*() { return *borrowed_; }
    Connection* operator->() { return borrowed_; }

   private:
    SqliteStore* store_;
    std::unique_ptr<Connection> conn_;
    Connection* borrowed_;
  };
  struct Committer;
  explicit SqliteStore(std::string path);
  core::Result<Lease> acquire();
  void release(std::unique_ptr<Connection> c);
  void commit_loop(std::stop_token stop);
  // One transaction for `writes`, each in its own savepoint; one status per write.
  std::vector<Status> write_together(std::vector<Write>& writes);

  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::unique_ptr<Committer> committer_;  // last: its thread stops first
};

}  // namespace parley::store::sqlite

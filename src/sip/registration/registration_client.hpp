#pragma once
// One registration binding (RFC 3261 s10.2): REGISTERs our Contact for an address-of-record,
// answers 401/407 with digest (s22.2), follows 423 Interval Too Brief (s10.2.8, Min-Expires),
// refreshes before the binding expires, backs off with jitter after failures (RFC 5626 s4.5),
// keeps stream flows alive with CRLF pings (RFC 5626 s4.4.1), and removes the binding with
// Expires: 0 when stopped (s10.2.2). Call-ID is fixed for the client's life, CSeq increases by
// one per REGISTER (s10.2.4). Every method runs on the engine's io_context.
//
//   auto reg = sip::RegistrationClient::create(engine.transactions(), config, [](const sip::RegistrationStatus& s) {
//     // registering -> registered (expires_at) | failed (last_error, retry_in)
//   });
//   reg->start();
//   ...
//   reg->stop(2s, [] { /* binding removed, or the registrar did not answer in time */ });
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "sip/auth/client_challenge.hpp"
#include "sip/registration/registration_timing.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace parley::sip {

struct RegistrationConfig {
  std::string registrar_host;                   // where REGISTERs go: host name or IP literal
  std::optional<std::uint16_t> registrar_port;  // default: the transport's (5060 / 5061)
  Transport transport = Transport::udp;
  std::string domain;        // the AoR's host and the Request-URI (s10.2: the registrar's domain)
  std::string username;      // AoR user part and digest username
  std::string password;
  std::uint32_t expires = 3600;  // asked for; the registrar may grant less, or demand more (423)
  std::string contact_user;      // our Contact's user part, unique per binding
  std::string user_agent;
  RetryPolicy retry;
  std::chrono::seconds keepalive{100};  // CRLF ping interval on TCP/TLS (RFC 5626 s4.4.1: 95-120 s); 0: off

  bool operator==(const RegistrationConfig&) const = default;
};

enum class RegistrationState : std::uint8_t { registering, registered, failed };
std::string_view to_string(RegistrationState state) noexcept;  // "registering", "registered", "failed"

struct RegistrationStatus {
  RegistrationState state = RegistrationState::registering;
  std::optional<core::SysMs> expires_at;            // registered: when the granted binding lapses
  std::string last_error;                           // failed: what went wrong, for people
  std::optional<std::chrono::milliseconds> retry_in;  // failed: the next attempt starts after this
};

class RegistrationClient : public std::enable_shared_from_this<RegistrationClient> {
 public:
  using Listener = std::function<void(const RegistrationStatus& status)>;

  static std::shared_ptr<RegistrationClient> create(TransactionLayer& layer, RegistrationConfig config, Listener listener);
  RegistrationClient(const RegistrationClient&) = delete;
  RegistrationClient& operator=(const RegistrationClient&) = delete;

  void start();
  // Stops refreshing; when a binding may exist, un-REGISTERs it first. `done` runs once, at the
  // latest after `deadline`. The listener is not called any more.
  void stop(std::chrono::milliseconds deadline, std::function<void()> done);

  const RegistrationStatus& status() const noexcept { return status_; }

 private:
  enum class Credentials : std::uint8_t { none, cached, fresh };  // what the last REGISTER carried

  RegistrationClient(TransactionLayer& layer, RegistrationConfig config, Listener listener);
  void attempt();  // a new cycle: resolve, then REGISTER
  void send_register(std::uint32_t expires);
  void on_response(const Inbound& response);
  void on_registered(const Message& ok);
  bool answer_challenge(const Message& response);
  void fail(std::string error, std::optional<std::chrono::seconds> retry_after = std::nullopt);
  void finish_stop();
  void keepalive();
  void report();
  std::uint32_t granted_expires(const Message& ok) const;

  TransactionLayer& layer_;
  RegistrationConfig config_;
  Listener listener_;
  RegistrationStatus status_;
  std::string call_id_;
  std::string from_tag_;
  std::string request_uri_;
  std::string aor_;
  std::uint32_t cseq_ = 0;
  std::uint32_t expires_;  // what we ask for; raised by a 423
  std::optional<Peer> registrar_;  // where the REGISTERs go, once the name resolved
  std::shared_ptr<ClientTransaction> txn_;
  std::optional<auth::Challenge> challenge_;  // the registrar's last challenge, reused with nc + 1
  std::uint32_t nonce_count_ = 0;
  Credentials sent_with_ = Credentials::none;
  int rounds_ = 0;                 // 401/407/423 answered in this cycle (bounded)
  unsigned failures_ = 0;          // consecutive failed cycles
  bool bound_ = false;             // the registrar may hold our binding
  bool stopping_ = false;
  std::function<void()> on_stopped_;
  std::shared_ptr<RegistrationClient> self_;  // while an un-REGISTER is in flight
  Timer next_;       // refresh or retry
  Timer ping_;       // keep-alive
  Timer deadline_;   // stop()
  std::mt19937 random_;
};

}  // namespace parley::sip

#pragma once
// One sip::RegistrationClient per SIP provider with registration enabled (issue 3 item 6). Told
// the wanted set (every registering provider, read from the store by call::Trunks), it starts the
// new ones, un-REGISTERs the removed ones, and restarts a changed one only after its old binding
// is removed (both use the same Contact, so the old un-REGISTER must not land after the new
// REGISTER). Every status change goes to the sink; a removal reports nullopt ("disabled").
// Each binding's Contact user is published in TrunkBindings for inbound routing.
//
// Threads: everything runs on the SIP engine's io_context.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "call/trunk_bindings.hpp"
#include "sip/registration/registration_client.hpp"

namespace parley::call {

class TrunkRegistrations {
 public:
  using Sink = std::function<void(const std::string& provider_id, const std::optional<sip::RegistrationStatus>& status)>;

  TrunkRegistrations(sip::TransactionLayer& layer, TrunkBindings& bindings, Sink sink);
  ~TrunkRegistrations();
  TrunkRegistrations(const TrunkRegistrations&) = delete;
  TrunkRegistrations& operator=(const TrunkRegistrations&) = delete;

  // The providers that should be registered now, by id (a config whose contact_user is set).
  void apply(std::map<std::string, sip::RegistrationConfig> wanted);
  // How long a removed or changed binding's un-REGISTER may take (then it is given up).
  static constexpr std::chrono::milliseconds kRetireDeadline{3000};

  // Un-REGISTERs every binding; `done` runs when all are removed (those already being removed
  // included) or their deadlines passed: after at most max(deadline, kRetireDeadline).
  void stop_all(std::chrono::milliseconds deadline, std::function<void()> done);

  // The running client's last status; nullopt when the provider is not registering here.
  std::optional<sip::RegistrationStatus> status_of(const std::string& provider_id) const;
  std::size_t running() const noexcept { return running_.size(); }

 private:
  struct Running {
    sip::RegistrationConfig config;
    std::shared_ptr<sip::RegistrationClient> client;
  };
  void reconcile();  // re-entrant calls (a stop that completes at once) loop instead of nesting
  void reconcile_once();
  void start(const std::string& provider_id, const sip::RegistrationConfig& config);
  void stopped_one();  // a client finished its un-REGISTER while stop_all waits

  sip::TransactionLayer& layer_;
  TrunkBindings& bindings_;
  Sink sink_;
  std::map<std::string, sip::RegistrationConfig> wanted_;
  std::map<std::string, Running> running_;
  std::map<std::string, int> retiring_;  // provider id -> clients still removing their binding
  std::size_t stopping_left_ = 0;        // stop_all: clients yet to finish
  std::function<void()> on_stopped_;
  bool stopped_ = false;
  bool reconciling_ = false;
  bool again_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for callbacks that outlive us
};

}  // namespace parley::call

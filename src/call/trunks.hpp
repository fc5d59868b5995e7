#pragma once
// The SIP trunk machinery around the engine (issue 3 items 6 and 9): keeps one registration per
// provider with registration enabled, traces the SIP messages of providers with debug on, and
// runs "Test Connection" probes for the API.
//
// How it follows the providers table: a thread of its own re-reads every provider when the API
// says one changed (providers_changed(), right after the write commits) and every `poll` anyway,
// then hands the result to the SIP thread, which starts, changes or removes registrations and
// re-resolves the traced trunks' addresses. The API call makes changes take effect at once; the
// poll catches what the API did not see (another node sharing the database, a registrar whose
// DNS moved) and re-asserts the stored registration state if a write was lost or overtaken.
//
//   call::Trunks trunks(store, pool, secrets, options);   // before the API and the inbound handler
//   ... inbound options.bindings = trunks.bindings(); ApiDeps{..., &trunks};
//   trunks.attach(engine);                                 // after engine.start(), before the I/O threads run
//   ...
//   trunks.stop(3s);                                       // at shutdown, while the I/O threads still run
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "call/refresh_thread.hpp"
#include "call/sip_trace_recorder.hpp"
#include "call/trunk_bindings.hpp"
#include "call/trunk_control.hpp"
#include "call/trunk_registrations.hpp"
#include "core/crypto.hpp"
#include "core/serial_queue.hpp"
#include "core/worker_pool.hpp"
#include "sip/ua/engine.hpp"
#include "store/store.hpp"

namespace parley::call {

struct TrunkOptions {
  std::chrono::seconds poll{30};
  sip::RetryPolicy retry;
  std::size_t trace_queue_max = 10000;
  std::string binding_key;  // keys the registration Contact users (binding_contact_user)
  // Each Test Connection holds a worker thread while it waits: at most this many at once, so
  // probes of dead trunks cannot take the whole pool from the API.
  int max_concurrent_tests = 1;
};

class Trunks final : public TrunkControl {
 public:
  Trunks(store::Store& store, core::WorkerPool& pool, const core::SecretBox& secrets, TrunkOptions options);
  ~Trunks() override;
  Trunks(const Trunks&) = delete;
  Trunks& operator=(const Trunks&) = delete;

  void attach(sip::Engine& engine);
  void stop(std::chrono::milliseconds deadline);  // un-REGISTERs every binding, waiting at most `deadline`

  const TrunkBindings* bindings() const noexcept { return &bindings_; }

  void providers_changed() override;
  core::Result<ConnectionTest> test_connection(const store::SipProvider& provider,
                                               std::chrono::milliseconds timeout) override;

 private:
  struct Snapshot;
  void follow();  // one pass of the follower thread
  std::optional<Snapshot> read_providers();
  void apply(const Snapshot& snapshot);  // on the SIP thread
  void trace(const Snapshot& snapshot);  // on the SIP thread
  void on_status(const std::string& provider_id, const std::optional<sip::RegistrationStatus>& status);

  store::Store& store_;
  const core::SecretBox& secrets_;
  TrunkOptions options_;
  TrunkBindings bindings_;
  std::shared_ptr<SipTraceWriter> trace_writer_;
  SipTraceRecorder recorder_;
  std::shared_ptr<core::SerialQueue> status_writes_;
  std::atomic<sip::Engine*> engine_{nullptr};
  std::unique_ptr<TrunkRegistrations> registrations_;  // used on the SIP thread; released by stop()
  std::uint64_t trace_generation_ = 0;                 // SIP thread: newest address resolution wins
  struct Tests;                  // Test Connection probes in flight (shared with their SIP callbacks)
  std::shared_ptr<Tests> tests_;
  std::mutex follower_mu_;  // providers_changed() may come from any thread while stop() runs
  std::unique_ptr<RefreshThread> follower_;
};

}  // namespace parley::call

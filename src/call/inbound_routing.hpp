#pragma once
// Keeps the current RoutingTable (call/routing_table.hpp): rebuilt on a thread of its own when the
// API changes what routing reads (routing_changed(), which returns once the new table is in use,
// so the next call after an API answer sees the change) and when a short poll sees the store's
// routing generation move (another node, or a write this process did not announce). Admissions
// take the table with current(), an atomic load of an immutable snapshot: no lock on the call path.
//
//   call::InboundRouting routing(store, options, std::chrono::seconds(2));
//   routing.start();                     // loads once before calls arrive, then follows
//   auto table = routing.current();      // any thread
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "call/refresh_thread.hpp"
#include "call/routing_control.hpp"
#include "call/routing_table.hpp"
#include "store/store.hpp"

namespace parley::call {

class InboundRouting final : public RoutingControl {
 public:
  InboundRouting(store::Store& store, RoutingOptions options, std::chrono::milliseconds poll);
  ~InboundRouting() override;

  void start();
  void stop();

  std::shared_ptr<const RoutingTable> current() const { return table_.load(std::memory_order_acquire); }
  void routing_changed() override;

 private:
  void refresh();  // loads a new table when the store's routing generation moved

  store::Store& store_;
  RoutingOptions options_;
  std::chrono::milliseconds poll_;
  std::atomic<std::shared_ptr<const RoutingTable>> table_;
  std::mutex loaded_mu_;
  std::condition_variable loaded_;  // a new table is in use
  std::mutex follower_mu_;
  std::unique_ptr<RefreshThread> follower_;
};

}  // namespace parley::call

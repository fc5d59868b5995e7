#pragma once
// Fires scheduled calls (seeds/000 "Scheduled Calls") within a second of their time, also after a
// restart: due work is read from the store on every pass, nothing lives only in memory. Firing is a
// compare-and-set scheduled -> initiating (with its call.initiating event), so a call fires once even
// if several schedulers race; then the dial hook places the call.
#include <chrono>
#include <functional>
#include <thread>

#include "store/store.hpp"

namespace parley::jobs {

class CallScheduler {
 public:
  using DialHook = std::function<void(const store::VoiceSession& fired)>;

  CallScheduler(store::Store& store, DialHook dial, std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  ~CallScheduler();
  void start();
  void stop();

  // One pass: fires every session due by `now_ms`. Returns how many fired.
  std::size_t fire_due(std::int64_t now_ms);

 private:
  store::Store& store_;
  DialHook dial_;
  std::chrono::milliseconds poll_;
  std::jthread thread_;
};

// At start-up, before any listener: sessions a crash left in flight (initiating, ringing,
// in_progress) are closed as failed with end_reason "restart" (DESIGN.md s5), each with its webhook
// event. Scheduled calls are left to the scheduler. Returns how many were closed.
core::Result<std::size_t> reconcile_after_restart(store::Store& store);

}  // namespace parley::jobs

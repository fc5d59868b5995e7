#pragma once
// Deletes SIP traces once they are older than their provider's `trace_retention_hours` (issue 3
// item 9); traces whose provider is gone (or was never known) are kept for the default 72 hours.
// Runs every `interval` on a thread of its own: the deletes are chunked by the store, so a large
// backlog never holds the database's write lock for long.
#include <chrono>
#include <cstdint>
#include <thread>

#include "core/error.hpp"
#include "store/store.hpp"

namespace parley::jobs {

class SipTracePruner {
 public:
  SipTracePruner(store::Store& store, std::chrono::seconds interval) : store_(store), interval_(interval) {}
  ~SipTracePruner() { stop(); }
  SipTracePruner(const SipTracePruner&) = delete;
  SipTracePruner& operator=(const SipTracePruner&) = delete;

  void start();  // the first pass runs one interval after start
  void stop();

  // One pass at `now_ms`: how many traces went.
  core::Result<std::int64_t> prune(std::int64_t now_ms);

 private:
  store::Store& store_;
  std::chrono::seconds interval_;
  std::jthread thread_;
};

}  // namespace parley::jobs

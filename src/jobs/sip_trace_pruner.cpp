#include "jobs/sip_trace_pruner.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "call/trunk_settings.hpp"
#include "core/log.hpp"
#include "core/time.hpp"

namespace parley::jobs {
namespace {
constexpr std::int64_t kHourMs = 3'600'000;
}

void SipTracePruner::start() {
  thread_ = std::jthread([this](std::stop_token st) {
    std::mutex mu;
    std::condition_variable_any cv;
    for (;;) {
      std::unique_lock lock(mu);
      if (cv.wait_for(lock, st, interval_, [] { return false; }) || st.stop_requested()) return;
      lock.unlock();
      if (auto r = prune(core::to_unix_ms(core::now_utc())); !r) {
        spdlog::error("event=sip.trace.prune_failed error={}", core::log_value(r.error().message));
      }
    }
  });
}

void SipTracePruner::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

core::Result<std::int64_t> SipTracePruner::prune(std::int64_t now_ms) {
  std::int64_t removed = 0;
  constexpr int kPage = 500;
  for (int offset = 0;; offset += kPage) {
    auto page = store_.list_sip_providers(kPage, offset);
    if (!page) return std::unexpected(page.error());
    for (const auto& p : page->items) {
      auto trunk = call::read_trunk(p);
      const int hours = trunk ? trunk->trace_retention_hours : call::kDefaultTraceRetentionHours;
      auto n = store_.prune_sip_traces(p.id, now_ms - hours * kHourMs);
      if (!n) return std::unexpected(n.error());
      removed += *n;
    }
    if (static_cast<int>(page->items.size()) < kPage) break;
  }
  auto orphans = store_.prune_orphan_sip_traces(now_ms - call::kDefaultTraceRetentionHours * kHourMs);
  if (!orphans) return std::unexpected(orphans.error());
  removed += *orphans;
  if (removed > 0) spdlog::info("event=sip.trace.pruned messages={}", removed);
  return removed;
}

}  // namespace parley::jobs

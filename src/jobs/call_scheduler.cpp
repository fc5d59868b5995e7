#include "jobs/call_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "call/session_events.hpp"
#include "core/log.hpp"
#include "core/time.hpp"

namespace parley::jobs {

CallScheduler::CallScheduler(store::Store& store, DialHook dial, std::chrono::milliseconds poll)
    : store_(store), dial_(std::move(dial)), poll_(poll) {}

CallScheduler::~CallScheduler() { stop(); }

void CallScheduler::start() {
  thread_ = std::jthread([this](std::stop_token st) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!st.stop_requested()) {
      fire_due(core::to_unix_ms(core::now_utc()));
      std::unique_lock lock(mu);
      cv.wait_for(lock, st, poll_, [] { return false; });
    }
  });
}

void CallScheduler::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::size_t CallScheduler::fire_due(std::int64_t now_ms) {
  auto due = store_.session_ids_in({"scheduled"}, now_ms, 100);
  if (!due) {
    spdlog::error("event=scheduler.query_failed error={}", core::log_value(due.error().message));
    return 0;
  }
  std::size_t fired = 0;
  for (const auto& id : *due) {
    store::SessionTransition t{id, {"scheduled"}, "initiating"};
    t.started_at = now_ms;
    auto session = store_.transition_session(t, call::webhook_event_for());
    if (!session) {
      if (session.error().code != core::Errc::conflict) {  // conflict: canceled or fired elsewhere meanwhile
        spdlog::error("event=scheduler.fire_failed call_id={} error={}", id, core::log_value(session.error().message));
      }
      continue;
    }
    ++fired;
    auto lateness = now_ms - session->scheduled_at.value_or(now_ms);
    spdlog::info("event=scheduler.fired call_id={} late_ms={}", id, lateness);
    if (dial_) dial_(*session);
  }
  return fired;
}

core::Result<std::size_t> reconcile_after_restart(store::Store& store) {
  auto ids = store.session_ids_in({"initiating", "ringing", "in_progress"}, std::nullopt, 100000);
  if (!ids) return std::unexpected(ids.error());
  std::size_t closed = 0;
  auto now = core::to_unix_ms(core::now_utc());
  for (const auto& id : *ids) {
    store::SessionTransition t{id, {"initiating", "ringing", "in_progress"}, "failed"};
    t.ended_at = now;
    t.end_reason = "restart";
    if (auto r = store.transition_session(t, call::webhook_event_for()); r) {
      ++closed;
      spdlog::warn("event=session.reconciled call_id={} status=failed end_reason=restart", id);
    }
  }
  return closed;
}

}  // namespace parley::jobs

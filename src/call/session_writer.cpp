#include "call/session_writer.hpp"

#include <spdlog/spdlog.h>

#include "call/session_events.hpp"
#include "core/log.hpp"

namespace parley::call {

SessionWriter::SessionWriter(store::Store& store, core::WorkerPool& pool, std::string session_id)
    : store_(store), queue_(core::SerialQueue::create(pool, core::SerialQueue::Overload::keep)), session_id_(std::move(session_id)) {}

void SessionWriter::transition(store::SessionTransition t, std::function<void(bool)> done) {
  t.session_id = session_id_;
  std::string what = "transition to " + t.to;
  write([t = std::move(t), done = std::move(done)](store::Store& store) -> core::Status {
    auto r = store.transition_session(t, webhook_event_for());
    bool conflict = !r && r.error().code == core::Errc::conflict;  // ended elsewhere first
    if (done) done(r.has_value());
    if (!r && !conflict) return std::unexpected(r.error());
    return {};
  }, std::move(what));
}

void SessionWriter::write(std::function<core::Status(store::Store&)> job, std::string what) {
  auto& store = store_;
  bool queued = queue_->post([&store, job = std::move(job), what, id = session_id_] {
    if (auto r = job(store); !r) {
      spdlog::error("event=call.write_failed call_id={} write={} error={}", id, core::log_value(what),
                    core::log_value(r.error().message));
    }
  });
  if (!queued) spdlog::error("event=call.write_dropped call_id={} write={} reason=worker_pool_stopped", session_id_,
                             core::log_value(what));
}

}  // namespace parley::call

#include "call/session_writer.hpp"

#include <spdlog/spdlog.h>

#include "call/session_events.hpp"
#include "core/log.hpp"

namespace parley::call {

SessionWriter::SessionWriter(store::Store& store, core::WorkerPool& pool, std::string session_id)
    : store_(store), pool_(pool), session_id_(std::move(session_id)) {}

void SessionWriter::transition(store::SessionTransition t, std::function<void(bool)> done) {
  t.session_id = session_id_;
  std::string what = "transition to " + t.to;
  auto applied = std::make_shared<bool>(false);
  store_.write_async(
      [t = std::move(t), applied](store::Store& store) -> core::Status {
        auto r = store.transition_session(t, webhook_event_for());
        *applied = r.has_value();
        if (!r && r.error().code == core::Errc::conflict) return {};  // ended elsewhere first
        if (!r) return std::unexpected(r.error());
        return {};
      },
      [id = session_id_, what = std::move(what), applied, done = std::move(done), &pool = pool_](const core::Status& s) {
        if (!s) {
          spdlog::error("event=call.write_failed call_id={} write={} error={}", id, core::log_value(what),
                        core::log_value(s.error().message));
        }
        if (!done) return;
        const bool ok = s && *applied;
        // Not shed (a call's state); the pool refuses only once it stops, then the callback runs here.
        if (!pool.submit([done, ok] { done(ok); })) done(ok);
      });
}

void SessionWriter::write(std::function<core::Status(store::Store&)> job, std::string what) {
  store_.write_async(std::move(job), [id = session_id_, what = std::move(what)](const core::Status& s) {
    if (!s) {
      spdlog::error("event=call.write_failed call_id={} write={} error={}", id, core::log_value(what),
                    core::log_value(s.error().message));
    }
  });
}

}  // namespace parley::call

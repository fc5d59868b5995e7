#pragma once
// One call's store writes, in order, off the I/O thread (DESIGN.md s5: every transition is written,
// with its webhook event in the same transaction, before anything is sent out). Writes go through
// a SerialQueue on the worker pool, so "ringing", "in_progress" and "completed" never overtake
// each other. A transition refused as a conflict (the session already ended elsewhere, e.g. by
// POST /voice/end) is expected and not logged as an error.
#include <functional>
#include <memory>
#include <string>

#include "core/serial_queue.hpp"
#include "core/worker_pool.hpp"
#include "store/store.hpp"

namespace parley::call {

class SessionWriter {
 public:
  SessionWriter(store::Store& store, core::WorkerPool& pool, std::string session_id);

  const std::string& session_id() const noexcept { return session_id_; }
  store::Store& store() noexcept { return store_; }

  // Moves the session (compare-and-set on t.from) and queues its webhook event. `done` runs on a
  // worker thread once written: true when applied, false when the session had left t.from.
  void transition(store::SessionTransition t, std::function<void(bool applied)> done = {});
  // Any other write of this call, ordered with the transitions.
  void write(std::function<core::Status(store::Store&)> job, std::string what);

 private:
  store::Store& store_;
  std::shared_ptr<core::SerialQueue> queue_;
  std::string session_id_;
};

}  // namespace parley::call

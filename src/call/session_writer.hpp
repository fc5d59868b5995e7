#pragma once
// One call's store writes, in order, off the I/O thread (DESIGN.md s5: every transition is written,
// with its webhook event in the same transaction, before anything is sent out). Writes go to the
// store's group commit (Store::write_async: one committer, submission order, many calls' writes
// per transaction and fsync), so "ringing", "in_progress" and "completed" never overtake each
// other. A transition refused as a conflict (the session already ended elsewhere, e.g. by
// POST /voice/end) is expected and not logged as an error.
#include <functional>
#include <memory>
#include <string>

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
  // Any other write of this call, ordered with the transitions (it runs inside the group's
  // transaction: keep it to store work).
  void write(std::function<core::Status(store::Store&)> job, std::string what);

 private:
  store::Store& store_;
  core::WorkerPool& pool_;  // where `done` callbacks run, off the committer thread
  std::string session_id_;
};

}  // namespace parley::call

#pragma once
// Stores SIP trace messages without ever blocking the thread that hands them over: push() copies
// into a bounded queue (full: the message is dropped and counted) and one drain job at a time on
// the worker pool redacts credentials (sip::redact_credentials) and appends the queue in batches,
// one transaction each, in arrival order.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "core/worker_pool.hpp"
#include "store/store.hpp"

namespace parley::call {

class SipTraceWriter : public std::enable_shared_from_this<SipTraceWriter> {
 public:
  static std::shared_ptr<SipTraceWriter> create(store::Store& store, core::WorkerPool& pool, std::size_t max_queued);

  void push(store::SipTrace trace);  // any thread; never blocks on the store
  std::uint64_t dropped() const noexcept { return dropped_.load(); }
  std::uint64_t written() const noexcept { return written_.load(); }

 private:
  SipTraceWriter(store::Store& store, core::WorkerPool& pool, std::size_t max_queued)
      : store_(store), pool_(pool), max_queued_(max_queued) {}
  void drain();  // on the pool

  store::Store& store_;
  core::WorkerPool& pool_;
  const std::size_t max_queued_;
  std::mutex mu_;
  std::deque<store::SipTrace> pending_;
  bool draining_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_{0};
};

}  // namespace parley::call

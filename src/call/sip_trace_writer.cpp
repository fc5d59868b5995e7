#include "call/sip_trace_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log.hpp"
#include "sip/message/redact.hpp"

namespace parley::call {
namespace {
constexpr std::size_t kBatch = 500;  // rows per transaction: short write locks, few commits
}

std::shared_ptr<SipTraceWriter> SipTraceWriter::create(store::Store& store, core::WorkerPool& pool, std::size_t max_queued) {
  return std::shared_ptr<SipTraceWriter>(new SipTraceWriter(store, pool, max_queued));
}

void SipTraceWriter::push(store::SipTrace trace) {
  std::lock_guard lock(mu_);
  if (pending_.size() >= max_queued_) {
    const auto n = ++dropped_;
    if (n == 1 || n % 1000 == 0) spdlog::warn("event=sip.trace.dropped total={} queue_max={}", n, max_queued_);
    return;
  }
  pending_.push_back(std::move(trace));
  if (draining_) return;
  draining_ = true;
  // A full pool refuses: the messages wait and the next push tries again.
  if (!pool_.try_submit([self = shared_from_this()] { self->drain(); })) draining_ = false;
}

void SipTraceWriter::drain() {
  for (;;) {
    std::vector<store::SipTrace> batch;
    {
      std::lock_guard lock(mu_);
      if (pending_.empty()) {
        draining_ = false;
        return;
      }
      const std::size_t n = std::min(kBatch, pending_.size());
      batch.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.begin() + n));
      pending_.erase(pending_.begin(), pending_.begin() + n);
    }
    for (auto& t : batch) t.message = sip::redact_credentials(t.message);
    if (auto r = store_.append_sip_traces(batch); !r) {
      spdlog::error("event=sip.trace.write_failed messages={} error={}", batch.size(), core::log_value(r.error().message));
      dropped_ += batch.size();
    } else {
      written_ += batch.size();
    }
  }
}

}  // namespace parley::call

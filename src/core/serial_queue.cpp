#include "core/serial_queue.hpp"

namespace parley::core {

bool SerialQueue::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    if (running_) return true;  // the running drain will pick it up
    running_ = true;
  }
  auto drain_job = [self = shared_from_this()] { self->drain(); };
  if (overload_ == Overload::keep ? pool_.submit(drain_job) : pool_.try_submit(drain_job)) return true;
  std::lock_guard lock(mu_);
  running_ = false;
  jobs_.pop_back();
  return false;
}

void SerialQueue::drain() {
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard lock(mu_);
      if (jobs_.empty()) {
        running_ = false;
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace parley::core

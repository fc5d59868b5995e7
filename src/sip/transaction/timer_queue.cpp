#include "sip/transaction/timer_queue.hpp"

namespace parley::sip {

TimerQueue::TimerQueue(boost::asio::io_context& io) : wakeup_(std::in_place, io) {}

TimerQueue::TimerQueue() = default;

TimerQueue::Clock::time_point TimerQueue::now() const noexcept {
  return wakeup_ ? Clock::now() : manual_now_;
}

TimerQueue::Id TimerQueue::schedule(Clock::duration delay, std::function<void()> callback) {
  const Id id = next_id_++;
  const auto at = now() + delay;
  queue_.emplace(Key{at, id}, std::move(callback));
  index_.emplace(id, at);
  if (wakeup_ && (!armed_for_ || at < *armed_for_)) arm();
  return id;
}

void TimerQueue::cancel(Id id) noexcept {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  queue_.erase(Key{it->second, id});
  index_.erase(it);
}

void TimerQueue::advance(Clock::duration by) {
  const auto until = manual_now_ + by;
  while (!queue_.empty() && queue_.begin()->first.first <= until) {
    manual_now_ = std::max(manual_now_, queue_.begin()->first.first);
    fire_due(manual_now_);
  }
  manual_now_ = until;
}

void TimerQueue::fire_due(Clock::time_point until) {
  while (!queue_.empty() && queue_.begin()->first.first <= until) {
    auto node = queue_.extract(queue_.begin());
    index_.erase(node.key().second);
    node.mapped()();  // may schedule or cancel others
  }
}

void TimerQueue::arm() {
  if (queue_.empty()) {
    armed_for_.reset();
    wakeup_->cancel();
    return;
  }
  armed_for_ = queue_.begin()->first.first;
  wakeup_->expires_at(*armed_for_);
  wakeup_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or destroyed
    armed_for_.reset();
    fire_due(Clock::now());
    if (!armed_for_) arm();
  });
}

void Timer::start(TimerQueue::Clock::duration delay, std::function<void()> callback) {
  cancel();
  id_ = queue_->schedule(delay, [this, cb = std::move(callback)] {
    id_ = 0;
    cb();
  });
}

void Timer::cancel() noexcept {
  if (id_ != 0) queue_->cancel(id_);
  id_ = 0;
}

}  // namespace parley::sip

#pragma once
// One-shot timers for the SIP state machines (RFC 3261 s17 timers A-K, dialog and session
// timers). Real mode runs on an io_context with one asio timer armed at the earliest deadline;
// manual mode (tests) has a clock that only advance() moves, so timer outcomes are exact.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

namespace parley::sip {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;

  explicit TimerQueue(boost::asio::io_context& io);  // real time
  TimerQueue();                                       // manual time
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  Id schedule(Clock::duration delay, std::function<void()> callback);
  void cancel(Id id) noexcept;
  Clock::time_point now() const noexcept;
  // Manual mode: moves the clock forward, firing each due timer at its own deadline, in order.
  void advance(Clock::duration by);
  std::size_t pending() const noexcept { return index_.size(); }

 private:
  using Key = std::pair<Clock::time_point, Id>;
  void fire_due(Clock::time_point until);
  void arm();

  std::optional<boost::asio::steady_timer> wakeup_;
  Clock::time_point manual_now_{};
  std::map<Key, std::function<void()>> queue_;
  std::unordered_map<Id, Clock::time_point> index_;
  Id next_id_ = 1;
  std::optional<Clock::time_point> armed_for_;
};

// A restartable one-shot timer owned by one object; cancelled when destroyed.
class Timer {
 public:
  explicit Timer(TimerQueue& queue) : queue_(&queue) {}
  ~Timer() { cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start(TimerQueue::Clock::duration delay, std::function<void()> callback);
  void cancel() noexcept;
  bool active() const noexcept { return id_ != 0; }

 private:
  TimerQueue* queue_;
  TimerQueue::Id id_ = 0;
};

}  // namespace parley::sip

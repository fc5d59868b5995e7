#pragma once
// What every transaction shares: the sender, the timers, the timer values, and the hook that
// removes a terminated transaction from the layer's tables.
#include <functional>
#include <string>

#include "sip/transaction/timer_config.hpp"
#include "sip/transaction/timer_queue.hpp"
#include "sip/transport/sender.hpp"

namespace parley::sip {

struct TransactionContext {
  Sender& sender;
  TimerQueue& timers;
  TimerConfig config;
  std::function<void(const std::string& key, bool server)> terminated;
};

}  // namespace parley::sip

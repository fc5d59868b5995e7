#pragma once
// RFC 3261 s17.1.1.1 / Table 4 timer values. T1 is the RTT estimate, T2 the maximum
// non-INVITE retransmit interval, T4 the time a message lingers in the network.
#include <chrono>

namespace parley::sip {

struct TimerConfig {
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds t2{4000};
  std::chrono::milliseconds t4{5000};
  std::chrono::milliseconds timer_d{32000};  // >= 32 s on unreliable transports (s17.1.1.2)

  std::chrono::milliseconds timeout() const { return 64 * t1; }  // timers B, F, H, J, L, M
};

}  // namespace parley::sip

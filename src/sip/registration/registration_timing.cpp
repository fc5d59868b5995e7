#include "sip/registration/registration_timing.hpp"

#include <algorithm>

namespace parley::sip {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, unsigned consecutive_failures, double unit_random) {
  using std::chrono::milliseconds;
  const unsigned doublings = std::min(consecutive_failures == 0 ? 0U : consecutive_failures - 1, 30U);
  const auto cap = std::max(policy.max, policy.base);
  milliseconds wait = policy.base;
  for (unsigned i = 0; i < doublings && wait < cap; ++i) wait *= 2;
  wait = std::min(wait, cap);
  const double share = 0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0);
  return milliseconds(static_cast<milliseconds::rep>(static_cast<double>(wait.count()) * share));
}

std::chrono::milliseconds refresh_delay(std::uint32_t granted_seconds) {
  const std::chrono::milliseconds granted = std::chrono::seconds(granted_seconds);
  const std::chrono::milliseconds margin = std::min<std::chrono::milliseconds>(std::chrono::seconds(60), granted / 2);
  return granted - margin;
}

}  // namespace parley::sip

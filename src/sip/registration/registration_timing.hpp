#pragma once
// When a registration refreshes its binding and how long it waits after a failure.
#include <chrono>
#include <cstdint>

namespace parley::sip {

struct RetryPolicy {
  std::chrono::milliseconds base{std::chrono::seconds(30)};  // RFC 5626 s4.5 base-time (all flows failed)
  std::chrono::milliseconds max{std::chrono::seconds(1800)};  // RFC 5626 s4.5 max-time

  bool operator==(const RetryPolicy&) const = default;
};

// RFC 5626 s4.5: wait min(max, base * 2^(failures-1)), then a random 50-100% of that (jitter, so
// many clients that failed together do not retry together). `unit_random` is in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, unsigned consecutive_failures, double unit_random);

// How long after a 2xx granting `granted` seconds the binding is refreshed: 60 s before it
// expires, or at half the granted time when that comes first (RFC 3261 s10.2.1 leaves the choice
// to the UA; the margin covers one lost UDP transaction at T1 = 500 ms).
std::chrono::milliseconds refresh_delay(std::uint32_t granted_seconds);

}  // namespace parley::sip

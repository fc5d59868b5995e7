#include "api/rate_limiter.hpp"

#include <cmath>
#include <functional>

namespace parley::api {

RateDecision RateLimiter::take(std::string_view key, std::string_view route_class, int per_minute, Clock::time_point now) {
  std::string id;
  id.reserve(key.size() + route_class.size() + 1);
  id.append(key).push_back('|');
  id.append(route_class);
  Shard& shard = shards_[std::hash<std::string>{}(id) % kShards];
  const double capacity = per_minute;
  const double per_second = per_minute / 60.0;

  std::lock_guard lock(shard.mu);
  auto [it, inserted] = shard.buckets.try_emplace(std::move(id), Bucket{capacity, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(capacity, b.tokens + std::max(0.0, elapsed) * per_second);
  b.updated = now;

  RateDecision d;
  d.limit = per_minute;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    d.allowed = true;
  } else {
    d.retry_after_s = static_cast<int>(std::ceil((1.0 - b.tokens) / per_second));
  }
  d.remaining = static_cast<int>(std::floor(b.tokens));
  d.reset_s = static_cast<int>(std::ceil((capacity - b.tokens) / per_second));
  return d;
}

}  // namespace parley::api

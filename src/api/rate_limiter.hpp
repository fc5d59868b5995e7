#pragma once
// Per-key token buckets, one per route class (seeds/001 "Rate Limits"). In memory: a single node
// owns its limits (docs/architecture.md, "Scale-out").
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::api {

struct RateDecision {
  bool allowed = false;
  int limit = 0;          // requests per minute
  int remaining = 0;      // whole requests left right now
  int reset_s = 0;        // seconds until the bucket is full again
  int retry_after_s = 0;  // when refused: seconds until one request is allowed
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // Takes one token from bucket (key, route_class) refilled at `per_minute` per minute.
  RateDecision take(std::string_view key, std::string_view route_class, int per_minute, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  Shard shards_[kShards];
};

}  // namespace parley::api

#pragma once
// Makes each (nonce, nc) pair usable once (RFC 7616 s5.12, RFC 2617 s3.2.2): per nonce the
// nonce-count must grow. Bounded: the oldest nonces are forgotten past `capacity` (they are
// also time-limited by NonceIssuer). Not thread-safe: one per I/O thread or behind a lock.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::sip::auth {

class ReplayGuard {
 public:
  explicit ReplayGuard(std::size_t capacity = 4096) : capacity_(capacity) {}

  // True the first time; false when `nc` is not above the last accepted count for `nonce`.
  bool accept(std::string_view nonce, std::uint32_t nc);

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, std::uint32_t> last_nc_;
  std::deque<std::string> order_;
};

}  // namespace parley::sip::auth

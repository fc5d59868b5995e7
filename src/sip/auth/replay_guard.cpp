#include "sip/auth/replay_guard.hpp"

namespace parley::sip::auth {

bool ReplayGuard::accept(std::string_view nonce, std::uint32_t nc) {
  std::string key(nonce);
  if (auto it = last_nc_.find(key); it != last_nc_.end()) {
    if (nc <= it->second) return false;
    it->second = nc;
    return true;
  }
  if (capacity_ == 0) return true;
  if (last_nc_.size() >= capacity_) {
    last_nc_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  last_nc_.emplace(std::move(key), nc);
  return true;
}

}  // namespace parley::sip::auth

#include "call/trunk_bindings.hpp"

#include "core/crypto.hpp"

namespace parley::call {

void TrunkBindings::set(const std::string& contact_user, const std::string& provider_id) {
  std::lock_guard lock(mu_);
  provider_by_contact_[contact_user] = provider_id;
}

void TrunkBindings::erase(const std::string& contact_user) {
  std::lock_guard lock(mu_);
  provider_by_contact_.erase(contact_user);
}

std::optional<std::string> TrunkBindings::provider_for(std::string_view contact_user) const {
  std::lock_guard lock(mu_);
  auto it = provider_by_contact_.find(std::string(contact_user));
  if (it == provider_by_contact_.end()) return std::nullopt;
  return it->second;
}

std::string binding_contact_user(std::string_view key, std::string_view provider_id) {
  // 80 bits of HMAC-SHA256: unguessable, and short enough for any carrier's Contact handling.
  return "pb" + core::to_hex(core::hmac_sha256(key, std::string("sip-binding:").append(provider_id)).substr(0, 10));
}

}  // namespace parley::call

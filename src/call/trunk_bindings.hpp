#pragma once
// The Contacts this node registered with trunks, for inbound routing. A registrar sends the calls
// for an address-of-record to the registered Contact (RFC 3261 s10.3, s16.5), so an INVITE whose
// Request-URI user is one of ours arrived on that trunk's binding, from wherever the carrier's
// edge happens to be. Written by TrunkRegistrations (SIP thread), read by the router (worker pool).
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::call {

class TrunkBindings {
 public:
  void set(const std::string& contact_user, const std::string& provider_id);
  void erase(const std::string& contact_user);
  std::optional<std::string> provider_for(std::string_view contact_user) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> provider_by_contact_;
};

// The Contact user part of a provider's binding: a keyed hash of its id. It stays the same across
// restarts (a REGISTER after a crash replaces the old binding instead of adding a dead one next to
// it) and cannot be derived from the provider id without `key`, so a Request-URI naming it proves
// the INVITE came through the registrar.
std::string binding_contact_user(std::string_view key, std::string_view provider_id);

}  // namespace parley::call

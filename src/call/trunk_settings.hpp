#pragma once
// A SIP provider row (store::SipProvider, whose config JSON the API validated) read into the plain
// values the trunk machinery works with: where the trunk is, how to register, whether to trace.
//
//   auto trunk = call::read_trunk(row);          // host, port, transport, registration, debug, ...
//   auto password = call::registration_password(row, secrets);
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "sip/transport/transport_kind.hpp"
#include "store/records.hpp"

namespace parley::call {

// Where the registration password lives in a provider's sealed credentials (api/routes/sip_providers.cpp).
inline constexpr std::string_view kRegistrationPasswordKey = "registration_password";
// Traces of a provider that states no retention (or no longer exists) are kept this long.
inline constexpr int kDefaultTraceRetentionHours = 72;

struct TrunkRegistration {
  bool enabled = false;
  std::string registrar_host;                   // registration.registrar, else the provider host
  std::optional<std::uint16_t> registrar_port;  // a port in registration.registrar, else the provider port
  std::string domain;                           // the AoR's host: the provider host
  std::string username;
  std::uint32_t expires = 3600;
};

// How calls from this trunk prove where they come from (inbound.auth; api/routes/sip_providers.cpp).
enum class InboundAuth { none, ip, digest, ip_and_digest };

// Where the inbound digest password lives in a provider's sealed credentials.
inline constexpr std::string_view kInboundPasswordKey = "inbound_password";

struct TrunkSettings {
  std::string id;
  std::string host;
  std::uint16_t port = 5060;
  sip::Transport transport = sip::Transport::udp;
  std::vector<std::string> allowed_ips;  // inbound IP allowlist (CIDR), when inbound auth uses it
  InboundAuth inbound_auth = InboundAuth::none;
  std::string inbound_username;  // digest (RFC 3261 s22.4), when inbound auth uses it
  std::string inbound_realm;     // empty: the daemon's default realm
  std::vector<std::string> digest_algorithms;  // offered, preferred first ("SHA-256", "MD5"); empty: both
  bool debug = false;                    // store every SIP message to and from this trunk
  int trace_retention_hours = kDefaultTraceRetentionHours;
  TrunkRegistration registration;
};

// Fails (corrupt) when the stored config is not the object the API writes.
core::Result<TrunkSettings> read_trunk(const store::SipProvider& provider);

// "sip.example.com", "sip.example.com:5080", "192.0.2.1:5060", "[2001:db8::1]:5060", "2001:db8::1".
struct HostAndPort {
  std::string host;
  std::optional<std::uint16_t> port;
};
std::optional<HostAndPort> split_host_port(std::string_view text);

core::Result<std::string> registration_password(const store::SipProvider& provider, const core::SecretBox& secrets);

}  // namespace parley::call

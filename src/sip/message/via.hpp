#pragma once
// One Via header field value (RFC 3261 s20.42, s25.1; rport RFC 3581).
#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/message/params.hpp"

namespace parley::sip {

inline constexpr std::string_view kBranchMagicCookie = "z9hG4bK";  // RFC 3261 s8.1.1.7

struct Via {
  std::string_view protocol_name;     // "SIP"
  std::string_view protocol_version;  // "2.0"
  std::string_view transport;         // "UDP", "TCP", "TLS", "SCTP", "WS", or any token
  std::string_view host;              // "[...]" kept for IPv6
  std::optional<std::uint16_t> port;
  ParamList params;

  std::optional<std::string_view> branch() const noexcept { return params.value("branch"); }
  std::optional<std::string_view> received() const noexcept { return params.value("received"); }
  std::optional<std::string_view> maddr() const noexcept { return params.value("maddr"); }
  std::optional<std::uint8_t> ttl() const noexcept;
  // RFC 3581: has_rport() for the flag or a value; rport() only when a valid port was given.
  bool has_rport() const noexcept { return params.has("rport"); }
  std::optional<std::uint16_t> rport() const noexcept;
  // RFC 3261 s17.2.3: the branch starts with the magic cookie (RFC 3261 transaction matching).
  bool rfc3261_branch() const noexcept;
};

// One comma-separated element. nullopt on a grammar error (missing transport, bad host,
// bad port, empty parameters such as ";;", bad ttl/rport/received values).
std::optional<Via> parse_via(std::string_view text) noexcept;

}  // namespace parley::sip

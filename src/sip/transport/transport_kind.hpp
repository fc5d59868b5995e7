#pragma once
// The SIP transports Parley speaks (RFC 3261 s18; TLS s26.2.1).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace parley::sip {

enum class Transport : std::uint8_t { udp, tcp, tls };

std::string_view to_string(Transport transport) noexcept;  // Via spelling: "UDP", "TCP", "TLS"
std::optional<Transport> parse_transport(std::string_view text) noexcept;  // case-insensitive
inline bool is_stream(Transport transport) noexcept { return transport != Transport::udp; }
// RFC 3261 s19.1.2: 5060 for UDP/TCP, 5061 for TLS.
inline std::uint16_t default_port(Transport transport) noexcept { return transport == Transport::tls ? 5061 : 5060; }

}  // namespace parley::sip

namespace parley::sip {

inline constexpr std::size_t kPathMtu = 1300;  // RFC 3261 s18.1.1 default when the MTU is unknown
// RFC 3261 s18.1.1: a request within 200 bytes of the path MTU must use a congestion-controlled transport.
inline bool exceeds_udp_budget(std::size_t request_size) noexcept { return request_size > kPathMtu - 200; }

}  // namespace parley::sip

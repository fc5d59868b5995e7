#include "sip/transport/transport_kind.hpp"

#include <algorithm>
#include <cctype>

namespace parley::sip {

std::string_view to_string(Transport transport) noexcept {
  switch (transport) {
    case Transport::udp: return "UDP";
    case Transport::tcp: return "TCP";
    case Transport::tls: return "TLS";
  }
  return "UDP";
}

std::optional<Transport> parse_transport(std::string_view text) noexcept {
  auto is = [text](std::string_view name) {
    return std::ranges::equal(text, name, [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  if (is("udp")) return Transport::udp;
  if (is("tcp")) return Transport::tcp;
  if (is("tls")) return Transport::tls;
  return std::nullopt;
}

}  // namespace parley::sip

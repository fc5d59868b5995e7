#include "sip/message/via.hpp"

#include <string>

#include "sip/message/detail/scan.hpp"
#include "sip/message/uri.hpp"

namespace parley::sip {
namespace {

struct Cursor {
  std::string_view s;
  std::size_t pos = 0;

  void skip_ws() noexcept {
    while (pos < s.size() && detail::is_ws(s[pos])) ++pos;
  }
  std::string_view token() noexcept {
    const std::size_t b = pos;
    while (pos < s.size() && detail::is_token_char(s[pos])) ++pos;
    return s.substr(b, pos - b);
  }
  bool eat(char c) noexcept {
    skip_ws();
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      skip_ws();
      return true;
    }
    return false;
  }
};

}  // namespace

std::optional<std::uint8_t> Via::ttl() const noexcept {
  auto v = params.value("ttl");
  if (!v) return std::nullopt;
  auto n = detail::parse_uint(*v, 255);
  if (!n) return std::nullopt;
  return static_cast<std::uint8_t>(*n);
}

std::optional<std::uint16_t> Via::rport() const noexcept {
  auto p = params.find("rport");
  if (!p || !p->has_value) return std::nullopt;
  auto n = detail::parse_uint(p->value, 65535);
  if (!n) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

bool Via::rfc3261_branch() const noexcept {
  auto b = branch();
  return b && b->size() > kBranchMagicCookie.size() && b->starts_with(kBranchMagicCookie);
}

std::optional<Via> parse_via(std::string_view text) noexcept {
  Via via;
  Cursor c{detail::trim(text)};
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH = SWS "/" SWS
  via.protocol_name = c.token();
  if (via.protocol_name.empty() || !c.eat('/')) return std::nullopt;
  via.protocol_version = c.token();
  if (via.protocol_version.empty() || !c.eat('/')) return std::nullopt;
  via.transport = c.token();
  if (via.transport.empty()) return std::nullopt;
  // LWS sent-by
  const std::size_t before_ws = c.pos;
  c.skip_ws();
  if (c.pos == before_ws) return std::nullopt;
  const std::size_t host_begin = c.pos;
  if (c.pos < c.s.size() && c.s[c.pos] == '[') {
    const auto close = c.s.find(']', c.pos);
    if (close == std::string_view::npos) return std::nullopt;
    c.pos = close + 1;
  } else {
    while (c.pos < c.s.size() && (detail::is_alnum(c.s[c.pos]) || c.s[c.pos] == '-' || c.s[c.pos] == '.')) ++c.pos;
  }
  via.host = c.s.substr(host_begin, c.pos - host_begin);
  if (!valid_host(via.host)) return std::nullopt;
  if (c.eat(':')) {  // COLON = SWS ":" SWS
    const std::size_t b = c.pos;
    while (c.pos < c.s.size() && detail::is_digit(c.s[c.pos])) ++c.pos;
    auto port = detail::parse_uint(c.s.substr(b, c.pos - b), 65535);
    if (!port) return std::nullopt;
    via.port = static_cast<std::uint16_t>(*port);
  }
  via.params = ParamList(c.s.substr(c.pos), ';');
  if (!via.params.valid()) return std::nullopt;
  // via-ttl / via-received / rport have fixed grammars (RFC 3261 s25.1, RFC 3581 s4).
  if (via.params.has("ttl") && !via.ttl()) return std::nullopt;
  if (auto p = via.params.find("rport"); p && p->has_value && !via.rport()) return std::nullopt;
  // via-received = IPv4address / IPv6address: no brackets (RFC 3261 s25.1, RFC 5118 s4.5); bracketed accepted too.
  if (auto r = via.received(); r && !valid_host(*r) && !valid_host("[" + std::string(*r) + "]")) return std::nullopt;
  return via;
}

}  // namespace parley::sip

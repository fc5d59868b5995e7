#pragma once
// SIP, SIPS and tel URIs (RFC 3261 s19.1, RFC 3966); any other scheme is kept as an opaque
// absoluteURI (RFC 3261 s25.1). All fields are views into the parsed text; escapes are kept
// as received, use unescape() for the decoded form.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/message/params.hpp"

namespace parley::sip {

enum class UriScheme : std::uint8_t { sip, sips, tel, other };

struct Uri {
  UriScheme scheme = UriScheme::other;
  std::string_view raw;          // the whole URI text
  std::string_view scheme_text;  // as written ("SIP", "soap.beep")
  std::string_view user;         // sip/sips: before '@' (may contain ';' and escapes); tel: the number
  std::string_view password;
  std::string_view host;         // hostname, IPv4 or "[IPv6]" (brackets kept)
  std::optional<std::uint16_t> port;
  ParamList params;              // ";transport=tcp;lr"
  ParamList headers{{}, '&'};    // "?Route=...&Subject=..."
  std::string_view opaque;       // other schemes: everything after "scheme:"

  bool is_sip() const noexcept { return scheme == UriScheme::sip || scheme == UriScheme::sips; }
  bool is_ipv6() const noexcept { return !host.empty() && host.front() == '['; }
  std::optional<std::string_view> param(std::string_view name) const noexcept { return params.value(name); }
};

// Strict parse of one URI with nothing around it (no LWS, no <>). nullopt on any syntax error.
std::optional<Uri> parse_uri(std::string_view text) noexcept;

// Decodes %HH escapes (RFC 3261 s19.1.2); invalid escapes are copied as-is.
std::string unescape(std::string_view text);

// host = hostname / IPv4address / IPv6reference (RFC 3261 s25.1).
bool valid_host(std::string_view host) noexcept;

}  // namespace parley::sip

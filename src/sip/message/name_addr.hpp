#pragma once
// name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route,
// Refer-To, Reply-To (RFC 3261 s20.10, s25.1).
#include <optional>
#include <string>
#include <string_view>

#include "sip/message/params.hpp"
#include "sip/message/uri.hpp"

namespace parley::sip {

struct NameAddr {
  std::string_view display_name;  // without the DQUOTEs when quoted; escapes kept (see unquote())
  bool display_quoted = false;
  bool angle_brackets = false;    // the URI was written inside <...>
  Uri uri;
  ParamList params;               // header parameters after the URI (";tag=...;expires=...")

  std::optional<std::string_view> tag() const noexcept { return params.value("tag"); }
};

// One element (already split at top-level commas). nullopt on a grammar error, e.g. an
// unterminated quote, non-token display name, LWS inside <>, or an addr-spec with '?' or ','.
std::optional<NameAddr> parse_name_addr(std::string_view text) noexcept;

// Contact value: "*" or a name-addr with contact-params (RFC 3261 s20.10).
struct Contact {
  bool star = false;
  NameAddr address;

  std::optional<std::string_view> expires_text() const noexcept { return address.params.value("expires"); }
  std::optional<std::uint32_t> expires() const noexcept;  // nullopt when absent or over 2^32-1
  std::optional<std::string_view> q() const noexcept { return address.params.value("q"); }
};
std::optional<Contact> parse_contact(std::string_view text) noexcept;

// Removes the quoted-pair backslashes of a quoted-string body (RFC 3261 s25.1).
std::string unquote(std::string_view quoted_body);

}  // namespace parley::sip

#include "sip/message/uri.hpp"

#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

using detail::is_alnum;
using detail::is_hex;

// unreserved = alphanum / mark (RFC 3261 s25.1)
constexpr bool is_unreserved(char c) noexcept {
  switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
      return true;
    default:
      return is_alnum(c);
  }
}

// Checks that every char satisfies `ok` or is a valid %HH escape.
template <class Pred>
constexpr bool all_escaped_or(std::string_view s, Pred ok) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!ok(s[i])) {
      return false;
    }
  }
  return true;
}

// user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" (RFC 3261 s25.1)
constexpr bool is_user_char(char c) noexcept {
  switch (c) {
    case '&': case '=': case '+': case '$': case ',': case ';': case '?': case '/':
      return true;
    default:
      return is_unreserved(c);
  }
}

constexpr bool is_password_char(char c) noexcept {
  switch (c) {
    case '&': case '=': case '+': case '$': case ',':
      return true;
    default:
      return is_unreserved(c);
  }
}

bool valid_ipv6(std::string_view s) noexcept {
  if (s.size() < 2 || s.size() > 47) return false;
  int colons = 0;
  for (char c : s) {
    if (c == ':') {
      ++colons;
    } else if (!is_hex(c) && c != '.') {
      return false;
    }
  }
  return colons >= 2 && colons <= 7;
}

bool valid_hostname(std::string_view s) noexcept {
  if (s.empty() || s.size() > 255 || s.front() == '-' || s.front() == '.') return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view s) noexcept {
  auto v = detail::parse_uint(s, 65535);
  if (!v || s.size() > 5) return std::nullopt;
  return static_cast<std::uint16_t>(*v);
}

bool parse_sip(std::string_view rest, Uri& uri) noexcept {
  // userinfo "@": the first '@' (no '@' is allowed unescaped in host, params or headers).
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      uri.password = userinfo.substr(colon + 1);
      userinfo = userinfo.substr(0, colon);
      if (!all_escaped_or(uri.password, is_password_char)) return false;
    }
    if (userinfo.empty() || !all_escaped_or(userinfo, is_user_char)) return false;
    uri.user = userinfo;
  }
  const auto q = rest.find('?');
  if (q != std::string_view::npos) {
    uri.headers = ParamList(rest.substr(q), '&');
    rest = rest.substr(0, q);
    if (!uri.headers.valid()) return false;
  }
  std::size_t host_end = 0;
  if (!rest.empty() && rest.front() == '[') {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos) return false;
    ++host_end;
  } else {
    while (host_end < rest.size() && rest[host_end] != ':' && rest[host_end] != ';') ++host_end;
  }
  uri.host = rest.substr(0, host_end);
  if (!valid_host(uri.host)) return false;
  rest.remove_prefix(host_end);
  if (!rest.empty() && rest.front() == ':') {
    const auto semi = rest.find(';');
    uri.port = parse_port(rest.substr(1, semi == std::string_view::npos ? std::string_view::npos : semi - 1));
    if (!uri.port) return false;
    rest.remove_prefix(semi == std::string_view::npos ? rest.size() : semi);
  }
  uri.params = ParamList(rest, ';');
  return uri.params.valid();
}

// telephone-subscriber (RFC 3966 s3): number, then ";param" list.
bool parse_tel(std::string_view rest, Uri& uri) noexcept {
  const auto semi = rest.find(';');
  uri.user = rest.substr(0, semi);
  if (uri.user.empty()) return false;
  for (char c : uri.user) {
    if (!is_hex(c) && c != '+' && c != '*' && c != '#' && c != '-' && c != '.' && c != '(' && c != ')') {
      return false;
    }
  }
  uri.params = ParamList(semi == std::string_view::npos ? std::string_view{} : rest.substr(semi), ';');
  return uri.params.valid();
}

}  // namespace

bool valid_host(std::string_view host) noexcept {
  if (!host.empty() && host.front() == '[') {
    return host.size() > 2 && host.back() == ']' && valid_ipv6(host.substr(1, host.size() - 2));
  }
  return valid_hostname(host);
}

std::optional<Uri> parse_uri(std::string_view text) noexcept {
  Uri uri;
  uri.raw = text;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3261 s25.1)
  std::size_t i = 0;
  while (i < text.size() && (is_alnum(text[i]) || text[i] == '+' || text[i] == '-' || text[i] == '.')) ++i;
  if (i == 0 || i >= text.size() || text[i] != ':' || !detail::is_alpha(text[0])) return std::nullopt;
  uri.scheme_text = text.substr(0, i);
  const std::string_view rest = text.substr(i + 1);
  if (rest.empty()) return std::nullopt;
  if (detail::iequals(uri.scheme_text, "sip")) {
    uri.scheme = UriScheme::sip;
  } else if (detail::iequals(uri.scheme_text, "sips")) {
    uri.scheme = UriScheme::sips;
  } else if (detail::iequals(uri.scheme_text, "tel")) {
    uri.scheme = UriScheme::tel;
  }
  switch (uri.scheme) {
    case UriScheme::sip:
    case UriScheme::sips:
      if (!parse_sip(rest, uri)) return std::nullopt;
      break;
    case UriScheme::tel:
      if (!parse_tel(rest, uri)) return std::nullopt;
      break;
    case UriScheme::other:
      // absoluteURI: uric characters only; no LWS, quotes or angle brackets.
      for (char c : rest) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"') return std::nullopt;
      }
      uri.opaque = rest;
      break;
  }
  return uri;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) { return detail::is_digit(c) ? c - '0' : detail::ascii_lower(c) - 'a' + 10; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace parley::sip

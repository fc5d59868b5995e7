#pragma once
// Character classes and small scanners shared by the SIP grammar code (RFC 3261 s25.1).
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/text.hpp"

namespace parley::sip::detail {

// LWS inside a header value: folding leaves CRLF followed by WSP in place (RFC 3261 s7.3.1).
constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
using core::ascii_lower;

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") (RFC 3261 s25.1)
constexpr bool is_token_char(char c) noexcept {
  switch (c) {
    case '-': case '.': case '!': case '%': case '*': case '_': case '+': case '`': case '\'': case '~':
      return true;
    default:
      return is_alnum(c);
  }
}

constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

constexpr std::string_view trim_left(std::string_view s) noexcept {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  return s;
}

using core::iequals;

// Decimal digits only, rejecting values above `max` (no wrap-around, RFC 4475 s3.1.2.4).
constexpr std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) noexcept {
  if (s.empty() || s.size() > 40) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// Index just past the closing DQUOTE of the quoted-string starting at s[pos] == '"'
// (quoted-pair "\" any octet but CR/LF, RFC 3261 s25.1), or npos when unterminated.
constexpr std::size_t skip_quoted(std::string_view s, std::size_t pos) noexcept {
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      if (i + 1 >= s.size() || s[i + 1] == '\r' || s[i + 1] == '\n') return std::string_view::npos;
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Position of the first `sep` outside quoted strings and <...>; s.size() when absent;
// npos when a quote or angle bracket is unbalanced.
constexpr std::size_t find_top_level(std::string_view s, char sep, std::size_t from = 0) noexcept {
  bool in_angle = false;
  for (std::size_t i = from; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"' && !in_angle) {
      i = skip_quoted(s, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '<') {
      if (in_angle) return std::string_view::npos;
      in_angle = true;
    } else if (c == '>') {
      if (!in_angle) return std::string_view::npos;
      in_angle = false;
    } else if (c == sep && !in_angle) {
      return i;
    }
  }
  return in_angle ? std::string_view::npos : s.size();
}

}  // namespace parley::sip::detail

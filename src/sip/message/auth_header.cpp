#include "sip/message/auth_header.hpp"

#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

// Marks a grammar error: iteration stops and parse_auth_header() rejects the value.
bool fail(std::size_t& pos) noexcept {
  pos = std::string_view::npos;
  return false;
}

}  // namespace

bool AuthHeader::next(std::size_t& pos, AuthParam& out) const noexcept {
  const std::string_view s = params_;
  auto skip_ws = [&] {
    while (pos < s.size() && detail::is_ws(s[pos])) ++pos;
  };
  skip_ws();
  if (pos > 0 && pos < s.size()) {  // COMMA between auth-params
    if (s[pos] != ',') return fail(pos);
    ++pos;
    skip_ws();
  }
  if (pos >= s.size()) return false;
  const std::size_t name_begin = pos;
  while (pos < s.size() && detail::is_token_char(s[pos])) ++pos;
  out.name = s.substr(name_begin, pos - name_begin);
  skip_ws();
  if (out.name.empty() || pos >= s.size() || s[pos] != '=') return fail(pos);  // EQUAL
  ++pos;
  skip_ws();
  if (pos < s.size() && s[pos] == '"') {
    const std::size_t end = detail::skip_quoted(s, pos);
    if (end == std::string_view::npos) return fail(pos);
    out.value = s.substr(pos + 1, end - pos - 2);
    out.quoted = true;
    pos = end;
  } else {
    const std::size_t b = pos;
    while (pos < s.size() && detail::is_token_char(s[pos])) ++pos;
    out.value = s.substr(b, pos - b);
    out.quoted = false;
    if (out.value.empty()) return fail(pos);
  }
  return true;
}

std::optional<std::string_view> AuthHeader::param(std::string_view name) const noexcept {
  std::size_t pos = 0;
  AuthParam p;
  while (next(pos, p)) {
    if (detail::iequals(p.name, name)) return p.value;
  }
  return std::nullopt;
}

std::optional<AuthHeader> parse_auth_header(std::string_view text) noexcept {
  AuthHeader h;
  const std::string_view s = detail::trim(text);
  std::size_t i = 0;
  while (i < s.size() && detail::is_token_char(s[i])) ++i;
  if (i == 0 || (i < s.size() && !detail::is_ws(s[i]))) return std::nullopt;
  h.scheme_ = s.substr(0, i);
  h.params_ = detail::trim(s.substr(i));
  std::size_t pos = 0;
  AuthParam p;
  while (h.next(pos, p)) {
  }
  if (pos == std::string_view::npos) return std::nullopt;
  return h;
}

}  // namespace parley::sip

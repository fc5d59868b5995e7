#include "sip/message/params.hpp"

#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

// pname / paramchar: token characters plus the URI param-unreserved set "[]/:&+$" (RFC 3261 s25.1).
constexpr bool is_name_char(char c) noexcept {
  switch (c) {
    case '[': case ']': case '/': case ':': case '&': case '$': case '(': case ')':
      return true;
    default:
      return detail::is_token_char(c);
  }
}

// gen-value = token / host / quoted-string; URI values add paramchar ("[]/:&+$" and escapes).
constexpr bool is_value_char(char c) noexcept { return is_name_char(c) || c == '@' || c == '?' || c == '='; }

}  // namespace

bool ParamList::next(std::size_t& pos, Param& out) const noexcept {
  const std::string_view s = raw_;
  auto skip_ws = [&] {
    while (pos < s.size() && detail::is_ws(s[pos])) ++pos;
  };
  skip_ws();
  if (pos >= s.size()) return false;
  if (s[pos] != sep_ && !(sep_ == '&' && s[pos] == '?')) return false;
  ++pos;
  skip_ws();
  const std::size_t name_begin = pos;
  while (pos < s.size() && is_name_char(s[pos]) && !(sep_ == '&' && s[pos] == '&')) ++pos;
  out = Param{s.substr(name_begin, pos - name_begin), {}, false};
  skip_ws();
  if (pos < s.size() && s[pos] == '=') {
    ++pos;
    skip_ws();
    const std::size_t value_begin = pos;
    if (pos < s.size() && s[pos] == '"') {
      const std::size_t end = detail::skip_quoted(s, pos);
      if (end == std::string_view::npos) {
        pos = s.size();
        out.name = {};
        return true;  // reported by valid() through the empty name
      }
      pos = end;
    } else {
      while (pos < s.size() && is_value_char(s[pos]) && s[pos] != sep_) ++pos;
    }
    out.value = s.substr(value_begin, pos - value_begin);
    out.has_value = true;
  }
  return true;
}

bool ParamList::valid() const noexcept {
  std::size_t pos = 0;
  Param p;
  while (next(pos, p)) {
    if (p.name.empty() || (p.has_value && p.value.empty())) return false;
  }
  // next() stops early on a stray character: the whole text must have been consumed.
  while (pos < raw_.size() && detail::is_ws(raw_[pos])) ++pos;
  return pos >= raw_.size();
}

std::size_t ParamList::size() const noexcept {
  std::size_t pos = 0;
  std::size_t n = 0;
  Param p;
  while (next(pos, p)) ++n;
  return n;
}

std::optional<Param> ParamList::find(std::string_view name) const noexcept {
  std::size_t pos = 0;
  Param p;
  while (next(pos, p)) {
    if (detail::iequals(p.name, name)) return p;
  }
  return std::nullopt;
}

std::optional<std::string_view> ParamList::value(std::string_view name) const noexcept {
  auto p = find(name);
  if (!p) return std::nullopt;
  std::string_view v = p->value;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

}  // namespace parley::sip

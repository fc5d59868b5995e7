#include "sip/message/name_addr.hpp"

#include <limits>

#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

// display-name = *(token LWS) / quoted-string (RFC 3261 s25.1)
bool valid_token_display(std::string_view s) noexcept {
  for (char c : s) {
    if (!detail::is_token_char(c) && !detail::is_ws(c)) return false;
  }
  return true;
}

// q = "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ] (RFC 3261 s20.10)
bool valid_q(std::string_view q) noexcept {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return false;
  if (q.size() == 1) return true;
  if (q[1] != '.' || q.size() > 5) return false;
  for (char c : q.substr(2)) {
    if (!detail::is_digit(c) || (q[0] == '1' && c != '0')) return false;
  }
  return true;
}

}  // namespace

std::optional<NameAddr> parse_name_addr(std::string_view text) noexcept {
  NameAddr na;
  std::string_view s = detail::trim(text);
  if (s.empty()) return std::nullopt;
  std::size_t pos = 0;
  if (s.front() == '"') {
    const std::size_t end = detail::skip_quoted(s, 0);
    if (end == std::string_view::npos) return std::nullopt;
    na.display_name = s.substr(1, end - 2);
    na.display_quoted = true;
    pos = end;
    while (pos < s.size() && detail::is_ws(s[pos])) ++pos;
    if (pos >= s.size() || s[pos] != '<') return std::nullopt;
  } else {
    const auto lt = s.find('<');
    const auto semi = s.find(';');
    if (lt != std::string_view::npos && (semi == std::string_view::npos || lt < semi)) {
      const std::string_view display = detail::trim(s.substr(0, lt));
      if (!valid_token_display(display)) return std::nullopt;
      na.display_name = display;
      pos = lt;
    }
  }
  std::string_view uri_text;
  std::string_view rest;
  if (pos < s.size() && s[pos] == '<') {
    const auto gt = s.find('>', pos);
    if (gt == std::string_view::npos) return std::nullopt;
    uri_text = s.substr(pos + 1, gt - pos - 1);  // RAQUOT/LAQUOT: no LWS inside the brackets
    na.angle_brackets = true;
    rest = s.substr(gt + 1);
  } else {
    // addr-spec: header params start at the first ';' (RFC 3261 s20.10); ',' and '?' need <>.
    const auto semi = s.find(';');
    uri_text = detail::trim(s.substr(0, semi));  // SEMI = SWS ";" SWS
    rest = semi == std::string_view::npos ? std::string_view{} : s.substr(semi);
    if (uri_text.find_first_of(",?") != std::string_view::npos) return std::nullopt;
  }
  auto uri = parse_uri(uri_text);
  if (!uri) return std::nullopt;
  na.uri = *uri;
  na.params = ParamList(rest, ';');
  if (!na.params.valid()) return std::nullopt;
  return na;
}

std::optional<std::uint32_t> Contact::expires() const noexcept {
  auto text = expires_text();
  if (!text) return std::nullopt;
  auto v = detail::parse_uint(*text, std::numeric_limits<std::uint32_t>::max());
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::optional<Contact> parse_contact(std::string_view text) noexcept {
  Contact c;
  if (detail::trim(text) == "*") {
    c.star = true;
    return c;
  }
  auto na = parse_name_addr(text);
  if (!na) return std::nullopt;
  c.address = *na;
  // contact-params: q and expires have fixed grammars (RFC 3261 s20.10, s25.1).
  if (auto q = c.q(); q && !valid_q(*q)) return std::nullopt;
  if (c.expires_text() && !c.expires()) return std::nullopt;
  return c;
}

std::string unquote(std::string_view quoted_body) {
  std::string out;
  out.reserve(quoted_body.size());
  for (std::size_t i = 0; i < quoted_body.size(); ++i) {
    if (quoted_body[i] == '\\' && i + 1 < quoted_body.size()) ++i;
    out.push_back(quoted_body[i]);
  }
  return out;
}

}  // namespace parley::sip

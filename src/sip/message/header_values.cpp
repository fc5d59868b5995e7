#include "sip/message/header_values.hpp"

#include <array>
#include <limits>

#include "sip/message/detail/scan.hpp"

namespace parley::sip {
namespace {

// word = 1*(token chars / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
constexpr bool is_word_char(char c) noexcept {
  switch (c) {
    case '(': case ')': case '<': case '>': case ':': case '\\': case '"': case '/': case '[': case ']':
    case '?': case '{': case '}':
      return true;
    default:
      return detail::is_token_char(c);
  }
}

// "token params": a leading token, then generic params.
bool split_token_params(std::string_view text, std::string_view& token, ParamList& params) noexcept {
  const std::string_view s = detail::trim(text);
  std::size_t i = 0;
  while (i < s.size() && detail::is_token_char(s[i])) ++i;
  token = s.substr(0, i);
  params = ParamList(s.substr(i), ';');
  return !token.empty() && params.valid();
}

}  // namespace

std::optional<CSeq> parse_cseq(std::string_view text) noexcept {
  const std::string_view s = detail::trim(text);
  std::size_t i = 0;
  while (i < s.size() && detail::is_digit(s[i])) ++i;
  auto n = detail::parse_uint(s.substr(0, i), kMaxCSeq);
  if (!n || i >= s.size() || !detail::is_ws(s[i])) return std::nullopt;  // 1*DIGIT LWS Method
  const std::string_view method = detail::trim(s.substr(i));
  if (!detail::is_token(method)) return std::nullopt;
  return CSeq{static_cast<std::uint32_t>(*n), method};
}

bool valid_call_id(std::string_view text) noexcept {
  const auto at = text.find('@');
  const std::string_view left = text.substr(0, at);
  const std::string_view right = at == std::string_view::npos ? std::string_view{"x"} : text.substr(at + 1);
  auto word = [](std::string_view w) {
    if (w.empty()) return false;
    for (char c : w) {
      if (!is_word_char(c)) return false;
    }
    return true;
  };
  return word(left) && word(right);
}

std::optional<std::uint8_t> parse_max_forwards(std::string_view text) noexcept {
  auto v = detail::parse_uint(detail::trim(text), 255);
  if (!v) return std::nullopt;
  return static_cast<std::uint8_t>(*v);
}

std::optional<std::uint32_t> parse_delta_seconds(std::string_view text) noexcept {
  auto v = detail::parse_uint(detail::trim(text), std::numeric_limits<std::uint32_t>::max());
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::optional<MediaType> parse_media_type(std::string_view text) noexcept {
  MediaType mt;
  const std::string_view s = detail::trim(text);
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  mt.type = detail::trim(s.substr(0, slash));
  std::string_view sub;
  if (!split_token_params(s.substr(slash + 1), sub, mt.params) || !detail::is_token(mt.type)) return std::nullopt;
  mt.subtype = sub;
  return mt;
}

std::optional<SessionExpires> parse_session_expires(std::string_view text) noexcept {
  SessionExpires se;
  std::string_view delta;
  if (!split_token_params(text, delta, se.params)) return std::nullopt;
  auto v = parse_delta_seconds(delta);
  if (!v) return std::nullopt;
  se.delta = *v;
  if (auto r = se.params.value("refresher")) {
    if (detail::iequals(*r, "uac")) {
      se.refresher = Refresher::uac;
    } else if (detail::iequals(*r, "uas")) {
      se.refresher = Refresher::uas;
    } else {
      return std::nullopt;
    }
  }
  return se;
}

std::optional<Event> parse_event(std::string_view text) noexcept {
  Event ev;
  if (!split_token_params(text, ev.package, ev.params)) return std::nullopt;
  return ev;
}

bool valid_date(std::string_view text) noexcept {
  // rfc1123-date = wkday "," SP date1 SP time SP "GMT": "Sat, 15 Oct 2005 04:44:56 GMT"
  const std::string_view s = detail::trim(text);
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT") {
    return false;
  }
  constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto in = [](const auto& names, std::string_view v) {
    for (auto n : names) {
      if (n == v) return true;
    }
    return false;
  };
  auto digits = [&](std::size_t at, std::size_t n) {
    for (std::size_t i = at; i < at + n; ++i) {
      if (!detail::is_digit(s[i])) return false;
    }
    return true;
  };
  return in(kDays, s.substr(0, 3)) && in(kMonths, s.substr(8, 3)) && digits(5, 2) && digits(12, 4) &&
         digits(17, 2) && digits(20, 2) && digits(23, 2);
}

}  // namespace parley::sip

#include "call/info_dtmf.hpp"

#include <charconv>

#include "core/text.hpp"

namespace parley::call {
namespace {
using core::trim;

// "5", "*", "#", "A"-"D", or the RFC 4733 event codes "10" (*) and "11" (#) some gateways send.
std::optional<char> digit_of(std::string_view v) {
  v = trim(v);
  if (v == "10") return '*';
  if (v == "11") return '#';
  if (v.size() != 1) return std::nullopt;
  char c = v[0];
  if ((c >= '0' && c <= '9') || c == '*' || c == '#') return c;
  if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'D') return c;
  return std::nullopt;
}

}  // namespace

std::optional<media::dtmf::Dtmf> parse_info_dtmf(std::string_view content_type, std::string_view body) {
  auto type = trim(content_type.substr(0, content_type.find(';')));
  if (core::iequals(type, "application/dtmf")) {
    auto d = digit_of(body);
    if (!d) return std::nullopt;
    return media::dtmf::Dtmf{*d, 100};
  }
  if (!core::iequals(type, "application/dtmf-relay")) return std::nullopt;
  std::optional<char> digit;
  int duration = 100;
  while (!body.empty()) {
    auto eol = body.find('\n');
    auto line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (core::iequals(key, "Signal")) {
      digit = digit_of(value);
    } else if (core::iequals(key, "Duration")) {
      int ms = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc{} && end == value.data() + value.size() && ms > 0 && ms <= 60'000) duration = ms;
    }
  }
  if (!digit) return std::nullopt;
  return media::dtmf::Dtmf{*digit, duration};
}

std::string info_dtmf_body(char digit, int duration_ms) {
  return "Signal=" + std::string(1, digit) + "\r\nDuration=" + std::to_string(duration_ms) + "\r\n";
}

}  // namespace parley::call

#include "core/time.hpp"

#include <fmt/format.h>

#include <charconv>

namespace parley::core {
namespace chr = std::chrono;

SysMs now_utc() noexcept { return chr::time_point_cast<chr::milliseconds>(chr::system_clock::now()); }
std::int64_t to_unix_ms(SysMs t) noexcept { return t.time_since_epoch().count(); }
SysMs from_unix_ms(std::int64_t ms) noexcept { return SysMs(chr::milliseconds(ms)); }

std::string format_iso8601(SysMs t) {
  auto days = chr::floor<chr::days>(t);
  chr::year_month_day ymd(days);
  chr::hh_mm_ss hms(chr::floor<chr::seconds>(t - days));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

namespace {

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[pos + i] < '0' || s[pos + i] > '9') return false;
  }
  std::from_chars(s.data() + pos, s.data() + pos + n, out);
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<SysMs> parse_iso8601(std::string_view s) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) || !expect(s, pos, '-') ||
      !digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  chr::year_month_day ymd{chr::year(y), chr::month(static_cast<unsigned>(mo)), chr::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  chr::minutes offset{0};
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!digits(s, pos, 2, sec)) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (pos - start < 3) ms = ms * 10 + (s[pos] - '0');
          ++pos;
        }
        if (pos == start) return std::nullopt;
        for (std::size_t i = pos - start; i < 3; ++i) ms *= 10;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: a leap second
    if (pos < s.size()) {
      char c = s[pos++];
      if (c == 'Z' || c == 'z') {
        // UTC
      } else if (c == '+' || c == '-') {
        int oh = 0, om = 0;
        if (!digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (!digits(s, pos, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset = chr::hours(oh) + chr::minutes(om);
        if (c == '-') offset = -offset;
      } else {
        return std::nullopt;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  auto t = chr::sys_days(ymd) + chr::hours(h) + chr::minutes(mi) + chr::seconds(sec) + chr::milliseconds(ms) - offset;
  return chr::time_point_cast<chr::milliseconds>(t);
}

}  // namespace parley::core

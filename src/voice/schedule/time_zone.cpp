#include "voice/schedule/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace parley::voice {
namespace {

using core::Errc;
using core::fail;

constexpr std::int64_t kDay = 86400;

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int year_of(std::int64_t utc) {
  std::int64_t z = (utc >= 0 ? utc : utc - (kDay - 1)) / kDay + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // A zone abbreviation: letters, or <...> quoted (RFC 8536 allows "+0530" that way).
  bool name() {
    if (eat('<')) {
      while (!done() && peek() != '>') ++i_;
      return eat('>');
    }
    std::size_t start = i_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
    return i_ - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536 extension).
  std::optional<std::int64_t> hms(bool allow_sign = true) {
    int sign = 1;
    if (allow_sign && (peek() == '+' || peek() == '-')) sign = s_[i_++] == '-' ? -1 : 1;
    auto num = [&]() -> std::optional<int> {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) return std::nullopt;
      int v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) v = v * 10 + (s_[i_++] - '0');
      return v;
    };
    auto h = num();
    if (!h || *h > 167) return std::nullopt;
    std::int64_t total = *h * 3600;
    if (eat(':')) {
      auto m = num();
      if (!m || *m > 59) return std::nullopt;
      total += *m * 60;
      if (eat(':')) {
        auto sec = num();
        if (!sec || *sec > 59) return std::nullopt;
        total += *sec;
      }
    }
    return sign * total;
  }
  std::optional<int> integer() {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return std::nullopt;
    int v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) v = v * 10 + (s_[i_++] - '0');
    return v;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

template <class T>
T be(const unsigned char* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((static_cast<std::uint64_t>(v) << 8) | p[i]);
  return v;
}

}  // namespace

std::optional<PosixTz> PosixTz::parse(std::string_view tz) {
  Reader r(tz);
  PosixTz out;
  if (!r.name()) return std::nullopt;
  auto std_off = r.hms();
  if (!std_off) return std::nullopt;
  out.std_offset_ = -*std_off;  // POSIX offsets are west of UTC
  if (r.done()) return out;
  if (!r.name()) return std::nullopt;
  out.dst_offset_ = out.std_offset_ + 3600;
  if (r.peek() != ',' && !r.done()) {
    auto dst = r.hms();
    if (!dst) return std::nullopt;
    out.dst_offset_ = -*dst;
  }
  if (r.done()) {  // no rule given: the POSIX default is US rules (M3.2.0,M11.1.0)
    out.start_ = Rule{'M', 3, 2, 0, 7200};
    out.end_ = Rule{'M', 11, 1, 0, 7200};
    return out;
  }
  auto rule = [&](Rule& rl) -> bool {
    if (!r.eat(',')) return false;
    if (r.eat('M')) {
      auto m = r.integer();
      if (!m || !r.eat('.')) return false;
      auto w = r.integer();
      if (!w || !r.eat('.')) return false;
      auto d = r.integer();
      if (!d || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *d > 6) return false;
      rl = Rule{'M', *m, *w, *d, 7200};
    } else if (r.eat('J')) {
      auto n = r.integer();
      if (!n || *n < 1 || *n > 365) return false;
      rl = Rule{'J', 0, 0, *n, 7200};
    } else {
      auto n = r.integer();
      if (!n || *n > 365) return false;
      rl = Rule{'D', 0, 0, *n, 7200};
    }
    if (r.eat('/')) {
      auto t = r.hms();
      if (!t) return false;
      rl.time = *t;
    }
    return true;
  };
  if (!rule(out.start_) || !rule(out.end_) || !r.done()) return std::nullopt;
  return out;
}

std::int64_t PosixTz::transition_utc(int year, const Rule& r, std::int64_t offset_before) const {
  std::int64_t day = 0;  // days since epoch of the transition's local date
  if (r.kind == 'M') {
    std::int64_t first = days_from_civil(year, r.month, 1);
    int wday_first = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    int delta = (r.day - wday_first + 7) % 7;
    std::int64_t d = first + delta + 7 * (r.week - 1);
    static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int mdays = kMonthDays[r.month - 1] + (r.month == 2 && leap(year) ? 1 : 0);
    while (d >= first + mdays) d -= 7;  // week 5 = the last such weekday
    day = d;
  } else if (r.kind == 'J') {
    int n = r.day;  // 1..365, February 29 never counted
    day = days_from_civil(year, 1, 1) + n - 1 + (leap(year) && n >= 60 ? 1 : 0);
  } else {
    day = days_from_civil(year, 1, 1) + r.day;
  }
  return day * kDay + r.time - offset_before;
}

std::int64_t PosixTz::offset_at(std::int64_t utc) const {
  if (!dst_offset_) return std_offset_;
  int year = year_of(utc + std_offset_);
  std::int64_t start = transition_utc(year, start_, std_offset_);
  std::int64_t end = transition_utc(year, end_, *dst_offset_);
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);  // southern hemisphere
  return dst ? *dst_offset_ : std_offset_;
}

core::Result<TimeZone> TimeZone::parse(std::string_view data) {
  auto bad = [] { return fail(Errc::corrupt, "not a TZif file"); };
  auto header = [&](std::size_t at, std::uint32_t (&counts)[6]) -> bool {
    if (data.size() < at + 44 || data.substr(at, 4) != "TZif") return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data() + at + 20);
    for (int i = 0; i < 6; ++i) counts[i] = be<std::uint32_t>(p + 4 * i);  // isut, isstd, leap, time, type, char
    return true;
  };
  std::uint32_t c[6];
  if (!header(0, c)) return bad();
  char version = data[4];
  auto block_size = [](const std::uint32_t (&n)[6], std::size_t time_size) {
    return n[3] * time_size + n[3] + n[4] * 6 + n[5] + n[2] * (time_size + 4) + n[1] + n[0];
  };
  std::size_t at = 44;
  std::size_t time_size = 4;
  if (version >= '2') {  // skip the 32-bit block: the 64-bit one follows with its own header
    at += block_size(c, 4);
    if (!header(at, c)) return bad();
    at += 44;
    time_size = 8;
  }
  if (data.size() < at + block_size(c, time_size)) return bad();
  TimeZone tz;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data() + at);
  for (std::uint32_t i = 0; i < c[3]; ++i) {
    tz.transitions_.push_back(time_size == 8 ? be<std::int64_t>(p + 8 * i) : be<std::int32_t>(p + 4 * i));
  }
  p += c[3] * time_size;
  for (std::uint32_t i = 0; i < c[3]; ++i) tz.types_.push_back(p[i]);
  p += c[3];
  for (std::uint32_t i = 0; i < c[4]; ++i) tz.offsets_.push_back(be<std::int32_t>(p + 6 * i));
  if (tz.offsets_.empty()) return bad();
  for (auto t : tz.types_) {
    if (t >= tz.offsets_.size()) return bad();
  }
  if (version >= '2') {
    std::size_t footer = at + block_size(c, time_size);
    if (footer < data.size() && data[footer] == '\n') {
      std::size_t end = data.find('\n', footer + 1);
      if (end != std::string_view::npos && end > footer + 1) tz.footer_ = PosixTz::parse(data.substr(footer + 1, end - footer - 1));
    }
  }
  return tz;
}

std::int64_t TimeZone::offset_at(std::int64_t utc) const {
  if (transitions_.empty() || utc >= transitions_.back()) {
    if (footer_) return footer_->offset_at(utc);
    return transitions_.empty() ? offsets_.front() : offsets_[types_.back()];
  }
  if (utc < transitions_.front()) return offsets_.front();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  return offsets_[types_[static_cast<std::size_t>(it - transitions_.begin()) - 1]];
}

core::Result<std::shared_ptr<const TimeZone>> TimeZone::load(std::string_view name) {
  std::string key(name.empty() ? "UTC" : name);
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  bool safe = key.find("..") == std::string::npos && key.front() != '/';
  for (char ch : key) safe = safe && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' || ch == '+');
  if (!safe) return fail(Errc::not_found, "unknown time zone " + key);
  std::ifstream in("/usr/share/zoneinfo/" + key, std::ios::binary);
  if (!in) return fail(Errc::not_found, "unknown time zone " + key);
  std::stringstream ss;
  ss << in.rdbuf();
  auto tz = parse(ss.str());
  if (!tz) return std::unexpected(tz.error());
  auto shared = std::make_shared<const TimeZone>(std::move(*tz));
  std::lock_guard lock(mu);
  cache[key] = shared;
  return shared;
}

}  // namespace parley::voice

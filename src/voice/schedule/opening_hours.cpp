#include "voice/schedule/opening_hours.hpp"

namespace parley::voice {

LocalTime local_time(const TimeZone& tz, core::SysMs utc) {
  std::int64_t s = core::to_unix_ms(utc) / 1000;
  if (core::to_unix_ms(utc) < 0 && core::to_unix_ms(utc) % 1000 != 0) --s;
  std::int64_t local = s + tz.offset_at(s);
  std::int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - day * 86400;
  // 1970-01-01 was a Thursday: Monday-based weekday 3.
  int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7);
  return LocalTime{weekday, static_cast<int>(secs / 60)};
}

bool is_open(const AfterHoursSpec& spec, const TimeZone& tz, core::SysMs utc) {
  LocalTime t = local_time(tz, utc);
  int yesterday = (t.weekday + 6) % 7;
  for (const auto& w : spec.schedule) {
    bool today = (w.days >> t.weekday) & 1U;
    bool prev = (w.days >> yesterday) & 1U;
    if (w.end_min > w.start_min) {
      if (today && t.minute >= w.start_min && t.minute < w.end_min) return true;
    } else {  // past midnight
      if (today && t.minute >= w.start_min) return true;
      if (prev && t.minute < w.end_min) return true;
    }
  }
  return false;
}

}  // namespace parley::voice

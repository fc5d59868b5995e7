#pragma once
// Whether an agent is open at a moment (after_hours.schedule in its time zone). A window whose end
// is not after its start runs past midnight: {"days":["fri"],"start":"22:00","end":"02:00"} covers
// Friday 22:00 to Saturday 02:00. An empty schedule is always closed (the after-hours message).
#include <cstdint>

#include "core/time.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/schedule/time_zone.hpp"

namespace parley::voice {

struct LocalTime {
  int weekday = 0;  // 0 = Monday ... 6 = Sunday
  int minute = 0;   // since local midnight
};

LocalTime local_time(const TimeZone& tz, core::SysMs utc);
bool is_open(const AfterHoursSpec& spec, const TimeZone& tz, core::SysMs utc);

}  // namespace parley::voice

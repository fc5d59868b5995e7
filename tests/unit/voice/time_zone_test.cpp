#include "voice/schedule/time_zone.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "voice/schedule/opening_hours.hpp"

using namespace parley;
using namespace parley::voice;

namespace {

core::SysMs at(const char* iso) {
  auto t = core::parse_iso8601(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return *t;
}

std::int64_t offset(const char* zone, const char* iso) {
  auto tz = TimeZone::load(zone);
  EXPECT_TRUE(tz.has_value()) << zone;
  return (*tz)->offset_at(core::to_unix_ms(at(iso)) / 1000);
}

AfterHoursSpec weekdays_9_to_17(std::string zone) {
  AfterHoursSpec s;
  s.timezone = std::move(zone);
  s.schedule.push_back(ScheduleWindow{0b0011111, 9 * 60, 17 * 60});
  return s;
}

}  // namespace

TEST(PosixTz, ParsesFooterRules) {
  auto ny = PosixTz::parse("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny.has_value());
  // 2030 is past any TZif transition table: only the rule applies. DST 2030-03-10 07:00Z..2030-11-03 06:00Z.
  EXPECT_EQ(ny->offset_at(core::to_unix_ms(at("2030-03-10T06:59:59Z")) / 1000), -5 * 3600);
  EXPECT_EQ(ny->offset_at(core::to_unix_ms(at("2030-03-10T07:00:00Z")) / 1000), -4 * 3600);
  EXPECT_EQ(ny->offset_at(core::to_unix_ms(at("2030-11-03T05:59:59Z")) / 1000), -4 * 3600);
  EXPECT_EQ(ny->offset_at(core::to_unix_ms(at("2030-11-03T06:00:00Z")) / 1000), -5 * 3600);
  auto india = PosixTz::parse("<+0530>-5:30");
  ASSERT_TRUE(india.has_value());
  EXPECT_EQ(india->offset_at(0), 5 * 3600 + 1800);
  auto sydney = PosixTz::parse("AEST-10AEDT,M10.1.0,M4.1.0/3");  // southern hemisphere: DST spans new year
  ASSERT_TRUE(sydney.has_value());
  EXPECT_EQ(sydney->offset_at(core::to_unix_ms(at("2031-01-15T00:00:00Z")) / 1000), 11 * 3600);
  EXPECT_EQ(sydney->offset_at(core::to_unix_ms(at("2031-07-15T00:00:00Z")) / 1000), 10 * 3600);
  EXPECT_FALSE(PosixTz::parse("").has_value());
  EXPECT_FALSE(PosixTz::parse("EST5EDT,M13.1.0,M11.1.0").has_value());
  EXPECT_FALSE(PosixTz::parse("E5").has_value());
}

TEST(TimeZone, SystemZonesAcrossDaylightSavingTime) {
  // America/New_York: EST (-5) until 2026-03-08 07:00Z, then EDT (-4).
  EXPECT_EQ(offset("America/New_York", "2026-03-08T06:59:00Z"), -5 * 3600);
  EXPECT_EQ(offset("America/New_York", "2026-03-08T07:00:00Z"), -4 * 3600);
  // Europe/Berlin: CET -> CEST on 2026-03-29 01:00Z.
  EXPECT_EQ(offset("Europe/Berlin", "2026-03-29T00:59:00Z"), 3600);
  EXPECT_EQ(offset("Europe/Berlin", "2026-03-29T01:00:00Z"), 7200);
  EXPECT_EQ(offset("Asia/Kolkata", "2026-06-01T00:00:00Z"), 19800);
  EXPECT_EQ(offset("UTC", "2026-06-01T00:00:00Z"), 0);
  EXPECT_EQ(offset("Australia/Sydney", "2026-01-10T00:00:00Z"), 11 * 3600);
  // Far future (beyond the transition table): the footer rule.
  EXPECT_EQ(offset("America/New_York", "2100-07-01T12:00:00Z"), -4 * 3600);
  EXPECT_EQ(TimeZone::load("Mars/Olympus_Mons").error().code, core::Errc::not_found);
  EXPECT_EQ(TimeZone::load("../etc/passwd").error().code, core::Errc::not_found);
  EXPECT_EQ(TimeZone::parse("not a tzif file").error().code, core::Errc::corrupt);
}

TEST(OpeningHours, AfterHoursAcrossTheDstChange) {
  auto spec = weekdays_9_to_17("America/New_York");
  auto tz = *TimeZone::load(spec.timezone);
  // Friday 2026-03-06 (EST): 09:00 local = 14:00Z. Monday 2026-03-09 (EDT): 09:00 local = 13:00Z.
  EXPECT_FALSE(is_open(spec, *tz, at("2026-03-06T13:59:00Z")));
  EXPECT_TRUE(is_open(spec, *tz, at("2026-03-06T14:00:00Z")));
  EXPECT_TRUE(is_open(spec, *tz, at("2026-03-09T13:00:00Z")));   // the same UTC hour was closed before the change
  EXPECT_FALSE(is_open(spec, *tz, at("2026-03-09T12:59:00Z")));
  EXPECT_FALSE(is_open(spec, *tz, at("2026-03-09T21:00:00Z")));  // 17:00 EDT
  EXPECT_TRUE(is_open(spec, *tz, at("2026-03-09T20:59:00Z")));
  EXPECT_FALSE(is_open(spec, *tz, at("2026-03-07T15:00:00Z")));  // Saturday
}

TEST(OpeningHours, WindowsPastMidnightAndWeekdays) {
  AfterHoursSpec s;
  s.schedule.push_back(ScheduleWindow{1U << 4, 22 * 60, 2 * 60});  // Friday 22:00 - Saturday 02:00
  auto utc = *TimeZone::load("UTC");
  EXPECT_EQ(local_time(*utc, at("2026-03-06T23:30:00Z")).weekday, 4);  // a Friday
  EXPECT_TRUE(is_open(s, *utc, at("2026-03-06T23:30:00Z")));
  EXPECT_TRUE(is_open(s, *utc, at("2026-03-07T01:59:00Z")));
  EXPECT_FALSE(is_open(s, *utc, at("2026-03-07T02:00:00Z")));
  EXPECT_FALSE(is_open(s, *utc, at("2026-03-06T21:59:00Z")));
  EXPECT_FALSE(is_open(AfterHoursSpec{}, *utc, at("2026-03-06T12:00:00Z")));
}

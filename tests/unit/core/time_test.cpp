#include <gtest/gtest.h>

#include "core/time.hpp"

using namespace parley::core;

TEST(Time, FormatsUtcSeconds) {
  EXPECT_EQ(format_iso8601(from_unix_ms(1772877605123)), "2026-03-07T10:00:05Z");
  EXPECT_EQ(format_iso8601(from_unix_ms(0)), "1970-01-01T00:00:00Z");
}

TEST(Time, ParsesVariants) {
  auto base = from_unix_ms(1772877605000);
  EXPECT_EQ(parse_iso8601("2026-03-07T10:00:05Z"), base);
  EXPECT_EQ(parse_iso8601("2026-03-07T10:00:05.000Z"), base);
  EXPECT_EQ(parse_iso8601("2026-03-07T11:00:05+01:00"), base);
  EXPECT_EQ(parse_iso8601("2026-03-07T05:00:05-0500"), base);
  EXPECT_EQ(parse_iso8601("2026-03-07 10:00:05Z"), base);
  EXPECT_EQ(parse_iso8601("2026-03-07T10:00:05.5Z"), from_unix_ms(1772877605500));
  EXPECT_EQ(parse_iso8601("2026-03-07"), from_unix_ms(1772841600000));
}

TEST(Time, RejectsInvalid) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-03-07T24:00:00Z", "2026-03-07T10:60Z",
                          "2026-03-07T10:00:05X", "2026-03-07T10:00:05Zjunk", "tomorrow", "2026-03-07T",
                          "2026-03-07T10:00:05+25:00", "2026-03-07T10:00:05."}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

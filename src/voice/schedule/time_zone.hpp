#pragma once
// IANA time zones from the system's TZif files (/usr/share/zoneinfo, RFC 8536), because libstdc++ 12
// has no std::chrono::tzdb. The transition table gives the UTC offset up to its last entry; after
// it, the POSIX TZ string in the file's footer (RFC 8536 s3.3, e.g. "EST5EDT,M3.2.0,M11.1.0") gives
// the rule, daylight saving time included.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::voice {

// A POSIX TZ rule: "std offset [dst [offset] [,start[/time],end[/time]]]".
class PosixTz {
 public:
  static std::optional<PosixTz> parse(std::string_view tz);
  // Seconds to add to UTC for local time at `utc` (Unix seconds).
  std::int64_t offset_at(std::int64_t utc) const;

 private:
  struct Rule {
    char kind = 'M';  // 'M' month.week.day, 'J' Julian day 1-365 without Feb 29, 'D' zero-based day 0-365
    int month = 0, week = 0, day = 0;
    std::int64_t time = 7200;  // seconds after local midnight
  };
  std::int64_t transition_utc(int year, const Rule& r, std::int64_t offset_before) const;

  std::int64_t std_offset_ = 0;  // seconds east of UTC
  std::optional<std::int64_t> dst_offset_;
  Rule start_, end_;
};

class TimeZone {
 public:
  // Reads and parses /usr/share/zoneinfo/<name> (cached per process; blocking file read: call it
  // from a worker thread). "UTC" or "" is UTC. not_found for an unknown name, corrupt for a bad file.
  static core::Result<std::shared_ptr<const TimeZone>> load(std::string_view name);
  // Parses TZif data (tests).
  static core::Result<TimeZone> parse(std::string_view tzif);

  std::int64_t offset_at(std::int64_t utc_seconds) const;

 private:
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::uint8_t> types_;        // per transition: index into offsets_
  std::vector<std::int32_t> offsets_;      // utoff of each local time type
  std::optional<PosixTz> footer_;
};

}  // namespace parley::voice

#pragma once
// UTC time points, ISO 8601 text (API times are UTC ISO 8601, docs/architecture.md).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::core {

using SysMs = std::chrono::sys_time<std::chrono::milliseconds>;

SysMs now_utc() noexcept;
std::int64_t to_unix_ms(SysMs t) noexcept;
SysMs from_unix_ms(std::int64_t ms) noexcept;

// "2026-03-07T10:00:05Z" (milliseconds are dropped: the API speaks whole seconds).
std::string format_iso8601(SysMs t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff…]]" with "Z", "+HH:MM", "-HH:MM" or "+HHMM",
// and a space instead of 'T'. A date without an offset is UTC. Validates ranges (month 1-12,
// day within the month, hour 0-23, ...). Returns nullopt on anything else.
std::optional<SysMs> parse_iso8601(std::string_view text);

}  // namespace parley::core

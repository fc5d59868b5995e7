#pragma once
// Structured logs: one line per event, `event=name key=value ...` (docs/architecture.md).
#include <string>
#include <string_view>

namespace parley::core {

// Sets the global spdlog logger: UTC timestamps, level, message; to stderr.
void init_logging(std::string_view level);

// A log field value: bare when it is a simple token, otherwise double-quoted with \" and \\ escaped
// and control characters dropped, so one event is always one parseable line.
std::string log_value(std::string_view v);

}  // namespace parley::core

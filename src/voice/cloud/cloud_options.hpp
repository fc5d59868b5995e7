#pragma once
// Provider options: members of an engine's JSON object beyond provider/model/voice/language/base_url
// (EngineSpec::options_json), read tolerantly: a missing or mistyped member gives the default.
#include <chrono>
#include <string>
#include <string_view>

namespace parley::voice::cloud {

int option_int(std::string_view options_json, std::string_view key, int fallback, int lo, int hi);
bool option_bool(std::string_view options_json, std::string_view key, bool fallback);
std::string option_string(std::string_view options_json, std::string_view key, std::string fallback = {});
// A duration in milliseconds, clamped to 50 ms .. 120 s.
std::chrono::milliseconds option_ms(std::string_view options_json, std::string_view key, int fallback_ms);

}  // namespace parley::voice::cloud

#include "voice/cloud/cloud_options.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace parley::voice::cloud {
namespace json = boost::json;
namespace {

const json::value* find(std::string_view options_json, std::string_view key, json::value& holder) {
  boost::system::error_code ec;
  holder = json::parse(options_json, ec);
  if (ec || !holder.is_object()) return nullptr;
  return holder.get_object().if_contains(key);
}

}  // namespace

int option_int(std::string_view options_json, std::string_view key, int fallback, int lo, int hi) {
  json::value doc;
  auto* v = find(options_json, key, doc);
  if (v == nullptr || !v->is_int64()) return fallback;
  return static_cast<int>(std::clamp<std::int64_t>(v->get_int64(), lo, hi));
}

bool option_bool(std::string_view options_json, std::string_view key, bool fallback) {
  json::value doc;
  auto* v = find(options_json, key, doc);
  return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

std::string option_string(std::string_view options_json, std::string_view key, std::string fallback) {
  json::value doc;
  auto* v = find(options_json, key, doc);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : fallback;
}

std::chrono::milliseconds option_ms(std::string_view options_json, std::string_view key, int fallback_ms) {
  return std::chrono::milliseconds(option_int(options_json, key, fallback_ms, 50, 120000));
}

}  // namespace parley::voice::cloud

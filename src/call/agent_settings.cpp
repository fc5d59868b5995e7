#include "call/agent_settings.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>

namespace parley::call {
namespace json = boost::json;

AgentSettings agent_settings(std::string_view agent_config) {
  AgentSettings s;
  boost::system::error_code ec;
  auto cfg = json::parse(agent_config, ec);
  if (ec || !cfg.is_object()) return s;
  const auto& root = cfg.get_object();
  if (auto* voice = root.if_contains("voice"); voice && voice->is_object()) {
    const auto& v = voice->get_object();
    if (auto* m = v.if_contains("max_duration"); m && m->is_int64() && m->get_int64() > 0) {
      s.max_duration_s = static_cast<int>(m->get_int64());
    }
    if (auto* r = v.if_contains("recording"); r && r->is_bool()) s.recording = r->get_bool();
    if (auto* d = v.if_contains("answer_delay_ms"); d && d->is_int64() && d->get_int64() > 0) {
      s.answer_delay_ms = static_cast<int>(std::min<std::int64_t>(d->get_int64(), 30000));
    }
  }
  if (auto* m = root.if_contains("max_concurrent_calls"); m && m->is_int64() && m->get_int64() > 0) {
    s.max_concurrent_calls = static_cast<int>(m->get_int64());
  }
  if (auto* w = root.if_contains("webhook_url"); w && w->is_string()) s.webhook_url = std::string(w->get_string());
  return s;
}

}  // namespace parley::call

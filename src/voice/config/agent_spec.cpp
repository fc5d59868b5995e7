#include "voice/config/agent_spec.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace parley::voice {
namespace json = boost::json;
namespace {

const json::value* member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

std::string str(const json::object& o, std::string_view key, std::string fallback = {}) {
  const auto* v = member(o, key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : fallback;
}

bool flag(const json::object& o, std::string_view key, bool fallback) {
  const auto* v = member(o, key);
  return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

int integer(const json::object& o, std::string_view key, int fallback, int lo, int hi) {
  auto n = number(o, key);
  if (!n) return fallback;
  return static_cast<int>(std::clamp(*n, static_cast<double>(lo), static_cast<double>(hi)));
}

const json::object* object(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* array(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

EngineSpec engine(const json::object* o, std::string default_provider, std::string key) {
  EngineSpec e;
  e.provider = std::move(default_provider);
  e.api_key = std::move(key);
  if (o == nullptr) return e;
  e.provider = str(*o, "provider", e.provider);
  e.model = str(*o, "model");
  e.voice = str(*o, "voice");
  e.language = str(*o, "language");
  e.base_url = str(*o, "base_url");
  e.fallback = str(*o, "fallback");
  json::object copy = *o;
  copy.erase("api_key");  // a stored secret never travels in options_json
  e.options_json = json::serialize(copy);
  return e;
}

SlotSpec slot(std::string name, const json::value& v) {
  SlotSpec s;
  s.name = std::move(name);
  if (v.is_string()) {
    std::string_view kind = v.get_string();
    s.kind = kind == "number" ? SlotSpec::Kind::number : SlotSpec::Kind::digits;
    if (kind != "number" && kind != "digits") {  // any other string is a pattern
      s.kind = SlotSpec::Kind::pattern;
      s.pattern = std::string(kind);
    }
  } else if (v.is_array()) {
    s.kind = SlotSpec::Kind::choice;
    for (const auto& c : v.get_array()) {
      if (c.is_string() && !c.get_string().empty()) s.choices.emplace_back(c.get_string());
    }
  } else if (v.is_object()) {
    const auto& o = v.get_object();
    std::string type = str(o, "type");
    if (!str(o, "pattern").empty()) {
      s.kind = SlotSpec::Kind::pattern;
      s.pattern = str(o, "pattern");
    } else if (const auto* values = array(o, "values")) {
      s.kind = SlotSpec::Kind::choice;
      for (const auto& c : *values) {
        if (c.is_string() && !c.get_string().empty()) s.choices.emplace_back(c.get_string());
      }
    } else {
      s.kind = type == "number" ? SlotSpec::Kind::number : SlotSpec::Kind::digits;
    }
  }
  return s;
}

IntentAction action(std::string_view a) {
  IntentAction out;
  if (a == "end_call") {
    out.kind = IntentAction::Kind::end_call;
  } else if (a.starts_with("transfer:")) {
    out.kind = IntentAction::Kind::transfer;
    out.target = std::string(a.substr(9));
  } else if (a.starts_with("http:") && (a.substr(5).starts_with("http://") || a.substr(5).starts_with("https://"))) {
    out.kind = IntentAction::Kind::http;
    out.target = std::string(a.substr(5));
  }
  return out;
}

RulesSpec rules(const json::object* o) {
  RulesSpec r;
  if (o == nullptr) return r;
  r.fallback = str(*o, "fallback");
  r.reprompt = str(*o, "reprompt");
  r.goodbye = str(*o, "goodbye");
  if (const auto* intents = array(*o, "intents")) {
    for (const auto& item : *intents) {
      if (!item.is_object()) continue;
      const auto& io = item.get_object();
      IntentSpec in;
      in.name = str(io, "name");
      in.reply = str(io, "reply");
      in.dtmf = str(io, "dtmf");
      in.action = action(str(io, "action", "continue"));
      if (const auto* phrases = array(io, "phrases")) {
        for (const auto& p : *phrases) {
          if (p.is_string() && !p.get_string().empty()) in.phrases.emplace_back(p.get_string());
        }
      }
      if (const auto* slots = object(io, "slots")) {
        for (const auto& kv : *slots) in.slots.push_back(slot(std::string(kv.key()), kv.value()));
      }
      if (in.phrases.empty() && in.dtmf.empty()) continue;  // nothing could ever select it
      r.intents.push_back(std::move(in));
    }
  }
  return r;
}

// "HH:MM" -> minutes since midnight.
std::optional<int> minutes(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(hhmm[i]))) return std::nullopt;
  }
  int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::optional<AfterHoursSpec> after_hours(const json::object* o) {
  if (o == nullptr) return std::nullopt;
  AfterHoursSpec ah;
  ah.timezone = str(*o, "timezone");
  ah.message = str(*o, "message");
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (const auto* schedule = array(*o, "schedule")) {
    for (const auto& item : *schedule) {
      if (!item.is_object()) continue;
      const auto& w = item.get_object();
      ScheduleWindow win;
      if (const auto* days = array(w, "days")) {
        for (const auto& d : *days) {
          if (!d.is_string()) continue;
          auto it = std::find(std::begin(kDays), std::end(kDays), std::string_view(d.get_string()));
          if (it != std::end(kDays)) win.days |= static_cast<std::uint8_t>(1U << (it - std::begin(kDays)));
        }
      }
      auto start = minutes(str(w, "start"));
      auto end = minutes(str(w, "end"));
      if (win.days == 0 || !start || !end) continue;
      win.start_min = *start;
      win.end_min = *end;
      ah.schedule.push_back(win);
    }
  }
  return ah;
}

TurnSpec turn(const json::object* o) {
  TurnSpec t;
  if (o == nullptr) return t;
  t.noise_suppression = integer(*o, "noise_suppression", t.noise_suppression, -1, 3);
  t.vad_aggressiveness = integer(*o, "vad_aggressiveness", t.vad_aggressiveness, 0, 3);
  t.endpoint_silence_ms = integer(*o, "endpoint_silence_ms", t.endpoint_silence_ms, 100, 5000);
  t.early_endpoint_ms = integer(*o, "early_endpoint_ms", t.early_endpoint_ms, 60, 5000);
  t.min_speech_ms = integer(*o, "min_speech_ms", t.min_speech_ms, 20, 2000);
  t.barge_in_ms = integer(*o, "barge_in_ms", t.barge_in_ms, 20, 5000);
  t.silence_timeout_ms = integer(*o, "silence_timeout_ms", t.silence_timeout_ms, 1000, 120000);
  t.dtmf_interdigit_ms = integer(*o, "dtmf_interdigit_ms", t.dtmf_interdigit_ms, 200, 10000);
  return t;
}

}  // namespace

core::Result<AgentSpec> parse_agent_spec(std::string_view config_json, const EngineKeys& keys) {
  boost::system::error_code ec;
  json::value root = json::parse(config_json, ec);
  if (ec || !root.is_object()) return core::fail(core::Errc::invalid_argument, "agent config is not a JSON object");
  const auto& o = root.get_object();

  AgentSpec a;
  a.id = str(o, "id");
  a.name = str(o, "name");
  a.system_prompt = str(o, "system_prompt");
  a.webhook_url = str(o, "webhook_url");
  const json::object* llm = object(o, "llm");
  std::string engine_name = str(o, "engine", llm != nullptr ? "llm" : "rules");
  a.engine = engine_name == "llm" ? AgentSpec::Engine::llm : AgentSpec::Engine::rules;

  static const json::object kEmpty;
  const json::object* voice = object(o, "voice");
  const json::object& v = voice != nullptr ? *voice : kEmpty;
  a.voice.greeting = str(v, "greeting");
  a.voice.tts = engine(object(v, "tts"), "flite", keys.tts);
  a.voice.stt = engine(object(v, "stt"), "pocketsphinx", keys.stt);
  a.voice.max_duration_s = integer(v, "max_duration", 600, 1, 14400);
  a.voice.recording = flag(v, "recording", false);
  a.voice.transcription = flag(v, "transcription", true);
  a.voice.barge_in = flag(v, "barge_in", true);
  a.turn = turn(object(v, "turn"));

  a.after_hours = after_hours(object(o, "after_hours"));
  a.rules = rules(object(o, "rules"));
  static_cast<EngineSpec&>(a.llm) = engine(llm, "openai", keys.llm);
  if (llm != nullptr) {
    a.llm.temperature = number(*llm, "temperature");
    if (auto n = number(*llm, "max_tokens")) a.llm.max_tokens = static_cast<int>(*n);
  }
  return a;
}

}  // namespace parley::voice

// /voice/agents: agent configuration of seeds/000 ("Example Agent Configuration") plus the engine
// (rules or an OpenAI-compatible LLM). Write-only secrets (api_key fields) are sealed at rest and
// shown only as *_set flags.
#include <filesystem>

#include "api/json_io.hpp"
#include "api/secrets.hpp"
#include "api/routes/routes.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;

constexpr std::string_view kTtsProviders[] = {"flite", "espeak", "openai", "elevenlabs", "aero"};
constexpr std::string_view kSttProviders[] = {"pocketsphinx", "deepgram", "openai"};
constexpr std::string_view kTtsFields[] = {"provider", "model", "voice"};
constexpr std::string_view kSttFields[] = {"provider", "model", "language"};
// Cloud engine members beyond the strings above (docs/cloud-engines.md).
constexpr std::string_view kTtsCloudFields[] = {"base_url", "timeout_ms", "idle_timeout_ms", "fallback"};
constexpr std::string_view kSttCloudFields[] = {"base_url",     "timeout_ms",          "endpointing_ms", "utterance_end_ms",
                                                "smart_format", "finalize_timeout_ms", "keepalive_ms",   "fallback",
                                                "narrowband",   "dictation_check"};
constexpr std::string_view kLlmFields[] = {"provider", "model",      "base_url",        "temperature", "max_tokens",
                                           "tools",    "timeout_ms", "idle_timeout_ms", "stream_usage", "fallback"};
constexpr std::string_view kBuiltinTools[] = {"end_call", "transfer_call", "send_dtmf"};
constexpr std::string_view kLlmProviders[] = {"openai", "groq", "ollama", "vllm", "llama_cpp"};

const SecretSlot kSecretSlots[] = {
    {{"llm"}, "api_key", "llm"}, {{"voice", "tts"}, "api_key", "tts"}, {{"voice", "stt"}, "api_key", "stt"}};

core::Status check_url(const Fields& f, std::string_view key, bool required = false, bool websocket_ok = false) {
  auto v = f.string(key, 2000, required);
  if (!v) return std::unexpected(v.error());
  if (!*v) return {};
  const auto& url = v->value();
  bool http = url.starts_with("http://") || url.starts_with("https://");
  bool ws = url.starts_with("ws://") || url.starts_with("wss://");
  if (!http && !(websocket_ok && ws)) {
    return fail(Errc::validation, f.field(key) + (websocket_ok ? " must be an http(s):// or ws(s):// URL" : " must be an http:// or https:// URL"),
                f.field(key));
  }
  return {};
}

// Durations and switches that tune cloud engines; each is optional.
core::Status check_engine_tuning(const Fields& f) {
  for (auto k : {"timeout_ms", "idle_timeout_ms", "finalize_timeout_ms", "keepalive_ms"}) {
    if (auto r = f.integer(k, 50, 120000); !r) return std::unexpected(r.error());
  }
  if (auto r = f.integer("endpointing_ms", 10, 10000); !r) return std::unexpected(r.error());
  if (auto r = f.integer("utterance_end_ms", 1000, 5000); !r) return std::unexpected(r.error());
  for (auto k : {"smart_format", "stream_usage"}) {
    if (auto r = f.boolean(k); !r) return std::unexpected(r.error());
  }
  return {};
}

// llm.tools: "end_call", "send_dtmf", {"name":"transfer_call","targets":[...]}, or an HTTP tool
// {"name","description","parameters","url","headers","timeout_ms"} (docs/cloud-engines.md).
core::Status check_tools(const Fields& lf) {
  auto tools = lf.array("tools", 32);
  if (!tools) return std::unexpected(tools.error());
  if (!*tools) return {};
  for (std::size_t i = 0; i < (*tools)->size(); ++i) {
    std::string path = "llm.tools[" + std::to_string(i) + "]";
    const auto& item = (**tools)[i];
    auto builtin = [](std::string_view n) {
      return std::find(std::begin(kBuiltinTools), std::end(kBuiltinTools), n) != std::end(kBuiltinTools);
    };
    if (item.is_string()) {
      if (item.get_string() == "transfer_call") {
        return fail(Errc::validation, path + ": transfer_call needs {\"name\":\"transfer_call\",\"targets\":[...]}", path);
      }
      if (!builtin(item.get_string())) return fail(Errc::validation, path + " must be end_call, send_dtmf or an object", path);
      continue;
    }
    if (!item.is_object()) return fail(Errc::validation, path + " must be a string or an object", path);
    Fields t(item.get_object(), path);
    auto name = t.string("name", 64, true);
    if (!name) return std::unexpected(name.error());
    const auto& n = **name;
    if (n.empty() || n.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos) {
      return fail(Errc::validation, path + ".name must match ^[a-zA-Z0-9_-]{1,64}$", path + ".name");
    }
    if (n == "transfer_call") {
      if (auto r = t.only({"name", "targets"}); !r) return r;
      auto targets = t.array("targets", 50);
      if (!targets) return std::unexpected(targets.error());
      bool ok = *targets && !(*targets)->empty();
      for (const auto& v : ok ? **targets : json::array{}) {
        ok = ok && v.is_string() && (v.get_string().starts_with("sip:") || v.get_string().starts_with("sips:") ||
                                     v.get_string().starts_with("tel:") || v.get_string().starts_with("+"));
      }
      if (!ok) return fail(Errc::validation, path + ".targets must list sip:, sips:, tel: or +E.164 targets", path + ".targets");
      continue;
    }
    if (builtin(n)) {
      if (auto r = t.only({"name"}); !r) return r;
      continue;
    }
    if (auto r = t.only({"name", "description", "parameters", "url", "headers", "timeout_ms"}); !r) return r;
    if (auto r = check_url(t, "url", true); !r) return r;
    if (auto r = t.string("description", 1000); !r) return std::unexpected(r.error());
    if (auto r = t.integer("timeout_ms", 100, 30000); !r) return std::unexpected(r.error());
    auto params = t.object("parameters");
    if (!params) return std::unexpected(params.error());
    if (*params && (**params).contains("type") && (**params).at("type") != "object") {
      return fail(Errc::validation, path + ".parameters must be a JSON schema of type object", path + ".parameters");
    }
    auto headers = t.object("headers");
    if (!headers) return std::unexpected(headers.error());
    for (const auto& [k, v] : headers->value_or(json::object{})) {
      if (!v.is_string() || k.empty() || k.size() > 100 || v.get_string().size() > 2000) {
        return fail(Errc::validation, path + ".headers must map names to strings", path + ".headers");
      }
    }
  }
  return {};
}

core::Status check_hhmm(const Fields& f, std::string_view key) {
  auto v = f.string(key, 5, true);
  if (!v) return std::unexpected(v.error());
  const auto& s = **v;
  bool ok = s.size() == 5 && s[2] == ':' && std::isdigit(s[0]) && std::isdigit(s[1]) && std::isdigit(s[3]) &&
            std::isdigit(s[4]) && std::stoi(s.substr(0, 2)) < 24 && std::stoi(s.substr(3, 2)) < 60;
  if (!ok) return fail(Errc::validation, f.field(key) + " must be a time HH:MM (24-hour)", f.field(key));
  return {};
}

core::Status check_timezone(const Fields& f, std::string_view key) {
  auto v = f.string(key, 64, true);
  if (!v) return std::unexpected(v.error());
  const auto& tz = **v;
  bool shape = tz.find("..") == std::string::npos && tz.front() != '/';
  for (char c : tz) shape = shape && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+');
  if (!shape || !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + tz)) {
    return fail(Errc::validation, f.field(key) + " must be an IANA time zone such as America/New_York", f.field(key));
  }
  return {};
}

// voice.turn: turn-taking settings, with the ranges voice::parse_agent_spec accepts
// (docs/voice-pipeline.md justifies the defaults).
core::Status check_turn(const Fields& voice) {
  auto turn = voice.object("turn");
  if (!turn) return std::unexpected(turn.error());
  if (!*turn) return {};
  Fields t(**turn, "voice.turn");
  struct Range {
    std::string_view key;
    long long lo, hi;
  };
  static constexpr Range kRanges[] = {{"noise_suppression", -1, 3},      {"vad_aggressiveness", 0, 3},
                                      {"endpoint_silence_ms", 100, 5000}, {"early_endpoint_ms", 60, 5000},
                                      {"min_speech_ms", 20, 2000},        {"barge_in_ms", 20, 5000},
                                      {"silence_timeout_ms", 1000, 120000}, {"dtmf_interdigit_ms", 200, 10000}};
  std::vector<std::string_view> keys;
  for (const auto& r : kRanges) keys.push_back(r.key);
  if (auto r = t.only(keys); !r) return r;
  for (const auto& r : kRanges) {
    if (auto v = t.integer(r.key, r.lo, r.hi); !v) return std::unexpected(v.error());
  }
  return {};
}

core::Status check_after_hours(const json::object& ah) {
  Fields f(ah, "after_hours");
  if (auto r = f.only({"timezone", "schedule", "message"}); !r) return r;
  if (auto r = check_timezone(f, "timezone"); !r) return r;
  if (auto r = f.string("message", 2000); !r) return std::unexpected(r.error());
  auto schedule = f.array("schedule", 50);
  if (!schedule) return std::unexpected(schedule.error());
  if (!*schedule) return fail(Errc::validation, "after_hours.schedule is required", "after_hours.schedule");
  for (std::size_t i = 0; i < (*schedule)->size(); ++i) {
    std::string path = "after_hours.schedule[" + std::to_string(i) + "]";
    const auto& item = (**schedule)[i];
    if (!item.is_object()) return fail(Errc::validation, path + " must be an object", path);
    Fields w(item.get_object(), path);
    if (auto r = w.only({"days", "start", "end"}); !r) return r;
    auto days = w.array("days", 7);
    if (!days) return std::unexpected(days.error());
    if (!*days || (*days)->empty()) return fail(Errc::validation, path + ".days is required", path + ".days");
    for (const auto& d : **days) {
      static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
      bool ok = d.is_string() && std::find(std::begin(kDays), std::end(kDays), d.get_string()) != std::end(kDays);
      if (!ok) return fail(Errc::validation, path + ".days must hold mon, tue, wed, thu, fri, sat or sun", path + ".days");
    }
    if (auto r = check_hhmm(w, "start"); !r) return r;
    if (auto r = check_hhmm(w, "end"); !r) return r;
  }
  return {};
}

core::Status check_rules(const json::object& rules) {
  Fields f(rules, "rules");
  if (auto r = f.only({"intents", "fallback", "reprompt", "goodbye"}); !r) return r;
  for (auto k : {"fallback", "reprompt", "goodbye"}) {
    if (auto r = f.string(k, 2000); !r) return std::unexpected(r.error());
  }
  auto intents = f.array("intents", 200);
  if (!intents) return std::unexpected(intents.error());
  if (!*intents) return {};
  for (std::size_t i = 0; i < (*intents)->size(); ++i) {
    std::string path = "rules.intents[" + std::to_string(i) + "]";
    const auto& item = (**intents)[i];
    if (!item.is_object()) return fail(Errc::validation, path + " must be an object", path);
    Fields in(item.get_object(), path);
    if (auto r = in.only({"name", "phrases", "dtmf", "slots", "reply", "action"}); !r) return r;
    if (auto r = in.string("name", 100, true); !r) return std::unexpected(r.error());
    if (auto r = in.string("reply", 2000); !r) return std::unexpected(r.error());
    auto dtmf = in.string("dtmf", 8);
    if (!dtmf) return std::unexpected(dtmf.error());
    if (*dtmf && (*dtmf)->find_first_not_of("0123456789*#ABCD") != std::string::npos) {
      return fail(Errc::validation, path + ".dtmf must hold only 0-9, *, #, A-D", path + ".dtmf");
    }
    auto phrases = in.array("phrases", 100);
    if (!phrases) return std::unexpected(phrases.error());
    if (*phrases) {
      for (const auto& p : **phrases) {
        if (!p.is_string() || p.get_string().empty() || p.get_string().size() > 200) {
          return fail(Errc::validation, path + ".phrases must be non-empty strings of at most 200 characters",
                      path + ".phrases");
        }
      }
    }
    if (!*phrases && !*dtmf) {
      return fail(Errc::validation, path + " needs phrases or a dtmf digit to match", path + ".phrases");
    }
    auto slots = in.object("slots");
    if (!slots) return std::unexpected(slots.error());
    auto action = in.string("action", 2000);
    if (!action) return std::unexpected(action.error());
    if (*action) {
      const auto& a = **action;
      bool ok = a == "continue" || a == "end_call" ||
                (a.starts_with("transfer:") && (a.substr(9).starts_with("sip:") || a.substr(9).starts_with("sips:") ||
                                                a.substr(9).starts_with("tel:"))) ||
                (a.starts_with("http:") && (a.substr(5).starts_with("http://") || a.substr(5).starts_with("https://")));
      if (!ok) {
        return fail(Errc::validation, path + ".action must be continue, end_call, transfer:<sip-uri> or http:<url>",
                    path + ".action");
      }
    }
  }
  return {};
}

// Validates a full agent representation and fills defaults: returns the stored config object.
Result<json::object> normalize(json::object in) {
  Fields f(in);
  if (auto r = f.only({"name", "system_prompt", "voice", "after_hours", "phone_number_id", "engine", "llm", "rules",
                       "webhook_url", "max_concurrent_calls"});
      !r) {
    return std::unexpected(r.error());
  }
  if (auto r = f.string("name", 200, true); !r) return std::unexpected(r.error());
  if (auto r = f.string("system_prompt", 20000); !r) return std::unexpected(r.error());
  if (auto r = check_url(f, "webhook_url"); !r) return std::unexpected(r.error());
  // Calls in flight (inbound and outbound) beyond which inbound calls take the route's failover.
  if (auto r = f.integer("max_concurrent_calls", 1, 100000); !r) return std::unexpected(r.error());

  json::object voice = in.contains("voice") && in.at("voice").is_object() ? in.at("voice").get_object() : json::object{};
  if (auto v = f.object("voice"); !v) return std::unexpected(v.error());
  Fields vf(voice, "voice");
  if (auto r = vf.only({"greeting", "tts", "stt", "max_duration", "recording", "transcription", "barge_in", "turn",
                        "answer_delay_ms"});
      !r) {
    return std::unexpected(r.error());
  }
  if (auto r = check_turn(vf); !r) return std::unexpected(r.error());
  if (auto r = vf.string("greeting", 2000); !r) return std::unexpected(r.error());
  auto max_duration = vf.integer("max_duration", 1, 14400);
  if (!max_duration) return std::unexpected(max_duration.error());
  if (auto r = vf.integer("answer_delay_ms", 0, 30000); !r) return std::unexpected(r.error());
  for (auto k : {"recording", "transcription", "barge_in"}) {
    if (auto r = vf.boolean(k); !r) return std::unexpected(r.error());
  }
  if (!*max_duration) voice["max_duration"] = 600;
  if (!voice.contains("recording") || voice.at("recording").is_null()) voice["recording"] = false;
  if (!voice.contains("transcription") || voice.at("transcription").is_null()) voice["transcription"] = true;
  if (!voice.contains("barge_in") || voice.at("barge_in").is_null()) voice["barge_in"] = true;

  struct Engine {
    std::string_view key;
    std::span<const std::string_view> providers;
    std::span<const std::string_view> fields;
    std::span<const std::string_view> cloud_fields;
    std::string_view default_provider;
  };
  const Engine engines[] = {{"tts", kTtsProviders, kTtsFields, kTtsCloudFields, "flite"},
                            {"stt", kSttProviders, kSttFields, kSttCloudFields, "pocketsphinx"}};
  for (const Engine& e : engines) {
    auto obj = vf.object(e.key);
    if (!obj) return std::unexpected(obj.error());
    json::object o = obj->value_or(json::object{});
    Fields ef(o, "voice." + std::string(e.key));
    std::vector<std::string_view> known(e.fields.begin(), e.fields.end());
    known.insert(known.end(), e.cloud_fields.begin(), e.cloud_fields.end());
    if (auto r = ef.only(known); !r) return std::unexpected(r.error());
    if (auto r = check_url(ef, "base_url", false, e.key == "stt"); !r) return std::unexpected(r.error());
    if (auto r = check_engine_tuning(ef); !r) return std::unexpected(r.error());
    auto provider = ef.one_of("provider", e.providers);
    if (!provider) return std::unexpected(provider.error());
    // The engine a call switches to when this one fails (voice/engine/fallback.hpp).
    if (auto r = ef.one_of("fallback", e.providers); !r) return std::unexpected(r.error());
    if (e.key == "stt") {
      if (auto r = ef.one_of("narrowband", {"fold", "native8k", "none"}); !r) return std::unexpected(r.error());
      if (auto r = ef.boolean("dictation_check"); !r) return std::unexpected(r.error());
    }
    for (auto k : e.fields) {
      if (auto r = ef.string(k, 200); !r) return std::unexpected(r.error());
    }
    if (!*provider) o["provider"] = e.default_provider;
    voice[e.key] = std::move(o);
  }
  in["voice"] = std::move(voice);

  if (auto ah = f.object("after_hours"); !ah) {
    return std::unexpected(ah.error());
  } else if (*ah) {
    if (auto r = check_after_hours(**ah); !r) return std::unexpected(r.error());
  }

  auto engine = f.one_of("engine", {"rules", "llm"});
  if (!engine) return std::unexpected(engine.error());
  auto llm = f.object("llm");
  if (!llm) return std::unexpected(llm.error());
  auto rules = f.object("rules");
  if (!rules) return std::unexpected(rules.error());
  std::string chosen = engine->value_or(*llm ? "llm" : "rules");
  if (chosen == "llm") {
    if (!*llm) return fail(Errc::validation, "llm is required when engine is llm", "llm");
    Fields lf(**llm, "llm");
    if (auto r = lf.only(kLlmFields); !r) return std::unexpected(r.error());
    if (auto r = check_engine_tuning(lf); !r) return std::unexpected(r.error());
    if (auto r = check_tools(lf); !r) return std::unexpected(r.error());
    auto provider = lf.one_of("provider", kLlmProviders, true);
    if (!provider) return std::unexpected(provider.error());
    std::vector<std::string_view> agent_fallbacks{"rules"};
    agent_fallbacks.insert(agent_fallbacks.end(), std::begin(kLlmProviders), std::end(kLlmProviders));
    if (auto r = lf.one_of("fallback", agent_fallbacks); !r) return std::unexpected(r.error());
    if (auto r = lf.string("model", 200, true); !r) return std::unexpected(r.error());
    bool needs_url = **provider != "openai" && **provider != "groq";
    if (auto r = check_url(lf, "base_url", needs_url); !r) return std::unexpected(r.error());
    if (auto r = lf.integer("max_tokens", 1, 100000); !r) return std::unexpected(r.error());
    if (auto* t = (**llm).if_contains("temperature"); t && !t->is_null()) {
      if (!t->is_number() || t->to_number<double>() < 0 || t->to_number<double>() > 2) {
        return fail(Errc::validation, "llm.temperature must be a number between 0 and 2", "llm.temperature");
      }
    }
  }
  if (*rules) {
    if (auto r = check_rules(**rules); !r) return std::unexpected(r.error());
  }
  in["engine"] = chosen;
  in.erase("name");
  in.erase("phone_number_id");
  return in;
}

json::object to_json(const store::Agent& a, const json::object& secrets) {
  boost::system::error_code ec;
  json::value cfg = json::parse(a.config, ec);
  json::object out;
  out["id"] = a.id;
  out["name"] = a.name;
  if (!ec && cfg.is_object()) {
    for (const auto& kv : cfg.get_object()) out[kv.key()] = kv.value();
  }
  out["phone_number_id"] = opt(a.phone_number_id);
  mark_secrets(out, kSecretSlots, secrets);
  out["created_at"] = iso(a.created_at);
  out["updated_at"] = iso(a.updated_at);
  return out;
}

// Applies secret updates and drops secrets whose engine section is gone.
void apply_secrets(json::object& secrets, const SecretUpdates& updates, const json::object& config) {
  apply_secret_updates(secrets, updates);
  json::object probe = config;
  for (const auto& slot : kSecretSlots) {
    if (!find_object(probe, slot.path)) secrets.erase(slot.sealed_key);
  }
}

Result<std::optional<store::PhoneLink>> phone_link(const json::object& in) {
  Fields f(in);
  if (!f.has("phone_number_id")) return std::optional<store::PhoneLink>{};
  auto id = f.string("phone_number_id", 100);
  if (!id) return std::unexpected(id.error());
  return std::optional<store::PhoneLink>(store::PhoneLink{*id});
}

Result<std::string> agent_id(RequestContext& ctx) {
  const auto& id = ctx.param(0);
  if (!core::is_id_of(id, "agent")) return fail(Errc::not_found, "agent " + id + " not found");
  return id;
}

}  // namespace

void add_agent_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/agents", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto body = parse_object_body(ctx.request);
           if (!body) return std::unexpected(body.error());
           auto secrets_in = take_secrets(*body, kSecretSlots);
           if (!secrets_in) return std::unexpected(secrets_in.error());
           auto link = phone_link(*body);
           if (!link) return std::unexpected(link.error());
           auto name = Fields(*body).string("name", 200, true);
           if (!name) return std::unexpected(name.error());
           auto config = normalize(*body);
           if (!config) return std::unexpected(config.error());
           json::object secrets;
           apply_secrets(secrets, *secrets_in, *config);
           auto now = core::to_unix_ms(core::now_utc());
           store::Agent a{core::new_id("agent"), **name, json::serialize(*config), seal_secrets(deps.secrets, secrets),
                          std::nullopt, now, now};
           auto created = deps.store.create_agent(a, *link);
           if (!created) return std::unexpected(created.error());
           return json_response(201, to_json(*created, secrets));
         }});

  r.add({"GET", "/voice/agents", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto page = page_params(ctx.request);
           if (!page) return std::unexpected(page.error());
           auto list = deps.store.list_agents(page->limit, page->offset);
           if (!list) return std::unexpected(list.error());
           json::array items;
           for (const auto& a : list->items) {
             auto secrets = open_secrets(deps.secrets, a.secrets);
             if (!secrets) return std::unexpected(secrets.error());
             items.push_back(to_json(a, *secrets));
           }
           return json_response(200, json::object{{"agents", std::move(items)}, {"total", list->total},
                                                   {"limit", page->limit}, {"offset", page->offset}});
         }});

  r.add({"GET", "/voice/agents/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = agent_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto a = deps.store.get_agent(*id);
           if (!a) return std::unexpected(a.error());
           auto secrets = open_secrets(deps.secrets, a->secrets);
           if (!secrets) return std::unexpected(secrets.error());
           return json_response(200, to_json(*a, *secrets));
         }});

  r.add({"PATCH", "/voice/agents/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = agent_id(ctx);
           if (!id) return std::unexpected(id.error());
           auto patch = parse_object_body(ctx.request);
           if (!patch) return std::unexpected(patch.error());
           auto current = deps.store.get_agent(*id);
           if (!current) return std::unexpected(current.error());
           auto secrets_in = take_secrets(*patch, kSecretSlots);
           if (!secrets_in) return std::unexpected(secrets_in.error());
           auto link = phone_link(*patch);
           if (!link) return std::unexpected(link.error());
           patch->erase("phone_number_id");
           if (patch->contains("name") && (*patch)["name"].is_null()) {
             return fail(Errc::validation, "name cannot be removed", "name");
           }

           boost::system::error_code ec;
           json::value stored = json::parse(current->config, ec);
           if (ec || !stored.is_object()) return fail(Errc::corrupt, "stored agent config is not a JSON object");
           json::object merged = std::move(stored.get_object());
           merged["name"] = current->name;
           merge_patch(merged, *patch);
           std::string name = merged.contains("name") && merged["name"].is_string()
                                  ? std::string(merged["name"].get_string()) : std::string();
           auto config = normalize(std::move(merged));
           if (!config) return std::unexpected(config.error());

           auto secrets = open_secrets(deps.secrets, current->secrets);
           if (!secrets) return std::unexpected(secrets.error());
           apply_secrets(*secrets, *secrets_in, *config);
           store::Agent a = *current;
           a.name = name;
           a.config = json::serialize(*config);
           a.secrets = seal_secrets(deps.secrets, *secrets);
           a.updated_at = core::to_unix_ms(core::now_utc());
           auto updated = deps.store.update_agent(a, *link);
           if (!updated) return std::unexpected(updated.error());
           return json_response(200, to_json(*updated, *secrets));
         }});

  r.add({"DELETE", "/voice/agents/{id}", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto id = agent_id(ctx);
           if (!id) return std::unexpected(id.error());
           if (auto rr = deps.store.delete_agent(*id); !rr) return std::unexpected(rr.error());
           return json_response(200, json::object{{"id", *id}, {"deleted", true}});
         }});
}

}  // namespace parley::api

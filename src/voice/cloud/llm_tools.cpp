#include "voice/cloud/llm_tools.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace parley::voice::cloud {
namespace json = boost::json;
namespace {

bool valid_name(std::string_view n) {
  // OpenAI's function name rule: ^[a-zA-Z0-9_-]{1,64}$
  return !n.empty() && n.size() <= 64 && std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<LlmTool> builtin(std::string_view name, const json::object* options) {
  LlmTool t;
  t.name = std::string(name);
  if (name == "end_call") {
    t.kind = LlmTool::Kind::end_call;
  } else if (name == "send_dtmf") {
    t.kind = LlmTool::Kind::send_dtmf;
  } else if (name == "transfer_call") {
    t.kind = LlmTool::Kind::transfer_call;
    auto* targets = options ? options->if_contains("targets") : nullptr;
    if (targets && targets->is_array()) {
      for (const auto& v : targets->get_array()) {
        if (v.is_string() && !v.get_string().empty()) t.targets.emplace_back(v.get_string());
      }
    }
    if (t.targets.empty()) return std::nullopt;  // an open transfer would let the model dial anywhere
  } else {
    return std::nullopt;
  }
  return t;
}

json::object schema(std::string_view prop, json::object property, bool required) {
  json::object s{{"type", "object"}, {"properties", json::object{{prop, std::move(property)}}}};
  s["required"] = required ? json::array{prop} : json::array{};
  return s;
}

}  // namespace

std::vector<LlmTool> parse_llm_tools(std::string_view llm_options_json) {
  boost::system::error_code ec;
  auto doc = json::parse(llm_options_json, ec);
  const json::value* list = !ec && doc.is_object() ? doc.get_object().if_contains("tools") : nullptr;
  if (list == nullptr || !list->is_array()) return {*builtin("end_call", nullptr)};
  std::vector<LlmTool> out;
  for (const auto& item : list->get_array()) {
    std::optional<LlmTool> tool;
    if (item.is_string()) {
      tool = builtin(item.get_string(), nullptr);
    } else if (item.is_object()) {
      const auto& o = item.get_object();
      auto name = str(o, "name");
      if (!valid_name(name)) continue;
      auto url = str(o, "url");
      if (url.empty()) {
        tool = builtin(name, &o);
      } else if (url.starts_with("http://") || url.starts_with("https://")) {
        LlmTool t;
        t.name = name;
        t.url = url;
        t.description = str(o, "description");
        auto* params = o.if_contains("parameters");
        t.parameters_json = params && params->is_object() ? json::serialize(*params)
                                                          : R"({"type":"object","properties":{}})";
        if (auto* h = o.if_contains("headers"); h && h->is_object()) {
          for (const auto& [k, v] : h->get_object()) {
            if (v.is_string()) t.headers.emplace_back(std::string(k), std::string(v.get_string()));
          }
        }
        if (auto* ms = o.if_contains("timeout_ms"); ms && ms->is_int64()) {
          t.timeout = std::chrono::milliseconds(std::clamp<std::int64_t>(ms->get_int64(), 100, 30000));
        }
        tool = std::move(t);
      }
    }
    if (tool && !find_tool(out, tool->name)) out.push_back(std::move(*tool));
  }
  return out;
}

json::array tool_definitions(const std::vector<LlmTool>& tools) {
  json::array out;
  for (const auto& t : tools) {
    json::object fn{{"name", t.name}};
    switch (t.kind) {
      case LlmTool::Kind::end_call:
        fn["description"] = "Hang up the phone call. Say goodbye to the caller first, then call this.";
        fn["parameters"] = schema("reason", {{"type", "string"}, {"description", "why the call ends"}}, false);
        break;
      case LlmTool::Kind::transfer_call: {
        json::array targets;
        for (const auto& target : t.targets) targets.emplace_back(target);
        fn["description"] = "Transfer the caller to another line. Tell the caller first.";
        fn["parameters"] = schema("target", {{"type", "string"}, {"enum", std::move(targets)}}, true);
        break;
      }
      case LlmTool::Kind::send_dtmf:
        fn["description"] = "Press phone keys (DTMF tones) on the call, e.g. to answer a phone menu.";
        fn["parameters"] = schema("digits", {{"type", "string"}, {"pattern", "^[0-9*#A-D]{1,32}$"}}, true);
        break;
      case LlmTool::Kind::http:
        if (!t.description.empty()) fn["description"] = t.description;
        fn["parameters"] = json::parse(t.parameters_json);
        break;
    }
    out.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
  }
  return out;
}

const LlmTool* find_tool(const std::vector<LlmTool>& tools, std::string_view name) {
  auto it = std::find_if(tools.begin(), tools.end(), [&](const LlmTool& t) { return t.name == name; });
  return it == tools.end() ? nullptr : &*it;
}

}  // namespace parley::voice::cloud

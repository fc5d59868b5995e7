#include "voice/text/template.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace parley::voice::text {
namespace json = boost::json;

struct TemplateVars::Context {
  json::object object;
};

TemplateVars::TemplateVars(std::string_view context_json) {
  auto ctx = std::make_shared<Context>();
  boost::system::error_code ec;
  json::value v = json::parse(context_json, ec);
  if (!ec && v.is_object()) ctx->object = std::move(v.get_object());
  context_ = std::move(ctx);
}

TemplateVars::~TemplateVars() = default;
TemplateVars::TemplateVars(const TemplateVars&) = default;
TemplateVars& TemplateVars::operator=(const TemplateVars&) = default;

std::string TemplateVars::lookup(std::string_view name) const {
  if (auto it = slots_.find(name); it != slots_.end()) return it->second;
  const json::value* cur = nullptr;
  const json::object* obj = &context_->object;
  std::string_view rest = name;
  while (obj != nullptr) {
    auto dot = rest.find('.');
    cur = obj->if_contains(rest.substr(0, dot));
    if (cur == nullptr || dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
    obj = cur->is_object() ? &cur->get_object() : nullptr;
    if (obj == nullptr) cur = nullptr;
  }
  if (cur == nullptr || cur->is_null() || cur->is_object() || cur->is_array()) return {};
  if (cur->is_string()) return std::string(cur->get_string());
  return json::serialize(*cur);
}

std::string TemplateVars::context_json() const { return json::serialize(context_->object); }

namespace {

// After an empty substitution: one space between words, none before punctuation, none at the ends.
std::string tidy(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool punct = c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    if (punct && !out.empty() && out.back() == ' ') out.pop_back();
    if (punct && (out.empty() || out.back() == ',')) continue;  // "Hi , there" -> "Hi there" at the start
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string render(std::string_view tmpl, const TemplateVars& vars) {
  std::string out;
  out.reserve(tmpl.size());
  bool emptied = false;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    std::size_t open = tmpl.find("{{", i);
    std::size_t close = open == std::string_view::npos ? open : tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    std::string_view name = tmpl.substr(open + 2, close - open - 2);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
    std::string value = vars.lookup(name);
    emptied = emptied || value.empty();
    out += value;
    i = close + 2;
  }
  return emptied ? tidy(out) : out;
}

}  // namespace parley::voice::text

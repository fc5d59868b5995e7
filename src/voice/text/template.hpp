#pragma once
// Reply, greeting and prompt templates: "Hi {{customer_name}}, your order {{order_number}} ...".
// A name is looked up in the captured slots first, then in the call's context object (dotted paths
// reach nested members: {{customer.first_name}}). Numbers and booleans print as JSON does; a missing
// name, null, an object or an array prints nothing, and the space it leaves is collapsed.
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace parley::voice::text {

class TemplateVars {
 public:
  // `context_json`: the call's context object; anything else (empty, invalid, not an object) is {}.
  explicit TemplateVars(std::string_view context_json);
  ~TemplateVars();
  TemplateVars(const TemplateVars&);
  TemplateVars& operator=(const TemplateVars&);

  void set_slot(std::string name, std::string value) { slots_[std::move(name)] = std::move(value); }
  const std::map<std::string, std::string, std::less<>>& slots() const { return slots_; }
  std::string lookup(std::string_view name) const;
  std::string context_json() const;  // the context as compact JSON ("{}" when none)

 private:
  struct Context;
  std::shared_ptr<const Context> context_;
  std::map<std::string, std::string, std::less<>> slots_;
};

std::string render(std::string_view tmpl, const TemplateVars& vars);

}  // namespace parley::voice::text

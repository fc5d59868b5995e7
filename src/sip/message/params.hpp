#pragma once
// A lazily scanned list of parameters: ";name=value;flag" (RFC 3261 s25.1 generic-param,
// uri-parameter) or "?h=v&h2=v2" (URI headers). Views into the message buffer; LWS around
// separators and "=" is skipped (header params may be folded). Values keep their quotes.
#include <cstddef>
#include <optional>
#include <string_view>

namespace parley::sip {

struct Param {
  std::string_view name;
  std::string_view value;  // empty for a flag; quoted values include the DQUOTEs
  bool has_value = false;
};

class ParamList {
 public:
  ParamList() = default;
  // `raw` starts at the first separator (or is empty); `separator` is ';' or '&' ('?' may lead).
  explicit ParamList(std::string_view raw, char separator = ';') noexcept : raw_(raw), sep_(separator) {}

  std::string_view raw() const noexcept { return raw_; }
  bool empty() const noexcept { return raw_.empty(); }

  // Grammar check: every parameter has a token-ish name and a well-formed value (no ";;").
  bool valid() const noexcept;
  std::size_t size() const noexcept;

  // Case-insensitive lookup (RFC 3261 s7.3.1: parameter names are case-insensitive).
  std::optional<Param> find(std::string_view name) const noexcept;
  bool has(std::string_view name) const noexcept { return find(name).has_value(); }
  // The value of `name` with surrounding quotes removed (escapes kept); nullopt when absent.
  std::optional<std::string_view> value(std::string_view name) const noexcept;

  // Iteration: `pos` starts at 0; returns false at the end or on a grammar error.
  bool next(std::size_t& pos, Param& out) const noexcept;

 private:
  std::string_view raw_;
  char sep_ = ';';
};

}  // namespace parley::sip

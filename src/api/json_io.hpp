#pragma once
// JSON in and out of the API: body parsing, typed field readers that produce precise 4xx errors
// naming the field, and responses. Error bodies: {"error":{"code","message","field"}}.
#include <boost/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/http_message.hpp"

namespace parley::api {

namespace json = boost::json;
using core::Result;

int http_status_for(core::Errc code) noexcept;
net::HttpResponse error_response(const core::Error& e, std::string_view request_id);
net::HttpResponse json_response(int status, const json::value& body);

// The request body as a JSON object: 415 for a non-JSON content type, 400 for malformed JSON or a
// root that is not an object. An empty body is an empty object when `empty_ok`.
Result<json::object> parse_object_body(const net::HttpRequest& req, bool empty_ok = false);

// Field readers over one object; `path` prefixes error fields ("voice.tts.provider").
class Fields {
 public:
  Fields(const json::object& obj, std::string path = {}) : obj_(obj), path_(std::move(path)) {}

  std::string field(std::string_view key) const;  // path + key
  bool has(std::string_view key) const;           // present, even if null
  bool is_null(std::string_view key) const;

  // Each returns nullopt when the key is absent (or null when `null_ok`), or a 422 error for a
  // wrong type or a value out of range.
  Result<std::optional<std::string>> string(std::string_view key, std::size_t max_len, bool required = false) const;
  // An absolute http:// or https:// URL with a host, at most 2000 characters (webhook targets).
  Result<std::optional<std::string>> http_url(std::string_view key) const;
  Result<std::optional<bool>> boolean(std::string_view key) const;
  Result<std::optional<std::int64_t>> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  Result<std::optional<json::object>> object(std::string_view key) const;
  // The seeds' call `context`: an object (absent: {}) serialized, at most 16 KiB; 422 otherwise.
  Result<std::string> context_json(std::string_view key) const;
  Result<std::optional<json::array>> array(std::string_view key, std::size_t max_items) const;
  // A string that must be one of `allowed`: the error lists them.
  Result<std::optional<std::string>> one_of(std::string_view key, std::span<const std::string_view> allowed,
                                            bool required = false) const;
  Result<std::optional<std::string>> one_of(std::string_view key, std::initializer_list<std::string_view> allowed,
                                            bool required = false) const {
    return one_of(key, std::span<const std::string_view>(allowed.begin(), allowed.size()), required);
  }
  // 422 for any key outside `known` (a typo must not be silently ignored).
  core::Status only(std::span<const std::string_view> known) const;
  core::Status only(std::initializer_list<std::string_view> known) const {
    return only(std::span<const std::string_view>(known.begin(), known.size()));
  }

 private:
  const json::object& obj_;
  std::string path_;
};

// RFC 7396 JSON merge patch: objects merge recursively, null removes a member.
void merge_patch(json::object& target, const json::object& patch);

json::value opt(const std::optional<std::string>& v);
json::value opt_time(const std::optional<std::int64_t>& unix_ms);  // ISO 8601 or null
std::string iso(std::int64_t unix_ms);

// Pagination shared by list endpoints: limit 1..max (default 20), offset >= 0.
struct PageParams {
  int limit = 20;
  int offset = 0;
};
Result<PageParams> page_params(const net::HttpRequest& req, int max_limit = 100);

}  // namespace parley::api

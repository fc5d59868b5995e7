#pragma once
// Plain HTTP request/response values. The server (http_server.cpp, the only Beast translation unit)
// converts to and from these so that API code never includes Beast.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace parley::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query, percent-encoded
  std::string path;    // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  HeaderList headers;
  std::string body;
  std::string remote_address;
  std::string request_id;

  // Case-insensitive header lookup (first match).
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string content_type = "application/json";

  void set_header(std::string name, std::string value);
};

// The JSON error body used everywhere: {"error":{"code","message","field"}}.
std::string json_error_body(std::string_view code, std::string_view message, std::string_view field = {});

// Splits "a=1&b=%20x" into decoded pairs; '+' is a space (application/x-www-form-urlencoded).
// Returns nullopt on a bad percent escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// How a remote service's HTTP error status classifies as a Parley error: 401 unauthorized,
// 403 forbidden, 404 not_found, 408/504 timeout, 413 too_large, 429 rate_limited, other 4xx
// invalid_argument, 5xx and anything else unavailable.
core::Errc errc_for_http_status(int status) noexcept;

}  // namespace parley::net

#include "api/json_io.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "core/log.hpp"
#include "core/time.hpp"
#include "net/http_server.hpp"

namespace parley::api {
using core::Errc;
using core::fail;

int http_status_for(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return 400;
    case Errc::validation: return 422;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::unauthorized: return 401;
    case Errc::forbidden: return 403;
    case Errc::rate_limited: return 429;
    case Errc::too_large: return 413;
    case Errc::unsupported: return 415;
    case Errc::unavailable: return 503;
    case Errc::timeout: return 504;
    case Errc::io:
    case Errc::corrupt:
    case Errc::internal: return 500;
  }
  return 500;
}

net::HttpResponse error_response(const core::Error& e, std::string_view request_id) {
  int status = http_status_for(e.code);
  if (status >= 500 && status != 503) {
    // Internals stay in the log; the client gets the request id to quote.
    spdlog::error("event=api.internal_error request_id={} code={} detail={}", request_id, core::to_string(e.code),
                  core::log_value(e.message));
    return net::HttpResponse{status, {}, net::json_error_body("internal_error", "internal server error")};
  }
  return net::HttpResponse{status, {}, net::json_error_body(core::to_string(e.code), e.message, e.field)};
}

net::HttpResponse json_response(int status, const json::value& body) {
  return net::HttpResponse{status, {}, json::serialize(body)};
}

Result<json::object> parse_object_body(const net::HttpRequest& req, bool empty_ok) {
  if (req.body.empty()) {
    if (empty_ok) return json::object{};
    return fail(Errc::invalid_argument, "request body is required (a JSON object)");
  }
  auto ct = req.header("Content-Type");
  if (ct) {
    std::string_view type = ct->substr(0, ct->find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    std::string lower(type);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // curl -d without -H sends application/x-www-form-urlencoded, and the seeds' own scheduled-call
    // example does exactly that: accept it when the body is plainly a JSON object.
    auto first = req.body.find_first_not_of(" \t\r\n");
    bool json_in_form = lower == "application/x-www-form-urlencoded" && first != std::string::npos && req.body[first] == '{';
    if (lower != "application/json" && !json_in_form) {
      return fail(Errc::unsupported, "Content-Type must be application/json, not " + std::string(type));
    }
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(req.body, ec, {}, opts);
  if (ec) return fail(Errc::invalid_argument, "malformed JSON: " + ec.message());
  if (!v.is_object()) return fail(Errc::invalid_argument, "request body must be a JSON object");
  return std::move(v.as_object());
}

std::string Fields::field(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool Fields::has(std::string_view key) const { return obj_.contains(key); }

bool Fields::is_null(std::string_view key) const {
  auto* v = obj_.if_contains(key);
  return v && v->is_null();
}

Result<std::optional<std::string>> Fields::string(std::string_view key, std::size_t max_len, bool required) const {
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return fail(Errc::validation, field(key) + " is required", field(key));
    return std::optional<std::string>{};
  }
  if (!v->is_string()) return fail(Errc::validation, field(key) + " must be a string", field(key));
  const auto& s = v->get_string();
  if (required && s.empty()) return fail(Errc::validation, field(key) + " must not be empty", field(key));
  if (s.size() > max_len) {
    return fail(Errc::validation, fmt::format("{} must be at most {} characters", field(key), max_len), field(key));
  }
  return std::optional<std::string>(std::string(s));
}

Result<std::optional<std::string>> Fields::http_url(std::string_view key) const {
  auto v = string(key, 2000);
  if (!v || !*v) return v;
  auto parsed = boost::urls::parse_absolute_uri(**v);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
    return fail(Errc::validation, field(key) + " must be an absolute http:// or https:// URL", field(key));
  }
  return v;
}

Result<std::optional<bool>> Fields::boolean(std::string_view key) const {
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<bool>{};
  if (!v->is_bool()) return fail(Errc::validation, field(key) + " must be true or false", field(key));
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<std::int64_t>> Fields::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::int64_t>{};
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    double d = v->get_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d >= -9e15 && d <= 9e15) n = static_cast<std::int64_t>(d);
  }
  if (!n) return fail(Errc::validation, field(key) + " must be an integer", field(key));
  if (*n < min || *n > max) {
    return fail(Errc::validation, fmt::format("{} must be between {} and {}", field(key), min, max), field(key));
  }
  return n;
}

Result<std::optional<json::object>> Fields::object(std::string_view key) const {
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<json::object>{};
  if (!v->is_object()) return fail(Errc::validation, field(key) + " must be an object", field(key));
  return std::optional<json::object>(v->get_object());
}

Result<std::string> Fields::context_json(std::string_view key) const {
  constexpr std::size_t kMaxContextBytes = 16 * 1024;
  auto context = object(key);
  if (!context) return std::unexpected(context.error());
  std::string text = json::serialize(context->value_or(json::object{}));
  if (text.size() > kMaxContextBytes) {
    return core::fail(core::Errc::validation, field(key) + " must serialize to at most 16 KiB", field(key));
  }
  return text;
}

Result<std::optional<json::array>> Fields::array(std::string_view key, std::size_t max_items) const {
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::optional<json::array>{};
  if (!v->is_array()) return fail(Errc::validation, field(key) + " must be an array", field(key));
  if (v->get_array().size() > max_items) {
    return fail(Errc::validation, fmt::format("{} must have at most {} items", field(key), max_items), field(key));
  }
  return std::optional<json::array>(v->get_array());
}

Result<std::optional<std::string>> Fields::one_of(std::string_view key, std::span<const std::string_view> allowed,
                                                  bool required) const {
  auto s = string(key, 64, required);
  if (!s || !*s) return s;
  for (auto a : allowed) {
    if (**s == a) return s;
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return fail(Errc::validation, fmt::format("{} must be one of: {}", field(key), list), field(key));
}

core::Status Fields::only(std::span<const std::string_view> known) const {
  for (const auto& kv : obj_) {
    bool ok = false;
    for (auto k : known) ok = ok || kv.key() == k;
    if (!ok) return fail(Errc::validation, "unknown field " + field(kv.key()), field(kv.key()));
  }
  return {};
}

void merge_patch(json::object& target, const json::object& patch) {
  for (const auto& kv : patch) {
    if (kv.value().is_null()) {
      target.erase(kv.key());
    } else if (kv.value().is_object() && target.contains(kv.key()) && target.at(kv.key()).is_object()) {
      merge_patch(target.at(kv.key()).get_object(), kv.value().get_object());
    } else {
      target[kv.key()] = kv.value();
    }
  }
}

json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

std::string iso(std::int64_t unix_ms) { return core::format_iso8601(core::from_unix_ms(unix_ms)); }

json::value opt_time(const std::optional<std::int64_t>& unix_ms) {
  return unix_ms ? json::value(iso(*unix_ms)) : json::value(nullptr);
}

Result<PageParams> page_params(const net::HttpRequest& req, int max_limit) {
  PageParams p;
  auto read = [&](std::string_view name, int min, int max, int& out) -> core::Status {
    auto v = req.query_param(name);
    if (!v) return {};
    int n = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || ptr != v->data() + v->size() || n < min || n > max) {
      return fail(Errc::validation, fmt::format("{} must be an integer between {} and {}", name, min, max),
                  std::string(name));
    }
    out = n;
    return {};
  };
  if (auto r = read("limit", 1, max_limit, p.limit); !r) return std::unexpected(r.error());
  if (auto r = read("offset", 0, 1'000'000'000, p.offset); !r) return std::unexpected(r.error());
  return p;
}

}  // namespace parley::api

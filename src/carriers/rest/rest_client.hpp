#pragma once
// One carrier REST API account (Twilio, Plivo): HTTP Basic authentication (RFC 7617) on every
// request, JSON answers, and the carrier's error body turned into a RestFailure that says what the
// carrier answered and whether the request may have taken effect anyway (no answer, 5xx).
//
// Blocking (net::HttpClient::send): call it from the worker pool, never from an I/O thread. Nothing
// here logs a request body or the Authorization header.
#include <boost/json/value.hpp>

#include <chrono>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_client.hpp"

namespace parley::carriers {

enum class Dialect { twilio, plivo };  // how the carrier shapes its error bodies

std::string_view to_string(Dialect d) noexcept;

struct RestRequest {
  std::string method = "GET";
  std::string url;           // absolute, percent-encoded
  std::string body;          // form or JSON text
  std::string content_type;  // empty when there is no body
};

// Builders for the two body encodings carriers take.
RestRequest form_request(std::string method, std::string url,
                         const std::vector<std::pair<std::string, std::string>>& fields);  // Twilio
RestRequest json_request(std::string method, std::string url, const boost::json::object& body);  // Plivo

struct RestFailure {
  int http_status = 0;        // 0: no HTTP answer (timeout, refused, reset)
  std::string carrier_code;   // Twilio's numeric "code" (e.g. "20404"); empty when the carrier gave none
  std::string message;        // the carrier's message, or what went wrong on the way
  bool maybe_applied = false; // no answer or a 5xx: the carrier may have carried the request out
};

std::string describe(const RestFailure& f);  // one line for errors and logs: "HTTP 500 (code 20500): ..."

// A non-2xx answer as a RestFailure, from the carrier's JSON error body when there is one:
// Twilio {"code","message","more_info","status"}, Plivo {"api_id","error"} (error: text or object).
RestFailure failure_from_answer(Dialect d, int status, std::string_view body);

template <class T>
using RestResult = std::expected<T, RestFailure>;

class RestClient {
 public:
  RestClient(net::HttpClient& http, Dialect dialect, std::string user, std::string password,
             std::chrono::milliseconds timeout);

  Dialect dialect() const noexcept { return dialect_; }

  // The HTTP request as sent (Authorization, Accept, Content-Type, deadline).
  net::HttpClientRequest build(const RestRequest& r) const;
  // The parsed JSON answer of a 2xx (null for an empty body, e.g. 204); any other answer or no
  // answer is a RestFailure.
  RestResult<boost::json::value> send(const RestRequest& r) const;

 private:
  net::HttpClient& http_;
  Dialect dialect_;
  std::string authorization_;
  std::chrono::milliseconds timeout_;
};

}  // namespace parley::carriers

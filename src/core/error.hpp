#pragma once
// Errors that cross module boundaries: std::expected<T, Error> everywhere (docs/architecture.md).
#include <expected>
#include <string>
#include <string_view>

namespace parley::core {

// A failure class, mapped to an HTTP status by the API and to a SIP status by the SIP layer.
enum class Errc {
  invalid_argument,  // malformed input (HTTP 400)
  validation,        // well-formed but unacceptable values (HTTP 422)
  not_found,         // 404
  conflict,          // 409
  unauthorized,      // 401
  forbidden,         // 403
  rate_limited,      // 429
  too_large,         // 413
  unsupported,       // 415 / 501
  unavailable,       // 503: a dependency or capacity is missing right now
  timeout,           // a deadline passed
  io,                // the OS or a database failed
  corrupt,           // stored data could not be read back
  internal,          // a bug: never leaks details to clients
};

std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::string field;  // the input field at fault, when there is one
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message, std::string field = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(field)});
}

}  // namespace parley::core

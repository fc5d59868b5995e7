#include "core/error.hpp"

namespace parley::core {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::validation: return "validation_error";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::rate_limited: return "rate_limited";
    case Errc::too_large: return "payload_too_large";
    case Errc::unsupported: return "unsupported";
    case Errc::unavailable: return "unavailable";
    case Errc::timeout: return "timeout";
    case Errc::io: return "io_error";
    case Errc::corrupt: return "corrupt_data";
    case Errc::internal: return "internal_error";
  }
  return "internal_error";
}

}  // namespace parley::core

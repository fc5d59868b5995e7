#pragma once
// A record's secrets (trunk passwords, engine API keys) as one JSON object sealed with SecretBox:
// what the API writes and the call layer reads, in one format.
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/crypto.hpp"
#include "core/error.hpp"

namespace parley::core {

// An empty `sealed` is an empty object. Errc::corrupt when it does not open or is not an object.
Result<boost::json::object> open_sealed_json(const SecretBox& box, std::string_view sealed);
// An empty object seals to the empty string.
std::string seal_json(const SecretBox& box, const boost::json::object& secrets);

// One string member of the sealed object; nullopt when absent (or unreadable, which is logged).
std::optional<std::string> sealed_string(const SecretBox& box, std::string_view sealed, std::string_view key);

}  // namespace parley::core

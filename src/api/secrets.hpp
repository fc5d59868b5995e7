#pragma once
// Write-only secret fields (API keys, passwords) of API resources: taken out of the input before
// validation, sealed at rest with core::SecretBox, and shown only as "<member>_set" flags.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_io.hpp"
#include "core/crypto.hpp"

namespace parley::api {

// Where a secret may appear: object path + member name, and its key in the sealed object.
struct SecretSlot {
  std::vector<std::string_view> path;  // e.g. {"voice", "tts"}
  std::string_view member;             // e.g. "api_key"
  std::string_view sealed_key;         // e.g. "tts"
};

using SecretUpdates = std::map<std::string, std::optional<std::string>>;  // value: set; nullopt: remove

// Removes every slot's member from `input`; strings are updates, null is a removal, anything else
// (or an empty or over-long string) is a 422 naming the field.
Result<SecretUpdates> take_secrets(json::object& input, std::span<const SecretSlot> slots);
void apply_secret_updates(json::object& secrets, const SecretUpdates& updates);

Result<json::object> open_secrets(const core::SecretBox& box, const std::string& sealed);
std::string seal_secrets(const core::SecretBox& box, const json::object& secrets);

// Adds "<member>_set": true|false inside each slot's object that exists in `out`.
void mark_secrets(json::object& out, std::span<const SecretSlot> slots, const json::object& secrets);

// The object at `path` inside `root`, or null if any step is missing or not an object.
json::object* find_object(json::object& root, std::span<const std::string_view> path);

}  // namespace parley::api

#include "api/secrets.hpp"

#include "core/sealed_json.hpp"

namespace parley::api {
using core::Errc;
using core::fail;

json::object* find_object(json::object& root, std::span<const std::string_view> path) {
  json::object* cur = &root;
  for (auto p : path) {
    auto* v = cur->if_contains(p);
    if (!v || !v->is_object()) return nullptr;
    cur = &v->get_object();
  }
  return cur;
}

Result<SecretUpdates> take_secrets(json::object& input, std::span<const SecretSlot> slots) {
  SecretUpdates out;
  for (const auto& slot : slots) {
    json::object* obj = find_object(input, slot.path);
    if (!obj || !obj->contains(slot.member)) continue;
    std::string field;
    for (auto p : slot.path) field += std::string(p) + ".";
    field += slot.member;
    const auto& v = obj->at(slot.member);
    if (v.is_null()) {
      out[std::string(slot.sealed_key)] = std::nullopt;
    } else if (!v.is_string() || v.get_string().empty() || v.get_string().size() > 500) {
      return fail(Errc::validation, field + " must be a non-empty string of at most 500 characters", field);
    } else {
      out[std::string(slot.sealed_key)] = std::string(v.get_string());
    }
    obj->erase(slot.member);
  }
  return out;
}

void apply_secret_updates(json::object& secrets, const SecretUpdates& updates) {
  for (const auto& [key, value] : updates) {
    if (value) {
      secrets[key] = *value;
    } else {
      secrets.erase(key);
    }
  }
}

Result<json::object> open_secrets(const core::SecretBox& box, const std::string& sealed) {
  return core::open_sealed_json(box, sealed);
}

std::string seal_secrets(const core::SecretBox& box, const json::object& secrets) { return core::seal_json(box, secrets); }

void mark_secrets(json::object& out, std::span<const SecretSlot> slots, const json::object& secrets) {
  for (const auto& slot : slots) {
    if (json::object* obj = find_object(out, slot.path)) {
      (*obj)[std::string(slot.member) + "_set"] = secrets.contains(slot.sealed_key);
    }
  }
}

}  // namespace parley::api

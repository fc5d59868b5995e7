#include "api/api_keys.hpp"

#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace parley::api {
using core::Errc;
using core::fail;

core::Result<CreatedKey> create_api_key(store::Store& store, std::string_view name, std::string_view secret) {
  if (name.empty() || name.size() > 100) return fail(Errc::validation, "key name must be 1-100 characters", "name");
  CreatedKey k;
  if (secret.empty()) {
    k.secret = "pk_" + core::random_token(40);
  } else {
    if (secret.size() < 20 || secret.size() > 200) {
      return fail(Errc::validation, "API key must be 20-200 characters", "key");
    }
    for (char c : secret) {
      if (c <= ' ' || c > '~') return fail(Errc::validation, "API key must be printable ASCII without spaces", "key");
    }
    k.secret = std::string(secret);
  }
  k.record.id = core::new_id("key");
  k.record.name = std::string(name);
  k.record.prefix = k.secret.substr(0, 10);
  k.record.key_hash = core::sha256_hex(k.secret);
  k.record.created_at = core::to_unix_ms(core::now_utc());
  if (auto r = store.create_api_key(k.record); !r) {
    if (r.error().code == Errc::conflict) return fail(Errc::conflict, "this API key already exists");
    return std::unexpected(r.error());
  }
  return k;
}

core::Result<store::ApiKey> verify_api_key(store::Store& store, std::string_view presented) {
  if (presented.empty() || presented.size() > 200) return fail(Errc::unauthorized, "invalid API key");
  auto found = store.find_api_key_by_hash(core::sha256_hex(presented));
  if (!found) return std::unexpected(found.error());
  if (!*found) return fail(Errc::unauthorized, "invalid API key");
  if ((*found)->revoked_at) return fail(Errc::unauthorized, "API key has been revoked");
  return std::move(**found);
}

}  // namespace parley::api

#pragma once
// API keys: "pk_" + 40 base62 characters, shown once, stored as SHA-256 (a key has ~238 bits of
// entropy, so a fast hash cannot be brute-forced; it keeps lookups O(1) by hash).
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/store.hpp"

namespace parley::api {

struct CreatedKey {
  store::ApiKey record;
  std::string secret;  // the key itself: print once, never stored
};

// `secret` empty: a random key. Otherwise the given key (PARLEY_BOOTSTRAP_API_KEY), which must be
// 20-200 printable characters without spaces.
core::Result<CreatedKey> create_api_key(store::Store& store, std::string_view name, std::string_view secret = {});

// Looks a presented key up: unauthorized if unknown or revoked.
core::Result<store::ApiKey> verify_api_key(store::Store& store, std::string_view presented);

}  // namespace parley::api

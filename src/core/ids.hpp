#pragma once
// Prefixed random identifiers (`agent_…`, `call_…`, `pn_…`) and secret tokens.
#include <string>
#include <string_view>

namespace parley::core {

// `prefix` + "_" + 20 base62 characters from the OS CSPRNG (about 119 bits).
std::string new_id(std::string_view prefix);

// `length` base62 characters from the OS CSPRNG, for API keys, passwords and tokens.
std::string random_token(std::size_t length);

// True when `id` is `prefix_` followed by 1..64 characters of [A-Za-z0-9].
bool is_id_of(std::string_view id, std::string_view prefix) noexcept;

}  // namespace parley::core

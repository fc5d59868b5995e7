#pragma once
// The data directory: created on demand (0700), and home of the key that seals credentials.
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"

namespace parley::app {

core::Status ensure_data_dir(const core::Config& config);

// The 32-byte key for core::SecretBox: from secret_key (64 hex chars) when configured, otherwise
// <data_dir>/secret.key, generated with mode 0600 on first use.
core::Result<std::string> load_secret_key(const core::Config& config);

}  // namespace parley::app

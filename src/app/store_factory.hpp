#pragma once
// The one place that picks the store backend.
#include <memory>

#include "core/config.hpp"
#include "store/store.hpp"

namespace parley::app {
core::Result<std::unique_ptr<store::Store>> open_store(const core::Config& config);
}

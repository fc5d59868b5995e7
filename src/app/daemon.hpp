#pragma once
// The composition root of `parley serve`: config -> store -> runtime -> API -> HTTP, then waits for
// SIGINT/SIGTERM and drains.
#include "core/config.hpp"

namespace parley::app {

// Returns the process exit code.
int serve(const core::Config& config);

}  // namespace parley::app

#pragma once
// Call recordings' rows and files: a finished file is measured (its WAV header completed, which is
// idempotent on a complete file) and its row finished; at start-up, files a crash left open (rows
// still "recording") go the same way before the daemon takes calls again.
#include <cstddef>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "store/store.hpp"

namespace parley::call {

// Finishes the row: "completed" with duration and size when `file_ok` and the WAV is readable,
// "failed" otherwise. Returns the state written. On a worker thread (disk I/O).
core::Result<std::string> finish_recording_file(store::Store& store, const std::string& id,
                                                const std::filesystem::path& path, bool file_ok);

struct RecoveredRecordings {
  std::size_t repaired = 0;  // completed from what was on disk
  std::size_t failed = 0;    // missing or unreadable files, marked failed
};

core::Result<RecoveredRecordings> recover_recordings(store::Store& store);

}  // namespace parley::call

#include "call/recordings.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "media/record/repair_wav.hpp"

namespace parley::call {

core::Result<std::string> finish_recording_file(store::Store& store, const std::string& id,
                                                const std::filesystem::path& path, bool file_ok) {
  auto info = file_ok ? media::record::repair_wav(path) : core::fail(core::Errc::io, "recording failed");
  std::error_code ec;
  auto size = info ? std::filesystem::file_size(path, ec) : 0;
  if (!info || ec || info->channels <= 0 || info->sample_rate <= 0) {
    spdlog::warn("event=recording.failed recording_id={} error={}", id,
                 core::log_value(info ? ec.message() : info.error().message));
    if (auto r = store.finish_recording(id, "failed", 0, 0); !r) return std::unexpected(r.error());
    return std::string("failed");
  }
  double seconds = static_cast<double>(info->data_bytes) / (2.0 * info->channels * info->sample_rate);
  if (auto r = store.finish_recording(id, "completed", seconds, static_cast<std::int64_t>(size)); !r) {
    return std::unexpected(r.error());
  }
  return std::string("completed");
}

core::Result<RecoveredRecordings> recover_recordings(store::Store& store) {
  RecoveredRecordings out;
  for (;;) {
    auto open = store.recordings_in_state("recording", 100);
    if (!open) return std::unexpected(open.error());
    if (open->empty()) return out;
    for (const auto& rec : *open) {
      auto state = finish_recording_file(store, rec.id, rec.path, true);
      if (!state) return std::unexpected(state.error());
      ++(*state == "completed" ? out.repaired : out.failed);
      spdlog::warn("event=recording.recovered recording_id={} call_id={} state={}", rec.id, rec.session_id, *state);
    }
  }
}

}  // namespace parley::call

#pragma once
// How one call's media session is set up: addresses, timeouts, jitter bounds, recording, DTMF and
// test modes (config keys media.*, docs/architecture.md "Media session").
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace parley::core {
class WorkerPool;
}

namespace parley::media::session {

// How DTMF travels on this call: RFC 4733 events in RTP, SIP INFO (the dialog's job, not media's),
// or tones in the audio.
enum class DtmfMode { rfc2833, sip_info, inband };

enum class TestModeKind {
  none,  // normal call: audio comes from the producer queue
  echo,  // every received frame is sent back (the caller hears themselves a jitter delay later)
  play,  // a WAV file is streamed in a loop
};

struct TestMode {
  TestModeKind kind = TestModeKind::none;
  std::filesystem::path play_file;  // with play
};

struct MediaSessionConfig {
  std::string call_id;                   // for log lines
  std::string bind_address = "0.0.0.0";  // where the RTP/RTCP sockets bind
  std::string public_address;            // what SDP advertises; empty: the bind address
  int media_timeout_s = 30;              // no RTP this long (hold excluded) ends the call; 0: never
  int jitter_min_ms = 40;
  int jitter_max_ms = 200;
  std::optional<std::filesystem::path> recording_path;  // stereo WAV, caller left, agent right
  DtmfMode dtmf_mode = DtmfMode::rfc2833;
  TestMode test_mode;
  // Recording writes and loading the play file run here, never on the I/O thread. Required when
  // recording or playing; must outlive the session's pending jobs (stop the pool after the sessions).
  core::WorkerPool* workers = nullptr;
};

core::Result<DtmfMode> parse_dtmf_mode(std::string_view text);
std::string_view to_string(DtmfMode mode) noexcept;
// "none", "echo" or "play:<wav path>".
core::Result<TestMode> parse_test_mode(std::string_view text);

}  // namespace parley::media::session

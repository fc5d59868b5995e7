// Stereo recording of a live session: caller left, agent right, both on the session's frame timeline,
// written on the worker pool, header completed after stop().
#include <gtest/gtest.h>
#include <sndfile.h>

#include <filesystem>

#include "audio_test_util.hpp"
#include "session_peer_test_util.hpp"

namespace parley::media::session {
namespace {

using namespace std::chrono_literals;
using test::RtpPeer;
using test::SessionHarness;
namespace fs = std::filesystem;

// First 20 ms frame whose RMS over `channel` (0 left, 1 right) exceeds `threshold`.
std::optional<std::size_t> first_loud_frame(const std::vector<std::int16_t>& stereo, int channel, double threshold) {
  const std::size_t frames = stereo.size() / 2 / kFrameSamples;
  std::vector<std::int16_t> mono(kFrameSamples);
  for (std::size_t f = 0; f < frames; ++f) {
    for (std::size_t i = 0; i < kFrameSamples; ++i) mono[i] = stereo[2 * (f * kFrameSamples + i) + channel];
    if (test::rms(mono) > threshold) return f;
  }
  return std::nullopt;
}

TEST(SessionRecording, BothChannelsAlignedOnTheSessionTimeline) {
  const fs::path dir = fs::temp_directory_path() / ("parley_session_rec_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto path = dir / "call.wav";
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.recording_path = path;
  config.workers = &h.workers;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());

  std::optional<std::uint64_t> caller_first;  // the first frame the sink saw the caller's tone
  constexpr std::uint64_t kAgentFrame = 30;   // the agent answers at this frame
  session.set_audio_sink([&](std::span<const std::int16_t> frame, std::uint64_t frame_no) {
    if (!caller_first && test::rms(frame) > 1000.0) caller_first = frame_no;
    if (frame_no == kAgentFrame) {
      session.enqueue_audio(test::tone(1000.0, kSampleRate, kSampleRate / 5, 9000.0));
    }
  });
  std::optional<core::Status> closed;
  session.set_recording_handler([&](core::Status status) { closed = status; });
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  h.run_for(200ms);  // the caller starts talking a little after the answer
  peer.stream(test::tone(440.0, kSampleRate, kSampleRate, 8000.0));
  h.run_for(1300ms);
  const auto frames = session.frames_played();
  session.stop();
  ASSERT_TRUE(h.run_until([&] { return closed.has_value(); }, 5000ms));
  ASSERT_TRUE(*closed) << closed->error().message;
  ASSERT_TRUE(caller_first);

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, kSampleRate);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(static_cast<std::uint64_t>(info.frames), frames * kFrameSamples);  // the header holds the real length
  std::vector<std::int16_t> stereo(static_cast<std::size_t>(info.frames * 2));
  EXPECT_EQ(sf_readf_short(file, stereo.data(), info.frames), info.frames);
  sf_close(file);

  // Left: the caller's tone starts exactly where the pipeline saw it; right: the agent's reply starts at
  // the frame it was queued in. Before that, each channel is silent.
  EXPECT_EQ(first_loud_frame(stereo, 0, 1000.0), caller_first);
  EXPECT_EQ(first_loud_frame(stereo, 1, 1000.0), kAgentFrame);
  EXPECT_GE(*caller_first, 8u);  // 200 ms of no caller audio, then the jitter buffer's delay
  fs::remove_all(dir);
}

}  // namespace
}  // namespace parley::media::session

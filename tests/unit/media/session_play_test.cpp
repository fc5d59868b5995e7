// play:<wav> test mode: an 8 kHz stereo file is converted to 16 kHz mono off the I/O thread and
// streamed in a loop.
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

TEST(SessionPlay, LoopsAWavFileOfAnotherRate) {
  const fs::path path = fs::temp_directory_path() / ("parley_play_" + std::to_string(::getpid()) + ".wav");
  {
    // 300 ms of 440 Hz at 8 kHz, stereo (left and right equal).
    const auto mono = test::tone(440.0, 8000, 2400, 9000.0);
    std::vector<std::int16_t> stereo;
    for (auto s : mono) stereo.insert(stereo.end(), {s, s});
    SF_INFO info{};
    info.samplerate = 8000;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(file, nullptr);
    ASSERT_EQ(sf_writef_short(file, stereo.data(), 2400), 2400);
    sf_close(file);
  }
  SessionHarness h;
  RtpPeer peer(h.io, "PCMU");
  MediaSessionConfig config;
  config.test_mode = *parse_test_mode("play:" + path.string());
  config.workers = &h.workers;
  auto session = h.open(config);
  peer.set_target(session.local_rtp_port());
  ASSERT_TRUE(session.start(SessionHarness::media_for(peer)));
  h.run_for(1200ms);
  session.stop();
  fs::remove(path);

  // After the file has loaded (a few frames at most), every frame carries the tone: 0.3 s played 3+ times.
  ASSERT_GE(peer.audio.size(), 50 * kFrameSamples);
  const auto tail = std::span(peer.audio).subspan(10 * kFrameSamples, 40 * kFrameSamples);
  for (std::size_t f = 0; f < 40; ++f) {
    ASSERT_GT(test::rms(tail.subspan(f * kFrameSamples, kFrameSamples)), 3000.0) << "frame " << f + 10;
  }
  // Zero crossings with hysteresis, so codec noise around zero does not count.
  std::size_t crossings = 0;
  int sign = 0;
  for (auto sample : tail) {
    const int now = sample > 1000 ? 1 : sample < -1000 ? -1 : sign;
    if (sign != 0 && now != sign) ++crossings;
    sign = now;
  }
  const double hz = static_cast<double>(crossings) / 2.0 / (static_cast<double>(tail.size()) / kSampleRate);
  EXPECT_NEAR(hz, 440.0, 15.0);  // the rate conversion kept the pitch
}

TEST(SessionPlay, NeedsTheWorkerPool) {
  SessionHarness h;
  MediaSessionConfig config;
  config.test_mode = *parse_test_mode("play:/nonexistent.wav");
  auto lease = ports::PortAllocator::create(47000, 47999)->allocate();
  ASSERT_TRUE(lease);
  const auto session = MediaSession::create(h.io, std::move(*lease), config);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, core::Errc::invalid_argument);
}

}  // namespace
}  // namespace parley::media::session

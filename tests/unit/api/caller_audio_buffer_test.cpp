// The caller's audio on a WebSocket: bursts played out one 20 ms frame per tick, underruns
// re-buffered with a higher target, a lasting excess shed, a cap.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "api/stream/caller_audio_buffer.hpp"
#include "media/audio_format.hpp"

using parley::api::stream::CallerAudioBuffer;
using parley::media::kFrameSamples;

namespace {

// `frames` frames of audio whose samples count up from `first` (so order and loss are visible).
std::vector<std::int16_t> ramp(int frames, int first = 1) {
  std::vector<std::int16_t> v(static_cast<std::size_t>(frames) * kFrameSamples);
  std::iota(v.begin(), v.end(), static_cast<std::int16_t>(first));
  return v;
}

}  // namespace

TEST(CallerAudioBuffer, StartsOnceTheTargetIsBufferedAndKeepsOrder) {
  CallerAudioBuffer b;  // 40 ms target
  std::vector<std::int16_t> frame(kFrameSamples);
  auto audio = ramp(1);
  b.push(audio);
  EXPECT_FALSE(b.pop(frame));  // 20 ms buffered: still waiting
  EXPECT_EQ(frame[0], 0);
  auto more = ramp(1, 1 + static_cast<int>(kFrameSamples));
  b.push(more);
  ASSERT_TRUE(b.pop(frame));
  EXPECT_EQ(frame[0], 1);
  EXPECT_EQ(frame.back(), static_cast<std::int16_t>(kFrameSamples));
  ASSERT_TRUE(b.pop(frame));
  EXPECT_EQ(frame[0], static_cast<std::int16_t>(kFrameSamples + 1));
  EXPECT_EQ(b.buffered_ms(), 0);
}

TEST(CallerAudioBuffer, PiecesOfAnySizeMakeWholeFrames) {
  CallerAudioBuffer b;
  std::vector<std::int16_t> frame(kFrameSamples);
  auto audio = ramp(3);
  for (std::size_t at = 0; at < audio.size(); at += 7) {  // 7-sample pieces
    b.push(std::span(audio).subspan(at, std::min<std::size_t>(7, audio.size() - at)));
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(b.pop(frame));
    EXPECT_EQ(frame[0], static_cast<std::int16_t>(1 + i * static_cast<int>(kFrameSamples)));
  }
}

TEST(CallerAudioBuffer, AnUnderrunRaisesTheTargetAndQuietTimeLowersIt) {
  CallerAudioBuffer b;
  std::vector<std::int16_t> frame(kFrameSamples);
  b.push(ramp(2));
  EXPECT_TRUE(b.pop(frame));
  EXPECT_TRUE(b.pop(frame));
  EXPECT_FALSE(b.pop(frame));  // ran dry
  EXPECT_EQ(b.stats().underruns, 1u);
  EXPECT_EQ(b.target_ms(), 60);
  b.push(ramp(2));
  EXPECT_FALSE(b.pop(frame));  // 40 ms is no longer enough
  b.push(ramp(1));
  EXPECT_TRUE(b.pop(frame));
  // Ten seconds of steady playout bring the target back down.
  for (int i = 0; i < 500; ++i) {
    b.push(ramp(1));
    ASSERT_TRUE(b.pop(frame)) << i;
  }
  EXPECT_EQ(b.target_ms(), 40);
}

TEST(CallerAudioBuffer, ShedsALastingExcessAndCapsTheDelay) {
  CallerAudioBuffer b;
  std::vector<std::int16_t> frame(kFrameSamples);
  b.push(ramp(10));  // a 200 ms burst, then real time
  for (int i = 0; i < 50; ++i) {
    b.push(ramp(1));
    ASSERT_TRUE(b.pop(frame));
  }
  EXPECT_EQ(b.stats().shed_frames, 1u);
  EXPECT_EQ(b.buffered_ms(), 180);
  for (int i = 0; i < 500; ++i) {
    b.push(ramp(1));
    ASSERT_TRUE(b.pop(frame));
  }
  EXPECT_EQ(b.buffered_ms(), 80);  // one frame a second, down to the target and two frames
  EXPECT_EQ(b.stats().shed_frames, 6u);

  CallerAudioBuffer capped({40, 200, 100});
  capped.push(ramp(10));
  EXPECT_EQ(capped.buffered_ms(), 100);
  EXPECT_EQ(capped.stats().dropped_samples, 5 * kFrameSamples);
  ASSERT_TRUE(capped.pop(frame));
  EXPECT_EQ(frame[0], static_cast<std::int16_t>(1 + 5 * kFrameSamples));  // the oldest went
}

#include "media/jitter/jitter_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace parley::media::jitter {
namespace {

using std::chrono::microseconds;

// Decodes payload {id_hi, id_lo} into 320 samples of value id; concealment writes -(1 + FEC id) when the
// next packet is given (so tests can see FEC was offered), else -1.
class FakeCodec final : public codec::Codec {
 public:
  const codec::CodecInfo& info() const noexcept override { return info_; }
  codec::CodecResult<std::size_t> encode(std::span<const std::int16_t>, std::span<std::uint8_t>) override {
    return std::unexpected(codec::CodecError::codec_failure);
  }
  codec::CodecResult<std::size_t> decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> pcm) override {
    std::fill_n(pcm.begin(), kFrameSamples, static_cast<std::int16_t>((payload[0] << 8) | payload[1]));
    return kFrameSamples;
  }
  void conceal(std::span<std::int16_t> pcm, std::span<const std::uint8_t> next) override {
    const int value = next.empty() ? -1 : -(1 + ((next[0] << 8) | next[1]));
    std::fill_n(pcm.begin(), kFrameSamples, static_cast<std::int16_t>(value));
  }

 private:
  codec::CodecInfo info_{"fake", 96, 8000, 1, 160, 2};
};

struct Arrival {
  int id;             // frame index, also the payload
  double arrival_ms;  // when it reaches the buffer
};

struct Run {
  std::vector<int> played;  // per pop: id decoded, -1 concealed, -(1+n) concealed with FEC n, -9999 silence
  std::vector<int> delays;  // current_delay_ms after each pop
  JitterStats stats;
  int final_target = 0;
};

// Pops every `tick_ms` (first pop at 10 ms) and pushes every arrival due before each pop.
Run simulate(std::vector<Arrival> arrivals, double duration_ms, std::uint16_t first_seq = 1000,
             double tick_ms = 20.0, JitterConfig config = {}) {
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const Arrival& a, const Arrival& b) { return a.arrival_ms < b.arrival_ms; });
  auto buffer = JitterBuffer::create(config);
  EXPECT_TRUE(buffer);
  FakeCodec codec;
  Run run;
  std::vector<std::int16_t> pcm(kFrameSamples);
  std::size_t next = 0;
  for (double now = 10.0; now < duration_ms; now += tick_ms) {
    for (; next < arrivals.size() && arrivals[next].arrival_ms <= now; ++next) {
      const int id = arrivals[next].id;
      const std::array<std::uint8_t, 2> payload{static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
      buffer->push(static_cast<std::uint16_t>(first_seq + id), static_cast<std::uint32_t>(12345 + id * 160), payload,
                   microseconds(static_cast<std::int64_t>(arrivals[next].arrival_ms * 1000)));
    }
    const auto kind = buffer->pop(codec, pcm);
    run.played.push_back(kind == FrameKind::silence ? -9999 : pcm[0]);
    run.delays.push_back(buffer->current_delay_ms());
  }
  run.stats = buffer->stats();
  run.final_target = buffer->target_delay_ms();
  return run;
}

std::vector<Arrival> paced(int count, double latency_ms = 5.0, double period_ms = 20.0) {
  std::vector<Arrival> out;
  for (int i = 0; i < count; ++i) out.push_back({i, i * period_ms + latency_ms});
  return out;
}

// The decoded ids in play order, without silence/concealment.
std::vector<int> decoded(const Run& run) {
  std::vector<int> ids;
  for (int v : run.played) {
    if (v >= 0) ids.push_back(v);
  }
  return ids;
}

std::vector<int> iota(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

TEST(JitterBuffer, SteadyStreamPlaysInOrderAtTheMinimumDelay) {
  const auto run = simulate(paced(100), 2100);
  EXPECT_EQ(decoded(run), iota(0, 100));
  EXPECT_EQ(run.stats.lost, 0u);
  EXPECT_EQ(run.stats.underruns, 1u);  // only when the stream ends
  EXPECT_EQ(run.final_target, 40);
  EXPECT_EQ(run.played[0], -9999);  // prebuffering starts with silence
  EXPECT_EQ(run.delays[50], 20);    // one frame waiting behind the one just played (40 ms target)
}

TEST(JitterBuffer, ReorderedPairsComeOutInOrder) {
  auto arrivals = paced(100);
  for (int i = 0; i + 1 < 100; i += 2) std::swap(arrivals[i].arrival_ms, arrivals[i + 1].arrival_ms);
  const auto run = simulate(arrivals, 2200);
  EXPECT_EQ(decoded(run), iota(0, 100));
  EXPECT_EQ(run.stats.late, 0u);
  EXPECT_EQ(run.stats.lost, 0u);
}

TEST(JitterBuffer, SingleLossesAreConcealedWithTheNextPacketForFec) {
  auto arrivals = paced(100);
  std::erase_if(arrivals, [](const Arrival& a) { return a.id % 20 == 10; });  // 5 losses
  const auto run = simulate(arrivals, 2200);
  EXPECT_EQ(run.stats.lost, 5u);
  for (int lost : {10, 30, 50, 70, 90}) {
    // Where frame `lost` should have played, the codec concealed with packet lost+1 offered for FEC.
    const auto at = std::ranges::find(run.played, lost - 1) - run.played.begin();
    ASSERT_LT(at + 2, static_cast<long>(run.played.size()));
    EXPECT_EQ(run.played[at + 1], -(1 + lost + 1)) << lost;
    EXPECT_EQ(run.played[at + 2], lost + 1);
  }
}

TEST(JitterBuffer, BurstLossIsConcealedFrameByFrame) {
  auto arrivals = paced(100);
  std::erase_if(arrivals, [](const Arrival& a) { return a.id >= 40 && a.id < 46; });
  const auto run = simulate(arrivals, 2200);
  auto ids = decoded(run);
  EXPECT_EQ(ids.size(), 94u);
  EXPECT_TRUE(std::ranges::is_sorted(ids));
  // Between frame 39 and frame 46 at most the 6 lost frames plus the 2-frame rebuffer are concealed.
  const auto from = std::ranges::find(run.played, 39) - run.played.begin();
  const auto to = std::ranges::find(run.played, 46) - run.played.begin();
  EXPECT_LE(to - from - 1, 8);
  EXPECT_GE(to - from - 1, 6);
  EXPECT_EQ(run.stats.dropped, 0u);  // no extra delay was built up that had to be shed
}

TEST(JitterBuffer, DuplicatesAreDropped) {
  auto arrivals = paced(60);
  for (int i = 0; i < 60; ++i) arrivals.push_back({i, i * 20.0 + 7.0});
  const auto run = simulate(arrivals, 1400);
  EXPECT_EQ(run.stats.duplicates, 60u);
  EXPECT_EQ(decoded(run), iota(0, 60));
}

TEST(JitterBuffer, LatePacketsAreCountedAndNotPlayed) {
  auto arrivals = paced(60);
  arrivals[30].arrival_ms += 300.0;  // arrives long after its turn
  const auto run = simulate(arrivals, 1700);
  EXPECT_EQ(run.stats.late, 1u);
  EXPECT_EQ(run.stats.lost, 1u);
  auto ids = decoded(run);
  EXPECT_EQ(std::ranges::count(ids, 30), 0);
  EXPECT_EQ(ids.size(), 59u);
}

TEST(JitterBuffer, TargetGrowsWithJitterAndKeepsLateLossLow) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> delay(0.0, 60.0);
  std::vector<Arrival> arrivals;
  for (int i = 0; i < 1500; ++i) arrivals.push_back({i, i * 20.0 + delay(rng)});
  const auto run = simulate(arrivals, 1500 * 20.0 + 300);
  EXPECT_GT(run.final_target, 40);
  EXPECT_LE(run.final_target, 200);
  const auto concealed = run.stats.lost + run.stats.late;
  EXPECT_LT(static_cast<double>(concealed) / 1500.0, 0.03);
  EXPECT_TRUE(std::ranges::is_sorted(decoded(run)));
}

TEST(JitterBuffer, TargetStaysWithinConfiguredBounds) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> delay(0.0, 400.0);
  std::vector<Arrival> arrivals;
  for (int i = 0; i < 500; ++i) arrivals.push_back({i, i * 20.0 + delay(rng)});
  JitterConfig config;
  config.min_delay_ms = 60;
  config.max_delay_ms = 120;
  const auto run = simulate(arrivals, 500 * 20.0 + 600, 1000, 20.0, config);
  EXPECT_EQ(run.final_target, 120);
  EXPECT_TRUE(std::ranges::is_sorted(decoded(run)));
}

TEST(JitterBuffer, FastSenderClockDropsFramesToHoldTheDelay) {
  // The sender's 20 ms are 19.6 ms of ours: 2 % too many frames.
  const auto run = simulate(paced(3000, 5.0, 19.6), 3000 * 19.6);
  EXPECT_GT(run.stats.dropped, 30u);
  const int worst = *std::max_element(run.delays.begin() + 100, run.delays.end());
  EXPECT_LE(worst, 40 + 3 * kFrameMs);
  EXPECT_TRUE(std::ranges::is_sorted(decoded(run)));
}

TEST(JitterBuffer, SlowSenderClockUnderrunsRarelyAndRecovers) {
  // 20.4 ms per frame: 2 % too few frames, so the buffer refills every ~100 frames.
  const auto run = simulate(paced(3000, 5.0, 20.4), 3000 * 20.4 + 200);
  const auto decoded_ids = decoded(run);
  EXPECT_EQ(decoded_ids.size(), 3000u);  // nothing lost, only stretched
  EXPECT_EQ(run.stats.lost, 0u);
  EXPECT_LT(run.stats.underruns, 3000u / 40);
  EXPECT_TRUE(std::ranges::is_sorted(decoded_ids));
}

TEST(JitterBuffer, SequenceNumbersWrap) {
  auto arrivals = paced(200);
  std::swap(arrivals[40].arrival_ms, arrivals[41].arrival_ms);  // reorder right at the wrap
  const auto run = simulate(arrivals, 4200, static_cast<std::uint16_t>(65536 - 41));
  EXPECT_EQ(decoded(run), iota(0, 200));
  EXPECT_EQ(run.stats.late + run.stats.lost + run.stats.restarts, 0u);
}

TEST(JitterBuffer, SequenceJumpRestarts) {
  auto buffer = JitterBuffer::create({});
  ASSERT_TRUE(buffer);
  const std::array<std::uint8_t, 2> payload{0, 1};
  EXPECT_EQ(buffer->push(100, 0, payload, microseconds(0)), PushResult::stored);
  EXPECT_EQ(buffer->push(100, 0, payload, microseconds(0)), PushResult::duplicate);
  EXPECT_EQ(buffer->push(30000, 0, payload, microseconds(20000)), PushResult::restarted);
  EXPECT_EQ(buffer->push(30001, 160, std::span<const std::uint8_t>{}, microseconds(40000)), PushResult::too_large);
  EXPECT_EQ(buffer->stats().restarts, 1u);
  EXPECT_FALSE(JitterBuffer::create({8000, 10, 200, 1500}));
  EXPECT_FALSE(JitterBuffer::create({8000, 100, 50, 1500}));
}

}  // namespace
}  // namespace parley::media::jitter

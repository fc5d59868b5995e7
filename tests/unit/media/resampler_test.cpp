#include "media/dsp/resampler.hpp"

#include <gtest/gtest.h>

#include "audio_test_util.hpp"

namespace parley::media::dsp {
namespace {

// Converts `in` frame by frame and returns the concatenated output.
std::vector<std::int16_t> run(Resampler& r, const std::vector<std::int16_t>& in, std::size_t in_frame) {
  const std::size_t out_frame = in_frame * r.out_rate() / r.in_rate();
  std::vector<std::int16_t> out;
  std::vector<std::int16_t> buffer(out_frame);
  for (std::size_t i = 0; i + in_frame <= in.size(); i += in_frame) {
    const auto produced = r.process(std::span(in).subspan(i, in_frame), buffer);
    EXPECT_EQ(produced, out_frame);
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(produced));
  }
  return out;
}

struct RatePair {
  int from;
  int to;
};

class ResamplerRoundTrip : public ::testing::TestWithParam<RatePair> {};

// A 1 kHz tone through from->to->from keeps an SNR above 30 dB once aligned for the filter delay.
TEST_P(ResamplerRoundTrip, KeepsExactFrameSizesAndTheTone) {
  const auto [from, to] = GetParam();
  auto there = Resampler::create(from, to);
  auto back = Resampler::create(to, from);
  ASSERT_TRUE(there && back);
  const auto input = test::tone(1000.0, from, static_cast<std::size_t>(from));  // 1 s
  const std::size_t frame = static_cast<std::size_t>(from / 50);               // 20 ms
  const auto middle = run(*there, input, frame);
  EXPECT_EQ(middle.size(), input.size() * to / from);
  const auto output = run(*back, middle, static_cast<std::size_t>(to / 50));
  ASSERT_EQ(output.size(), input.size());
  EXPECT_GT(test::aligned_snr_db(input, output, 200, 2000), 30.0);
}

INSTANTIATE_TEST_SUITE_P(Rates, ResamplerRoundTrip,
                         ::testing::Values(RatePair{16000, 8000}, RatePair{8000, 16000}, RatePair{48000, 16000},
                                           RatePair{16000, 48000}));

TEST(Resampler, RejectsNonPositiveRates) {
  EXPECT_FALSE(Resampler::create(0, 16000));
  EXPECT_FALSE(Resampler::create(16000, -1));
}

}  // namespace
}  // namespace parley::media::dsp

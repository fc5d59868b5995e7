#include "media/record/stereo_wav_writer.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "media/record/repair_wav.hpp"

namespace parley::media::record {
namespace {

namespace fs = std::filesystem;

class StereoWavWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley_wav_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Reads the file with libsndfile (an independent WAV reader): interleaved samples.
  static std::vector<std::int16_t> read(const fs::path& path, SF_INFO& info) {
    info = {};
    SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
    EXPECT_NE(file, nullptr) << sf_strerror(nullptr);
    if (!file) return {};
    std::vector<std::int16_t> samples(static_cast<std::size_t>(info.frames * info.channels));
    EXPECT_EQ(sf_read_short(file, samples.data(), static_cast<sf_count_t>(samples.size())),
              static_cast<sf_count_t>(samples.size()));
    sf_close(file);
    return samples;
  }

  static std::vector<std::int16_t> frame(std::int16_t value, std::size_t n = 320) {
    return std::vector<std::int16_t>(n, value);
  }

  fs::path dir_;
};

TEST_F(StereoWavWriterTest, ChannelsStayAlignedWithSilenceInGaps) {
  const auto path = dir_ / "call.wav";
  auto writer = StereoWavWriter::open(path, 16000);
  ASSERT_TRUE(writer) << writer.error().message;
  // Caller speaks frames 0-49 (1 s) except frames 10-14; the agent answers from 0.5 s for 0.5 s,
  // its frames delivered late and in a burst (as a TTS engine would).
  for (int i = 0; i < 50; ++i) {
    if (i >= 10 && i < 15) continue;
    ASSERT_TRUE(writer->write(Channel::caller, i * 320, frame(static_cast<std::int16_t>(100 + i))));
  }
  for (int i = 25; i < 50; ++i) {
    ASSERT_TRUE(writer->write(Channel::agent, i * 320, frame(static_cast<std::int16_t>(-100 - i))));
  }
  ASSERT_TRUE(writer->close());
  EXPECT_EQ(writer->frames_written(), 16000);

  SF_INFO info;
  const auto samples = read(path, info);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, 16000);
  ASSERT_EQ(info.frames, 16000);
  EXPECT_EQ(fs::file_size(path), 44u + 16000u * 4);
  auto left = [&](int n) { return samples[static_cast<std::size_t>(n) * 2]; };
  auto right = [&](int n) { return samples[static_cast<std::size_t>(n) * 2 + 1]; };
  EXPECT_EQ(left(0), 100);
  EXPECT_EQ(left(9 * 320 + 319), 109);
  EXPECT_EQ(left(10 * 320), 0);  // the caller's gap is silence
  EXPECT_EQ(left(15 * 320), 115);
  EXPECT_EQ(right(25 * 320 - 1), 0);  // the agent is silent before 0.5 s ...
  EXPECT_EQ(right(25 * 320), -125);   // ... and starts exactly there
  EXPECT_EQ(left(25 * 320), 125);
  EXPECT_EQ(right(49 * 320 + 319), -149);
}

TEST_F(StereoWavWriterTest, WritesIncrementallyAndDropsTooLateAudio) {
  const auto path = dir_ / "skew.wav";
  auto writer = StereoWavWriter::open(path, 8000, 100);  // 100 ms skew = 800 samples
  ASSERT_TRUE(writer);
  // Only the caller talks: audio is committed once it is more than 100 ms ahead of the silent agent.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(writer->write(Channel::caller, i * 160, frame(7, 160)));
  EXPECT_EQ(writer->frames_written(), 20 * 160 - 800);
  EXPECT_EQ(fs::file_size(path), 44u + static_cast<std::uintmax_t>(writer->frames_written()) * 4);
  // An agent frame for time already on disk is dropped, the part after it kept.
  ASSERT_TRUE(writer->write(Channel::agent, 2200, frame(9, 320)));
  EXPECT_EQ(writer->dropped_samples(), 200u);
  ASSERT_TRUE(writer->close());
  EXPECT_FALSE(writer->write(Channel::caller, 0, frame(1)));  // closed

  SF_INFO info;
  const auto samples = read(path, info);
  ASSERT_EQ(info.frames, 3200);
  EXPECT_EQ(samples[2399 * 2 + 1], 0);
  EXPECT_EQ(samples[2400 * 2 + 1], 9);
  EXPECT_EQ(samples[2519 * 2 + 1], 9);
  EXPECT_EQ(samples[2520 * 2 + 1], 0);
}

TEST_F(StereoWavWriterTest, RepairCompletesAFileLeftOpenByACrash) {
  const auto path = dir_ / "crash.wav";
  const auto copy = dir_ / "crash_copy.wav";
  {
    auto writer = StereoWavWriter::open(path, 16000, 20);
    ASSERT_TRUE(writer);
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(writer->write(Channel::caller, i * 320, frame(5)));
      ASSERT_TRUE(writer->write(Channel::agent, i * 320, frame(6)));
    }
    // What is on disk now is what a crash would leave: header sizes still 0.
    fs::copy_file(path, copy);
  }
  {
    std::ofstream torn(copy, std::ios::binary | std::ios::app);
    torn.write("\x01\x02\x03", 3);  // half a stereo frame
  }
  SF_INFO info{};
  auto repaired = repair_wav(copy);
  ASSERT_TRUE(repaired) << repaired.error().message;
  EXPECT_EQ(repaired->channels, 2);
  EXPECT_EQ(repaired->sample_rate, 16000);
  EXPECT_EQ(repaired->data_bytes, 30u * 320 * 4);
  EXPECT_EQ(fs::file_size(copy), 44u + 30u * 320 * 4);
  const auto samples = read(copy, info);
  EXPECT_EQ(info.frames, 30 * 320);
  EXPECT_EQ(samples.front(), 5);
  EXPECT_EQ(samples.back(), 6);
  // A healthy file is unchanged by repair.
  const auto before = fs::file_size(path);
  ASSERT_TRUE(repair_wav(path));
  EXPECT_EQ(fs::file_size(path), before);
}

TEST_F(StereoWavWriterTest, RejectsBadInput) {
  EXPECT_FALSE(StereoWavWriter::open(dir_ / "x.wav", 44100));
  EXPECT_FALSE(StereoWavWriter::open(dir_ / "missing" / "x.wav", 16000));
  const auto junk = dir_ / "junk.wav";
  std::ofstream(junk) << "this is not a wav file at all";
  auto repaired = repair_wav(junk);
  ASSERT_FALSE(repaired);
  EXPECT_EQ(repaired.error().code, core::Errc::corrupt);
  EXPECT_FALSE(repair_wav(dir_ / "nope.wav"));
}

}  // namespace
}  // namespace parley::media::record

#include <gtest/gtest.h>

#include <array>

#include "audio_test_util.hpp"
#include "media/audio_format.hpp"
#include "media/codec/codec_factory.hpp"
#include "media/codec/detail/g711_tables.hpp"
#include "media/codec/opus_codec.hpp"

namespace parley::media::codec {
namespace {

// Encodes `input` frame by frame and decodes every payload; returns the decoded 16 kHz audio.
std::vector<std::int16_t> round_trip(Codec& codec, const std::vector<std::int16_t>& input) {
  std::vector<std::int16_t> output;
  std::array<std::uint8_t, 1500> payload{};
  std::array<std::int16_t, kMaxPacketSamples> pcm{};
  for (std::size_t i = 0; i + kFrameSamples <= input.size(); i += kFrameSamples) {
    auto bytes = codec.encode(std::span(input).subspan(i, kFrameSamples), payload);
    EXPECT_TRUE(bytes);
    EXPECT_GT(*bytes, 0u);
    EXPECT_LE(*bytes, codec.info().max_payload_bytes);
    auto samples = codec.decode(std::span(payload).first(*bytes), pcm);
    EXPECT_TRUE(samples);
    EXPECT_EQ(*samples, kFrameSamples);
    output.insert(output.end(), pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(*samples));
  }
  return output;
}

struct Bound {
  const char* name;
  double tone_snr_db;    // minimum SNR for a 1 kHz tone at -12 dBFS
  double speech_snr_db;  // minimum SNR for the speech-like signal
};

class CodecRoundTrip : public ::testing::TestWithParam<Bound> {};

// SNR bounds: G.711 is waveform-exact up to companding and the 16k->8k->16k filters; G.722 is an ADPCM
// waveform coder; G.729 and Opus are perceptual, so their waveform SNR is low and the bound only proves
// the signal survives aligned in time; every codec must also keep the speech level within +-3 dB.
// Measured here: PCMU 43.1/37.3, PCMA 37.0/37.8, G722 47.2/26.2, G729 18.7/1.3, opus 19.2/6.5 dB.
TEST_P(CodecRoundTrip, ToneAndSpeechKeepTheirSnrBound) {
  const auto bound = GetParam();
  auto codec = make_codec(bound.name, 96);
  ASSERT_TRUE(codec) << codec.error().message;
  const auto tone = test::tone(1000.0, kSampleRate, kSampleRate);  // 1 s
  const auto tone_out = round_trip(**codec, tone);
  ASSERT_EQ(tone_out.size(), tone.size());
  const double tone_snr = test::aligned_snr_db(tone, tone_out, 400, 3200);
  EXPECT_GT(tone_snr, bound.tone_snr_db) << bound.name;

  auto fresh = make_codec(bound.name, 96);
  ASSERT_TRUE(fresh);
  const auto speech = test::speech_like(kSampleRate, 2 * kSampleRate);
  const auto speech_out = round_trip(**fresh, speech);
  const double speech_snr = test::aligned_snr_db(speech, speech_out, 400, 3200);
  EXPECT_GT(speech_snr, bound.speech_snr_db) << bound.name;
  const double level = test::rms(std::span(speech_out).subspan(3200)) / test::rms(std::span(speech).subspan(3200));
  EXPECT_GT(level, 0.708) << bound.name;
  EXPECT_LT(level, 1.413) << bound.name;
  std::printf("[ snr      ] %-5s tone %.1f dB, speech %.1f dB\n", bound.name, tone_snr, speech_snr);
}

INSTANTIATE_TEST_SUITE_P(Codecs, CodecRoundTrip,
                         ::testing::Values(Bound{"PCMU", 38.0, 32.0}, Bound{"PCMA", 33.0, 33.0},
                                           Bound{"G722", 40.0, 20.0}, Bound{"G729", 14.0, 0.5},
                                           Bound{"opus", 15.0, 4.0}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(G711Tables, EveryCodeSurvivesDecodeThenEncode) {
  for (auto law : {detail::G711Law::mu, detail::G711Law::a}) {
    for (int code = 0; code < 256; ++code) {
      const std::uint8_t in = static_cast<std::uint8_t>(code);
      std::int16_t linear = 0;
      std::uint8_t out = 0;
      detail::g711_decode(law, std::span(&in, 1), std::span(&linear, 1));
      detail::g711_encode(law, std::span(&linear, 1), std::span(&out, 1));
      // mu-law has two zeros: 0x7F (-0) decodes to 0, which encodes as 0xFF (+0).
      const std::uint8_t expected = (law == detail::G711Law::mu && code == 0x7F) ? 0xFF : in;
      EXPECT_EQ(out, expected) << "law " << static_cast<int>(law) << " code " << code;
    }
  }
}

TEST(G711Tables, KnownCodes) {
  const std::array<std::int16_t, 3> linear{0, 32767, -32768};
  std::array<std::uint8_t, 3> mu{}, a{};
  detail::g711_encode(detail::G711Law::mu, linear, mu);
  detail::g711_encode(detail::G711Law::a, linear, a);
  EXPECT_EQ(mu, (std::array<std::uint8_t, 3>{0xFF, 0x80, 0x00}));
  EXPECT_EQ(a, (std::array<std::uint8_t, 3>{0xD5, 0xAA, 0x2A}));
}

TEST(CodecFactory, BuildsByNameAndStaticPayloadType) {
  for (int pt : {0, 8, 9, 18}) {
    auto codec = make_codec(pt);
    ASSERT_TRUE(codec) << pt;
    EXPECT_EQ((*codec)->info().payload_type, pt);
    EXPECT_EQ((*codec)->info().rtp_clock_rate, 8000);  // G722 included (RFC 3551 s4.5.2)
    EXPECT_EQ((*codec)->info().timestamp_step, 160u);
  }
  EXPECT_EQ((*make_codec(9))->info().name, "G722");
  auto opus = make_codec(sdp::NegotiatedCodec{"OPUS", 111, 48000, 2, "useinbandfec=1"});
  ASSERT_TRUE(opus);
  EXPECT_EQ((*opus)->info().rtp_clock_rate, 48000);
  EXPECT_EQ((*opus)->info().timestamp_step, 960u);
  auto unknown = make_codec("iLBC", 97);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::Errc::unsupported);
  EXPECT_FALSE(make_codec(3));
}

TEST(CodecErrors, WrongLengthsAreRejected) {
  auto pcmu = make_codec("PCMU", 0);
  std::array<std::uint8_t, 200> payload{};
  std::array<std::int16_t, 100> short_frame{};
  EXPECT_EQ((*pcmu)->encode(short_frame, payload).error(), CodecError::bad_frame_length);
  std::array<std::int16_t, kFrameSamples> frame{};
  std::array<std::uint8_t, 10> small{};
  EXPECT_EQ((*pcmu)->encode(frame, small).error(), CodecError::output_too_small);
  std::array<std::int16_t, kMaxPacketSamples> pcm{};
  EXPECT_EQ((*pcmu)->decode({}, pcm).error(), CodecError::bad_payload);

  auto g729 = make_codec("G729", 18);
  const std::array<std::uint8_t, 7> odd{};
  EXPECT_EQ((*g729)->decode(odd, pcm).error(), CodecError::bad_payload);
  auto opus = make_codec("opus", 111);
  const std::array<std::uint8_t, 3> garbage{0xFF, 0xFF, 0xFF};
  EXPECT_FALSE((*opus)->decode(garbage, pcm));
}

// After good audio, every codec's concealment yields a full 20 ms frame that is not silence.
TEST(CodecConceal, FillsOneFrameAfterGoodAudio) {
  for (const char* name : {"PCMU", "PCMA", "G722", "G729", "opus"}) {
    auto codec = make_codec(name, 96);
    ASSERT_TRUE(codec);
    const auto speech = test::speech_like(kSampleRate, kFrameSamples * 10);
    round_trip(**codec, speech);
    std::array<std::int16_t, kFrameSamples + 8> pcm{};
    pcm.back() = 1234;  // guard: conceal must stay within 320 samples
    (*codec)->conceal(std::span(pcm), {});
    EXPECT_GT(test::rms(std::span(pcm).first(kFrameSamples)), 10.0) << name;
    EXPECT_EQ(pcm.back(), 1234) << name;
  }
}

TEST(OpusCodec, FecRecoversALostFrameFromTheNextPacket) {
  auto sender = make_codec("opus", 111, "useinbandfec=1");
  auto with_fec = make_codec("opus", 111);
  auto plc_only = make_codec("opus", 111);
  ASSERT_TRUE(sender && with_fec && plc_only);
  const auto speech = test::speech_like(kSampleRate, kFrameSamples * 50);
  std::vector<std::vector<std::uint8_t>> packets;
  for (std::size_t i = 0; i + kFrameSamples <= speech.size(); i += kFrameSamples) {
    std::array<std::uint8_t, 1500> payload{};
    auto bytes = (*sender)->encode(std::span(speech).subspan(i, kFrameSamples), payload);
    ASSERT_TRUE(bytes);
    packets.emplace_back(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(*bytes));
  }
  constexpr std::size_t kLost = 30;
  std::vector<std::int16_t> fec_out, plc_out;
  std::array<std::int16_t, kMaxPacketSamples> pcm{};
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (i == kLost) {
      (*with_fec)->conceal(pcm, packets[i + 1]);
      fec_out.insert(fec_out.end(), pcm.begin(), pcm.begin() + kFrameSamples);
      (*plc_only)->conceal(pcm, {});
      plc_out.insert(plc_out.end(), pcm.begin(), pcm.begin() + kFrameSamples);
      continue;
    }
    auto n = (*with_fec)->decode(packets[i], pcm);
    ASSERT_EQ(*n, kFrameSamples);
    fec_out.insert(fec_out.end(), pcm.begin(), pcm.begin() + kFrameSamples);
    n = (*plc_only)->decode(packets[i], pcm);
    plc_out.insert(plc_out.end(), pcm.begin(), pcm.begin() + kFrameSamples);
  }
  ASSERT_EQ(fec_out.size(), speech.size());
  ASSERT_EQ(plc_out.size(), speech.size());
  // The FEC frame carries the lost audio: it is not silent.
  const auto lost = std::span(fec_out).subspan(kLost * kFrameSamples, kFrameSamples);
  EXPECT_GT(test::rms(lost), 100.0);
}

TEST(OpusCodec, DtxSendsNothingDuringSilence) {
  auto codec = make_codec("opus", 111, "usedtx=1");
  ASSERT_TRUE(codec);
  const std::array<std::int16_t, kFrameSamples> silence{};
  std::array<std::uint8_t, 1500> payload{};
  int skipped = 0;
  for (int i = 0; i < 50; ++i) {
    auto bytes = (*codec)->encode(silence, payload);
    ASSERT_TRUE(bytes);
    if (*bytes == 0) ++skipped;
  }
  EXPECT_GT(skipped, 30);
  EXPECT_TRUE(opus_settings_from_fmtp("usedtx=1; maxaveragebitrate=20000").dtx);
  EXPECT_EQ(opus_settings_from_fmtp("usedtx=1; maxaveragebitrate=20000").bitrate, 20000);
  EXPECT_EQ(opus_settings_from_fmtp("maxaveragebitrate=5").bitrate, 24000);
}

}  // namespace
}  // namespace parley::media::codec

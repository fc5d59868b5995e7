// Hot-path costs per 20 ms frame. Run: ./bench_media_codecs (each benchmark reports mean/median/stddev
// of 5 repetitions; docs quote the medians).
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "audio_test_util.hpp"
#include "media/audio_format.hpp"
#include "media/codec/codec_factory.hpp"
#include "media/jitter/jitter_buffer.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/srtp/srtp_session.hpp"

namespace parley::media {
namespace {

void configure(benchmark::internal::Benchmark* b) {
  b->Repetitions(5)->ReportAggregatesOnly(true)->Unit(benchmark::kMicrosecond);
}

const std::vector<std::int16_t>& speech() {
  static const auto signal = test::speech_like(kSampleRate, kFrameSamples * 50);
  return signal;
}

// One transcoding hop per iteration: decode a received payload (with resampling to 16 kHz where the
// codec runs at 8 kHz) and encode the 16 kHz frame back (resampling down again).
void BM_DecodeResampleEncode(benchmark::State& state, const char* name) {
  auto codec = codec::make_codec(name, 96);
  if (!codec) {
    state.SkipWithError("codec unavailable");
    return;
  }
  std::vector<std::vector<std::uint8_t>> payloads;
  std::array<std::uint8_t, 1500> buffer{};
  for (std::size_t i = 0; i + kFrameSamples <= speech().size(); i += kFrameSamples) {
    const auto bytes = (*codec)->encode(std::span(speech()).subspan(i, kFrameSamples), buffer);
    payloads.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*bytes));
  }
  std::array<std::int16_t, kMaxPacketSamples> pcm{};
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& payload = payloads[i++ % payloads.size()];
    auto samples = (*codec)->decode(payload, pcm);
    auto bytes = (*codec)->encode(std::span(pcm).first(kFrameSamples), buffer);
    benchmark::DoNotOptimize(samples);
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK_CAPTURE(BM_DecodeResampleEncode, PCMU, "PCMU")->Apply(configure);
BENCHMARK_CAPTURE(BM_DecodeResampleEncode, PCMA, "PCMA")->Apply(configure);
BENCHMARK_CAPTURE(BM_DecodeResampleEncode, G722, "G722")->Apply(configure);
BENCHMARK_CAPTURE(BM_DecodeResampleEncode, Opus, "opus")->Apply(configure);
BENCHMARK_CAPTURE(BM_DecodeResampleEncode, G729, "G729")->Apply(configure);

// Jitter buffer bookkeeping only: a codec that copies nothing.
class NullCodec final : public codec::Codec {
 public:
  const codec::CodecInfo& info() const noexcept override { return info_; }
  codec::CodecResult<std::size_t> encode(std::span<const std::int16_t>, std::span<std::uint8_t>) override {
    return std::size_t{0};
  }
  codec::CodecResult<std::size_t> decode(std::span<const std::uint8_t>, std::span<std::int16_t>) override {
    return kFrameSamples;
  }
  void conceal(std::span<std::int16_t>, std::span<const std::uint8_t>) override {}

 private:
  codec::CodecInfo info_{"null", 0, 8000, 1, 160, 160};
};

void BM_JitterPushPop(benchmark::State& state) {
  auto buffer = jitter::JitterBuffer::create({});
  NullCodec codec;
  const std::array<std::uint8_t, 160> payload{};
  std::array<std::int16_t, kFrameSamples> pcm{};
  std::uint16_t seq = 0;
  std::int64_t now_us = 0;
  buffer->push(seq++, 0, payload, std::chrono::microseconds(now_us));
  for (auto _ : state) {
    now_us += 20'000;
    buffer->push(seq, seq * 160u, payload, std::chrono::microseconds(now_us));
    ++seq;
    benchmark::DoNotOptimize(buffer->pop(codec, pcm));
  }
}
BENCHMARK(BM_JitterPushPop)->Apply(configure);

void BM_RtpBuild(benchmark::State& state) {
  rtp::RtpHeader header;
  header.ssrc = 0x12345678;
  const std::array<std::uint8_t, 160> payload{};
  std::array<std::uint8_t, 256> out{};
  for (auto _ : state) {
    ++header.sequence;
    header.timestamp += 160;
    benchmark::DoNotOptimize(rtp::build_rtp(header, payload, out));
  }
}
BENCHMARK(BM_RtpBuild)->Apply(configure);

void BM_RtpParse(benchmark::State& state) {
  rtp::RtpHeader header;
  header.ssrc = 0x12345678;
  const std::array<std::uint8_t, 160> payload{};
  std::array<std::uint8_t, 256> packet{};
  const auto size = *rtp::build_rtp(header, payload, packet);
  for (auto _ : state) benchmark::DoNotOptimize(rtp::parse_rtp(std::span(packet).first(size)));
}
BENCHMARK(BM_RtpParse)->Apply(configure);

void BM_SrtpProtect(benchmark::State& state) {
  auto session = srtp::SrtpSession::create(srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, std::string(30, 'k'),
                                           srtp::SrtpDirection::outbound);
  if (!session) {
    state.SkipWithError("srtp unavailable");
    return;
  }
  rtp::RtpHeader header;
  header.ssrc = 0x12345678;
  const std::array<std::uint8_t, 160> payload{};
  std::array<std::uint8_t, 256> plain{};
  const auto size = *rtp::build_rtp(header, payload, plain);
  std::array<std::uint8_t, 256> packet{};
  std::uint16_t seq = 0;
  for (auto _ : state) {
    packet = plain;
    ++seq;  // a fresh index each time: libsrtp refuses to protect a repeated one
    packet[2] = static_cast<std::uint8_t>(seq >> 8);
    packet[3] = static_cast<std::uint8_t>(seq);
    benchmark::DoNotOptimize(session->protect_rtp(packet, size));
  }
}
BENCHMARK(BM_SrtpProtect)->Apply(configure);

}  // namespace
}  // namespace parley::media

// The per-packet paths must not touch the C++ heap: this binary counts operator new calls while
// codecs, the jitter buffer, RTP/RTCP statistics, SRTP and RFC 4733 reception handle 200 frames.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "audio_test_util.hpp"
#include "media/codec/codec_factory.hpp"
#include "media/dtmf/telephone_event_receiver.hpp"
#include "media/jitter/jitter_buffer.hpp"
#include "media/rtp/receive_statistics.hpp"
#include "media/rtp/rtp_sender.hpp"
#include "media/srtp/srtp_session.hpp"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// AddressSanitizer owns operator new/delete; the count only runs in plain builds.
#if !defined(__SANITIZE_ADDRESS__)
void* operator new(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC pairs its builtin idea of operator new with free() and warns; this operator new does use malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

namespace parley::media {
namespace {

TEST(HotPath, NoHeapAllocationPerPacket) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "allocation counting needs the plain operator new";
#endif
  const auto speech = test::speech_like(kSampleRate, kFrameSamples * 200);
  std::vector<std::unique_ptr<codec::Codec>> codecs;
  for (const char* name : {"PCMU", "PCMA", "G722", "G729", "opus"}) codecs.push_back(std::move(*codec::make_codec(name, 0)));
  auto buffer = jitter::JitterBuffer::create({});
  rtp::RtpSender sender(0x1234, 0, 160, 100, 1000);
  rtp::ReceiveStatistics stats(8000);
  auto tx = srtp::SrtpSession::create(srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, std::string(30, 'k'),
                                      srtp::SrtpDirection::outbound);
  auto rx = srtp::SrtpSession::create(srtp::SrtpSuite::aes_cm_128_hmac_sha1_80, std::string(30, 'k'),
                                      srtp::SrtpDirection::inbound);
  ASSERT_TRUE(buffer && tx && rx);
  dtmf::TelephoneEventReceiver events;
  std::array<std::uint8_t, 1500> payload{};
  std::array<std::uint8_t, 1600> packet{};
  std::array<std::int16_t, kMaxPacketSamples> pcm{};

  auto run_frame = [&](std::size_t i) {
    const auto frame = std::span(speech).subspan(i * kFrameSamples, kFrameSamples);
    for (auto& codec : codecs) {
      const auto bytes = codec->encode(frame, payload);
      if (*bytes > 0) (void)codec->decode(std::span(payload).first(*bytes), pcm);
      if (i % 10 == 0) codec->conceal(pcm, std::span(payload).first(*bytes));
    }
    const auto bytes = *codecs[0]->encode(frame, payload);
    const auto size = *sender.build_audio(std::span(payload).first(bytes), packet);
    const auto secured = *tx->protect_rtp(packet, size);
    const auto plain = *rx->unprotect_rtp(std::span(packet).first(secured));
    const auto parsed = *rtp::parse_rtp(std::span(packet).first(plain));
    stats.on_packet(parsed.header.sequence, parsed.header.timestamp, std::chrono::milliseconds(20 * i));
    buffer->push(parsed.header.sequence, parsed.header.timestamp, parsed.payload, std::chrono::milliseconds(20 * i));
    (void)buffer->pop(*codecs[0], pcm);
    (void)events.on_packet(static_cast<std::uint32_t>(i / 5), std::array<std::uint8_t, 4>{1, 0x0A, 0, 160});
  };
  for (std::size_t i = 0; i < 20; ++i) run_frame(i);  // warm-up: lazy tables, first-use state
  g_counting = true;
  for (std::size_t i = 20; i < 200; ++i) run_frame(i);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0u);
  EXPECT_GT(buffer->stats().received, 150u);
}

}  // namespace
}  // namespace parley::media

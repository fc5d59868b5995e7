#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "media/dtmf/inband_detector.hpp"
#include "media/dtmf/inband_generator.hpp"
#include "media/dtmf/telephone_event_receiver.hpp"
#include "media/dtmf/telephone_event_sender.hpp"

namespace parley::media::dtmf {
namespace {

std::array<std::uint8_t, 4> payload(std::uint8_t event, bool end, std::uint16_t duration) {
  std::array<std::uint8_t, 4> out{};
  write_telephone_event(TelephoneEvent{event, end, 10, duration}, out);
  return out;
}

TEST(TelephoneEvent, PayloadRoundTripAndDigitCodes) {
  const auto bytes = payload(11, true, 800);
  EXPECT_EQ(bytes, (std::array<std::uint8_t, 4>{11, 0x8A, 0x03, 0x20}));
  EXPECT_EQ(*parse_telephone_event(bytes), (TelephoneEvent{11, true, 10, 800}));
  EXPECT_FALSE(parse_telephone_event(std::span(bytes).first(3)));
  EXPECT_EQ(event_to_digit(10), '*');
  EXPECT_EQ(event_to_digit(15), 'D');
  EXPECT_FALSE(event_to_digit(16));  // flash is not DTMF
  EXPECT_EQ(digit_to_event('#'), 11);
  EXPECT_EQ(digit_to_event('b'), 13);
  EXPECT_FALSE(digit_to_event('x'));
}

TEST(TelephoneEventSender, SequenceForA100msDigit) {
  auto packets = telephone_event_packets('5', 100);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 4u + 3u);
  const std::vector<std::uint16_t> durations{160, 320, 480, 640, 800, 800, 800};
  for (std::size_t i = 0; i < packets->size(); ++i) {
    EXPECT_EQ((*packets)[i].event.event, 5);
    EXPECT_EQ((*packets)[i].event.duration, durations[i]);
    EXPECT_EQ((*packets)[i].event.end, i >= 4);
    EXPECT_EQ((*packets)[i].marker, i == 0);
  }
  EXPECT_FALSE(telephone_event_packets('x', 100));
  EXPECT_FALSE(telephone_event_packets('1', 0));
  EXPECT_FALSE(telephone_event_packets('1', 2000, 48000));  // 96000 units: over 16 bits
  auto short_digit = telephone_event_packets('1', 20);
  ASSERT_TRUE(short_digit);
  EXPECT_EQ(short_digit->size(), 3u);  // only the end packets, the first one marked
  EXPECT_TRUE((*short_digit)[0].marker);
}

TEST(TelephoneEventReceiver, OneDigitDespiteTripleEndPackets) {
  TelephoneEventReceiver receiver;
  std::vector<Dtmf> digits;
  const auto packets = telephone_event_packets('9', 120);
  ASSERT_TRUE(packets);
  for (const auto& packet : *packets) {
    std::array<std::uint8_t, 4> bytes{};
    write_telephone_event(packet.event, bytes);
    const auto completed = receiver.on_packet(5000, bytes);
    for (auto d : completed.view()) digits.push_back(d);
  }
  ASSERT_EQ(digits.size(), 1u);
  EXPECT_EQ(digits[0], (Dtmf{'9', 120}));
}

TEST(TelephoneEventReceiver, SameDigitTwiceIsTwoEventsByTimestamp) {
  TelephoneEventReceiver receiver;
  EXPECT_EQ(receiver.on_packet(1000, payload(1, false, 160)).count, 0u);
  EXPECT_EQ(receiver.on_packet(1000, payload(1, true, 400)).count, 1u);
  EXPECT_EQ(receiver.on_packet(1000, payload(1, true, 400)).count, 0u);  // redundant end
  EXPECT_EQ(receiver.on_packet(1000, payload(1, false, 160)).count, 0u);  // late update of a finished event
  auto second = receiver.on_packet(3000, payload(1, true, 800));
  ASSERT_EQ(second.count, 1u);
  EXPECT_EQ(second.digits[0], (Dtmf{'1', 100}));
}

TEST(TelephoneEventReceiver, LostEndPacketsAndStalePackets) {
  TelephoneEventReceiver receiver;
  receiver.on_packet(1000, payload(2, false, 160));
  receiver.on_packet(1000, payload(2, false, 480));
  // The next event starts before the first one ended on the wire: the first is reported with what was seen.
  auto out = receiver.on_packet(4000, payload(3, false, 160));
  ASSERT_EQ(out.count, 1u);
  EXPECT_EQ(out.digits[0], (Dtmf{'2', 60}));
  EXPECT_EQ(receiver.on_packet(1000, payload(2, true, 800)).count, 0u);  // stale
  EXPECT_EQ(receiver.on_packet(4000, payload(16, true, 800)).count, 0u);  // non-DTMF event ignored
  EXPECT_EQ(receiver.on_packet(4000, std::array<std::uint8_t, 4>{}).count, 0u);  // different code, same ts
  auto flushed = receiver.flush();
  ASSERT_TRUE(flushed);
  EXPECT_EQ(*flushed, (Dtmf{'3', 20}));
  EXPECT_FALSE(receiver.flush());
}

TEST(TelephoneEventReceiver, StartAndEndLostExceptOneEndPacket) {
  TelephoneEventReceiver receiver(48000);
  auto out = receiver.on_packet(0xFFFFFF00, payload(12, true, 4800));  // only an end packet, near wrap
  ASSERT_EQ(out.count, 1u);
  EXPECT_EQ(out.digits[0], (Dtmf{'A', 100}));
  auto next = receiver.on_packet(0x00000100, payload(12, true, 4800));  // after the wrap: a new event
  EXPECT_EQ(next.count, 1u);
}

TEST(InbandDtmf, DetectsGeneratedDigitsWithDurations) {
  const std::string digits = "123#*0ABCD";
  auto tones = generate_dtmf(digits, 80, 60);
  ASSERT_TRUE(tones);
  tones->insert(tones->end(), 800, 0);  // trailing silence so the last digit ends
  auto detector = InbandDtmfDetector::create();
  ASSERT_TRUE(detector);
  // Feed in 20 ms frames as the pipeline would.
  for (std::size_t i = 0; i < tones->size(); i += 160) {
    detector->process(std::span(*tones).subspan(i, std::min<std::size_t>(160, tones->size() - i)));
  }
  std::string seen;
  while (auto digit = detector->next_digit()) {
    seen += digit->digit;
    EXPECT_NEAR(digit->duration_ms, 80, 25) << digit->digit;
  }
  EXPECT_EQ(seen, digits);
}

TEST(InbandDtmf, SilenceAndSpeechLikeToneGiveNothing) {
  auto detector = InbandDtmfDetector::create();
  ASSERT_TRUE(detector);
  std::vector<std::int16_t> audio(8000);
  for (std::size_t i = 0; i < audio.size(); ++i) {
    audio[i] = static_cast<std::int16_t>(6000 * std::sin(2 * 3.14159265 * 440 * static_cast<double>(i) / 8000));
  }
  detector->process(audio);
  EXPECT_FALSE(detector->next_digit());
  EXPECT_FALSE(generate_dtmf("12x"));
}

}  // namespace
}  // namespace parley::media::dtmf

#pragma once
// The RFC 4733 s2.3 telephone-event payload: event, E bit, volume, duration.
#include <cstdint>
#include <optional>
#include <span>

namespace parley::media::dtmf {

inline constexpr std::size_t kTelephoneEventSize = 4;

struct TelephoneEvent {
  std::uint8_t event = 0;   // 0-9, 10 '*', 11 '#', 12-15 A-D (RFC 4733 s3.2)
  bool end = false;
  std::uint8_t volume = 10;  // -dBm0, 0-63
  std::uint16_t duration = 0;  // RTP timestamp units since the event began

  bool operator==(const TelephoneEvent&) const = default;
};

// Empty when shorter than 4 octets. Extra octets (RFC 4733 s2.4 redundancy blocks are not used) are ignored.
std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) noexcept;
void write_telephone_event(const TelephoneEvent& event, std::span<std::uint8_t, kTelephoneEventSize> out) noexcept;

// RFC 4733 s3.2 event codes for DTMF.
std::optional<char> event_to_digit(std::uint8_t event) noexcept;
std::optional<std::uint8_t> digit_to_event(char digit) noexcept;

}  // namespace parley::media::dtmf

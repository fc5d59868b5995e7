#include "media/dtmf/telephone_event.hpp"

#include <string_view>

namespace parley::media::dtmf {
namespace {
constexpr std::string_view kDigits = "0123456789*#ABCD";
}

std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) noexcept {
  // RFC 4733 s2.3: event(8) | E(1) R(1) volume(6) | duration(16)
  if (payload.size() < kTelephoneEventSize) return std::nullopt;
  return TelephoneEvent{payload[0], (payload[1] & 0x80) != 0, static_cast<std::uint8_t>(payload[1] & 0x3F),
                        static_cast<std::uint16_t>((payload[2] << 8) | payload[3])};
}

void write_telephone_event(const TelephoneEvent& event, std::span<std::uint8_t, kTelephoneEventSize> out) noexcept {
  out[0] = event.event;
  out[1] = static_cast<std::uint8_t>((event.end ? 0x80 : 0) | (event.volume & 0x3F));
  out[2] = static_cast<std::uint8_t>(event.duration >> 8);
  out[3] = static_cast<std::uint8_t>(event.duration);
}

std::optional<char> event_to_digit(std::uint8_t event) noexcept {
  if (event >= kDigits.size()) return std::nullopt;
  return kDigits[event];
}

std::optional<std::uint8_t> digit_to_event(char digit) noexcept {
  const char upper = (digit >= 'a' && digit <= 'd') ? static_cast<char>(digit - 'a' + 'A') : digit;
  const auto pos = kDigits.find(upper);
  if (pos == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(pos);
}

}  // namespace parley::media::dtmf

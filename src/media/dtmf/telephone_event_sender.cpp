#include "media/dtmf/telephone_event_sender.hpp"

namespace parley::media::dtmf {

core::Result<std::vector<TelephoneEventPacket>> telephone_event_packets(char digit, int duration_ms, int clock_rate,
                                                                        int packet_ms, std::uint8_t volume) {
  const auto event = digit_to_event(digit);
  if (!event) return core::fail(core::Errc::invalid_argument, "not a DTMF digit", "digit");
  if (duration_ms <= 0 || packet_ms <= 0) return core::fail(core::Errc::invalid_argument, "duration must be positive");
  const long total = static_cast<long>(duration_ms) * clock_rate / 1000;
  const long step = static_cast<long>(packet_ms) * clock_rate / 1000;
  if (total > 0xFFFF) return core::fail(core::Errc::invalid_argument, "event longer than the duration field");
  std::vector<TelephoneEventPacket> packets;
  for (long elapsed = step; elapsed < total; elapsed += step) {
    packets.push_back({TelephoneEvent{*event, false, volume, static_cast<std::uint16_t>(elapsed)}, packets.empty()});
  }
  for (int i = 0; i < kEndRepeats; ++i) {
    packets.push_back({TelephoneEvent{*event, true, volume, static_cast<std::uint16_t>(total)}, packets.empty()});
  }
  return packets;
}

}  // namespace parley::media::dtmf

#pragma once
// The RFC 4733 s2.5.1 packet sequence for one digit: updates every packet interval with a growing
// duration, the first with the marker bit, then the end packet three times. All share one RTP timestamp.
#include <vector>

#include "core/error.hpp"
#include "media/dtmf/telephone_event.hpp"

namespace parley::media::dtmf {

struct TelephoneEventPacket {
  TelephoneEvent event;
  bool marker = false;
};

inline constexpr int kEndRepeats = 3;  // RFC 4733 s2.5.1.4

// Errc::invalid_argument for a non-DTMF digit, a non-positive duration, or one longer than the 16-bit
// duration field holds at `clock_rate` (s2.5.1.3 long-event segmentation is not done).
core::Result<std::vector<TelephoneEventPacket>> telephone_event_packets(char digit, int duration_ms,
                                                                        int clock_rate = 8000, int packet_ms = 20,
                                                                        std::uint8_t volume = 10);

}  // namespace parley::media::dtmf

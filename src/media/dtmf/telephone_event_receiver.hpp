#pragma once
// Turns received RFC 4733 packets into DTMF digits (s2.5.2): one digit per event, reported at its end,
// end-packet retransmissions and late packets suppressed, repeated digits told apart by timestamp.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "media/dtmf/dtmf_event.hpp"
#include "media/dtmf/telephone_event.hpp"

namespace parley::media::dtmf {

// At most two digits complete on one packet: an event whose end was lost, and the new one.
struct CompletedDigits {
  std::array<Dtmf, 2> digits{};
  std::size_t count = 0;

  std::span<const Dtmf> view() const& noexcept { return std::span(digits).first(count); }
  std::span<const Dtmf> view() const&& = delete;  // would dangle
};

class TelephoneEventReceiver {
 public:
  explicit TelephoneEventReceiver(int clock_rate = 8000) : clock_rate_(clock_rate) {}

  // One packet of the telephone-event payload type: its RTP timestamp (the event's start) and payload.
  CompletedDigits on_packet(std::uint32_t rtp_timestamp, std::span<const std::uint8_t> payload) noexcept;
  // Reports an event still in progress (all its end packets lost); call when the event stream goes quiet.
  std::optional<Dtmf> flush() noexcept;

 private:
  struct Current {
    std::uint32_t timestamp;
    std::uint8_t event;
    std::uint16_t duration;
  };
  Dtmf to_dtmf(const Current& current) const noexcept;
  void complete(CompletedDigits& out, const Current& current) noexcept;

  int clock_rate_;
  std::optional<Current> current_;
  std::optional<std::uint32_t> last_completed_;
};

}  // namespace parley::media::dtmf

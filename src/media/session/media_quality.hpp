#pragma once
// Receive quality of one media session, for the session record and logs.
#include <cstdint>
#include <optional>

namespace parley::media::session {

struct MediaQuality {
  std::uint64_t packets_received = 0;  // RTP from the latched source (audio and events)
  std::uint64_t packets_lost = 0;      // RFC 3550 A.3 cumulative loss of that source
  double jitter_ms = 0.0;              // RFC 3550 A.8 interarrival jitter
  std::optional<double> rtt_ms;        // from RTCP report blocks (RFC 3550 s6.4.1), once one came back
  double mos_estimate = 0.0;           // simplified E-model (media/rtp/mos.hpp)
  double jitter_buffer_delay_ms = 0.0; // mean playout delay while playing
  int jitter_buffer_max_delay_ms = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_foreign = 0;   // dropped: not from the latched source (bleed, injection)
  std::uint64_t packets_invalid = 0;   // dropped: not RTP, SRTP authentication failed, unknown payload type
  std::uint64_t frames_concealed = 0;  // played by loss concealment
  std::uint64_t frames_late = 0;       // pacing ticks skipped because the I/O thread fell behind
};

}  // namespace parley::media::session

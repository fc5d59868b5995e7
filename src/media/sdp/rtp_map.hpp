#pragma once
// a=rtpmap (RFC 8866 s6.6) and the static payload types of RFC 3551 s6 that may appear without one.
#include <optional>
#include <string>

namespace parley::media::sdp {

struct RtpMap {
  int payload_type = 0;
  std::string encoding;  // e.g. "opus", compared case-insensitively
  int clock_rate = 8000;
  int channels = 1;

  bool operator==(const RtpMap&) const = default;
};

// RFC 3551 s6 table 4: 0 PCMU, 8 PCMA, 9 G722, 18 G729 (all 8000 Hz RTP clock, mono).
std::optional<RtpMap> static_rtp_map(int payload_type);
// The static payload type of an encoding, if it has one.
std::optional<int> static_payload_type(const RtpMap& map);

}  // namespace parley::media::sdp

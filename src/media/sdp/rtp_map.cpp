#include "media/sdp/rtp_map.hpp"

#include <array>

#include "media/detail/text.hpp"

namespace parley::media::sdp {
namespace {

// RFC 3551 s6: G722 is listed with an 8000 Hz RTP clock although it samples at 16 kHz (s4.5.2).
const std::array<RtpMap, 4> kStaticPayloads{{
    {0, "PCMU", 8000, 1},
    {8, "PCMA", 8000, 1},
    {9, "G722", 8000, 1},
    {18, "G729", 8000, 1},
}};

}  // namespace

std::optional<RtpMap> static_rtp_map(int payload_type) {
  for (const auto& map : kStaticPayloads) {
    if (map.payload_type == payload_type) return map;
  }
  return std::nullopt;
}

std::optional<int> static_payload_type(const RtpMap& map) {
  for (const auto& known : kStaticPayloads) {
    if (detail::iequals(known.encoding, map.encoding) && known.clock_rate == map.clock_rate &&
        known.channels == map.channels) {
      return known.payload_type;
    }
  }
  return std::nullopt;
}

}  // namespace parley::media::sdp

#pragma once
// What offer/answer settled for one audio stream: plain data for the media session, no SIP or SDP text.
#include <cstdint>
#include <optional>
#include <string>

#include "media/sdp/direction.hpp"
#include "media/sdp/session_description.hpp"
#include "media/srtp/srtp_suite.hpp"

namespace parley::media::sdp {

struct NegotiatedCodec {
  std::string name;  // as the peer spelled it, e.g. "PCMU", "opus"
  int payload_type = 0;
  int clock_rate = 8000;  // RTP clock (8000 for G722, RFC 3551 s4.5.2)
  int channels = 1;
  std::string fmtp;  // the peer's format parameters for this payload type

  bool operator==(const NegotiatedCodec&) const = default;
};

struct SrtpKeys {
  srtp::SrtpSuite suite = srtp::SrtpSuite::aes_cm_128_hmac_sha1_80;
  std::uint32_t tag = 1;
  std::string local_key;   // raw master key||salt Parley protects with
  std::string remote_key;  // raw master key||salt the peer protects with
};

struct NegotiatedMedia {
  AddressType remote_address_type = AddressType::ip4;
  std::string remote_address;
  std::uint16_t remote_rtp_port = 0;
  std::uint16_t remote_rtcp_port = 0;  // equals remote_rtp_port when rtcp_mux
  bool rtcp_mux = false;
  NegotiatedCodec codec;
  std::optional<int> telephone_event_pt;
  int ptime_ms = 20;  // packetization the peer asked for (its a=ptime), else the local default
  Direction direction = Direction::sendrecv;  // what Parley does on this stream
  bool remote_hold = false;  // RFC 3264 s8.4: peer sent sendonly/inactive, or c=0.0.0.0 (RFC 2543 style)
  std::optional<SrtpKeys> srtp;
};

}  // namespace parley::media::sdp

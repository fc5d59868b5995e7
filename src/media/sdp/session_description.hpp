#pragma once
// An SDP session description (RFC 8866 s5) as plain data: what the parser yields and the writer emits.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/sdp/crypto_attribute.hpp"
#include "media/sdp/direction.hpp"
#include "media/sdp/rtp_map.hpp"

namespace parley::media::sdp {

enum class AddressType { ip4, ip6 };

// c=IN <IP4|IP6> <address> (RFC 8866 s5.7); a multicast TTL/count suffix stays in `address`.
struct Connection {
  AddressType address_type = AddressType::ip4;
  std::string address;

  bool operator==(const Connection&) const = default;
};

// o=<username> <sess-id> <sess-version> IN <addrtype> <address> (RFC 8866 s5.2).
struct Origin {
  std::string username = "-";
  std::string session_id = "0";
  std::string session_version = "0";
  AddressType address_type = AddressType::ip4;
  std::string address = "0.0.0.0";

  bool operator==(const Origin&) const = default;
};

struct Fmtp {
  int payload_type = 0;
  std::string parameters;

  bool operator==(const Fmtp&) const = default;
};

// a=rtcp:<port> [IN <addrtype> <address>] (RFC 3605 s2.1).
struct RtcpAttribute {
  std::uint16_t port = 0;
  std::optional<Connection> connection;

  bool operator==(const RtcpAttribute&) const = default;
};

// Any attribute Parley does not interpret; kept so nothing is lost.
struct Attribute {
  std::string name;
  std::string value;  // empty for property attributes

  bool operator==(const Attribute&) const = default;
};

struct MediaDescription {
  std::string media = "audio";
  std::uint16_t port = 0;  // 0 = rejected or disabled stream (RFC 3264 s6)
  int port_count = 1;
  std::string protocol = "RTP/AVP";
  std::vector<std::string> formats;  // payload type numbers for RTP
  std::optional<Connection> connection;
  std::optional<Direction> direction;
  std::vector<RtpMap> rtpmaps;
  std::vector<Fmtp> fmtps;
  std::optional<int> ptime;
  std::optional<int> maxptime;
  std::optional<RtcpAttribute> rtcp;
  bool rtcp_mux = false;
  std::vector<CryptoAttribute> crypto;
  std::vector<Attribute> attributes;

  bool operator==(const MediaDescription&) const = default;

  bool is_rtp() const;
  // The formats as payload types (unparsable entries skipped; the parser rejects them for RTP).
  std::vector<int> payload_types() const;
  // rtpmap for a payload type, falling back to the RFC 3551 static table.
  std::optional<RtpMap> resolve(int payload_type) const;
  const std::string* fmtp(int payload_type) const;
};

struct SessionDescription {
  int version = 0;
  Origin origin;
  std::string session_name = "-";
  std::optional<Connection> connection;
  std::uint64_t start_time = 0;
  std::uint64_t stop_time = 0;
  std::optional<Direction> direction;
  std::vector<Attribute> attributes;
  std::vector<MediaDescription> media;

  bool operator==(const SessionDescription&) const = default;

  // RFC 8866 s6.7: media-level direction overrides session-level; sendrecv when neither is given.
  Direction effective_direction(const MediaDescription& m) const;
  // RFC 8866 s5.7: media-level c= overrides session-level.
  const Connection* effective_connection(const MediaDescription& m) const;
};

}  // namespace parley::media::sdp

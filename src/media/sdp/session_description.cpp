#include "media/sdp/session_description.hpp"

#include "media/detail/text.hpp"

namespace parley::media::sdp {

bool MediaDescription::is_rtp() const {
  return protocol.starts_with("RTP/") || protocol.starts_with("UDP/TLS/RTP/");
}

std::vector<int> MediaDescription::payload_types() const {
  std::vector<int> types;
  for (const auto& format : formats) {
    if (auto pt = detail::parse_number<int>(format); pt && *pt <= 127) types.push_back(*pt);
  }
  return types;
}

std::optional<RtpMap> MediaDescription::resolve(int payload_type) const {
  for (const auto& map : rtpmaps) {
    if (map.payload_type == payload_type) return map;
  }
  return static_rtp_map(payload_type);
}

const std::string* MediaDescription::fmtp(int payload_type) const {
  for (const auto& f : fmtps) {
    if (f.payload_type == payload_type) return &f.parameters;
  }
  return nullptr;
}

Direction SessionDescription::effective_direction(const MediaDescription& m) const {
  return m.direction.value_or(direction.value_or(Direction::sendrecv));
}

const Connection* SessionDescription::effective_connection(const MediaDescription& m) const {
  if (m.connection) return &*m.connection;
  return connection ? &*connection : nullptr;
}

}  // namespace parley::media::sdp

#include "media/sdp/sdp_writer.hpp"

namespace parley::media::sdp {
namespace {

std::string_view address_type_name(AddressType type) { return type == AddressType::ip6 ? "IP6" : "IP4"; }

void add(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

void add_attribute(std::string& out, std::string_view name, std::string_view value = {}) {
  std::string text(name);
  if (!value.empty()) text.append(":").append(value);
  add(out, 'a', text);
}

std::string connection_text(const Connection& c) {
  return "IN " + std::string(address_type_name(c.address_type)) + ' ' + c.address;
}

void write_media(std::string& out, const MediaDescription& m) {
  std::string line = m.media + ' ' + std::to_string(m.port);
  if (m.port_count > 1) line += '/' + std::to_string(m.port_count);
  line += ' ' + m.protocol;
  for (const auto& format : m.formats) line += ' ' + format;
  add(out, 'm', line);
  if (m.connection) add(out, 'c', connection_text(*m.connection));
  for (const auto& map : m.rtpmaps) {
    std::string value = std::to_string(map.payload_type) + ' ' + map.encoding + '/' + std::to_string(map.clock_rate);
    if (map.channels != 1) value += '/' + std::to_string(map.channels);
    add_attribute(out, "rtpmap", value);
  }
  for (const auto& fmtp : m.fmtps) {
    add_attribute(out, "fmtp", std::to_string(fmtp.payload_type) + ' ' + fmtp.parameters);
  }
  if (m.ptime) add_attribute(out, "ptime", std::to_string(*m.ptime));
  if (m.maxptime) add_attribute(out, "maxptime", std::to_string(*m.maxptime));
  if (m.rtcp) {
    std::string value = std::to_string(m.rtcp->port);
    if (m.rtcp->connection) value += ' ' + connection_text(*m.rtcp->connection);
    add_attribute(out, "rtcp", value);
  }
  if (m.rtcp_mux) add_attribute(out, "rtcp-mux");
  for (const auto& crypto : m.crypto) add_attribute(out, "crypto", format_crypto(crypto));
  if (m.direction) add_attribute(out, to_string(*m.direction));
  for (const auto& attribute : m.attributes) add_attribute(out, attribute.name, attribute.value);
}

}  // namespace

std::string write_sdp(const SessionDescription& sdp) {
  std::string out;
  add(out, 'v', std::to_string(sdp.version));
  const auto& o = sdp.origin;
  add(out, 'o', o.username + ' ' + o.session_id + ' ' + o.session_version + " IN " +
                    std::string(address_type_name(o.address_type)) + ' ' + o.address);
  add(out, 's', sdp.session_name);
  if (sdp.connection) add(out, 'c', connection_text(*sdp.connection));
  add(out, 't', std::to_string(sdp.start_time) + ' ' + std::to_string(sdp.stop_time));
  if (sdp.direction) add_attribute(out, to_string(*sdp.direction));
  for (const auto& attribute : sdp.attributes) add_attribute(out, attribute.name, attribute.value);
  for (const auto& m : sdp.media) write_media(out, m);
  return out;
}

}  // namespace parley::media::sdp

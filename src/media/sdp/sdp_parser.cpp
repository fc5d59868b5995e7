#include "media/sdp/sdp_parser.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "media/detail/text.hpp"

namespace parley::media::sdp {
namespace {

using detail::parse_number;
using detail::split;

constexpr std::size_t kMaxSdpBytes = 64 * 1024;

class Parser {
 public:
  core::Result<SessionDescription> run(std::string_view text);

 private:
  core::Status line(char type, std::string_view value);
  core::Status session_attribute(std::string_view name, std::string_view value);
  core::Status media_attribute(MediaDescription& m, std::string_view name, std::string_view value);
  core::Result<Connection> connection(std::string_view value);
  core::Status origin(std::string_view value);
  core::Status media_line(std::string_view value);
  std::unexpected<core::Error> error(std::string_view what) const {
    return core::fail(core::Errc::invalid_argument, "line " + std::to_string(line_no_) + ": " + std::string(what),
                      "sdp");
  }

  SessionDescription sdp_;
  int line_no_ = 0;
  bool seen_origin_ = false;
  bool seen_name_ = false;
  bool seen_timing_ = false;
};

core::Result<AddressType> address_type(std::string_view text) {
  if (text == "IP4") return AddressType::ip4;
  if (text == "IP6") return AddressType::ip6;
  return core::fail(core::Errc::invalid_argument, "unknown address type");
}

bool valid_address(AddressType type, std::string_view address) {
  const auto host = std::string(detail::split_once(address, '/').first);
  if (host.empty()) return false;
  unsigned char buffer[16];
  if (type == AddressType::ip6) return inet_pton(AF_INET6, host.c_str(), buffer) == 1;
  // RFC 8866 s5.7 allows an FQDN too; a dotted-decimal form must be a real IPv4 address.
  const bool dotted = std::ranges::all_of(host, [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  return !dotted || inet_pton(AF_INET, host.c_str(), buffer) == 1;
}

core::Result<SessionDescription> Parser::run(std::string_view text) {
  if (text.size() > kMaxSdpBytes) return core::fail(core::Errc::too_large, "SDP larger than 64 KiB", "sdp");
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no_;
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    if (raw.empty()) {
      if (detail::trim(text).empty()) break;  // trailing blank lines
      return error("empty line");
    }
    // RFC 8866 s5: <type>=<value>, type is one lowercase letter.
    if (raw.size() < 2 || raw[1] != '=' || raw[0] < 'a' || raw[0] > 'z') return error("expected '<type>=<value>'");
    if (line_no_ == 1 && raw[0] != 'v') return error("SDP must start with v=");
    if (auto ok = line(raw[0], raw.substr(2)); !ok) return std::unexpected(ok.error());
  }
  if (line_no_ == 0) return core::fail(core::Errc::invalid_argument, "empty SDP", "sdp");
  if (!seen_origin_) return core::fail(core::Errc::invalid_argument, "missing o= line", "sdp");
  if (!seen_name_) return core::fail(core::Errc::invalid_argument, "missing s= line", "sdp");
  if (!seen_timing_) return core::fail(core::Errc::invalid_argument, "missing t= line", "sdp");
  for (std::size_t i = 0; i < sdp_.media.size(); ++i) {
    const auto& m = sdp_.media[i];
    // RFC 8866 s5.7: every media needs a c= at session or media level.
    if (m.port != 0 && !sdp_.effective_connection(m)) {
      return core::fail(core::Errc::invalid_argument, "m-line " + std::to_string(i + 1) + " has no c= line", "sdp");
    }
  }
  return std::move(sdp_);
}

core::Status Parser::line(char type, std::string_view value) {
  const bool in_media = !sdp_.media.empty();
  switch (type) {
    case 'v':
      if (line_no_ != 1) return error("v= must be the first line");
      if (value != "0") return error("unsupported SDP version");
      return {};
    case 'o': return origin(value);
    case 's':
      if (seen_name_ || in_media) return error("unexpected s= line");
      seen_name_ = true;
      sdp_.session_name = std::string(value);
      return {};
    case 'c': {
      auto c = connection(value);
      if (!c) return std::unexpected(c.error());
      (in_media ? sdp_.media.back().connection : sdp_.connection) = std::move(*c);
      return {};
    }
    case 't': {
      const auto parts = split(value, ' ');
      const auto start = parts.size() == 2 ? parse_number<std::uint64_t>(parts[0]) : std::nullopt;
      const auto stop = parts.size() == 2 ? parse_number<std::uint64_t>(parts[1]) : std::nullopt;
      if (!start || !stop || in_media) return error("malformed t= line");
      if (!seen_timing_) {
        sdp_.start_time = *start;
        sdp_.stop_time = *stop;
      }
      seen_timing_ = true;
      return {};
    }
    case 'm': return media_line(value);
    case 'a': {
      const auto [name, attr_value] = detail::split_once(value, ':');
      if (name.empty()) return error("empty attribute name");
      return in_media ? media_attribute(sdp_.media.back(), name, attr_value) : session_attribute(name, attr_value);
    }
    case 'i': case 'u': case 'e': case 'p': case 'b': case 'r': case 'z': case 'k':
      return {};  // RFC 8866 s5: known fields Parley has no use for
    default:
      return error(std::string("unknown line type '") + type + "'");
  }
}

core::Status Parser::origin(std::string_view value) {
  const auto parts = split(value, ' ');
  if (seen_origin_ || !sdp_.media.empty()) return error("unexpected o= line");
  if (parts.size() != 6 || parts[3] != "IN") return error("malformed o= line");
  const auto type = address_type(parts[4]);
  if (!type) return error("o= has unknown address type");
  sdp_.origin = Origin{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), *type,
                       std::string(parts[5])};
  seen_origin_ = true;
  return {};
}

core::Result<Connection> Parser::connection(std::string_view value) {
  const auto parts = split(value, ' ');
  if (parts.size() != 3 || parts[0] != "IN") return error("malformed c= line");
  const auto type = address_type(parts[1]);
  if (!type) return error("c= has unknown address type");
  if (!valid_address(*type, parts[2])) return error("c= address is invalid");
  return Connection{*type, std::string(parts[2])};
}

core::Status Parser::media_line(std::string_view value) {
  // RFC 8866 s5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const auto parts = split(value, ' ');
  if (parts.size() < 4) return error("m= needs media, port, proto and at least one format");
  MediaDescription m;
  m.media = std::string(parts[0]);
  const auto [port_text, count_text] = detail::split_once(parts[1], '/');
  const auto port = parse_number<std::uint16_t>(port_text);
  if (!port) return error("m= port is not a number in 0-65535");
  m.port = *port;
  if (!count_text.empty()) {
    const auto count = parse_number<int>(count_text);
    if (!count || *count < 1) return error("m= port count is invalid");
    m.port_count = *count;
  }
  m.protocol = std::string(parts[2]);
  for (std::size_t i = 3; i < parts.size(); ++i) m.formats.emplace_back(parts[i]);
  if (m.is_rtp()) {
    for (const auto& format : m.formats) {
      const auto pt = parse_number<int>(format);
      if (!pt || *pt > 127) return error("RTP format '" + format + "' is not a payload type 0-127");
    }
  }
  sdp_.media.push_back(std::move(m));
  return {};
}

core::Status Parser::session_attribute(std::string_view name, std::string_view value) {
  if (auto direction = parse_direction(name)) {
    sdp_.direction = *direction;
    return {};
  }
  sdp_.attributes.push_back(Attribute{std::string(name), std::string(value)});
  return {};
}

core::Result<int> packet_time(std::string_view value) {
  // RFC 8866 s6.4: ptime may carry a decimal fraction; Parley keeps whole milliseconds.
  const auto [whole, fraction] = detail::split_once(value, '.');
  const auto ms = parse_number<int>(whole);
  if (!ms || *ms < 1 || *ms > 1000) return core::fail(core::Errc::invalid_argument, "bad packet time");
  if (value.find('.') != std::string_view::npos && !parse_number<unsigned>(fraction)) {
    return core::fail(core::Errc::invalid_argument, "bad packet time");
  }
  return *ms;
}

core::Status Parser::media_attribute(MediaDescription& m, std::string_view name, std::string_view value) {
  if (auto direction = parse_direction(name)) {
    m.direction = *direction;
  } else if (name == "rtpmap") {
    // RFC 8866 s6.6: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
    const auto [pt_text, encoding] = detail::split_once(value, ' ');
    const auto pt = parse_number<int>(pt_text);
    const auto fields = detail::split(detail::trim(encoding), '/');
    if (!pt || *pt > 127 || fields.size() < 2 || fields.size() > 3) return error("malformed a=rtpmap");
    const auto rate = parse_number<int>(fields[1]);
    const auto channels = fields.size() == 3 ? parse_number<int>(fields[2]) : std::optional<int>(1);
    if (!rate || *rate <= 0 || !channels || *channels <= 0) return error("malformed a=rtpmap");
    m.rtpmaps.push_back(RtpMap{*pt, std::string(fields[0]), *rate, *channels});
  } else if (name == "fmtp") {
    // RFC 8866 s6.15: a=fmtp:<format> <format specific parameters>
    const auto [pt_text, params] = detail::split_once(value, ' ');
    const auto pt = parse_number<int>(pt_text);
    if (!pt || *pt > 127) return error("malformed a=fmtp");
    m.fmtps.push_back(Fmtp{*pt, std::string(detail::trim(params))});
  } else if (name == "ptime" || name == "maxptime") {
    const auto ms = packet_time(value);
    if (!ms) return error("malformed a=" + std::string(name));
    (name == "ptime" ? m.ptime : m.maxptime) = *ms;
  } else if (name == "rtcp") {
    // RFC 3605 s2.1: a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
    const auto [port_text, address] = detail::split_once(detail::trim(value), ' ');
    const auto port = parse_number<std::uint16_t>(port_text);
    if (!port) return error("malformed a=rtcp");
    RtcpAttribute rtcp{*port, std::nullopt};
    if (!address.empty()) {
      auto c = connection(address);
      if (!c) return std::unexpected(c.error());
      rtcp.connection = std::move(*c);
    }
    m.rtcp = std::move(rtcp);
  } else if (name == "rtcp-mux") {
    m.rtcp_mux = true;  // RFC 5761 s5.1.1
  } else if (name == "crypto") {
    auto crypto = parse_crypto(value);
    if (!crypto) return error(crypto.error().message);
    m.crypto.push_back(std::move(*crypto));
  } else {
    m.attributes.push_back(Attribute{std::string(name), std::string(value)});
  }
  return {};
}

}  // namespace

core::Result<SessionDescription> parse_sdp(std::string_view text) {
  return Parser{}.run(text);
}

}  // namespace parley::media::sdp

#include "sip/transport/inbound_message.hpp"

#include <cctype>

#include "sip/message/builder.hpp"

namespace parley::sip {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Offset in `bytes` just past the top Via's sent-by (where its parameters start).
std::size_t sent_by_end(std::string_view bytes, const Via& via) {
  std::size_t pos = static_cast<std::size_t>(via.host.data() + via.host.size() - bytes.data());
  auto skip_ws = [&] { while (pos < bytes.size() && (bytes[pos] == ' ' || bytes[pos] == '\t')) ++pos; };
  const std::size_t after_host = pos;
  skip_ws();
  if (pos < bytes.size() && bytes[pos] == ':') {
    ++pos;
    skip_ws();
    while (pos < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[pos]))) ++pos;
    return pos;
  }
  return after_host;
}

}  // namespace

std::string stamp_received(std::string_view bytes, const Message& request, const Peer& source) {
  const Via& via = request.top_via();
  const std::string address = source.address.to_string();  // RFC 3261 s25.1: IPv6address without brackets
  std::string host(via.host);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const bool want_received = via.has_rport() || !iequals(host, address);
  const bool want_rport = via.has_rport();
  if (!want_received && !want_rport) return {};
  if (via.received() == address && (!want_rport || via.rport() == source.port)) return {};

  std::size_t begin = 0;
  std::size_t end = 0;
  if (via.params.empty()) {
    begin = end = sent_by_end(bytes, via);
  } else {
    begin = static_cast<std::size_t>(via.params.raw().data() - bytes.data());
    end = begin + via.params.raw().size();
  }
  std::string params;
  std::size_t pos = 0;
  Param p;
  while (via.params.next(pos, p)) {
    if (iequals(p.name, "received") || iequals(p.name, "rport")) continue;
    params.append(";").append(p.name);
    if (p.has_value) params.append("=").append(p.value);
  }
  if (want_received) params.append(";received=").append(address);
  if (want_rport) params.append(";rport=").append(std::to_string(source.port));

  std::string out;
  out.reserve(bytes.size() + 48);
  out.append(bytes.substr(0, begin)).append(params).append(bytes.substr(end));
  return out;
}

ParseResult<Inbound> make_inbound(std::string_view bytes, Framing framing, const Peer& source) {
  auto in = std::make_shared<InboundMessage>();
  in->bytes.assign(bytes);
  in->source = source;
  auto parsed = parse_message(in->bytes, framing);
  if (!parsed) return std::unexpected(parsed.error());
  if (parsed->is_request()) {
    if (std::string stamped = stamp_received(in->bytes, *parsed, source); !stamped.empty()) {
      in->bytes = std::move(stamped);
      parsed = parse_message(in->bytes, framing);
      if (!parsed) return std::unexpected(parsed.error());
    }
  }
  in->message = std::move(*parsed);
  return in;
}

}  // namespace parley::sip

namespace parley::sip {

namespace {

ParseResult<Inbound> parsed_own(std::string bytes, const Peer& destination, bool local) {
  auto out = std::make_shared<InboundMessage>();
  out->bytes = std::move(bytes);
  out->source = destination;
  out->local = local;
  auto parsed = parse_message(out->bytes, Framing::datagram);
  if (!parsed) return std::unexpected(parsed.error());
  out->message = std::move(*parsed);
  return out;
}

}  // namespace

ParseResult<Inbound> own_message(std::string bytes, const Peer& destination) {
  return parsed_own(std::move(bytes), destination, false);
}

ParseResult<Inbound> local_response(const Message& request, int status, std::string_view reason, const Peer& destination) {
  return parsed_own(make_response(request, status, reason, {}), destination, true);
}

}  // namespace parley::sip

#include "sip/dialog/dialog.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "sip/message/builder.hpp"

namespace parley::sip {
namespace {

// The header value of a name-addr without its tag parameter.
std::string without_tag(const Message& m, HeaderId id) {
  const Header* h = m.find(id);
  if (!h) return {};
  std::string v(h->value);
  const auto& na = id == HeaderId::from ? m.from() : m.to();
  if (auto tag = na.tag()) {
    const auto pos = v.find(";tag=" + std::string(*tag));
    if (pos != std::string::npos) v.erase(pos, 5 + tag->size());
  }
  return v;
}

std::string contact_uri(const Message& m) {
  auto contacts = m.contacts();
  if (!contacts || contacts->empty()) return {};
  return std::string(contacts->front().address.uri.raw);
}

}  // namespace

std::string Dialog::dialog_key(std::string_view call_id, std::string_view local_tag, std::string_view remote_tag) {
  std::string key;
  key.reserve(call_id.size() + local_tag.size() + remote_tag.size() + 2);
  key.append(call_id).append("|").append(local_tag).append("|").append(remote_tag);
  return key;
}

Dialog uas_dialog(const Message& request, const Peer& source, std::string local_tag) {
  Dialog d;
  d.call_id = std::string(request.call_id());
  d.local_tag = std::move(local_tag);
  d.remote_tag = std::string(request.from().tag().value_or(""));
  d.local_uri = without_tag(request, HeaderId::to);
  d.remote_uri = without_tag(request, HeaderId::from);
  d.remote_cseq = request.cseq().number;
  d.remote_target = contact_uri(request);
  if (auto rr = request.values(HeaderId::record_route)) {
    for (auto v : *rr) d.route_set.emplace_back(v);  // s12.1.1: in order
  }
  d.flow = source;
  d.transport = source.transport;
  return d;
}

Dialog uac_dialog(const Message& request, const Message& response, const Peer& destination) {
  Dialog d;
  d.call_id = std::string(request.call_id());
  d.local_tag = std::string(request.from().tag().value_or(""));
  d.remote_tag = std::string(response.to().tag().value_or(""));
  d.local_uri = without_tag(request, HeaderId::from);
  d.remote_uri = without_tag(response, HeaderId::to);
  d.local_cseq = request.cseq().number;
  d.remote_target = contact_uri(response);
  if (auto rr = response.values(HeaderId::record_route)) {
    for (auto v : *rr) d.route_set.emplace_back(v);
    std::ranges::reverse(d.route_set);  // s12.1.2: reversed
  }
  d.flow = destination;
  d.transport = destination.transport;
  return d;
}

std::string new_branch() { return std::string(kBranchMagicCookie) + core::random_token(16); }

std::string new_tag() { return core::random_token(12); }

std::string build_request(const RequestSpec& s, const Sender& sender) {
  const std::string sent_by = sender.sent_by(s.transport);
  auto b = MessageBuilder::request(s.method, s.request_uri, 700 + s.body.size());
  b.header(HeaderId::via, "SIP/2.0/" + std::string(to_string(s.transport)) + " " + sent_by + ";branch=" + new_branch() + ";rport");
  b.header(HeaderId::max_forwards, "70");
  for (const auto& r : s.routes) b.header(HeaderId::route, r);
  b.header(HeaderId::from, s.from);
  b.header(HeaderId::to, s.to);
  b.header(HeaderId::call_id, s.call_id);
  b.header(HeaderId::cseq, std::to_string(s.cseq) + " " + std::string(s.method));
  if (s.method != "ACK" && s.method != "CANCEL" && s.method != "BYE") {
    std::string contact = "<sip:" + std::string(s.contact_user) + "@" + sent_by;
    if (s.transport != Transport::udp) contact += ";transport=" + std::string(s.transport == Transport::tcp ? "tcp" : "tls");
    b.header(HeaderId::contact, contact + ">");
  }
  if (!s.user_agent.empty()) b.header(HeaderId::user_agent, s.user_agent);
  if (s.extra) {
    for (const auto& [name, value] : *s.extra) b.header(name, value);
  }
  return b.finish(s.body, s.content_type);
}

Transport uri_transport(const Uri& uri) {
  if (auto p = uri.param("transport"); p && parse_transport(*p)) return *parse_transport(*p);
  return uri.scheme == UriScheme::sips ? Transport::tls : Transport::udp;
}

std::optional<Peer> next_hop(const Uri& uri, std::optional<Transport> forced) {
  const Transport t = forced.value_or(uri_transport(uri));
  if (auto maddr = uri.param("maddr")) return make_peer(*maddr, uri.port, t);
  return make_peer(uri.host, uri.port, t);
}

}  // namespace parley::sip

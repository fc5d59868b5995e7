#pragma once
// Dialog state (RFC 3261 s12): identifiers, sequence numbers, remote target and route set, plus
// the construction of requests inside it (s12.2.1.1).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sip/message/message.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/sender.hpp"

namespace parley::sip {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Dialog {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  std::string local_uri;   // From of our requests without the tag, e.g. "<sip:parley@10.0.0.1>"
  std::string remote_uri;  // To of our requests without the tag
  std::uint32_t local_cseq = 0;
  std::optional<std::uint32_t> remote_cseq;
  std::string remote_target;           // the peer's Contact URI
  std::vector<std::string> route_set;  // Route values, in order
  Peer flow;                           // where the dialog's messages arrived from
  Transport transport = Transport::udp;

  std::string key() const { return dialog_key(call_id, local_tag, remote_tag); }
  static std::string dialog_key(std::string_view call_id, std::string_view local_tag, std::string_view remote_tag);
};

// s12.1.1: the UAS side, from the dialog-creating request.
Dialog uas_dialog(const Message& request, const Peer& source, std::string local_tag);
// s12.1.2: the UAC side, from our request and the response that created the dialog.
Dialog uac_dialog(const Message& request, const Message& response, const Peer& destination);

// What an outgoing request needs besides the dialog fields.
struct RequestSpec {
  std::string_view method;
  std::string_view request_uri;
  std::string_view from;  // with ;tag=
  std::string_view to;
  std::string_view call_id;
  std::uint32_t cseq = 1;
  std::span<const std::string> routes = {};
  Transport transport = Transport::udp;
  std::string_view contact_user = "parley";
  std::string_view user_agent;
  const HeaderList* extra = nullptr;
  std::string_view body;
  std::string_view content_type;
};

// A request with a fresh Via branch (rport asked, RFC 3581), Max-Forwards, Contact and Content-Length.
std::string build_request(const RequestSpec& spec, const Sender& sender);
std::string new_branch();  // "z9hG4bK" + random (RFC 3261 s8.1.1.7)
std::string new_tag();

// The next hop for a request to `uri` (its transport, IP literal and port), RFC 3261 s8.1.2 /
// RFC 3263 without DNS: nullopt when the host is not an IP literal.
std::optional<Peer> next_hop(const Uri& uri, std::optional<Transport> forced = std::nullopt);
// The transport a URI asks for: ;transport=, else TLS for sips, else UDP (RFC 3263 s4.1).
Transport uri_transport(const Uri& uri);

}  // namespace parley::sip

#pragma once
// One UAC INVITE session (RFC 3261 s13.2): sends the INVITE, reports provisional and final
// responses, answers one 401/407 with digest credentials (s22.2) and one 422 (RFC 4028 s7.4),
// ACKs the 2xx, and CANCELs on request or at the ring timeout (s9.1).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "sip/dialog/invite_session.hpp"

namespace parley::sip {

struct DialRequest {
  std::string request_uri;                    // "sip:+15551234567@203.0.113.5:5060;transport=tcp"
  std::string from_uri;                       // "sip:+15550000000@parley.example.com"
  std::string from_display;
  std::string to_uri;                         // empty: the Request-URI
  std::string to_display;
  std::string outbound_proxy;                 // URI of the trunk/proxy to send through (Route ;lr); empty: direct
  std::string p_asserted_identity;            // RFC 3325 value, e.g. "<sip:+15550000000@example.com>"
  HeaderList extra_headers;
  std::string sdp_offer;
  std::string auth_username;                  // digest credentials for a 401/407
  std::string auth_password;
  std::chrono::seconds ring_timeout{60};      // CANCEL when unanswered by then
};

class OutgoingCall final : public InviteSession {
 public:
  // Builds and sends the INVITE (after resolving the next hop's name). Fails when a URI does not
  // parse; an unresolvable next hop is reported as on_failed(503).
  static core::Result<std::shared_ptr<OutgoingCall>> start(SessionHost& host, DialRequest request, CallEvents* events);

  void cancel();           // before a final response: CANCEL (sent once a provisional arrived)
  void hangup() override;  // early: cancel(); confirmed: BYE

 private:
  OutgoingCall(SessionHost& host, DialRequest request);
  core::Status send_invite(const HeaderList& extra);
  void on_response(const Inbound& response);
  void on_answer(const Inbound& response);
  bool retry_with_credentials(const Message& response);
  void send_cancel();

  DialRequest request_;
  Peer destination_;
  Transport transport_ = Transport::udp;
  std::string call_id_;
  std::string from_tag_;
  std::uint32_t cseq_ = 0;
  std::shared_ptr<ClientTransaction> invite_txn_;
  Timer ring_timer_;
  bool bound_ = false;
  bool provisional_seen_ = false;
  bool final_seen_ = false;
  bool auth_tried_ = false;
  bool session_retry_done_ = false;
  bool cancel_requested_ = false;
  bool ring_timed_out_ = false;
  std::uint32_t session_expires_;
};

}  // namespace parley::sip

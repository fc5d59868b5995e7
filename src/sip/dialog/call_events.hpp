#pragma once
// What a call (IncomingCall or OutgoingCall) tells the application. Every method runs on the
// SIP engine's io_context; defaults ignore the event (and refuse offers with 488).
#include <optional>
#include <string>
#include <string_view>

namespace parley::sip {

enum class EndReason {
  local_hangup,     // we sent BYE (or rejected/cancelled our side)
  remote_bye,       // the peer sent BYE
  rejected,         // a non-2xx final response ended the INVITE
  cancelled,        // the caller CANCELled before answer (UAS), or we did (UAC)
  no_ack,           // our 2xx was never ACKed in 64*T1 (RFC 3261 s13.3.1.4)
  refresh_failure,  // the session timer expired (RFC 4028 s10)
  timeout,          // no final response to our INVITE (timer B) or the ring timeout
};
std::string_view to_string(EndReason reason) noexcept;

class CallEvents {
 public:
  virtual ~CallEvents() = default;
  // The 2xx was ACKed; `sdp_answer` is the ACK's body, the answer to an offer we put in our 2xx
  // (RFC 3261 s13.2.1, offerless INVITE), else empty.
  virtual void on_ack(std::string_view /*sdp_answer*/) {}
  virtual void on_cancel() {}  // UAS: CANCEL received, 487 already sent
  virtual void on_bye() {}     // 200 already sent
  // An in-dialog offer (hold/resume, codec change). Return the SDP answer, or nullopt for 488.
  virtual std::optional<std::string> on_reinvite(std::string_view /*sdp_offer*/) { return std::nullopt; }
  virtual std::optional<std::string> on_update(std::string_view /*sdp_offer*/) { return std::nullopt; }
  virtual void on_info(std::string_view /*content_type*/, std::string_view /*body*/) {}  // DTMF relay etc.; 200 sent
  virtual void on_refresh_failure() {}  // followed by BYE and on_terminated(refresh_failure)
  // REFER progress: the REFER's final status, then each NOTIFY sipfrag status (RFC 3515).
  virtual void on_transfer(int /*status*/) {}
  // UAC only.
  virtual void on_progress(int /*status*/, std::string_view /*early_sdp*/) {}
  virtual void on_answered(std::string_view /*sdp_answer*/) {}
  virtual void on_failed(int /*status*/, std::string_view /*reason*/) {}
  virtual void on_terminated(EndReason /*reason*/) {}
};

}  // namespace parley::sip

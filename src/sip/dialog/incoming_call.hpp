#pragma once
// One UAS INVITE session (RFC 3261 s13.3): the application answers it. Hold the shared_ptr for
// the life of the call: dropping it unanswered answers 500, dropping it confirmed sends BYE.
// Every method must be called on the SIP engine's io_context.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sip/dialog/invite_session.hpp"

namespace parley::sip {

class IncomingCall final : public InviteSession {
 public:
  // Used by the user agent; `plan` is the RFC 4028 negotiation already checked for 422.
  static std::shared_ptr<IncomingCall> create(SessionHost& host, std::shared_ptr<IncomingRequest> invite,
                                              SessionTimerPlan plan);

  const Message& invite() const noexcept { return invite_msg_->message; }
  const Peer& remote() const noexcept { return invite_msg_->source; }  // transport, address, port

  void trying();                                            // 100 (also sent automatically after 200 ms)
  void ringing(std::optional<std::string> early_sdp = {});  // 180, or 183 Session Progress with SDP
  void reject(int status, std::string_view reason, const HeaderList& extra = {});  // final non-2xx
  void accept(std::string sdp_answer);  // 200 with To tag and Contact; retransmitted until ACK
  void hangup() override;               // before answer: 480; after: BYE
  bool answered() const noexcept { return !invite_ || invite_->answered(); }

 private:
  IncomingCall(SessionHost& host, std::shared_ptr<IncomingRequest> invite, SessionTimerPlan plan);
  void on_cancelled();

  std::shared_ptr<IncomingRequest> invite_;  // until the final response
  Inbound invite_msg_;
  SessionTimerPlan plan_;
};

}  // namespace parley::sip

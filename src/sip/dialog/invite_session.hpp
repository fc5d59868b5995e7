#pragma once
// One INVITE dialog once it exists (RFC 3261 s12-15): in-dialog requests both ways (BYE,
// re-INVITE and UPDATE offers with 491 glare, INFO, REFER/NOTIFY), the 2xx/ACK handshake
// (s13.3.1.4 retransmission, s13.2.2.4 ACK) and RFC 4028 session refresh. IncomingCall and
// OutgoingCall add the call set-up. All calls on the engine's io_context.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sip/dialog/call_events.hpp"
#include "sip/dialog/dialog.hpp"
#include "sip/dialog/session_host.hpp"

namespace parley::sip {

class InviteSession : public std::enable_shared_from_this<InviteSession> {
 public:
  enum class State { early, confirmed, terminated };

  virtual ~InviteSession();  // a confirmed session still up sends BYE
  InviteSession(const InviteSession&) = delete;
  InviteSession& operator=(const InviteSession&) = delete;

  void set_listener(CallEvents* events) { events_ = events; }
  State state() const noexcept { return state_; }
  const std::string& call_id() const noexcept { return dialog_.call_id; }

  virtual void hangup();  // BYE once confirmed, or as soon as our 2xx is ACKed
  void send_info(std::string_view content_type, std::string_view body);
  void reinvite(std::string sdp_offer);  // outcome via on_answered / on_failed
  void refer(std::string_view target_uri);  // RFC 3515; progress via on_transfer

  // From the user agent.
  void on_request(std::shared_ptr<IncomingRequest> request);
  void on_ack(const Inbound& ack);
  void on_2xx_retransmission(const Inbound& response);

 protected:
  InviteSession(SessionHost& host, std::string local_sdp);

  void confirm();                  // dialog established: session timer starts
  void terminate(EndReason reason);
  void send_bye();
  // The 2xx of an INVITE we answered: retransmitted until ACK, BYE after 64*T1 (s13.3.1.4).
  void start_2xx(std::shared_ptr<IncomingRequest> request, std::string sdp, const HeaderList& extra);
  std::shared_ptr<ClientTransaction> send_in_dialog(std::string_view method, const HeaderList& extra,
                                                    std::string_view body, std::string_view content_type,
                                                    ClientTransaction::ResponseHandler handler);
  void send_ack(const Message& response);  // s13.2.2.4
  void apply_session_timer(const SessionTimerPlan& plan);
  HeaderList answer_headers() const;       // Contact is added by make_answer
  std::string make_answer(const IncomingRequest& request, int status, std::string_view reason, std::string_view sdp,
                          const HeaderList& extra) const;
  Peer request_target() const;

  SessionHost& host_;
  CallEvents* events_ = nullptr;
  Dialog dialog_;
  State state_ = State::early;
  std::string local_sdp_;
  std::optional<SessionTimerPlan> session_timer_;
  bool peer_allows_update_ = false;

 private:
  void on_reoffer(const std::shared_ptr<IncomingRequest>& request, bool update);
  void refresh();
  void retransmit_2xx(std::chrono::milliseconds interval);
  void arm_session_timer();
  void on_notify(const std::shared_ptr<IncomingRequest>& request);

  Timer retransmit_2xx_;
  Timer no_ack_;
  Timer session_;
  std::string pending_2xx_;
  Peer pending_2xx_target_;
  std::uint32_t pending_2xx_cseq_ = 0;
  std::string ack_;
  std::uint32_t ack_cseq_ = 0;
  bool offer_in_progress_ = false;  // our re-INVITE/UPDATE awaits its answer (s14.1)
  bool incoming_offer_ = false;     // theirs awaits our ACK (s14.2)
  bool bye_after_ack_ = false;      // hangup() between our 2xx and its ACK
};

}  // namespace parley::sip

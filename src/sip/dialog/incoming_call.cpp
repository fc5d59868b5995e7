#include "sip/dialog/incoming_call.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::sip {
namespace {

// s12.1.1: a response that establishes the dialog copies every Record-Route of the request, in
// order, so the caller's proxies (a carrier's edge, Kamailio) stay on the path of later requests.
HeaderList record_routes(const Message& invite) {
  HeaderList out;
  for (const Header& h : invite.headers()) {
    if (h.id == HeaderId::record_route) out.emplace_back("Record-Route", std::string(h.value));
  }
  return out;
}

}  // namespace

IncomingCall::IncomingCall(SessionHost& host, std::shared_ptr<IncomingRequest> invite, SessionTimerPlan plan)
    : InviteSession(host, {}), invite_(std::move(invite)), invite_msg_(invite_->inbound()), plan_(plan) {
  dialog_ = uas_dialog(invite_msg_->message, invite_msg_->source, new_tag());
  peer_allows_update_ = lists_token(invite_msg_->message, HeaderId::allow, "UPDATE");
}

std::shared_ptr<IncomingCall> IncomingCall::create(SessionHost& host, std::shared_ptr<IncomingRequest> invite,
                                                   SessionTimerPlan plan) {
  std::shared_ptr<IncomingCall> call(new IncomingCall(host, std::move(invite), plan));
  host.bind(call->dialog_.key(), call);
  std::weak_ptr<IncomingCall> weak = call;
  call->invite_->on_cancel([weak] {
    if (auto self = weak.lock()) self->on_cancelled();
  });
  return call;
}

void IncomingCall::on_cancelled() {
  // s9.2: the transaction layer answered the CANCEL; the INVITE gets 487.
  if (!invite_ || invite_->answered()) return;
  invite_->respond(487, "Request Terminated", dialog_.local_tag);
  invite_.reset();
  if (events_) events_->on_cancel();
  terminate(EndReason::cancelled);
}

void IncomingCall::trying() {
  if (invite_ && !invite_->answered()) invite_->respond(100, "Trying");
}

void IncomingCall::ringing(std::optional<std::string> early_sdp) {
  if (!invite_ || invite_->answered()) return;
  if (early_sdp) {
    local_sdp_ = *early_sdp;
    invite_->send(make_answer(*invite_, 183, "Session Progress", *early_sdp, record_routes(invite())), 183);
  } else {
    invite_->send(make_answer(*invite_, 180, "Ringing", {}, record_routes(invite())), 180);
  }
}

void IncomingCall::reject(int status, std::string_view reason, const HeaderList& extra) {
  if (!invite_ || invite_->answered() || status < 300 || status > 699) return;
  std::vector<std::pair<std::string_view, std::string_view>> views(extra.begin(), extra.end());
  invite_->respond(status, reason, dialog_.local_tag, ResponseExtras{views});
  invite_.reset();
  spdlog::info("event=sip.call.rejected call_id={} status={}", core::log_value(dialog_.call_id), status);
  terminate(EndReason::rejected);
}

void IncomingCall::accept(std::string sdp_answer) {
  if (!invite_ || invite_->answered()) return;
  local_sdp_ = std::move(sdp_answer);
  HeaderList extra = record_routes(invite());
  if (plan_.interval > 0) {  // RFC 4028 s9
    extra.emplace_back("Session-Expires",
                       std::to_string(plan_.interval) + ";refresher=" + (plan_.we_refresh ? "uas" : "uac"));
    if (plan_.peer_supports) extra.emplace_back("Require", "timer");
    session_timer_ = plan_;
  }
  auto invite = std::move(invite_);
  start_2xx(invite, local_sdp_, extra);
  spdlog::info("event=sip.call.answered call_id={}", core::log_value(dialog_.call_id));
}

void IncomingCall::hangup() {
  if (invite_ && !invite_->answered()) {
    reject(480, "Temporarily Unavailable");
    return;
  }
  InviteSession::hangup();
}

}  // namespace parley::sip

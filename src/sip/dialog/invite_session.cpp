#include "sip/dialog/invite_session.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/log.hpp"
#include "sip/transport/response_target.hpp"

namespace parley::sip {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY";

std::string refresher_header(std::uint32_t interval, bool requester_refreshes) {
  return std::to_string(interval) + ";refresher=" + (requester_refreshes ? "uac" : "uas");
}

}  // namespace

std::string_view to_string(EndReason reason) noexcept {
  switch (reason) {
    case EndReason::local_hangup: return "local_hangup";
    case EndReason::remote_bye: return "remote_bye";
    case EndReason::rejected: return "rejected";
    case EndReason::cancelled: return "cancelled";
    case EndReason::no_ack: return "no_ack";
    case EndReason::refresh_failure: return "refresh_failure";
    case EndReason::timeout: return "timeout";
  }
  return "unknown";
}

InviteSession::InviteSession(SessionHost& host, std::string local_sdp)
    : host_(host),
      local_sdp_(std::move(local_sdp)),
      retransmit_2xx_(host.transactions().timers()),
      no_ack_(host.transactions().timers()),
      session_(host.transactions().timers()) {}

InviteSession::~InviteSession() {
  if (state_ == State::terminated) return;
  if (state_ == State::confirmed) send_bye();
  host_.unbind(dialog_.key());
}

Peer InviteSession::request_target() const {
  const Sender& sender = host_.transactions().sender();
  if (is_stream(dialog_.flow.transport) && sender.connected(dialog_.flow)) return dialog_.flow;  // s18: reuse
  std::optional<Peer> hop;
  if (!dialog_.route_set.empty()) {
    if (auto na = parse_name_addr(dialog_.route_set.front())) hop = next_hop(na->uri);
  } else if (auto uri = parse_uri(dialog_.remote_target)) {
    hop = next_hop(*uri, is_stream(dialog_.transport) && !uri->param("transport") ? std::optional(dialog_.transport)
                                                                                     : std::nullopt);
  }
  return hop.value_or(dialog_.flow);
}

HeaderList InviteSession::answer_headers() const {
  const std::string sent_by = host_.transactions().sender().sent_by(dialog_.transport);
  std::string contact = "<sip:parley@" + sent_by;
  if (dialog_.transport != Transport::udp) contact += dialog_.transport == Transport::tcp ? ";transport=tcp" : ";transport=tls";
  return {{"Contact", contact + ">"},
          {"Allow", std::string(kAllow)},
          {"Supported", "timer"},
          {"Server", host_.settings().user_agent}};
}

std::string InviteSession::make_answer(const IncomingRequest& request, int status, std::string_view reason,
                                       std::string_view sdp, const HeaderList& extra) const {
  HeaderList all = answer_headers();
  all.insert(all.end(), extra.begin(), extra.end());
  std::vector<std::pair<std::string_view, std::string_view>> views(all.begin(), all.end());
  ResponseExtras extras{views, sdp, sdp.empty() ? std::string_view{} : std::string_view("application/sdp")};
  return make_response(request.message(), status, reason, dialog_.local_tag, extras);
}

void InviteSession::start_2xx(std::shared_ptr<IncomingRequest> request, std::string sdp, const HeaderList& extra) {
  pending_2xx_ = make_answer(*request, 200, "OK", sdp, extra);
  pending_2xx_target_ = response_target(request->message().top_via(), request->source());
  pending_2xx_cseq_ = request->message().cseq().number;
  incoming_offer_ = true;
  request->send(pending_2xx_, 200);
  if (!is_stream(pending_2xx_target_.transport)) retransmit_2xx(host_.transactions().config().t1);
  std::weak_ptr<InviteSession> weak = weak_from_this();
  // s13.3.1.4: no ACK within 64*T1 -> confirm and end the session with BYE.
  no_ack_.start(host_.transactions().config().timeout(), [weak] {
    auto self = weak.lock();
    if (!self) return;
    spdlog::info("event=sip.call.no_ack call_id={}", core::log_value(self->dialog_.call_id));
    self->retransmit_2xx_.cancel();
    self->pending_2xx_.clear();
    self->state_ = State::confirmed;
    self->send_bye();
    self->terminate(EndReason::no_ack);
  });
}

void InviteSession::retransmit_2xx(std::chrono::milliseconds interval) {
  std::weak_ptr<InviteSession> weak = weak_from_this();
  retransmit_2xx_.start(interval, [weak, interval] {
    auto self = weak.lock();
    if (!self || self->pending_2xx_.empty()) return;
    self->host_.transactions().sender().send(self->pending_2xx_target_, self->pending_2xx_);
    self->retransmit_2xx(std::min(2 * interval, self->host_.transactions().config().t2));  // s13.3.1.4
  });
}

void InviteSession::on_ack(const Inbound& ack) {
  if (pending_2xx_.empty() || ack->message.cseq().number != pending_2xx_cseq_) return;
  retransmit_2xx_.cancel();
  no_ack_.cancel();
  pending_2xx_.clear();
  incoming_offer_ = false;
  if (state_ == State::early) {
    confirm();
    if (events_) events_->on_ack(ack->message.body());
    if (bye_after_ack_) hangup();
  }
}

void InviteSession::confirm() {
  state_ = State::confirmed;
  arm_session_timer();
}

void InviteSession::apply_session_timer(const SessionTimerPlan& plan) {
  session_timer_ = plan;
  if (state_ == State::confirmed) arm_session_timer();
}

void InviteSession::arm_session_timer() {
  if (!session_timer_ || session_timer_->interval == 0) return;
  std::weak_ptr<InviteSession> weak = weak_from_this();
  const auto interval = std::chrono::seconds(session_timer_->interval);
  if (session_timer_->we_refresh) {
    session_.start(interval / 2, [weak] {  // RFC 4028 s10: refresh at half the interval
      if (auto self = weak.lock()) self->refresh();
    });
    return;
  }
  // RFC 4028 s10: without a refresh by Session-Expires - min(32, SE/3) the session is over.
  const auto grace = std::min(std::chrono::seconds(32), interval / 3);
  session_.start(interval - grace, [weak] {
    auto self = weak.lock();
    if (!self || self->state_ != State::confirmed) return;
    spdlog::info("event=sip.call.refresh_failure call_id={}", core::log_value(self->dialog_.call_id));
    if (self->events_) self->events_->on_refresh_failure();
    self->send_bye();
    self->terminate(EndReason::refresh_failure);
  });
}

void InviteSession::refresh() {
  if (state_ != State::confirmed || !session_timer_) return;
  HeaderList extra{{"Session-Expires", refresher_header(session_timer_->interval, true)}, {"Supported", "timer"}};
  std::weak_ptr<InviteSession> weak = weak_from_this();
  auto on_response = [weak](const Inbound& r) {
    auto self = weak.lock();
    if (!self) return;
    const int status = r->message.status();
    if (status < 200) return;
    self->offer_in_progress_ = false;
    if (status < 300) {
      if (r->message.cseq().method == "INVITE") self->send_ack(r->message);
      if (auto plan = uac_session_timer(r->message)) self->session_timer_ = plan;
      self->arm_session_timer();
    } else if (status == 408 || status == 481) {  // RFC 4028 s10 / RFC 5057: the dialog is gone
      if (self->events_) self->events_->on_refresh_failure();
      self->send_bye();
      self->terminate(EndReason::refresh_failure);
    } else {
      self->arm_session_timer();  // e.g. 491: try again at the next half interval
    }
  };
  offer_in_progress_ = true;
  if (peer_allows_update_) {
    send_in_dialog("UPDATE", extra, {}, {}, on_response);  // RFC 4028 s9: UPDATE without an offer
  } else {
    send_in_dialog("INVITE", extra, local_sdp_, "application/sdp", on_response);
  }
}

std::shared_ptr<ClientTransaction> InviteSession::send_in_dialog(std::string_view method, const HeaderList& extra,
                                                                 std::string_view body, std::string_view content_type,
                                                                 ClientTransaction::ResponseHandler handler) {
  const std::string from = dialog_.local_uri + ";tag=" + dialog_.local_tag;
  const std::string to = dialog_.remote_uri + (dialog_.remote_tag.empty() ? "" : ";tag=" + dialog_.remote_tag);
  std::vector<std::string> routes = dialog_.route_set;
  // s12.2.1.1: Request-URI = remote target, Route = the route set, CSeq one higher.
  RequestSpec spec{method, dialog_.remote_target, from, to, dialog_.call_id, ++dialog_.local_cseq, routes,
                   dialog_.transport, "parley", host_.settings().user_agent, &extra, body, content_type};
  auto request = own_message(build_request(spec, host_.transactions().sender()));
  if (!request) {
    spdlog::warn("event=sip.call.bad_request call_id={} method={}", core::log_value(dialog_.call_id), method);
    return nullptr;
  }
  return host_.transactions().send_request(*request, request_target(), std::move(handler));
}

void InviteSession::send_ack(const Message& response) {
  // s13.2.2.4: ACK for a 2xx is its own request (new branch), CSeq number of the INVITE.
  const std::string from = dialog_.local_uri + ";tag=" + dialog_.local_tag;
  const std::string to = dialog_.remote_uri + ";tag=" + dialog_.remote_tag;
  RequestSpec spec{"ACK", dialog_.remote_target, from, to, dialog_.call_id, response.cseq().number, dialog_.route_set,
                   dialog_.transport, "parley", host_.settings().user_agent};
  ack_ = build_request(spec, host_.transactions().sender());
  ack_cseq_ = response.cseq().number;
  host_.transactions().sender().send(request_target(), ack_);
}

void InviteSession::on_2xx_retransmission(const Inbound& response) {
  if (!ack_.empty() && response->message.cseq().number == ack_cseq_) {
    host_.transactions().sender().send(request_target(), ack_);  // s13.2.2.4: ACK every 2xx retransmission
  }
}

void InviteSession::send_bye() {
  if (state_ != State::confirmed) return;
  send_in_dialog("BYE", {}, {}, {}, nullptr);
}

void InviteSession::hangup() {
  if (state_ == State::early && !pending_2xx_.empty()) {
    bye_after_ack_ = true;  // s15: the callee sends BYE only once its 2xx is ACKed (or timed out)
    return;
  }
  if (state_ != State::confirmed) return;
  send_bye();
  terminate(EndReason::local_hangup);
}

void InviteSession::terminate(EndReason reason) {
  if (state_ == State::terminated) return;
  auto self = shared_from_this();
  state_ = State::terminated;
  retransmit_2xx_.cancel();
  no_ack_.cancel();
  session_.cancel();
  host_.unbind(dialog_.key());
  spdlog::info("event=sip.call.terminated call_id={} reason={}", core::log_value(dialog_.call_id), to_string(reason));
  if (events_) events_->on_terminated(reason);
}

void InviteSession::send_info(std::string_view content_type, std::string_view body) {
  if (state_ != State::confirmed) return;
  send_in_dialog("INFO", {}, body, content_type, nullptr);
}

void InviteSession::reinvite(std::string sdp_offer) {
  if (state_ != State::confirmed) return;
  if (offer_in_progress_ || incoming_offer_) {
    if (events_) events_->on_failed(491, "Request Pending");  // s14.1: one offer at a time
    return;
  }
  offer_in_progress_ = true;
  std::weak_ptr<InviteSession> weak = weak_from_this();
  send_in_dialog("INVITE", {}, sdp_offer, "application/sdp", [weak, sdp_offer](const Inbound& r) {
    auto self = weak.lock();
    if (!self || r->message.status() < 200) return;
    self->offer_in_progress_ = false;
    if (r->message.status() < 300) {
      self->send_ack(r->message);
      self->local_sdp_ = sdp_offer;
      if (self->events_) self->events_->on_answered(r->message.body());
    } else if (self->events_) {
      self->events_->on_failed(r->message.status(), r->message.reason());
    }
  });
}

void InviteSession::refer(std::string_view target_uri) {
  if (state_ != State::confirmed) return;
  HeaderList extra{{"Refer-To", "<" + std::string(target_uri) + ">"}, {"Referred-By", dialog_.local_uri}};
  std::weak_ptr<InviteSession> weak = weak_from_this();
  send_in_dialog("REFER", extra, {}, {}, [weak](const Inbound& r) {
    auto self = weak.lock();
    if (self && self->events_ && r->message.status() >= 200) self->events_->on_transfer(r->message.status());
  });
}

void InviteSession::on_request(std::shared_ptr<IncomingRequest> request) {
  const Message& m = request->message();
  // s12.2.2: a CSeq lower than the last one is out of order.
  if (dialog_.remote_cseq && m.cseq().number < *dialog_.remote_cseq) {
    request->respond(500, "Server Internal Error", dialog_.local_tag);
    return;
  }
  dialog_.remote_cseq = m.cseq().number;
  const std::string_view method = m.method();
  if (method == "BYE") {  // s15.1.2
    request->respond(200, "OK", dialog_.local_tag);
    if (events_) events_->on_bye();
    terminate(EndReason::remote_bye);
  } else if (method == "INVITE" || method == "UPDATE") {
    on_reoffer(request, method == "UPDATE");
  } else if (method == "INFO") {  // RFC 6086 s4.2.2
    request->respond(200, "OK", dialog_.local_tag);
    const Header* ct = m.find(HeaderId::content_type);
    if (events_) events_->on_info(ct ? ct->value : std::string_view{}, m.body());
  } else if (method == "NOTIFY") {
    on_notify(request);
  } else if (method == "OPTIONS") {
    request->send(make_answer(*request, 200, "OK", {}, {{"Accept", "application/sdp"}}), 200);
  } else {
    // s8.2.1: known to the stack but not allowed here.
    request->send(make_answer(*request, 405, "Method Not Allowed", {}, {}), 405);
  }
}

void InviteSession::on_reoffer(const std::shared_ptr<IncomingRequest>& request, bool update) {
  const Message& m = request->message();
  if (state_ == State::terminated || (!update && state_ != State::confirmed)) {
    request->respond(481, "Call/Transaction Does Not Exist", dialog_.local_tag);
    return;
  }
  if (offer_in_progress_) {  // s14.2 / RFC 3311 s5.2: glare
    request->respond(491, "Request Pending", dialog_.local_tag);
    return;
  }
  if (!update && incoming_offer_) {  // s14.2: the previous re-INVITE is not finished
    HeaderList extra{{"Retry-After", "1"}};
    request->send(make_answer(*request, 500, "Server Internal Error", {}, extra), 500);
    return;
  }
  std::optional<std::string> answer;
  if (!m.body().empty()) {
    if (events_) answer = update ? events_->on_update(m.body()) : events_->on_reinvite(m.body());
    if (!answer) {
      request->respond(488, "Not Acceptable Here", dialog_.local_tag);
      return;
    }
    local_sdp_ = *answer;
  }
  HeaderList extra;
  if (auto se = m.session_expires(); se && *se && session_timer_) {  // RFC 4028 s9: a refresh
    session_timer_->interval = (*se)->delta;
    session_timer_->we_refresh = (*se)->refresher == Refresher::uas;
    extra.emplace_back("Session-Expires", refresher_header(session_timer_->interval, !session_timer_->we_refresh));
    extra.emplace_back("Require", "timer");
  }
  arm_session_timer();
  if (update) {
    std::string_view body = answer ? std::string_view(*answer) : std::string_view{};
    request->send(make_answer(*request, 200, "OK", body, extra), 200);
  } else {
    start_2xx(request, answer.value_or(local_sdp_), extra);  // a refresh without offer gets our SDP (s14.2)
  }
}

void InviteSession::on_notify(const std::shared_ptr<IncomingRequest>& request) {
  const Message& m = request->message();
  auto event = m.event();
  if (!event || !*event || (*event)->package != "refer") {
    request->respond(489, "Bad Event", dialog_.local_tag);  // RFC 6665 s8.3.1
    return;
  }
  request->respond(200, "OK", dialog_.local_tag);
  // RFC 3515 s2.4.5: the body is a message/sipfrag status line, "SIP/2.0 200 OK".
  std::string_view frag = m.body();
  int status = 0;
  if (frag.starts_with("SIP/2.0 ") && frag.size() >= 11) std::from_chars(frag.data() + 8, frag.data() + 11, status);
  if (status >= 100 && events_) events_->on_transfer(status);
}

}  // namespace parley::sip

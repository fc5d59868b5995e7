#include "sip/dialog/outgoing_call.hpp"

#include <spdlog/spdlog.h>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "sip/auth/client_challenge.hpp"
#include "sip/message/builder.hpp"

namespace parley::sip {
namespace {

std::string name_addr(std::string_view display, std::string_view uri) {
  if (display.empty()) return "<" + std::string(uri) + ">";
  return "\"" + std::string(display) + "\" <" + std::string(uri) + ">";
}

}  // namespace

OutgoingCall::OutgoingCall(SessionHost& host, DialRequest request)
    : InviteSession(host, request.sdp_offer),
      request_(std::move(request)),
      ring_timer_(host.transactions().timers()),
      session_expires_(host.settings().timers.session_expires) {}

core::Result<std::shared_ptr<OutgoingCall>> OutgoingCall::start(SessionHost& host, DialRequest request,
                                                                CallEvents* events) {
  auto target = parse_uri(request.request_uri);
  if (!target || !target->is_sip()) return core::fail(core::Errc::invalid_argument, "bad request_uri", "request_uri");
  if (request.to_uri.empty()) request.to_uri = request.request_uri;
  if (!parse_uri(request.from_uri)) return core::fail(core::Errc::invalid_argument, "bad from_uri", "from_uri");
  std::optional<Uri> hop = target;
  if (!request.outbound_proxy.empty()) {
    hop = parse_uri(request.outbound_proxy);
    if (!hop || !hop->is_sip()) return core::fail(core::Errc::invalid_argument, "bad outbound_proxy", "outbound_proxy");
  }
  const Transport transport = uri_transport(*hop);
  const std::string hop_host(hop->param("maddr").value_or(hop->host));
  const auto hop_port = hop->port;

  std::shared_ptr<OutgoingCall> call(new OutgoingCall(host, std::move(request)));
  call->set_listener(events);
  call->transport_ = transport;
  call->call_id_ = core::random_token(20) + "@parley";
  call->from_tag_ = new_tag();
  call->dialog_.call_id = call->call_id_;
  call->dialog_.local_tag = call->from_tag_;
  std::weak_ptr<OutgoingCall> weak = call;
  // RFC 3263 s4.2 (A/AAAA only): IP literals answer at once, names asynchronously.
  host.transactions().sender().resolve(hop_host, hop_port, transport, [weak](std::optional<Peer> peer) {
    auto self = weak.lock();
    if (!self || self->final_seen_) return;
    core::Status sent = peer ? (self->destination_ = *peer, self->send_invite({}))
                             : core::fail(core::Errc::unavailable, "next hop does not resolve");
    if (sent) return;
    self->final_seen_ = true;
    self->ring_timer_.cancel();
    spdlog::info("event=sip.call.failed call_id={} error={}", core::log_value(self->call_id_),
                 core::log_value(sent.error().message));
    if (self->events_) self->events_->on_failed(503, "Service Unavailable");
    self->terminate(EndReason::rejected);
  });
  call->ring_timer_.start(call->request_.ring_timeout, [weak] {
    auto self = weak.lock();
    if (!self || self->final_seen_) return;
    self->ring_timed_out_ = true;
    self->cancel();
  });
  spdlog::info("event=sip.call.dialing call_id={} to={}", core::log_value(call->call_id_),
               core::log_value(call->request_.request_uri));
  return call;
}

core::Status OutgoingCall::send_invite(const HeaderList& auth) {
  const SessionHost& host = host_;
  HeaderList extra{{"Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY"},
                   {"Supported", "timer"},
                   {"Session-Expires", std::to_string(session_expires_)},  // RFC 4028 s7.1
                   {"Min-SE", std::to_string(host.settings().timers.min_se)}};
  if (!request_.p_asserted_identity.empty()) extra.emplace_back("P-Asserted-Identity", request_.p_asserted_identity);
  extra.insert(extra.end(), request_.extra_headers.begin(), request_.extra_headers.end());
  extra.insert(extra.end(), auth.begin(), auth.end());
  std::vector<std::string> routes;
  if (!request_.outbound_proxy.empty()) routes.push_back("<" + request_.outbound_proxy + ";lr>");
  const std::string from = name_addr(request_.from_display, request_.from_uri) + ";tag=" + from_tag_;
  const std::string to = name_addr(request_.to_display, request_.to_uri);
  ++cseq_;
  auto build = [&](Transport t) {
    RequestSpec spec{"INVITE", request_.request_uri, from, to, call_id_, cseq_, routes, t, "parley",
                     host.settings().user_agent, &extra, request_.sdp_offer, "application/sdp"};
    return build_request(spec, host_.transactions().sender());
  };
  std::string bytes = build(transport_);
  if (transport_ == Transport::udp && exceeds_udp_budget(bytes.size())) {
    transport_ = Transport::tcp;  // RFC 3261 s18.1.1
    destination_.transport = Transport::tcp;
    bytes = build(transport_);
  }
  auto invite = own_message(std::move(bytes));
  if (!invite) return core::fail(core::Errc::invalid_argument, std::string("invalid INVITE: ") + std::string(invite.error().reason()));
  if (invite_txn_) invite_txn_->detach();
  std::weak_ptr<OutgoingCall> weak = std::static_pointer_cast<OutgoingCall>(shared_from_this());
  invite_txn_ = host_.transactions().send_request(*invite, destination_, [weak](const Inbound& r) {
    if (auto self = weak.lock()) self->on_response(r);
  });
  return {};
}

void OutgoingCall::on_response(const Inbound& in) {
  const Message& r = in->message;
  const int status = r.status();
  if (status < 200) {
    if (status == 100) return;
    provisional_seen_ = true;
    if (auto tag = r.to().tag(); tag && !bound_ && invite_txn_) {  // s12.1.2: early dialog
      dialog_ = uac_dialog(invite_txn_->request(), r, destination_);
      host_.bind(dialog_.key(), shared_from_this());
      bound_ = true;
    }
    if (cancel_requested_) {
      send_cancel();
      return;
    }
    if (events_) events_->on_progress(status, r.body());
    return;
  }
  if (status < 300) {
    on_answer(in);
    return;
  }
  if (final_seen_) return;
  if ((status == 401 || status == 407) && retry_with_credentials(r)) return;
  if (status == 422 && !session_retry_done_) {  // RFC 4028 s7.4: retry with the peer's Min-SE
    if (auto min = r.min_se(); min && *min) {
      session_retry_done_ = true;
      session_expires_ = std::max(session_expires_, **min);
      if (send_invite({})) return;
    }
  }
  final_seen_ = true;
  ring_timer_.cancel();
  spdlog::info("event=sip.call.failed call_id={} status={}", core::log_value(call_id_), status);
  if (events_) events_->on_failed(status, r.reason());
  terminate(ring_timed_out_ ? EndReason::timeout
            : cancel_requested_ ? EndReason::cancelled
            : status == 408   ? EndReason::timeout
                              : EndReason::rejected);
}

void OutgoingCall::on_answer(const Inbound& in) {
  const Message& r = in->message;
  if (state_ != State::early) {
    on_2xx_retransmission(in);
    return;
  }
  final_seen_ = true;
  ring_timer_.cancel();
  const std::string old_key = dialog_.key();
  dialog_ = uac_dialog(invite_txn_->request(), r, destination_);
  dialog_.local_cseq = cseq_;
  if (bound_ && old_key != dialog_.key()) host_.unbind(old_key);
  host_.bind(dialog_.key(), shared_from_this());
  bound_ = true;
  peer_allows_update_ = lists_token(r, HeaderId::allow, "UPDATE");
  if (auto plan = uac_session_timer(r)) session_timer_ = plan;  // RFC 4028 s7.2
  send_ack(r);
  confirm();
  if (cancel_requested_) {  // s9.1: the 2xx crossed our CANCEL
    send_bye();
    terminate(ring_timed_out_ ? EndReason::timeout : EndReason::cancelled);
    return;
  }
  spdlog::info("event=sip.call.answered call_id={}", core::log_value(call_id_));
  if (events_) events_->on_answered(r.body());
}

bool OutgoingCall::retry_with_credentials(const Message& response) {
  if (auth_tried_ || request_.auth_username.empty()) return false;
  auth_tried_ = true;
  auto challenge = auth::pick_challenge(response);
  if (!challenge) return false;
  const std::string value = auth::build_authorization(challenge->digest, request_.auth_username, request_.auth_password,
                                                      auth::DigestRequest{"INVITE", request_.request_uri});
  return send_invite({{std::string(challenge->header_name()), value}}).has_value();
}

void OutgoingCall::cancel() {
  if (final_seen_ || cancel_requested_) return;
  cancel_requested_ = true;
  if (provisional_seen_) send_cancel();  // s9.1: not before a provisional response
}

void OutgoingCall::send_cancel() {
  if (!invite_txn_) return;
  // s9.1: Request-URI, Call-ID, To, From, CSeq number and the single Via of the INVITE.
  const Message& inv = invite_txn_->request();
  auto b = MessageBuilder::request("CANCEL", inv.request_uri().raw, 512);
  if (const Header* via = inv.find(HeaderId::via)) b.header(HeaderId::via, via->value);
  for (const Header& h : inv.headers()) {
    if (h.id == HeaderId::route) b.header(HeaderId::route, h.value);
  }
  b.header(HeaderId::max_forwards, "70");
  for (HeaderId id : {HeaderId::from, HeaderId::to}) {
    if (const Header* h = inv.find(id)) b.header(id, h->value);
  }
  b.header(HeaderId::call_id, inv.call_id());
  b.header(HeaderId::cseq, std::to_string(inv.cseq().number) + " CANCEL");
  if (auto cancel = own_message(b.finish())) host_.transactions().send_request(*cancel, destination_, nullptr);
}

void OutgoingCall::hangup() {
  if (state_ == State::early) {
    cancel();
    return;
  }
  InviteSession::hangup();
}

}  // namespace parley::sip

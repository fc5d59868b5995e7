#include "sip/ua/user_agent.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::sip {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY";
constexpr std::string_view kInDialogMethods[] = {"BYE", "INFO", "UPDATE", "NOTIFY", "REFER", "PRACK"};

bool supported_option(std::string_view token) { return token == "timer"; }

}  // namespace

UserAgent::UserAgent(TransactionLayer& transactions, SessionSettings settings, CallHandler& handler)
    : transactions_(transactions), settings_(std::move(settings)), handler_(handler) {}

void UserAgent::bind(const std::string& key, std::shared_ptr<InviteSession> session) { dialogs_[key] = session; }

void UserAgent::unbind(const std::string& key) { dialogs_.erase(key); }

std::shared_ptr<InviteSession> UserAgent::find(std::string_view call_id, std::string_view local_tag,
                                               std::string_view remote_tag) {
  auto it = dialogs_.find(Dialog::dialog_key(call_id, local_tag, remote_tag));
  if (it == dialogs_.end()) return nullptr;
  auto session = it->second.lock();
  if (!session) dialogs_.erase(it);
  return session;
}

core::Result<std::shared_ptr<OutgoingCall>> UserAgent::dial(DialRequest request, CallEvents* events) {
  return OutgoingCall::start(*this, std::move(request), events);
}

void UserAgent::on_request(std::shared_ptr<IncomingRequest> request) {
  const Message& m = request->message();
  const std::string tag = new_tag();
  // s8.2.2.3: Require with an extension we do not support -> 420 with Unsupported.
  if (auto required = m.tokens(HeaderId::require); required) {
    for (auto token : *required) {
      if (supported_option(token)) continue;
      std::pair<std::string_view, std::string_view> h{"Unsupported", token};
      request->respond(420, "Bad Extension", tag, ResponseExtras{std::span(&h, 1)});
      return;
    }
  }
  if (auto to_tag = m.to().tag()) {  // s12.2: a request inside a dialog
    if (auto session = find(m.call_id(), *to_tag, m.from().tag().value_or(""))) {
      session->on_request(std::move(request));
      return;
    }
    request->respond(481, "Call/Transaction Does Not Exist", tag);  // s12.2.2
    return;
  }
  const std::string_view method = m.method();
  if (method == "INVITE") {
    on_new_invite(std::move(request));
  } else if (method == "OPTIONS") {  // s11.2
    std::pair<std::string_view, std::string_view> h[] = {
        {"Allow", kAllow}, {"Accept", "application/sdp"}, {"Supported", "timer"}, {"Server", settings_.user_agent}};
    request->respond(200, "OK", tag, ResponseExtras{h});
  } else if (std::ranges::find(kInDialogMethods, method) != std::end(kInDialogMethods)) {
    request->respond(481, "Call/Transaction Does Not Exist", tag);
  } else {
    std::pair<std::string_view, std::string_view> h{"Allow", kAllow};  // s8.2.1
    request->respond(405, "Method Not Allowed", tag, ResponseExtras{std::span(&h, 1)});
  }
}

void UserAgent::on_new_invite(std::shared_ptr<IncomingRequest> request) {
  const Message& m = request->message();
  auto plan = uas_session_timer(m, settings_.timers);
  if (!plan) {  // RFC 4028 s8.1: 422 with our Min-SE
    const std::string min_se = std::to_string(plan.error());
    std::pair<std::string_view, std::string_view> h{"Min-SE", min_se};
    request->respond(422, "Session Interval Too Small", new_tag(), ResponseExtras{std::span(&h, 1)});
    return;
  }
  auto call = IncomingCall::create(*this, std::move(request), *plan);
  spdlog::info("event=sip.call.invite call_id={} from={} transport={}", core::log_value(m.call_id()),
               core::log_value(m.from().uri.raw), to_string(call->remote().transport));
  handler_.on_invite(std::move(call));
}

void UserAgent::on_ack(const Inbound& ack) {
  const Message& m = ack->message;
  if (auto session = find(m.call_id(), m.to().tag().value_or(""), m.from().tag().value_or(""))) session->on_ack(ack);
}

void UserAgent::on_stray_response(const Inbound& response) {
  const Message& m = response->message;
  if (m.cseq().method != "INVITE" || m.status() < 200 || m.status() >= 300) return;
  if (auto session = find(m.call_id(), m.from().tag().value_or(""), m.to().tag().value_or(""))) {
    session->on_2xx_retransmission(response);
  }
}

}  // namespace parley::sip

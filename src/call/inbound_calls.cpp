#include "call/inbound_calls.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "call/inbound_router.hpp"
#include "call/session_events.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/serial_queue.hpp"
#include "core/time.hpp"
#include "media/sdp/sdp_parser.hpp"
#include "media/sdp/sdp_writer.hpp"
#include "sip/message/header_name.hpp"

namespace parley::call {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }

// What the worker needs from the INVITE, copied out of the SIP buffer.
struct InviteData {
  InboundRequest request;
  std::string sdp_offer;
  std::string sip_call_id;
};

struct AgentSettings {
  int max_duration_s = 600;
  std::optional<std::string> webhook_url;
};

AgentSettings agent_settings(const store::Agent& agent) {
  AgentSettings s;
  boost::system::error_code ec;
  auto cfg = json::parse(agent.config, ec);
  if (ec || !cfg.is_object()) return s;
  if (auto* voice = cfg.get_object().if_contains("voice"); voice && voice->is_object()) {
    if (auto* m = voice->get_object().if_contains("max_duration"); m && m->is_int64()) {
      s.max_duration_s = static_cast<int>(m->get_int64());
    }
  }
  if (auto* w = cfg.get_object().if_contains("webhook_url"); w && w->is_string()) s.webhook_url = std::string(w->get_string());
  return s;
}

}  // namespace

// One inbound call. Lives on the SIP io_context; `writes` orders its store work on the pool.
class InboundCalls::Call final : public sip::CallEvents, public std::enable_shared_from_this<Call> {
 public:
  Call(InboundCalls& owner, std::shared_ptr<sip::IncomingCall> sip)
      : owner_(owner), sip_(std::move(sip)), writes_(core::SerialQueue::create(owner.pool_)), timer_(owner.io_) {}

  void start(InviteData data) {
    sip_call_id_ = data.sip_call_id;
    auto self = shared_from_this();
    bool queued = writes_->post([self, data = std::move(data)]() mutable { self->admit(std::move(data)); });
    if (!queued) reject(503, "Service Unavailable", true);
  }

  void hangup() {
    if (!sip_) return;
    if (!sip_->answered()) {
      reject(503, "Service Unavailable", true);
    } else {
      end_session("completed", "shutdown");
      sip_->hangup();
    }
  }

  // sip::CallEvents, on the SIP io_context.
  void on_ack() override {
    spdlog::info("event=call.answered call_id={} sip_call_id={}", session_id_, core::log_value(sip_call_id_));
    write([id = session_id_](store::Store& store) {
      store::SessionTransition t{id, {"ringing"}, "in_progress"};
      t.answered_at = now_ms();
      t.telephony_status = "answered";
      return store.transition_session(t, webhook_event_for());
    });
  }
  void on_cancel() override {
    cancelled_ = true;
    if (!session_id_.empty()) end_session("canceled", "caller_canceled");
  }
  void on_bye() override { end_session("completed", "remote_hangup"); }
  void on_refresh_failure() override { end_session("completed", "session_timer_expired"); }
  std::optional<std::string> on_reinvite(std::string_view offer) override { return reanswer(offer); }
  std::optional<std::string> on_update(std::string_view offer) override { return reanswer(offer); }
  void on_terminated(sip::EndReason reason) override {
    if (reason == sip::EndReason::no_ack) end_session("failed", "no_ack");
    if (reason == sip::EndReason::cancelled && !session_id_.empty()) end_session("canceled", "caller_canceled");
    timer_.cancel();
    ports_.reset();
    sip_.reset();
    owner_.forget(this);  // may destroy *this: nothing after
  }

 private:
  // On the worker pool: route, negotiate, persist; then back to the SIP context to answer.
  void admit(InviteData data) {
    auto self = shared_from_this();
    auto back = [self](auto fn) { asio::post(self->owner_.io_, std::move(fn)); };
    auto decision = route_inbound(owner_.store_, data.request, owner_.options_.bindings);
    if (!decision) {
      spdlog::error("event=call.route_failed error={}", core::log_value(decision.error().message));
      return back([self] { self->reject(500, "Server Internal Error", false); });
    }
    if (decision->sip_status != 200) {
      spdlog::info("event=call.rejected status={} source={} did={} caller={}", decision->sip_status,
                   data.request.source_address, core::log_value(decision->did), core::log_value(data.request.from_user));
      return back([self, d = *decision] { self->reject(d.sip_status, d.reason, false); });
    }
    auto agent = owner_.store_.get_agent(decision->agent_id);
    if (!agent) {
      spdlog::warn("event=call.agent_missing agent_id={}", decision->agent_id);
      return back([self] { self->reject(480, "Temporarily Unavailable", false); });
    }
    auto offer = media::sdp::parse_sdp(data.sdp_offer);
    auto lease = owner_.ports_.allocate();
    if (!lease) return back([self] { self->reject(503, "Service Unavailable", true); });
    media::sdp::LocalEndpoint local;
    local.address = owner_.options_.media_address;
    local.address_type = local.address.find(':') != std::string::npos ? media::sdp::AddressType::ip6
                                                                       : media::sdp::AddressType::ip4;
    local.rtp_port = lease->rtp_port();
    local.session_id = std::to_string(now_ms());
    // RFC 3261 s13.2.1: an INVITE without an offer gets our offer in the 200 (answer in the ACK).
    std::string answer_sdp;
    if (data.sdp_offer.empty()) {
      answer_sdp = media::sdp::write_sdp(media::sdp::build_offer(local, owner_.options_.offer_answer, false));
    } else if (!offer) {
      return back([self] { self->reject(400, "Bad Request - Malformed SDP", false); });
    } else {
      auto answer = media::sdp::answer_offer(*offer, local, owner_.options_.offer_answer);
      if (!answer) {
        int status = media::sdp::is_not_acceptable_here(answer.error()) ? 488 : 400;
        return back([self, status] { self->reject(status, status == 488 ? "Not Acceptable Here" : "Bad Request", false); });
      }
      answer_sdp = media::sdp::write_sdp(answer->sdp);
    }
    auto settings = agent_settings(*agent);
    store::VoiceSession s;
    s.id = core::new_id("call");
    s.kind = "inbound";
    s.status = "ringing";
    s.agent_id = agent->id;
    s.from_number = normalize_did(data.request.from_user).value_or(data.request.from_user.substr(0, 64));
    if (!decision->did.empty()) s.to_number = decision->did;
    s.max_duration = settings.max_duration_s;
    s.webhook_url = settings.webhook_url;
    s.created_at = s.started_at.emplace(now_ms());
    s.sip_call_id = data.sip_call_id;
    s.telephony_status = "ringing";
    auto created = owner_.store_.create_session(s, {}, webhook_event_for());
    if (!created) {
      spdlog::error("event=call.persist_failed error={}", core::log_value(created.error().message));
      return back([self] { self->reject(500, "Server Internal Error", false); });
    }
    spdlog::info("event=call.inbound call_id={} agent_id={} did={} caller={} provider_id={} sip_call_id={}", s.id,
                 s.agent_id, core::log_value(decision->did), core::log_value(data.request.from_user),
                 decision->provider_id, core::log_value(data.sip_call_id));
    back([self, id = s.id, answer_sdp = std::move(answer_sdp), lease = std::move(*lease),
          max_s = settings.max_duration_s]() mutable { self->answer(id, std::move(answer_sdp), std::move(lease), max_s); });
  }

  void answer(std::string session_id, std::string sdp, media::ports::PortLease lease, int max_duration_s) {
    session_id_ = std::move(session_id);
    ports_.emplace(std::move(lease));
    if (cancelled_ || !sip_) return end_session("canceled", "caller_canceled");
    sip_->ringing();
    sip_->accept(std::move(sdp));
    timer_.expires_after(std::chrono::seconds(max_duration_s));
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || !self->sip_) return;
      spdlog::info("event=call.max_duration call_id={}", self->session_id_);
      self->end_session("completed", "max_duration");
      self->sip_->hangup();
    });
  }

  // An in-dialog offer: hold, resume or codec change. The answer keeps our address and port.
  std::optional<std::string> reanswer(std::string_view offer_text) {
    if (!ports_) return std::nullopt;
    auto offer = media::sdp::parse_sdp(offer_text);
    if (!offer) return std::nullopt;
    media::sdp::LocalEndpoint local;
    local.address = owner_.options_.media_address;
    local.address_type = local.address.find(':') != std::string::npos ? media::sdp::AddressType::ip6
                                                                       : media::sdp::AddressType::ip4;
    local.rtp_port = ports_->rtp_port();
    local.session_version = std::to_string(++sdp_version_);
    auto answer = media::sdp::answer_offer(*offer, local, owner_.options_.offer_answer);
    if (!answer) return std::nullopt;
    return media::sdp::write_sdp(answer->sdp);
  }

  void reject(int status, std::string_view reason, bool retry_later) {
    if (!sip_ || sip_->answered()) return;
    sip::HeaderList extra;
    if (retry_later) extra.emplace_back("Retry-After", "5");  // RFC 3261 s21.5.4
    sip_->reject(status, reason, extra);
  }

  // Ends the session once; later end events of the same call are ignored.
  void end_session(std::string status, std::string reason) {
    if (ended_ || session_id_.empty()) return;
    ended_ = true;
    spdlog::info("event=call.ended call_id={} status={} end_reason={}", session_id_, status, reason);
    write([id = session_id_, status = std::move(status), reason = std::move(reason)](store::Store& store) {
      store::SessionTransition t{id, {"ringing", "in_progress"}, status};
      t.ended_at = now_ms();
      t.end_reason = reason;
      t.telephony_status = "terminated";
      return store.transition_session(t, webhook_event_for());
    });
  }

  template <class Fn>
  void write(Fn fn) {
    if (session_id_.empty()) return;
    auto& store = owner_.store_;
    writes_->post([&store, fn = std::move(fn), id = session_id_] {
      if (auto r = fn(store); !r && r.error().code != core::Errc::conflict) {
        spdlog::error("event=call.write_failed call_id={} error={}", id, core::log_value(r.error().message));
      }
    });
  }

  InboundCalls& owner_;
  std::shared_ptr<sip::IncomingCall> sip_;
  std::shared_ptr<core::SerialQueue> writes_;
  asio::steady_timer timer_;
  std::optional<media::ports::PortLease> ports_;
  std::string session_id_;
  std::string sip_call_id_;
  int sdp_version_ = 1;
  bool cancelled_ = false;
  bool ended_ = false;
};

InboundCalls::InboundCalls(asio::io_context& sip_io, store::Store& store, core::WorkerPool& pool,
                           media::ports::PortAllocator& ports, InboundOptions options)
    : io_(sip_io), store_(store), pool_(pool), ports_(ports), options_(std::move(options)) {}

InboundCalls::~InboundCalls() = default;

void InboundCalls::on_invite(std::shared_ptr<sip::IncomingCall> sip) {
  const auto& m = sip->invite();
  InviteData data;
  data.request.source_address = sip->remote().address.to_string();
  data.request.request_user = std::string(m.request_uri().user);
  data.request.to_user = std::string(m.to().uri.user);
  data.request.from_user = std::string(m.from().uri.user);
  for (const auto& h : m.headers()) data.request.headers.emplace_back(std::string(h.name), std::string(h.value));
  data.sdp_offer = std::string(m.body());
  data.sip_call_id = std::string(m.call_id());
  auto call = std::make_shared<Call>(*this, sip);
  sip->set_listener(call.get());
  calls_.emplace(call.get(), call);
  call->start(std::move(data));
}

void InboundCalls::hangup_all() {
  auto calls = calls_;  // hangup may erase from calls_
  for (auto& [ptr, call] : calls) call->hangup();
}

}  // namespace parley::call

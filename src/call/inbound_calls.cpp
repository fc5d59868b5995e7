#include "call/inbound_calls.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <variant>

#include "call/live_call.hpp"
#include "call/media_policy.hpp"
#include "call/session_events.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "media/sdp/offer_answer.hpp"

namespace parley::call {
namespace asio = boost::asio;

namespace {

std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }

// What the worker needs from the INVITE, copied out of the SIP buffer.
struct InviteData {
  InboundRequest request;
  std::string sdp_offer;
  std::string sip_call_id;
};

// Where admission stopped short of answering: the final response to send.
struct Refusal {
  int status;
  std::string reason;
  bool retry_later = false;
  sip::HeaderList extra;
};

Refusal service_unavailable() { return Refusal{503, "Service Unavailable", true, {}}; }

// Failover `message` (seeds/002 "Failover Routing"): the caller is to hear the route's message,
// then the call ends. Speaking it needs an answered call with the voice pipeline; this is where
// admission will answer and hand the text to it. Until then the caller gets 480 with a Reason
// (RFC 3326) that says no more than that the agent is unavailable (the text stays ours).
Refusal message_failover_response(const Failover&) {
  return Refusal{480, "Temporarily Unavailable", false, {{"Reason", "SIP;cause=480;text=\"Agent unavailable\""}}};
}

// What the route says when its agent (and next agent) cannot take the call.
Refusal unavailable_response(const Failover& failover) {
  switch (failover.kind) {
    case Failover::Kind::sip_uri:  // RFC 3261 s21.3.3: the caller retries at the Contact
      return Refusal{302, "Moved Temporarily", false, {{"Contact", "<" + failover.target + ">"}}};
    case Failover::Kind::message: return message_failover_response(failover);
    case Failover::Kind::next_agent:
    case Failover::Kind::none: break;
  }
  return service_unavailable();  // RFC 3261 s21.5.4, with Retry-After
}

}  // namespace

// One INVITE from arrival to answer (or refusal). Lives on the SIP io_context; its worker hops
// run one at a time (admitting_), each handing a Step back to the SIP context.
class InboundCalls::Admission final : public sip::CallEvents, public std::enable_shared_from_this<Admission> {
 public:
  Admission(InboundCalls& owner, std::shared_ptr<sip::IncomingCall> sip, InviteData data)
      : owner_(owner), sip_(std::move(sip)), data_(std::move(data)) {}

  void start() {
    submit([](Admission& self) { return self.find_trunk(); });
  }


  void refuse(const Refusal& r) {
    if (!sip_ || sip_->answered()) return;
    sip::HeaderList extra = r.extra;
    if (r.retry_later) extra.emplace_back("Retry-After", "5");  // RFC 3261 s21.5.4
    sip_->reject(r.status, r.reason, extra);
  }

  // sip::CallEvents, before the answer.
  void on_cancel() override { cancelled_ = true; }
  void on_terminated(sip::EndReason) override {
    cancelled_ = true;
    if (!admitting_) done();
  }

 private:
  struct Admitted {
    std::shared_ptr<SessionWriter> writer;
    std::optional<CallMedia> media;
    std::string answer_sdp;
    LiveCallSettings settings;
  };
  // What a worker hop ends with: a refusal, an answer to give, or credentials to check.
  using Step = std::variant<Refusal, Admitted, TrunkAdmission>;
  // An agent that cannot take the call (deleted, or at max_concurrent_calls): try the failover.
  struct Unavailable {};
  using Attempt = std::variant<Refusal, Admitted, Unavailable>;

  template <class Work>
  void submit(Work work) {
    auto self = shared_from_this();
    admitting_ = true;
    bool queued = owner_.pool_.try_submit([self, work = std::move(work)]() mutable {
      Step step = work(*self);
      asio::post(self->owner_.io_, [self, step = std::move(step)]() mutable {
        self->admitting_ = false;
        self->on_step(std::move(step));
      });
    });
    if (!queued) {
      admitting_ = false;
      refuse(service_unavailable());
      done();
    }
  }

  // On the SIP context.
  void on_step(Step step) {
    if (auto* r = std::get_if<Refusal>(&step)) {
      refuse(*r);
    } else if (auto* a = std::get_if<Admitted>(&step)) {
      answer(std::move(*a));
    } else if (verify(std::get<TrunkAdmission>(step))) {
      return;  // the rest of admission is queued
    }
    done();
  }

  // On the SIP context: ServerAuth answers 401 itself when the credentials do not hold.
  bool verify(const TrunkAdmission& a) {
    if (cancelled_ || !sip_ || sip_->state() == sip::InviteSession::State::terminated) return false;
    const InboundTrunk* trunk = a.trunk;
    auto password_of = [trunk](std::string_view user) -> std::optional<std::string> {
      if (!trunk || trunk->username != user) return std::nullopt;
      return trunk->password;
    };
    if (!owner_.auth_.authorize(*sip_, sip::ServerAuth::Space{a.realm, a.algorithms}, password_of)) return false;
    submit([trunk](Admission& self) { return self.admit_call(*trunk); });
    return true;
  }

  // On the worker pool: which trunk the INVITE came through.
  Step find_trunk() {
    table_ = owner_.options_.routing->current();
    auto admission = table_->admit(data_.request, owner_.options_.bindings);
    switch (admission.kind) {
      case TrunkAdmission::Kind::forbidden:
        spdlog::info("event=call.rejected status=403 source={} caller={}", data_.request.source_address,
                     core::log_value(data_.request.from_user));
        return Refusal{403, "Forbidden"};
      case TrunkAdmission::Kind::digest: return admission;
      case TrunkAdmission::Kind::admitted: break;
    }
    return admit_call(*admission.trunk);
  }

  // On the worker pool: the route, its agent (or the failover), media and the session row.
  Step admit_call(const InboundTrunk& trunk) {
    auto decision = table_->route(trunk, data_.request);
    if (decision.sip_status != 200) {
      spdlog::info("event=call.rejected status={} source={} did={} caller={}", decision.sip_status,
                   data_.request.source_address, core::log_value(decision.did), core::log_value(data_.request.from_user));
      return Refusal{decision.sip_status, decision.reason};
    }
    std::vector<std::string> agents{decision.agent_id};
    if (decision.failover.kind == Failover::Kind::next_agent) agents.push_back(decision.failover.target);  // one hop
    for (const auto& agent_id : agents) {
      auto attempt = try_agent(decision, agent_id);
      if (auto* r = std::get_if<Refusal>(&attempt)) return std::move(*r);
      if (auto* a = std::get_if<Admitted>(&attempt)) return std::move(*a);
    }
    auto response = unavailable_response(decision.failover);
    spdlog::info("event=call.agents_unavailable status={} did={} route_id={} sip_call_id={}", response.status,
                 core::log_value(decision.did), decision.route_id.value_or("-"), core::log_value(data_.sip_call_id));
    return response;
  }

  Attempt try_agent(const RouteDecision& decision, const std::string& agent_id) {
    auto& store = owner_.store_;
    const InboundAgent* agent = table_->agent(agent_id);
    if (!agent) {
      spdlog::info("event=call.agent_unavailable agent_id={} reason=deleted", agent_id);
      return Unavailable{};
    }
    const auto& settings = agent->settings;
    const std::string session_id = core::new_id("call");
    std::optional<RecordingTarget> recording;
    if (settings.recording) {
      std::string id = core::new_id("rec");
      recording = RecordingTarget{id, owner_.options_.recordings_dir / (id + ".wav")};
    }

    auto media = CallMedia::create(owner_.io_, owner_.options_.media, media_policy_for(decision.provider_config),
                                   session_id, recording ? std::optional(recording->path) : std::nullopt);
    if (!media) {
      spdlog::warn("event=call.media_unavailable call_id={} error={}", session_id,
                   core::log_value(media.error().message));
      return service_unavailable();
    }
    auto answer = media->answer(data_.sdp_offer);
    if (!answer) {
      bool not_acceptable = media::sdp::is_not_acceptable_here(answer.error());
      spdlog::info("event=call.sdp_refused sip_call_id={} status={} error={}", core::log_value(data_.sip_call_id),
                   not_acceptable ? 488 : 400, core::log_value(answer.error().message));
      if (not_acceptable) return Refusal{488, "Not Acceptable Here"};
      return Refusal{400, "Bad Request - Malformed SDP"};
    }

    const auto& req = data_.request;
    store::VoiceSession s;
    s.id = session_id;
    s.kind = "inbound";
    s.status = "ringing";
    s.agent_id = agent->id;
    s.from_number = normalize_did(req.from_user).value_or(req.from_user.substr(0, 64));
    if (!decision.did.empty()) s.to_number = decision.did;
    s.max_duration = settings.max_duration_s;
    s.recording = settings.recording;
    s.webhook_url = settings.webhook_url;
    s.created_at = s.started_at.emplace(now_ms());
    s.sip_call_id = data_.sip_call_id;
    s.telephony_status = "ringing";
    // The agent's existence and its cap are checked in the insert's transaction: concurrent calls
    // (on any node) cannot overshoot it, and a deletion since the table was built is seen.
    store::Store::CreateOptions options;
    options.require_agent = true;
    options.max_active_for_agent = settings.max_concurrent_calls;
    if (auto created = store.create_session(s, options, webhook_event_for()); !created) {
      const auto code = created.error().code;
      if (code == core::Errc::not_found || code == core::Errc::unavailable) {
        spdlog::info("event=call.agent_unavailable agent_id={} reason={}", agent->id,
                     code == core::Errc::not_found ? "deleted" : "at_capacity");
        media->stop();
        return Unavailable{};
      }
      spdlog::error("event=call.persist_failed error={}", core::log_value(created.error().message));
      media->stop();
      return Refusal{500, "Server Internal Error"};
    }
    if (recording) {
      store::Recording row{recording->id, s.id, recording->path.string(), 0, 0, 16000, 2, "recording", now_ms()};
      if (auto r = store.create_recording(row); !r) {
        spdlog::error("event=call.recording_row_failed call_id={} error={}", s.id, core::log_value(r.error().message));
        recording.reset();  // the call goes on unrecorded rather than with an untracked file
      }
    }
    spdlog::info("event=call.inbound call_id={} agent_id={} did={} caller={} provider_id={} sip_call_id={}", s.id,
                 s.agent_id, core::log_value(decision.did), core::log_value(req.from_user), decision.provider_id,
                 core::log_value(data_.sip_call_id));
    Admitted admitted;
    admitted.writer = std::make_shared<SessionWriter>(store, owner_.pool_, s.id);
    admitted.media.emplace(std::move(*media));
    admitted.answer_sdp = std::move(*answer);
    admitted.settings = LiveCallSettings{data_.sip_call_id, settings.max_duration_s, std::move(recording)};
    return admitted;
  }

  // On the SIP context: answer, and hand the call to a LiveCall.
  void answer(Admitted a) {
    if (cancelled_ || !sip_ || sip_->state() == sip::InviteSession::State::terminated) {
      a.media->stop();
      store::SessionTransition t;
      t.from = {"ringing"};
      t.to = "canceled";
      t.ended_at = now_ms();
      t.end_reason = "caller_canceled";
      t.telephony_status = "terminated";
      a.writer->transition(std::move(t));
      return;
    }
    sip_->ringing();
    sip_->accept(std::move(a.answer_sdp));
    auto live = LiveCall::create(owner_.io_, sip_, std::move(*a.media), a.writer, std::move(a.settings), owner_.active_);
    live->start();
  }

  void done() {
    sip_.reset();
    owner_.forget(this);  // may destroy *this: nothing after
  }

  InboundCalls& owner_;
  std::shared_ptr<sip::IncomingCall> sip_;
  InviteData data_;  // read by one worker hop at a time
  std::shared_ptr<const RoutingTable> table_;  // one snapshot for the whole admission
  bool cancelled_ = false;
  bool admitting_ = false;  // a worker hop is queued or running
};

InboundCalls::InboundCalls(asio::io_context& sip_io, store::Store& store, core::WorkerPool& pool, ActiveCalls& active,
                           InboundOptions options)
    : io_(sip_io),
      store_(store),
      pool_(pool),
      active_(active),
      options_(std::move(options)),
      auth_(options_.default_realm, options_.nonce_key) {}

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
  auto admission = std::make_shared<Admission>(*this, sip, std::move(data));
  sip->set_listener(admission.get());
  admissions_.emplace(admission.get(), admission);
  admission->start();
}

void InboundCalls::reject_pending() {
  auto pending = admissions_;  // refusing may terminate and erase
  for (auto& [ptr, admission] : pending) admission->refuse(service_unavailable());
}

}  // namespace parley::call

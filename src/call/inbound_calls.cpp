#include "call/inbound_calls.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "call/agent_settings.hpp"
#include "call/inbound_router.hpp"
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
};

}  // namespace

// One INVITE from arrival to answer (or refusal). Lives on the SIP io_context; admit() runs once
// on the worker pool.
class InboundCalls::Admission final : public sip::CallEvents, public std::enable_shared_from_this<Admission> {
 public:
  Admission(InboundCalls& owner, std::shared_ptr<sip::IncomingCall> sip) : owner_(owner), sip_(std::move(sip)) {}

  void start(InviteData data) {
    auto self = shared_from_this();
    admitting_ = true;
    bool queued = owner_.pool_.try_submit([self, data = std::move(data)]() mutable { self->admit(std::move(data)); });
    if (!queued) {
      admitting_ = false;
      refuse({503, "Service Unavailable", true});
    }
  }

  void refuse(const Refusal& r) {
    if (!sip_ || sip_->answered()) return;
    sip::HeaderList extra;
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

  // On the worker pool: route, negotiate, persist; then back to the SIP context to answer.
  void admit(InviteData data) {
    auto result = admit_on_worker(data);
    auto self = shared_from_this();
    asio::post(owner_.io_, [self, result = std::move(result)]() mutable {
      self->admitting_ = false;
      if (!result) {
        self->refuse(result.error());
      } else {
        self->answer(std::move(*result));
      }
      self->done();
    });
  }

  std::expected<Admitted, Refusal> admit_on_worker(const InviteData& data) {
    auto& store = owner_.store_;
    auto decision = route_inbound(store, data.request, owner_.options_.bindings);
    if (!decision) {
      spdlog::error("event=call.route_failed error={}", core::log_value(decision.error().message));
      return std::unexpected(Refusal{500, "Server Internal Error"});
    }
    if (decision->sip_status != 200) {
      spdlog::info("event=call.rejected status={} source={} did={} caller={}", decision->sip_status,
                   data.request.source_address, core::log_value(decision->did), core::log_value(data.request.from_user));
      return std::unexpected(Refusal{decision->sip_status, decision->reason});
    }
    auto agent = store.get_agent(decision->agent_id);
    if (!agent) {
      spdlog::warn("event=call.agent_missing agent_id={}", decision->agent_id);
      return std::unexpected(Refusal{480, "Temporarily Unavailable"});
    }
    auto settings = agent_settings(agent->config);
    const std::string session_id = core::new_id("call");
    std::optional<RecordingTarget> recording;
    if (settings.recording) {
      std::string id = core::new_id("rec");
      recording = RecordingTarget{id, owner_.options_.recordings_dir / (id + ".wav")};
    }

    auto media = CallMedia::create(owner_.io_, owner_.options_.media, media_policy_for(decision->provider_config),
                                   session_id, recording ? std::optional(recording->path) : std::nullopt);
    if (!media) {
      spdlog::warn("event=call.media_unavailable call_id={} error={}", session_id,
                   core::log_value(media.error().message));
      return std::unexpected(Refusal{503, "Service Unavailable", true});
    }
    auto answer = media->answer(data.sdp_offer);
    if (!answer) {
      bool not_acceptable = media::sdp::is_not_acceptable_here(answer.error());
      spdlog::info("event=call.sdp_refused sip_call_id={} status={} error={}", core::log_value(data.sip_call_id),
                   not_acceptable ? 488 : 400, core::log_value(answer.error().message));
      if (not_acceptable) return std::unexpected(Refusal{488, "Not Acceptable Here"});
      return std::unexpected(Refusal{400, "Bad Request - Malformed SDP"});
    }

    store::VoiceSession s;
    s.id = session_id;
    s.kind = "inbound";
    s.status = "ringing";
    s.agent_id = agent->id;
    s.from_number = normalize_did(data.request.from_user).value_or(data.request.from_user.substr(0, 64));
    if (!decision->did.empty()) s.to_number = decision->did;
    s.max_duration = settings.max_duration_s;
    s.recording = settings.recording;
    s.webhook_url = settings.webhook_url;
    s.created_at = s.started_at.emplace(now_ms());
    s.sip_call_id = data.sip_call_id;
    s.telephony_status = "ringing";
    if (auto created = store.create_session(s, {}, webhook_event_for()); !created) {
      spdlog::error("event=call.persist_failed error={}", core::log_value(created.error().message));
      return std::unexpected(Refusal{500, "Server Internal Error"});
    }
    if (recording) {
      store::Recording row{recording->id, s.id, recording->path.string(), 0, 0, 16000, 2, "recording", now_ms()};
      if (auto r = store.create_recording(row); !r) {
        spdlog::error("event=call.recording_row_failed call_id={} error={}", s.id, core::log_value(r.error().message));
        recording.reset();  // the call goes on unrecorded rather than with an untracked file
      }
    }
    std::optional<VoiceSetup> voice;
    if (owner_.options_.voice && owner_.options_.secrets) {
      auto setup = prepare_voice(*owner_.options_.secrets, *agent, s);
      if (!setup) {
        spdlog::error("event=call.agent_unreadable call_id={} agent_id={} error={}", s.id, agent->id,
                      core::log_value(setup.error().message));
        return std::unexpected(Refusal{500, "Server Internal Error"});
      }
      voice = std::move(*setup);
    }
    spdlog::info("event=call.inbound call_id={} agent_id={} did={} caller={} provider_id={} sip_call_id={}", s.id,
                 s.agent_id, core::log_value(decision->did), core::log_value(data.request.from_user),
                 decision->provider_id, core::log_value(data.sip_call_id));
    Admitted admitted;
    admitted.writer = std::make_shared<SessionWriter>(store, owner_.pool_, s.id);
    admitted.media.emplace(std::move(*media));
    admitted.answer_sdp = std::move(*answer);
    admitted.settings = LiveCallSettings{data.sip_call_id, settings.max_duration_s, std::move(recording),
                                         std::move(voice), owner_.options_.voice};
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
  bool cancelled_ = false;
  bool admitting_ = false;  // admit() is queued or running on the worker pool
};

InboundCalls::InboundCalls(asio::io_context& sip_io, store::Store& store, core::WorkerPool& pool, ActiveCalls& active,
                           InboundOptions options)
    : io_(sip_io), store_(store), pool_(pool), active_(active), options_(std::move(options)) {}

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
  auto admission = std::make_shared<Admission>(*this, sip);
  sip->set_listener(admission.get());
  admissions_.emplace(admission.get(), admission);
  admission->start(std::move(data));
}

void InboundCalls::reject_pending() {
  auto pending = admissions_;  // refusing may terminate and erase
  for (auto& [ptr, admission] : pending) admission->refuse({503, "Service Unavailable", true});
}

}  // namespace parley::call

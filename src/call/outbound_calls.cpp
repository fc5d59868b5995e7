#include "call/outbound_calls.hpp"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "call/dial_outcome.hpp"
#include "call/live_call.hpp"
#include "call/outbound_trunks.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"

namespace parley::call {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }
}  // namespace

// One outbound call from `initiating` to answer or to its final failure. Lives on the SIP
// io_context and is owned by OutboundCalls (dialing_) until it hands over to a LiveCall or ends.
class OutboundCalls::Dialing final : public sip::CallEvents, public std::enable_shared_from_this<Dialing> {
 public:
  struct Plan {
    store::VoiceSession session;
    std::vector<TrunkAttempt> trunks;
    std::optional<RecordingTarget> recording;
    std::optional<VoiceSetup> voice;
  };

  Dialing(OutboundCalls& owner, Plan plan)
      : owner_(owner),
        plan_(std::move(plan)),
        writer_(std::make_shared<SessionWriter>(owner.store_, owner.pool_, plan_.session.id)) {}

  void start() {
    owner_.dialing_.emplace(this, shared_from_this());
    std::weak_ptr<Dialing> weak = weak_from_this();
    owner_.active_.add(plan_.session.id, owner_.engine_.context(),
                       [weak](std::string reason, std::function<void()> written) {
                         if (auto self = weak.lock()) return self->end(std::move(reason), std::move(written));
                         written();
                       });
    attempt(0);
  }

  // sip::CallEvents, before the answer.
  void on_progress(int status, std::string_view) override {
    if (ringing_ || status < 180) return;
    ringing_ = true;
    spdlog::info("event=call.ringing call_id={} status={} provider_id={}", id(), status, trunk().provider_id);
    store::SessionTransition t;
    t.from = {"initiating"};
    t.to = "ringing";
    t.telephony_status = "ringing";
    t.provider_id = trunk().provider_id;
    writer_->transition(std::move(t));
  }

  void on_answered(std::string_view sdp_answer) override {
    last_reason_ = "OK";
    record_attempt(200, "answered");
    if (auto r = media_->accept_answer(sdp_answer); !r) {
      spdlog::warn("event=call.bad_answer call_id={} error={}", id(), core::log_value(r.error().message));
      last_status_ = 488;
      media_failed_ = true;
      call_->hangup();  // BYE; on_terminated records the failure
      return;
    }
    LiveCallSettings settings{call_->call_id(), plan_.session.max_duration, plan_.recording, std::move(plan_.voice),
                              owner_.options_.voice};
    if (plan_.recording) {
      store::Recording row{plan_.recording->id, plan_.session.id, plan_.recording->path.string(), 0, 0, 16000, 2,
                           "recording", now_ms()};
      writer_->write([row](store::Store& store) { return store.create_recording(row); }, "create recording");
    }
    auto live = LiveCall::create(owner_.engine_.context(), call_, std::move(*media_), writer_, std::move(settings),
                                 owner_.active_);
    media_.reset();
    store::SessionTransition details;
    details.provider_id = trunk().provider_id;
    details.attempts = attempts_json();
    details.sip_call_id = call_->call_id();
    details.sip_status = 200;
    live->start();
    live->confirmed(std::move(details));  // our ACK went out with the 2xx (RFC 3261 s13.2.2.4)
    release();
  }

  void on_failed(int status, std::string_view reason) override {
    last_status_ = status;
    last_reason_ = std::string(reason);
  }

  void on_terminated(sip::EndReason reason) override {
    if (handed_over_) return;
    if (written_final_) {  // ended locally while it rang: already recorded
      if (media_) media_->stop();
      return release();
    }
    DialOutcome outcome;
    if (media_failed_) {
      outcome = classify_final_response(488);
    } else if (reason == sip::EndReason::timeout && (last_status_ == 487 || last_status_ == 0)) {
      outcome = ring_timeout_outcome();  // we cancelled at the ring timeout
    } else {
      outcome = classify_final_response(last_status_);
    }
    record_attempt(last_status_, outcome.end_reason);
    if (media_) media_->stop();
    media_.reset();
    call_.reset();
    if (outcome.try_next_trunk && index_ + 1 < plan_.trunks.size()) {
      spdlog::warn("event=call.failover call_id={} from_provider={} status={} next_provider={}", id(),
                   trunk().provider_id, last_status_, plan_.trunks[index_ + 1].provider_id);
      auto self = shared_from_this();
      // Not from inside the SIP callback: the old transaction is still unwinding.
      asio::post(owner_.engine_.context(), [self] { self->attempt(self->index_ + 1); });
      return;
    }
    fail(outcome, last_status_);
  }

 private:
  const std::string& id() const { return plan_.session.id; }
  const TrunkAttempt& trunk() const { return plan_.trunks[index_]; }

  void attempt(std::size_t index) {
    index_ = index;
    last_status_ = 0;
    last_reason_.clear();
    attempt_started_ = now_ms();
    const auto& t = trunk();
    auto media = CallMedia::create(owner_.engine_.context(), owner_.options_.media, t.media, id(),
                                   plan_.recording ? std::optional(plan_.recording->path) : std::nullopt);
    if (!media) {
      spdlog::warn("event=call.media_unavailable call_id={} error={}", id(), core::log_value(media.error().message));
      return fail({"failed", "media_unavailable", "failed", false}, 0);
    }
    media_.emplace(std::move(*media));
    sip::DialRequest request = t.request;
    request.sdp_offer = media_->offer();
    spdlog::info("event=call.dialing call_id={} provider_id={} attempt={} to={}", id(), t.provider_id, index + 1,
                 core::log_value(request.request_uri));
    auto call = owner_.engine_.dial(std::move(request), this);
    if (!call) {
      // The trunk's config does not make a valid INVITE: the next trunk may still work.
      spdlog::warn("event=call.dial_refused call_id={} provider_id={} error={}", id(), t.provider_id,
                   core::log_value(call.error().message));
      last_status_ = 0;
      record_attempt(0, "invalid_trunk");
      media_->stop();
      media_.reset();
      if (index + 1 < plan_.trunks.size()) return attempt(index + 1);
      return fail({"failed", "trunk_error", "trunk_error", false}, 0);
    }
    call_ = *call;
  }

  // POST /voice/end or shutdown while dialling: CANCEL (or BYE if it was just answered).
  // The end is recorded at once: a CANCEL must wait for a provisional response (RFC 3261 s9.1),
  // which a dead trunk never sends. The INVITE stays ours until its transaction ends (a late 2xx
  // gets a BYE from OutgoingCall).
  void end(std::string reason, std::function<void()> written) {
    if (written_final_) {
      if (written) written();
      return;
    }
    write_final({"canceled", std::move(reason), "failed", false}, 0, std::move(written));
    if (call_) {
      call_->hangup();
    } else {
      release();
    }
  }

  void record_attempt(int status, std::string_view result) {
    attempts_.push_back(json::object{{"provider_id", trunk().provider_id},
                                     {"provider_name", trunk().provider_name},
                                     {"sip_status", status},
                                     {"reason", last_reason_},
                                     {"result", result},
                                     {"started_at", core::format_iso8601(core::from_unix_ms(attempt_started_))},
                                     {"ended_at", core::format_iso8601(core::from_unix_ms(now_ms()))}});
  }

  std::string attempts_json() const { return json::serialize(attempts_); }

  void fail(DialOutcome outcome, int sip_status) {
    write_final(std::move(outcome), sip_status, {});
    release();
  }

  void write_final(DialOutcome outcome, int sip_status, std::function<void()> written) {
    written_final_ = true;
    spdlog::info("event=call.ended call_id={} status={} end_reason={} outcome={} sip_status={} attempts={}", id(),
                 outcome.status, outcome.end_reason, outcome.outcome, sip_status, attempts_.size());
    store::SessionTransition t;
    t.from = {"initiating", "ringing"};
    t.to = outcome.status;
    t.ended_at = now_ms();
    t.end_reason = outcome.end_reason;
    t.outcome = outcome.outcome;
    if (sip_status > 0) t.sip_status = sip_status;
    t.attempts = attempts_json();
    t.telephony_status = "terminated";
    if (!plan_.trunks.empty()) t.provider_id = trunk().provider_id;
    writer_->transition(std::move(t), [written = std::move(written)](bool) {
      if (written) written();
    });
    owner_.active_.remove(id());
  }

  // Handed over or ended: the last reference may go when the caller returns.
  void release() {
    handed_over_ = true;
    auto it = owner_.dialing_.find(this);
    if (it == owner_.dialing_.end()) return;
    auto keep = std::move(it->second);
    owner_.dialing_.erase(it);
  }

  OutboundCalls& owner_;
  Plan plan_;
  std::shared_ptr<SessionWriter> writer_;
  std::shared_ptr<sip::OutgoingCall> call_;
  std::optional<CallMedia> media_;
  json::array attempts_;
  std::size_t index_ = 0;
  std::int64_t attempt_started_ = 0;
  int last_status_ = 0;
  std::string last_reason_;
  bool ringing_ = false;
  bool written_final_ = false;
  bool media_failed_ = false;
  bool handed_over_ = false;
};

OutboundCalls::OutboundCalls(sip::Engine& engine, store::Store& store, core::WorkerPool& pool, ActiveCalls& active,
                             OutboundOptions options)
    : engine_(engine), store_(store), pool_(pool), active_(active), options_(std::move(options)) {}

OutboundCalls::~OutboundCalls() = default;

void OutboundCalls::place(std::string session_id) {
  // The plan is read on the worker pool (store and sealed credentials), the call runs on SIP's context.
  bool queued = pool_.submit([this, session_id = std::move(session_id)] {
    auto session = store_.get_session(session_id);
    if (!session || session->status != "initiating") return;
    Dialing::Plan plan;
    plan.session = std::move(*session);
    DialOutcome refused{"failed", "no_trunk", "failed", false};
    auto number = store_.find_phone_number(plan.session.from_number.value_or(""));
    if (number && *number && options_.secrets) {
      OutboundCallParties parties{plan.session.to_number.value_or(""), (*number)->phone_number, options_.local_host,
                                  options_.ring_timeout_s};
      if (auto trunks = outbound_trunks(store_, *options_.secrets, **number, parties)) plan.trunks = std::move(*trunks);
    }
    if (options_.voice && options_.secrets && !plan.trunks.empty()) {
      auto agent = store_.get_agent(plan.session.agent_id);
      auto setup = agent ? prepare_voice(*options_.secrets, *agent, plan.session)
                         : core::Result<VoiceSetup>(std::unexpected(agent.error()));
      if (setup) {
        plan.voice = std::move(*setup);
      } else {
        // No agent to speak for the call (deleted since the dial, or unreadable): do not call.
        spdlog::error("event=call.agent_unavailable call_id={} agent_id={} error={}", plan.session.id,
                      plan.session.agent_id, core::log_value(setup.error().message));
        plan.trunks.clear();
        refused = {"failed", "agent_unavailable", "failed", false};
      }
    }
    if (plan.session.recording) {
      std::string rec = core::new_id("rec");
      plan.recording = RecordingTarget{rec, options_.recordings_dir / (rec + ".wav")};
    }
    asio::post(engine_.context(), [this, plan = std::move(plan), refused]() mutable {
      if (plan.trunks.empty()) {
        spdlog::warn("event=call.not_placed call_id={} from={} end_reason={}", plan.session.id,
                     core::log_value(plan.session.from_number.value_or("")), refused.end_reason);
        SessionWriter writer(store_, pool_, plan.session.id);
        store::SessionTransition t;
        t.from = {"initiating"};
        t.to = refused.status;
        t.ended_at = now_ms();
        t.end_reason = refused.end_reason;
        t.outcome = refused.outcome;
        writer.transition(std::move(t));
        return;
      }
      std::make_shared<Dialing>(*this, std::move(plan))->start();
    });
  });
  if (!queued) spdlog::error("event=call.place_dropped reason=worker_pool_stopped");
}

}  // namespace parley::call

#include "call/inbound_calls.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
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

// RTP port pairs tried per call before 503: pairs bound by another process on the host (another
// daemon with an overlapping range) are skipped, each costing one failed bind.
constexpr int kMediaAttempts = 32;

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
// run one at a time (admitting_) and end by delivering a Step back to the SIP context. The session
// row goes through the store's group commit; its outcome arrives on the committer thread, which
// delivers the answer or hands the next agent to the pool.
class InboundCalls::Admission final : public sip::CallEvents, public std::enable_shared_from_this<Admission> {
 public:
  Admission(InboundCalls& owner, std::shared_ptr<sip::IncomingCall> sip, InviteData data)
      : owner_(owner), sip_(std::move(sip)), data_(std::move(data)) {}

  void start() {
    submit([](Admission& self) { self.find_trunk(); });
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
    if (ringing_) {
      ring_timer_.cancel();  // answer_now() records the cancel and finishes
      return;
    }
    if (!admitting_) done();
  }

 private:
  struct Admitted {
    std::shared_ptr<SessionWriter> writer;
    std::optional<CallMedia> media;
    std::string answer_sdp;
    LiveCallSettings settings;
    std::chrono::milliseconds answer_delay{0};  // ringing before the answer (the agent's answer_delay_ms)
  };
  // What admission off the SIP context ends with: a refusal, an answer to give, or credentials to check.
  using Step = std::variant<Refusal, Admitted, TrunkAdmission>;

  // From the SIP context: `work` runs on the pool and ends with deliver().
  template <class Work>
  void submit(Work work) {
    admitting_ = true;
    if (!owner_.pool_.try_submit([self = shared_from_this(), work]() mutable { work(*self); })) {
      admitting_ = false;
      refuse(service_unavailable());
      done();
    }
  }

  // From the committer thread: more work for the pool.
  template <class Work>
  void continue_on_pool(Work work) {
    if (!owner_.pool_.try_submit([self = shared_from_this(), work]() mutable { work(*self); })) {
      deliver(service_unavailable());
    }
  }

  // From the pool or the committer thread: back to the SIP context.
  void deliver(Step step) {
    asio::post(owner_.io_, [self = shared_from_this(), step = std::move(step)]() mutable {
      self->admitting_ = false;
      self->on_step(std::move(step));
    });
  }

  // On the SIP context.
  void on_step(Step step) {
    if (auto* r = std::get_if<Refusal>(&step)) {
      refuse(*r);
    } else if (auto* a = std::get_if<Admitted>(&step)) {
      if (answer(std::move(*a))) return;  // ringing until the answer delay is over
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
    submit([trunk](Admission& self) { self.admit_call(*trunk); });
    return true;
  }

  // On the pool: which trunk the INVITE came through.
  void find_trunk() {
    table_ = owner_.options_.routing->current();
    auto admission = table_->admit(data_.request, owner_.options_.bindings);
    switch (admission.kind) {
      case TrunkAdmission::Kind::forbidden:
        spdlog::info("event=call.rejected status=403 source={} caller={}", data_.request.source_address,
                     core::log_value(data_.request.from_user));
        return deliver(Refusal{403, "Forbidden"});
      case TrunkAdmission::Kind::digest: return deliver(admission);
      case TrunkAdmission::Kind::admitted: break;
    }
    admit_call(*admission.trunk);
  }

  // On the pool: the route, then its agents in turn (the target, then a next_agent failover: one hop).
  void admit_call(const InboundTrunk& trunk) {
    decision_ = table_->route(trunk, data_.request);
    if (decision_.sip_status != 200) {
      spdlog::info("event=call.rejected status={} source={} did={} caller={}", decision_.sip_status,
                   data_.request.source_address, core::log_value(decision_.did), core::log_value(data_.request.from_user));
      return deliver(Refusal{decision_.sip_status, decision_.reason});
    }
    agents_ = {decision_.agent_id};
    if (decision_.failover.kind == Failover::Kind::next_agent) agents_.push_back(decision_.failover.target);
    try_next_agent();
  }

  // On the pool: media and SDP for the next agent that is still there, then its session row. An
  // agent gone from the table, deleted since, or at its limit is unavailable: the next one is
  // tried, and after the last the route's failover answers.
  void try_next_agent() {
    while (next_agent_ < agents_.size()) {
      const InboundAgent* agent = table_->agent(agents_[next_agent_++]);
      if (!agent) {
        spdlog::info("event=call.agent_unavailable agent_id={} reason=deleted", agents_[next_agent_ - 1]);
        continue;
      }
      return start_session(*agent);
    }
    auto response = unavailable_response(decision_.failover);
    spdlog::info("event=call.agents_unavailable status={} did={} route_id={} sip_call_id={}", response.status,
                 core::log_value(decision_.did), decision_.route_id.value_or("-"), core::log_value(data_.sip_call_id));
    deliver(std::move(response));
  }

  void start_session(const InboundAgent& agent) {
    const auto& settings = agent.settings;
    const std::string session_id = core::new_id("call");
    std::optional<RecordingTarget> recording;
    if (settings.recording) {
      std::string id = core::new_id("rec");
      recording = RecordingTarget{id, owner_.options_.recordings_dir / (id + ".wav")};
    }
    auto media = CallMedia::create(owner_.io_, owner_.options_.media, media_policy_for(decision_.provider_config),
                                   session_id, recording ? std::optional(recording->path) : std::nullopt);
    for (int retry = 1; !media && retry < kMediaAttempts; ++retry) {
      // Round-robin pairs: another process on one of our ports costs only a retry on the next pair.
      media = CallMedia::create(owner_.io_, owner_.options_.media, media_policy_for(decision_.provider_config),
                                session_id, recording ? std::optional(recording->path) : std::nullopt);
    }
    if (!media) {
      spdlog::warn("event=call.media_unavailable call_id={} error={}", session_id,
                   core::log_value(media.error().message));
      return deliver(service_unavailable());
    }
    auto answer = media->answer(data_.sdp_offer);
    if (!answer) {
      bool not_acceptable = media::sdp::is_not_acceptable_here(answer.error());
      spdlog::info("event=call.sdp_refused sip_call_id={} status={} error={}", core::log_value(data_.sip_call_id),
                   not_acceptable ? 488 : 400, core::log_value(answer.error().message));
      media->stop();
      if (not_acceptable) return deliver(Refusal{488, "Not Acceptable Here"});
      return deliver(Refusal{400, "Bad Request - Malformed SDP"});
    }

    const auto& req = data_.request;
    store::VoiceSession s;
    s.id = session_id;
    s.kind = "inbound";
    s.status = "ringing";
    s.agent_id = agent.id;
    s.from_number = normalize_did(req.from_user).value_or(req.from_user.substr(0, 64));
    if (!decision_.did.empty()) s.to_number = decision_.did;
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
    std::optional<store::Recording> row;
    if (recording) row = store::Recording{recording->id, s.id, recording->path.string(), 0, 0, 16000, 2, "recording", now_ms()};

    std::optional<VoiceSetup> voice;
    if (owner_.options_.voice && owner_.options_.secrets) {
      auto setup = prepare_voice(*owner_.options_.secrets, agent.record, s);
      if (!setup) {
        spdlog::error("event=call.agent_unreadable call_id={} agent_id={} error={}", s.id, agent.id,
                      core::log_value(setup.error().message));
        media->stop();
        return deliver(Refusal{500, "Server Internal Error"});
      }
      voice = std::move(*setup);
    }

    pending_.emplace();
    pending_->writer = std::make_shared<SessionWriter>(owner_.store_, owner_.pool_, s.id);
    pending_->media.emplace(std::move(*media));
    pending_->answer_sdp = std::move(*answer);
    pending_->answer_delay = std::chrono::milliseconds(settings.answer_delay_ms);
    pending_->settings = LiveCallSettings{data_.sip_call_id, settings.max_duration_s, std::move(recording),
                                          std::move(voice), owner_.options_.voice};
    auto unrecorded = std::make_shared<bool>(false);
    owner_.store_.write_async(
        [s, options, row, unrecorded](store::Store& store) -> core::Status {
          if (auto created = store.create_session(s, options, webhook_event_for()); !created) {
            return std::unexpected(created.error());
          }
          if (row) {
            if (auto r = store.create_recording(*row); !r) {
              spdlog::error("event=call.recording_row_failed call_id={} error={}", s.id, core::log_value(r.error().message));
              *unrecorded = true;  // the call goes on unrecorded rather than with an untracked file
            }
          }
          return {};
        },
        [self = shared_from_this(), agent_id = agent.id, unrecorded](const core::Status& written) {
          self->session_written(written, agent_id, *unrecorded);
        });
  }

  // On the store's committer thread.
  void session_written(const core::Status& written, const std::string& agent_id, bool unrecorded) {
    if (written) {
      if (unrecorded) pending_->settings.recording.reset();
      spdlog::info("event=call.inbound call_id={} agent_id={} did={} caller={} provider_id={} sip_call_id={}",
                   pending_->writer->session_id(), agent_id, core::log_value(decision_.did),
                   core::log_value(data_.request.from_user), decision_.provider_id, core::log_value(data_.sip_call_id));
      Admitted admitted = std::move(*pending_);
      pending_.reset();
      return deliver(std::move(admitted));
    }
    pending_->media->stop();
    pending_.reset();
    const auto code = written.error().code;
    if (code == core::Errc::not_found || code == core::Errc::unavailable) {
      spdlog::info("event=call.agent_unavailable agent_id={} reason={}", agent_id,
                   code == core::Errc::not_found ? "deleted" : "at_capacity");
      return continue_on_pool([](Admission& self) { self.try_next_agent(); });
    }
    spdlog::error("event=call.persist_failed error={}", core::log_value(written.error().message));
    deliver(Refusal{500, "Server Internal Error"});
  }

  bool gone() const { return cancelled_ || !sip_ || sip_->state() == sip::InviteSession::State::terminated; }

  // On the SIP context: ring, then answer (at once, or once the agent's answer delay is over).
  // True while the delayed answer is pending.
  bool answer(Admitted a) {
    if (gone()) {
      record_cancel(a);
      return false;
    }
    sip_->ringing();
    if (a.answer_delay.count() > 0) {
      ringing_.emplace(std::move(a));
      ring_timer_.expires_after(ringing_->answer_delay);
      ring_timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->answer_now(); });
      return true;
    }
    connect(std::move(a));
    return false;
  }

  void answer_now() {
    Admitted a = std::move(*ringing_);
    ringing_.reset();
    if (gone()) {
      record_cancel(a);
    } else {
      connect(std::move(a));
    }
    done();
  }

  // The caller hung up (CANCEL) before the answer.
  static void record_cancel(Admitted& a) {
    a.media->stop();
    store::SessionTransition t;
    t.from = {"ringing"};
    t.to = "canceled";
    t.ended_at = now_ms();
    t.end_reason = "caller_canceled";
    t.telephony_status = "terminated";
    a.writer->transition(std::move(t));
  }

  void connect(Admitted a) {
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
  bool admitting_ = false;  // work off the SIP context is queued or running
  // Used off the SIP context, by one thread at a time (each hands over through a queue).
  InviteData data_;
  std::shared_ptr<const RoutingTable> table_;  // one snapshot for the whole admission
  RouteDecision decision_;
  std::vector<std::string> agents_;  // the route's agent, then its next_agent
  std::size_t next_agent_ = 0;
  std::optional<Admitted> pending_;  // while its session row is being written
  std::optional<Admitted> ringing_;  // on the SIP context, while the answer delay runs
  asio::steady_timer ring_timer_{owner_.io_};
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

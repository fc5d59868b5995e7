// Conversation: composes one call's pipeline from its agent spec (the only place that does) and
// runs the call behaviour of seeds/000 around it. docs/voice-pipeline.md.
#include "voice/conversation/conversation.hpp"

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "media/audio_format.hpp"
#include "voice/agent/agent_processor.hpp"
#include "voice/agent/rules/intent_matcher.hpp"
#include "voice/agent/rules/rules_agent.hpp"
#include "voice/conversation/playback_processor.hpp"
#include "voice/engine/fallback.hpp"
#include "voice/engine/lifeline.hpp"
#include "voice/pipeline/pipeline.hpp"
#include "voice/schedule/opening_hours.hpp"
#include "voice/stt/stt_processor.hpp"
#include "voice/text/template.hpp"
#include "voice/tts/tts_processor.hpp"
#include "voice/turn/noise_suppressor.hpp"
#include "voice/turn/turn_detector.hpp"
#include "voice/turn/vad_processor.hpp"

namespace parley::voice {
namespace {

constexpr std::string_view kDefaultReprompt = "Are you still there?";
constexpr std::string_view kDefaultGoodbye = "Thank you for calling. Goodbye.";
constexpr std::string_view kTimeLimitGoodbye = "We have reached the time limit for this call. Goodbye.";
constexpr std::string_view kDefaultAfterHours = "We are closed right now. Please call back during our opening hours.";
constexpr std::string_view kTransferFailed = "Sorry, I could not transfer your call.";
// The goodbye at max_duration starts this long before the limit, so it is heard before the call
// layer's backstop timer ends the call at the limit.
constexpr int kGoodbyeLeadS = 3;

std::string or_default(const std::string& s, std::string_view d) { return s.empty() ? std::string(d) : s; }

}  // namespace

struct Conversation::Impl : std::enable_shared_from_this<Impl> {
  Impl(ConversationDeps d, AgentSpec s, CallInfo c)
      : deps(d),
        spec(std::move(s)),
        call(std::move(c)),
        ctx{deps.io, deps.pool, deps.http, call.call_id, deps.allow_private_targets},
        deadlines(deps.deadlines),
        vars(call.context_json),
        max_timer(deps.io),
        life(Lifeline::create()) {}

  ConversationDeps deps;
  AgentSpec spec;
  CallInfo call;
  EngineContext ctx;
  EngineDeadlines deadlines;
  text::TemplateVars vars;
  CallState state;
  Pipeline pipeline;
  TurnDetector* turn = nullptr;
  SttProcessor* stt = nullptr;
  AgentProcessor* agent = nullptr;
  TtsProcessor* tts = nullptr;
  PlaybackProcessor* playback = nullptr;
  EngineSpec stt_fallback, tts_fallback;
  boost::asio::steady_timer max_timer;
  std::shared_ptr<Lifeline> life;
  bool started = false;
  bool ending = false;  // goodbye under way: no new prompts
  bool stopped = false;
  int idle_ms = 0;
  bool reprompted = false;

  core::Status compose();
  void report_error(const EngineErrorReport& r);
  double since_answer(SteadyTime t) const {
    return t <= call.answered_at ? 0.0 : std::chrono::duration<double>(t - call.answered_at).count();
  }
  void transcript(TranscriptEntry e) {
    if (spec.voice.transcription && !stopped) deps.observer.on_transcript(e);
  }
  void usage(const Usage& u) {
    if (!stopped) deps.observer.on_usage(u);
  }
  void greet();
  void end_with(std::string text, std::string reason);
  void on_frame_tick();
  void stop();
};

void Conversation::Impl::report_error(const EngineErrorReport& r) {
  spdlog::warn("event=voice.engine_error call_id={} kind={} provider={} error={} fallback={}", core::log_value(call.call_id),
               to_string(r.kind), core::log_value(r.provider), core::log_value(r.error.message),
               core::log_value(r.fallback_provider.empty() ? "none" : r.fallback_provider));
  if (!stopped) deps.observer.on_engine_error(r);
}

core::Status Conversation::Impl::compose() {
  const EngineRegistry& reg = deps.engines;
  auto on_error = [this](const EngineErrorReport& r) { report_error(r); };
  auto fallback_of = [&reg](const EngineSpec& e, EngineKind kind) {
    return e.fallback.empty() ? reg.default_fallback(kind) : e.fallback;
  };

  // 1. Noise suppression (optional), then VAD
  if (spec.turn.noise_suppression >= 0) {
    auto ns = NoiseSuppressor::create(spec.turn.noise_suppression);
    if (!ns) return std::unexpected(ns.error());
    pipeline.add(std::make_unique<NoiseSuppressionProcessor>(std::move(*ns)));
  }
  auto vad = Vad::create(spec.turn.vad_aggressiveness);
  if (!vad) return std::unexpected(vad.error());
  pipeline.add(std::make_unique<VadProcessor>(std::move(*vad)));

  // 2. Turn detector
  TurnDetectorSettings ts;
  ts.turn = spec.turn;
  ts.barge_in = spec.voice.barge_in;
  for (const auto& in : spec.rules.intents) ts.max_dtmf_digits = std::max(ts.max_dtmf_digits, in.dtmf.size());
  if (spec.engine == AgentSpec::Engine::rules && !spec.rules.intents.empty()) {
    auto rules = std::make_shared<const RulesSpec>(spec.rules);
    ts.completes = [rules](std::string_view t) { return completes_intent(*rules, t); };
  }
  turn = &pipeline.add(std::make_unique<TurnDetector>(std::move(ts), state, [this] {
    idle_ms = 0;
    reprompted = false;
  }));

  // 3. STT
  stt = &pipeline.add(std::make_unique<SttProcessor>(state, [this](double s) { usage(Usage{s, 0, 0, 0}); }));
  stt_fallback.provider = fallback_of(spec.voice.stt, EngineKind::stt);
  // The factories below run now and again when an engine fails: they use only members.
  auto make_stt = [this](const EngineSpec& e) {
    return [this, &e](SttListener& l) -> core::Result<std::unique_ptr<SttStream>> {
      const SttFactory* f = deps.engines.stt(e.provider);
      if (f == nullptr) return core::fail(core::Errc::unsupported, "no STT engine named " + e.provider);
      return (*f)(ctx, SttSetup{spec, e, call.narrowband}, l);
    };
  };
  bool stt_has_fallback = stt_fallback.provider != spec.voice.stt.provider;
  stt->set_stream(make_fallback_stt(FallbackSetup{deps.io, spec.voice.stt.provider, stt_fallback.provider, on_error},
                                    deadlines.stt_final, *stt, make_stt(spec.voice.stt),
                                    stt_has_fallback ? make_stt(stt_fallback) : MakeEngine<SttListener, SttStream>{}));

  // 4. Agent
  std::string not_understood =
      spec.rules.fallback.empty() ? std::string(kDefaultFallback) : render(spec.rules.fallback, vars);
  agent = &pipeline.add(std::make_unique<AgentProcessor>(
      state, not_understood,
      AgentProcessor::Hooks{[this](const UserInput& in) {
                              std::string text = in.source == UserInput::Source::dtmf ? "DTMF: " + in.text
                                                 : in.text.empty()                    ? std::string("(not understood)")
                                                                                      : in.text;
                              transcript({TranscriptEntry::Role::user, text, since_answer(in.speech_start), false, in.turn});
                            },
                            [this](const Usage& u) { usage(u); }}));
  std::string agent_provider = spec.agent_provider();
  std::string agent_fallback = reg.default_fallback(EngineKind::agent);
  auto make_agent = [this](std::string provider) {
    return [this, provider](AgentListener& l) -> core::Result<std::unique_ptr<AgentSession>> {
      const AgentFactory* f = deps.engines.agent(provider);
      if (f == nullptr) return core::fail(core::Errc::unsupported, "no agent engine named " + provider);
      return (*f)(ctx, AgentSetup{spec, call}, l);
    };
  };
  agent->set_session(make_fallback_agent(FallbackSetup{deps.io, agent_provider, agent_fallback, on_error},
                                         deadlines.agent_progress, *agent, make_agent(agent_provider),
                                         agent_fallback != agent_provider ? make_agent(agent_fallback)
                                                                          : MakeEngine<AgentListener, AgentSession>{}));

  // 5. TTS
  tts = &pipeline.add(std::make_unique<TtsProcessor>([this](std::int64_t n) { usage(Usage{0, 0, 0, n}); }));
  tts_fallback.provider = fallback_of(spec.voice.tts, EngineKind::tts);
  auto make_tts = [this](const EngineSpec& e) {
    return [this, &e](TtsListener& l) -> core::Result<std::unique_ptr<TtsStream>> {
      const TtsFactory* f = deps.engines.tts(e.provider);
      if (f == nullptr) return core::fail(core::Errc::unsupported, "no TTS engine named " + e.provider);
      return (*f)(ctx, TtsSetup{e}, l);
    };
  };
  bool tts_has_fallback = tts_fallback.provider != spec.voice.tts.provider;
  tts->set_stream(make_fallback_tts(FallbackSetup{deps.io, spec.voice.tts.provider, tts_fallback.provider, on_error},
                                    deadlines.tts_first_audio, *tts, make_tts(spec.voice.tts),
                                    tts_has_fallback ? make_tts(tts_fallback) : MakeEngine<TtsListener, TtsStream>{}));

  // 6. Playback
  playback = &pipeline.add(std::make_unique<PlaybackProcessor>(
      deps.control, state,
      PlaybackProcessor::Hooks{
          [this](std::uint32_t t, const std::string& text, bool interrupted, SteadyTime started_at) {
            transcript({TranscriptEntry::Role::agent, text, since_answer(started_at), interrupted, t});
            // The engine knows its own replies; it hears of the conversation's prompts and of cuts.
            if ((t == 0 || interrupted) && agent->session() != nullptr) agent->session()->record_speech(text, interrupted);
          },
          [this](const TurnLatency& l) {
            if (!stopped) deps.observer.on_turn_latency(l);
          },
          [this](std::string_view) {
            // Hung up: the pipeline stops once the current delivery is over.
            auto self = shared_from_this();
            post_if_alive(deps.io, life, [self] { self->stop(); });
          },
          [this] { idle_ms = 0; },
          [this](const ToolResult& t) {
            spdlog::info("event=voice.tool_result call_id={} turn={} tool={} ok={} result={}", core::log_value(call.call_id),
                         t.turn, core::log_value(t.tool), t.ok, core::log_value(t.result));
          }}));
  return {};
}

void Conversation::Impl::greet() {
  if (stopped || ending) return;
  std::string greeting = render(spec.voice.greeting, vars);
  if (!greeting.empty()) agent->say(0, greeting);
}

void Conversation::Impl::end_with(std::string text, std::string reason) {
  if (stopped || ending) return;
  ending = true;
  pipeline.push(Interrupt{state.agent_turn, reason});
  agent->say(0, std::move(text), Frame(Hangup{std::move(reason), true}));
}

void Conversation::Impl::on_frame_tick() {
  playback->tick();
  if (stopped || ending || !started) return;
  if (state.busy() || turn->caller_active()) {
    idle_ms = 0;
    return;
  }
  idle_ms += media::kFrameMs;
  if (idle_ms < spec.turn.silence_timeout_ms) return;
  idle_ms = 0;
  if (!reprompted) {
    reprompted = true;
    agent->say(0, render(or_default(spec.rules.reprompt, kDefaultReprompt), vars));
  } else {
    end_with(render(or_default(spec.rules.goodbye, kDefaultGoodbye), vars), "silence");
  }
}

void Conversation::Impl::stop() {
  if (stopped) return;
  stopped = true;
  life->cut();
  max_timer.cancel();
  pipeline.stop();
}

core::Result<std::unique_ptr<Conversation>> Conversation::create(ConversationDeps deps, AgentSpec spec, CallInfo call) {
  auto impl = std::make_shared<Impl>(deps, std::move(spec), std::move(call));
  if (auto s = impl->compose(); !s) return std::unexpected(s.error());
  return std::unique_ptr<Conversation>(new Conversation(std::move(impl)));
}

Conversation::Conversation(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Conversation::~Conversation() { stop(); }

void Conversation::start() {
  auto& m = *impl_;
  if (m.started || m.stopped) return;
  m.started = true;
  // The call's limit (a dial request may lengthen or shorten the agent's), else the agent's.
  int limit = m.call.max_duration_s > 0 ? m.call.max_duration_s : m.spec.voice.max_duration_s;
  if (limit > 0) {
    int at = limit > 2 * kGoodbyeLeadS ? limit - kGoodbyeLeadS : std::max(1, limit / 2);
    m.max_timer.expires_after(std::chrono::seconds(at));
    std::weak_ptr<Impl> weak = impl_;
    m.max_timer.async_wait([weak](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->stopped) return;
      self->end_with(render(std::string(kTimeLimitGoodbye), self->vars), "max_duration");
    });
  }
  if (!m.spec.after_hours) {
    m.greet();
    return;
  }
  // The schedule needs the zone's TZif file: read it on the pool.
  auto ah = *m.spec.after_hours;
  auto when = m.call.answered_utc;
  auto self = impl_;
  run_on_pool(
      m.ctx, m.life,
      [ah, when]() -> core::Result<bool> {
        auto tz = TimeZone::load(ah.timezone);
        if (!tz) return std::unexpected(tz.error());
        return is_open(ah, **tz, when);
      },
      [self, ah](core::Result<bool> open) {
        if (!open) {
          spdlog::warn("event=voice.after_hours_unknown call_id={} timezone={} error={}", core::log_value(self->call.call_id),
                       core::log_value(ah.timezone), core::log_value(open.error().message));
        }
        if (open.value_or(true)) {
          self->greet();
        } else {
          self->end_with(render(or_default(ah.message, kDefaultAfterHours), self->vars), "after_hours");
        }
      },
      [self] { self->greet(); });
}

void Conversation::on_audio(std::span<const std::int16_t> frame16k, std::uint64_t frame_no) {
  auto& m = *impl_;
  if (m.stopped) return;
  m.pipeline.push(AudioFrame{std::vector<std::int16_t>(frame16k.begin(), frame16k.end()), frame_no,
                             std::chrono::steady_clock::now(), false});
  if (!m.stopped) m.on_frame_tick();
}

void Conversation::on_dtmf(char digit, int duration_ms) {
  auto& m = *impl_;
  if (m.stopped) return;
  m.pipeline.push(Dtmf{Dtmf::Direction::inbound, std::string(1, digit), duration_ms, std::chrono::steady_clock::now()});
}

void Conversation::on_transfer_failed() {
  auto& m = *impl_;
  if (m.stopped || m.ending) return;
  m.agent->say(0, std::string(kTransferFailed));
}

void Conversation::stop() { impl_->stop(); }

}  // namespace parley::voice

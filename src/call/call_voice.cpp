#include "call/call_voice.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/log.hpp"
#include "core/sealed_json.hpp"

namespace parley::call {
namespace json = boost::json;

namespace {

constexpr auto kDigitGap = std::chrono::milliseconds(250);  // one digit per 250 ms (100 ms tone + pause)
constexpr int kDigitMs = 120;

double rounded(double v, double unit = 0.1) { return std::round(v / unit) * unit; }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank (p in 0..1).
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

const char* role_name(voice::TranscriptEntry::Role r) {
  return r == voice::TranscriptEntry::Role::agent ? "agent" : "user";
}

}  // namespace

core::Result<VoiceSetup> prepare_voice(const core::SecretBox& secrets, const store::Agent& agent,
                                       const store::VoiceSession& session) {
  // The API seals engine keys as {"llm": ..., "tts": ..., "stt": ...} (routes/agents.cpp).
  auto sealed = core::open_sealed_json(secrets, agent.secrets);
  if (!sealed) return std::unexpected(sealed.error());
  auto key = [&](std::string_view name) {
    auto* v = sealed->if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  voice::EngineKeys keys{key("llm"), key("tts"), key("stt")};
  auto spec = voice::parse_agent_spec(agent.config, keys);
  if (!spec) return std::unexpected(spec.error());
  spec->id = agent.id;
  spec->name = agent.name;
  VoiceSetup setup{std::move(*spec), {}};
  auto& info = setup.info;
  info.call_id = session.id;
  info.direction = session.kind == "outbound" ? voice::CallInfo::Direction::outbound : voice::CallInfo::Direction::inbound;
  info.from = session.from_number.value_or("");
  info.to = session.to_number.value_or("");
  info.context_json = session.context;
  info.max_duration_s = session.max_duration;
  return setup;
}

core::Result<std::unique_ptr<CallVoice>> CallVoice::create(boost::asio::io_context& io, const VoiceEnvironment& env,
                                                           VoiceSetup setup, CallAudio& audio,
                                                           std::shared_ptr<SessionWriter> writer, Hooks hooks) {
  if (!env.engines || !env.pool || !env.http) {
    return core::fail(core::Errc::invalid_argument, "voice environment is incomplete");
  }
  std::unique_ptr<CallVoice> voice(new CallVoice(io, env, audio, std::move(writer), std::move(hooks)));
  voice::ConversationDeps deps{io, *env.pool, *env.http, *env.engines, *voice, *voice, env.allow_private_targets, {}};
  voice->info_ = setup.info;
  auto conversation = voice::Conversation::create(deps, std::move(setup.spec), std::move(setup.info));
  if (!conversation) return std::unexpected(conversation.error());
  voice->conversation_ = std::move(*conversation);
  return voice;
}

CallVoice::CallVoice(boost::asio::io_context& io, const VoiceEnvironment& env, CallAudio& audio,
                     std::shared_ptr<SessionWriter> writer, Hooks hooks)
    : io_(io),
      env_(env),
      audio_(audio),
      writer_(std::move(writer)),
      hooks_(std::move(hooks)),
      digit_timer_(io) {}

CallVoice::~CallVoice() { stop(); }

void CallVoice::start() {
  if (stopped_ || !conversation_) return;
  conversation_->start();
}

void CallVoice::on_audio(std::span<const std::int16_t> frame16k, std::uint64_t frame_no) {
  if (stopped_) return;
  const auto now = std::chrono::steady_clock::now();
  // The previous tick sent every sample before outgoing_samples_sent(): a pending turn whose first
  // sample is among them had its first packet then.
  const auto sent = audio_.outgoing_samples_sent();
  while (!pending_.empty() && sent > pending_.front().first_sample) {
    const auto& p = pending_.front().latency;
    auto at = previous_tick_ == std::chrono::steady_clock::time_point{} ? now : previous_tick_;
    MeasuredTurn m{std::chrono::duration<double, std::milli>(at - p.speech_end).count(),
                   std::max(0.0, std::chrono::duration<double, std::milli>(at - p.first_audio_at).count()), p};
    spdlog::info(
        "event=call.turn_latency call_id={} turn={} dtmf={} voice_to_voice_ms={:.1f} endpointing_ms={:.1f} "
        "stt_ms={:.1f} agent_ms={:.1f} tts_ms={:.1f} transport_ms={:.1f}",
        writer_->session_id(), p.turn, p.dtmf, m.voice_to_voice_ms, p.endpointing.count(), p.stt_final.count(),
        p.agent.count(), p.tts_first_audio.count(), m.transport_ms);
    turns_.push_back(m);
    pending_.pop_front();
  }
  previous_tick_ = now;
  conversation_->on_audio(frame16k, frame_no);
}

void CallVoice::on_dtmf(char digit, int duration_ms) {
  if (!stopped_) conversation_->on_dtmf(digit, duration_ms);
}

void CallVoice::on_transfer_failed() {
  if (!stopped_) conversation_->on_transfer_failed();
}

void CallVoice::stop() {
  if (stopped_) return;
  stopped_ = true;
  digit_timer_.cancel();
  if (conversation_) conversation_->stop();
}

std::size_t CallVoice::play(std::span<const std::int16_t> pcm16k) { return audio_.enqueue_audio(pcm16k); }

void CallVoice::stop_playback() {
  audio_.clear_outgoing();
  pending_.clear();  // their first audio was dropped before it was sent
}

int CallVoice::queued_playback_ms() const { return audio_.outgoing_ms(); }

void CallVoice::hang_up(std::string_view reason) {
  if (!stopped_ && hooks_.hang_up) hooks_.hang_up(std::string(reason));
}

void CallVoice::transfer(std::string_view target_uri) {
  if (!stopped_ && hooks_.transfer) hooks_.transfer(std::string(target_uri));
}

void CallVoice::send_dtmf(std::string_view digits) {
  const bool idle = digits_.empty();
  digits_.append(digits);
  if (idle) send_next_digit();
}

void CallVoice::send_next_digit() {
  if (stopped_ || digits_.empty()) return;
  const char d = digits_.front();
  digits_.erase(0, 1);
  audio_.send_dtmf(d, kDigitMs);
  if (digits_.empty()) return;
  digit_timer_.expires_after(kDigitGap);
  digit_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) send_next_digit();
  });
}

void CallVoice::on_transcript(const voice::TranscriptEntry& e) {
  store::TranscriptEntry row{writer_->session_id(), transcript_seq_++, role_name(e.role), e.text, e.timestamp,
                             e.interrupted};
  writer_->write([row](store::Store& store) { return store.append_transcript(row); }, "transcript");
  if (hooks_.transcript) hooks_.transcript(e);
}

void CallVoice::on_usage(const voice::Usage& increment) { usage_ += increment; }

void CallVoice::on_turn_latency(const voice::TurnLatency& latency) {
  // Reported just before the turn's first audio is played: it will be the sample after what is
  // sent and queued now.
  pending_.push_back({latency, audio_.outgoing_samples_sent() + audio_.outgoing_samples()});
}

void CallVoice::on_engine_error(const voice::EngineErrorReport& r) {
  spdlog::warn("event=call.engine_error call_id={} kind={} provider={} code={} error={} fallback={}",
               writer_->session_id(), voice::to_string(r.kind), r.provider, core::to_string(r.error.code),
               core::log_value(r.error.message), r.fallback_provider.empty() ? "none" : r.fallback_provider);
}

void CallVoice::fill_final(store::SessionTransition& t) const {
  const auto& p = env_.pricing;
  const double stt = usage_.stt_seconds / 60.0 * p.stt_per_minute;
  const double prompt = static_cast<double>(usage_.llm_prompt_tokens) / 1000.0 * p.llm_prompt_per_1k_tokens;
  const double completion =
      static_cast<double>(usage_.llm_completion_tokens) / 1000.0 * p.llm_completion_per_1k_tokens;
  const double tts = static_cast<double>(usage_.tts_characters) / 1000.0 * p.tts_per_1k_characters;
  json::object cost{{"stt_seconds", rounded(usage_.stt_seconds, 0.01)},
                    {"llm_prompt_tokens", usage_.llm_prompt_tokens},
                    {"llm_completion_tokens", usage_.llm_completion_tokens},
                    {"tts_characters", usage_.tts_characters},
                    {"prices", json::object{{"currency", p.currency},
                                            {"stt_per_minute", p.stt_per_minute},
                                            {"llm_prompt_per_1k_tokens", p.llm_prompt_per_1k_tokens},
                                            {"llm_completion_per_1k_tokens", p.llm_completion_per_1k_tokens},
                                            {"tts_per_1k_characters", p.tts_per_1k_characters}}},
                    {"total", rounded(stt + prompt + completion + tts, 0.000001)}};
  t.cost = json::serialize(cost);
  t.tokens_used = usage_.llm_prompt_tokens + usage_.llm_completion_tokens;
  if (turns_.empty()) return;
  std::vector<double> v2v, transport, endpointing, stt_ms, agent_ms, tts_ms;
  for (const auto& m : turns_) {
    v2v.push_back(m.voice_to_voice_ms);
    transport.push_back(m.transport_ms);
    endpointing.push_back(m.latency.endpointing.count());
    stt_ms.push_back(m.latency.stt_final.count());
    agent_ms.push_back(m.latency.agent.count());
    tts_ms.push_back(m.latency.tts_first_audio.count());
  }
  auto split = [](const std::vector<double>& values) {
    return json::object{{"p50", rounded(percentile(values, 0.5))}, {"p95", rounded(percentile(values, 0.95))}};
  };
  json::object latency{{"turns", turns_.size()},
                       {"voice_to_voice_ms", split(v2v)},
                       {"endpointing_ms", split(endpointing)},
                       {"stt_ms", split(stt_ms)},
                       {"agent_ms", split(agent_ms)},
                       {"tts_first_audio_ms", split(tts_ms)},
                       {"transport_ms", split(transport)}};
  t.latency = json::serialize(latency);
}

}  // namespace parley::call

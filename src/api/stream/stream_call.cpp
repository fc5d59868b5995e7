#include "api/stream/stream_call.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log.hpp"
#include "core/time.hpp"
#include "media/dtmf/inband_generator.hpp"

namespace parley::api::stream {
namespace {

constexpr auto kFrame = std::chrono::milliseconds(media::kFrameMs);
constexpr std::uint64_t kMaxCatchUp = 5;  // frames overdue by more are skipped, not sent in a burst
constexpr std::size_t kMaxOutgoing = static_cast<std::size_t>(media::kSampleRate) * 120;  // two minutes
constexpr int kSamplesPerMs = media::kSampleRate / 1000;

}  // namespace

core::Result<std::shared_ptr<StreamCall>> StreamCall::start(StreamContext context, StreamCallSettings settings,
                                                           std::shared_ptr<call::SessionWriter> writer,
                                                           StreamWire& wire, call::ActiveCalls& active) {
  if (!context.io || !context.voice) return core::fail(core::Errc::unavailable, "no voice environment on this thread");
  auto upsampler = media::dsp::Resampler::create(8000, media::kSampleRate);
  if (!upsampler) return std::unexpected(upsampler.error());
  std::shared_ptr<StreamCall> self(
      new StreamCall(context, std::move(writer), wire, active, settings, std::move(*upsampler)));
  std::weak_ptr<StreamCall> weak = self;
  call::CallVoice::Hooks hooks{
      [weak](std::string reason) {
        if (auto s = weak.lock()) s->end(std::move(reason), true);
      },
      [weak](std::string target) {
        if (auto s = weak.lock(); s && !s->ended_) {
          spdlog::info("event=call.transfer call_id={} target={}", s->session_id(), core::log_value(target));
          s->wire_.transfer(target);
        }
      },
      [weak](const voice::TranscriptEntry& entry) {
        if (auto s = weak.lock(); s && !s->ended_) s->wire_.transcript(entry);
      }};
  settings.voice.info.answered_at = std::chrono::steady_clock::now();
  settings.voice.info.answered_utc = core::now_utc();
  auto voice = call::CallVoice::create(*context.io, *context.voice, std::move(settings.voice), *self, self->writer_,
                                       std::move(hooks));
  if (!voice) return std::unexpected(voice.error());
  self->voice_ = std::move(*voice);

  active.add(self->session_id(), *context.io, [weak](std::string reason, std::function<void()> written) {
    if (auto s = weak.lock()) return s->end(std::move(reason), true, std::move(written));
    if (written) written();
  });
  self->started_ = std::chrono::steady_clock::now();
  self->schedule_tick();
  self->max_duration_.expires_after(std::chrono::seconds(self->max_duration_s_));
  self->max_duration_.async_wait([weak](boost::system::error_code ec) {
    auto s = weak.lock();
    if (ec || !s) return;
    spdlog::info("event=call.max_duration call_id={} seconds={}", s->session_id(), s->max_duration_s_);
    s->end("max_duration", true);
  });
  self->voice_->start();  // the greeting
  return self;
}

StreamCall::StreamCall(StreamContext context, std::shared_ptr<call::SessionWriter> writer, StreamWire& wire,
                       call::ActiveCalls& active, const StreamCallSettings& settings,
                       media::dsp::Resampler tone_upsampler)
    : context_(context),
      writer_(std::move(writer)),
      wire_(wire),
      active_(active),
      max_duration_s_(settings.max_duration_s),
      telephony_(settings.telephony),
      clock_(*context.io),
      max_duration_(*context.io),
      tone_upsampler_(std::move(tone_upsampler)) {}

StreamCall::~StreamCall() {
  if (voice_) voice_->stop();
  active_.remove(session_id());
}

void StreamCall::schedule_tick() {
  // Absolute deadlines (start + n x 20 ms): a late wake-up shortens the next wait instead of shifting it.
  clock_.expires_at(started_ + kFrame * next_frame_);
  std::weak_ptr<StreamCall> weak = weak_from_this();
  clock_.async_wait([weak](boost::system::error_code ec) {
    if (ec) return;
    if (auto s = weak.lock(); s && !s->ended_) s->on_tick();
  });
}

void StreamCall::on_tick() {
  auto keep = shared_from_this();  // the conversation may end the call from inside a frame
  const auto due_end = static_cast<std::uint64_t>((std::chrono::steady_clock::now() - started_) / kFrame) + 1;
  if (due_end > next_frame_ + kMaxCatchUp) {
    frames_late_ += due_end - kMaxCatchUp - next_frame_;
    next_frame_ = due_end - kMaxCatchUp;
  }
  while (next_frame_ < due_end) {
    produce_frame(next_frame_++);
    if (ended_) return;
  }
  schedule_tick();
}

void StreamCall::produce_frame(std::uint64_t frame_no) {
  caller_.pop(in_frame_);
  voice_->on_audio(in_frame_, frame_no);
  if (ended_) return;
  if (pick_outgoing()) wire_.send_audio(out_frame_);
}

// The next 20 ms to send, if there is any: an outgoing DTMF tone while it lasts (queued audio
// waits), else the queued agent audio (a short tail padded with silence).
bool StreamCall::pick_outgoing() {
  if (tone_position_ < tone_.size()) {
    const auto n = std::min(media::kFrameSamples, tone_.size() - tone_position_);
    std::copy_n(tone_.begin() + static_cast<std::ptrdiff_t>(tone_position_), n, out_frame_.begin());
    std::fill(out_frame_.begin() + static_cast<std::ptrdiff_t>(n), out_frame_.end(), std::int16_t{0});
    tone_position_ += n;
    if (tone_position_ >= tone_.size()) {
      tone_.clear();
      tone_position_ = 0;
    }
    return true;
  }
  if (outgoing_.empty()) return false;
  const auto n = std::min(media::kFrameSamples, outgoing_.size());
  std::copy_n(outgoing_.begin(), n, out_frame_.begin());
  std::fill(out_frame_.begin() + static_cast<std::ptrdiff_t>(n), out_frame_.end(), std::int16_t{0});
  outgoing_.erase(outgoing_.begin(), outgoing_.begin() + static_cast<std::ptrdiff_t>(n));
  sent_ += n;
  return true;
}

void StreamCall::caller_audio(std::span<const std::int16_t> pcm16k) {
  if (!ended_) caller_.push(pcm16k);
}

void StreamCall::caller_dtmf(char digit) {
  if (ended_) return;
  spdlog::info("event=call.dtmf call_id={} digit={} via=stream", session_id(), digit);
  voice_->on_dtmf(digit, 0);  // the transports do not say how long the key was held
}

void StreamCall::transfer_failed() {
  if (!ended_) voice_->on_transfer_failed();
}

void StreamCall::end(std::string reason, bool ours, std::function<void()> written) {
  if (ended_) {
    if (written) written();
    return;
  }
  auto keep = shared_from_this();
  ended_ = true;
  clock_.cancel();
  max_duration_.cancel();
  voice_->stop();
  const auto& stats = caller_.stats();
  spdlog::info(
      "event=call.ended call_id={} status=completed end_reason={} ours={} frames={} frames_late={} "
      "caller_underruns={} caller_shed_frames={} caller_dropped_samples={}",
      session_id(), reason, ours, next_frame_, frames_late_, stats.underruns, stats.shed_frames, stats.dropped_samples);
  store::SessionTransition t;
  t.from = {"in_progress"};
  t.to = "completed";
  t.ended_at = core::to_unix_ms(core::now_utc());
  t.end_reason = reason;
  if (telephony_) t.telephony_status = "terminated";
  voice_->fill_final(t);
  writer_->transition(std::move(t), [written = std::move(written)](bool) {
    if (written) written();
  });
  active_.remove(session_id());
  if (ours) wire_.hang_up(reason);
}

std::size_t StreamCall::enqueue_audio(std::span<const std::int16_t> pcm16k) {
  const auto n = std::min(pcm16k.size(), kMaxOutgoing - std::min(kMaxOutgoing, outgoing_.size()));
  outgoing_.insert(outgoing_.end(), pcm16k.begin(), pcm16k.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

void StreamCall::clear_outgoing() {
  outgoing_.clear();
  wire_.clear_audio();
}

int StreamCall::outgoing_ms() const {
  return static_cast<int>(outgoing_.size() / kSamplesPerMs) + wire_.unplayed_ms();
}

void StreamCall::send_dtmf(char digit, int duration_ms) {
  auto tone8k = media::dtmf::generate_dtmf(std::string(1, digit), duration_ms, 0);
  if (!tone8k) {
    spdlog::warn("event=call.dtmf_send_failed call_id={} digit={} error={}", session_id(), digit,
                 core::log_value(tone8k.error().message));
    return;
  }
  const auto at = tone_.size();
  tone_.resize(at + tone8k->size() * 2 + media::kFrameSamples);
  const auto n = tone_upsampler_.process(*tone8k, std::span(tone_).subspan(at));
  tone_.resize(at + n);
}

}  // namespace parley::api::stream

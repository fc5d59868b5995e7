#include "voice/conversation/playback_processor.hpp"

#include "media/audio_format.hpp"
#include "voice/text/words.hpp"

namespace parley::voice {
namespace {
constexpr std::size_t kSamplesPerMs = media::kSampleRate / 1000;
}

void PlaybackProcessor::process(Frame frame, Direction dir) {
  if (ended_) return;
  if (dir == Direction::downstream) {
    if (const auto* a = frame.get_if<AgentAudio>()) {
      on_audio(*a);
      return;
    }
    if (const auto* t = frame.get_if<ToolResult>()) {
      hooks_.on_tool(*t);
      return;
    }
    if (frame.is<Hangup>() || frame.is<Transfer>() || (frame.is<Dtmf>() && frame.as<Dtmf>().direction == Dtmf::Direction::outbound)) {
      bool immediate = frame.is<Hangup>() && !frame.as<Hangup>().graceful;
      if (immediate || (control_.queued_playback_ms() == 0 && deferred_.empty())) {
        run(frame);
      } else {
        deferred_.push_back(Deferred{std::move(frame), control_.queued_playback_ms() + kGraceMs});
      }
      return;
    }
  }
  if (frame.is<Interrupt>()) {
    if (reply_) finish_reply(true);  // before the flush: what was played is known from what is left
    control_.stop_playback();
    state_.queued_ms = 0;
    state_.replying = false;
    return;
  }
  push(std::move(frame), dir);
}

void PlaybackProcessor::on_audio(const AgentAudio& a) {
  if (!reply_ || reply_->complete) {
    if (reply_) finish_reply(false);  // the previous one ended but was still playing
    reply_ = Reply{a.turn, {}, 0, {}, false};
  }
  if (a.end_of_reply) {
    reply_->complete = true;
    tick();
    return;
  }
  if (!a.pcm.empty()) {
    int ahead = control_.queued_playback_ms();
    auto now = std::chrono::steady_clock::now();
    if (reply_->queued_samples == 0) {
      reply_->started = now + std::chrono::milliseconds(ahead);
      if (auto t = state_.timings.find(a.turn); t != state_.timings.end()) {
        const TurnTiming& tt = t->second;
        TurnLatency l;
        l.turn = a.turn;
        l.dtmf = tt.dtmf;
        l.speech_end = tt.speech_end;
        l.first_audio_at = now;
        l.queued_ahead_ms = ahead;
        auto first_text = tt.first_text_at == SteadyTime{} ? now : tt.first_text_at;
        l.endpointing = tt.endpoint_at - tt.speech_end;
        l.stt_final = tt.final_at > tt.endpoint_at ? tt.final_at - tt.endpoint_at : TurnLatency::Ms{0};
        l.agent = first_text > tt.final_at ? first_text - tt.final_at : TurnLatency::Ms{0};
        l.tts_first_audio = now > first_text ? now - first_text : TurnLatency::Ms{0};
        state_.timings.erase(t);
        hooks_.on_latency(l);
      }
    }
    std::size_t accepted = control_.play(a.pcm);
    reply_->queued_samples += accepted;
    if (reply_->sentences.empty() || reply_->sentences.back().index != a.sentence) {
      reply_->sentences.push_back({a.text, 0, a.sentence});
    }
    reply_->sentences.back().samples += accepted;
    state_.queued_ms = control_.queued_playback_ms();
  }
}

void PlaybackProcessor::tick() {
  if (ended_) return;
  state_.queued_ms = control_.queued_playback_ms();
  if (reply_ && reply_->complete && state_.queued_ms == 0) {
    finish_reply(false);
    state_.replying = false;
    hooks_.on_idle();
  }
  for (auto& d : deferred_) d.deadline_ms -= media::kFrameMs;
  while (!deferred_.empty() && (state_.queued_ms == 0 || deferred_.front().deadline_ms <= 0)) {
    Frame f = std::move(deferred_.front().frame);
    deferred_.erase(deferred_.begin());
    run(f);
    if (ended_) return;
  }
}

void PlaybackProcessor::run(Frame& frame) {
  if (const auto* h = frame.get_if<Hangup>()) {
    if (reply_) finish_reply(control_.queued_playback_ms() > 0);
    ended_ = true;
    deferred_.clear();
    control_.hang_up(h->reason);
    hooks_.on_hangup(h->reason);
  } else if (const auto* t = frame.get_if<Transfer>()) {
    control_.transfer(t->target);
  } else if (const auto* d = frame.get_if<Dtmf>()) {
    control_.send_dtmf(d->digits);
  }
}

std::string PlaybackProcessor::played_text() const {
  std::size_t queued_now = static_cast<std::size_t>(control_.queued_playback_ms()) * kSamplesPerMs;
  std::size_t played = reply_->queued_samples > queued_now ? reply_->queued_samples - queued_now : 0;
  std::vector<std::string> words;
  for (const auto& s : reply_->sentences) {
    if (played >= s.samples) {
      // The sentence as written (with its punctuation) when it was heard whole.
      words.push_back(s.text);
      played -= s.samples;
      continue;
    }
    if (s.samples > 0) {
      // Partly heard: the share of its words matching the share of its audio (whole words only).
      std::vector<std::string> raw;
      std::string cur;
      for (char c : s.text) {
        if (c == ' ') {
          if (!cur.empty()) raw.push_back(std::move(cur));
          cur.clear();
        } else {
          cur.push_back(c);
        }
      }
      if (!cur.empty()) raw.push_back(std::move(cur));
      std::size_t n = raw.size() * played / s.samples;
      for (std::size_t i = 0; i < n; ++i) words.push_back(raw[i]);
    }
    break;
  }
  return text::join(words);
}

void PlaybackProcessor::finish_reply(bool interrupted) {
  std::string text;
  if (interrupted) {
    text = played_text();
  } else {
    std::vector<std::string> all;
    for (const auto& s : reply_->sentences) all.push_back(s.text);
    text = text::join(all);
  }
  Reply r = std::move(*reply_);
  reply_.reset();
  if (r.queued_samples > 0 || !text.empty()) hooks_.on_spoken(r.turn, text, interrupted, r.started);
}

}  // namespace parley::voice

#include "voice/turn/turn_detector.hpp"

#include <utility>

#include "media/audio_format.hpp"

namespace parley::voice {
namespace {
constexpr int kFrameMs = media::kFrameMs;
}

void TurnDetector::process(Frame frame, Direction dir) {
  if (dir == Direction::upstream) {
    if (const auto* t = frame.get_if<Transcript>()) {
      on_transcript(*t);
      return;  // consumed: transcripts travel up only to reach this stage
    }
    push(std::move(frame), dir);
    return;
  }
  if (const auto* a = frame.get_if<AudioFrame>()) {
    frame_no_ = a->frame_no;
    auto copy = *a;
    push(std::move(frame), dir);  // audio first: the STT gets every frame before a verdict on it
    on_frame(copy);
    return;
  }
  if (const auto* s = frame.get_if<SpeechStarted>(); s != nullptr && s->utterance == 0) {
    on_speech_started(*s);
    return;
  }
  if (const auto* s = frame.get_if<SpeechStopped>(); s != nullptr && s->utterance == 0) {
    on_speech_stopped(*s);
    return;
  }
  if (const auto* d = frame.get_if<Dtmf>(); d != nullptr && d->direction == Dtmf::Direction::inbound) {
    on_dtmf(*d);
    return;
  }
  push(std::move(frame), dir);
}

void TurnDetector::on_speech_started(const SpeechStarted& s) {
  on_activity_();
  if (utt_) {  // the caller goes on within the endpoint silence: same utterance
    utt_->speaking = true;
    return;
  }
  if (state_.busy() && !s_.barge_in) {
    ignoring_ = true;
    return;
  }
  ignoring_ = false;
  Utterance u;
  u.id = next_utterance_++;
  u.speaking = true;
  u.during_agent = state_.busy();
  u.started_at = s.at;
  utt_ = u;
  push(SpeechStarted{s.frame_no, s.at, u.id});
}

void TurnDetector::on_speech_stopped(const SpeechStopped& s) {
  ignoring_ = false;
  if (!utt_) return;
  utt_->speaking = false;
  utt_->silence_from = s.frame_no;
  utt_->silence_at = s.at;
  // Speech over the agent that has not barged in yet is judged in on_frame: a pause between words
  // ("where ... is my order") keeps it one utterance, so the recognizer hears its first word too.
}

void TurnDetector::on_transcript(const Transcript& t) {
  if (!utt_ || t.utterance != utt_->id) return;
  utt_->text = t.text;
  utt_->final = t.is_final;
}

void TurnDetector::on_frame(const AudioFrame& f) {
  if (!digits_.empty() && (f.frame_no - last_digit_frame_) * kFrameMs >= static_cast<std::uint64_t>(s_.turn.dtmf_interdigit_ms)) {
    finish_dtmf(f.at);
  }
  if (!utt_) return;
  if (utt_->speaking) {
    if (f.voiced) utt_->voiced_ms += kFrameMs;
    if (utt_->during_agent && !state_.busy()) utt_->during_agent = false;  // the agent finished first
    if (utt_->during_agent && utt_->voiced_ms >= s_.turn.barge_in_ms) {
      utt_->during_agent = false;
      interrupt("barge_in");
    }
    return;
  }
  auto silence_ms = static_cast<int>((f.frame_no + 1 - utt_->silence_from) * kFrameMs);
  if (utt_->during_agent) {
    // Never barged in: noise once the pause is longer than one between words (the early endpoint).
    if (silence_ms >= s_.turn.early_endpoint_ms) end_utterance(SpeechStopped::Verdict::noise, f.at, f.frame_no);
    return;
  }
  bool enough = utt_->voiced_ms >= s_.turn.min_speech_ms;
  bool complete = utt_->final || (!utt_->text.empty() && s_.completes && s_.completes(utt_->text));
  if (silence_ms >= s_.turn.endpoint_silence_ms || (enough && complete && silence_ms >= s_.turn.early_endpoint_ms)) {
    end_utterance(enough ? SpeechStopped::Verdict::end_of_turn : SpeechStopped::Verdict::noise, f.at, f.frame_no);
  }
}

void TurnDetector::end_utterance(SpeechStopped::Verdict verdict, SteadyTime now, std::uint64_t frame_no) {
  Utterance u = *utt_;
  utt_.reset();
  SpeechStopped out{frame_no, now, u.voiced_ms, u.id, verdict, u.silence_at, 0, u.started_at};
  if (verdict == SpeechStopped::Verdict::end_of_turn) {
    ++state_.turns_in_flight;
    out.turn = next_turn_++;
    TurnTiming& t = state_.timings[out.turn];
    t.speech_start = u.started_at;
    t.speech_end = u.silence_at;
    t.endpoint_at = now;
  }
  push(out);
}

void TurnDetector::on_dtmf(const Dtmf& d) {
  on_activity_();
  if (utt_) end_utterance(SpeechStopped::Verdict::noise, d.at, frame_no_);
  if (state_.busy() && s_.barge_in) interrupt("dtmf");
  if (digits_.empty()) first_digit_at_ = d.at;
  last_digit_at_ = d.at;
  last_digit_frame_ = frame_no_;
  for (char c : d.digits) {
    if (c == '#' && !digits_.empty()) {
      finish_dtmf(d.at);
      continue;
    }
    digits_.push_back(c);
    if (digits_.size() >= s_.max_dtmf_digits) finish_dtmf(d.at);
  }
}

void TurnDetector::finish_dtmf(SteadyTime now) {
  if (digits_.empty()) return;
  std::uint32_t turn = next_turn_++;
  ++state_.turns_in_flight;
  TurnTiming& t = state_.timings[turn];
  t.dtmf = true;
  t.speech_start = first_digit_at_;
  t.speech_end = last_digit_at_;
  t.endpoint_at = now;
  t.final_at = now;
  UserInput in;
  in.turn = turn;
  in.source = UserInput::Source::dtmf;
  in.text = std::exchange(digits_, {});
  in.speech_start = first_digit_at_;
  in.speech_end = last_digit_at_;
  in.endpoint_at = now;
  in.final_at = now;
  push(std::move(in));
}

void TurnDetector::interrupt(std::string reason) { broadcast(Interrupt{state_.agent_turn, std::move(reason)}); }

}  // namespace parley::voice

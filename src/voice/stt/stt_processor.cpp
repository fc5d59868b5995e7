#include "voice/stt/stt_processor.hpp"

namespace parley::voice {

void SttProcessor::process(Frame frame, Direction dir) {
  if (dir == Direction::downstream) {
    if (const auto* a = frame.get_if<AudioFrame>()) {
      if (stream_) stream_->audio(a->pcm);
      return;
    }
    if (const auto* s = frame.get_if<SpeechStarted>(); s != nullptr && s->utterance != 0) {
      if (stream_) stream_->begin_utterance(s->utterance);
      return;
    }
    if (const auto* s = frame.get_if<SpeechStopped>(); s != nullptr && s->utterance != 0) {
      if (s->verdict == SpeechStopped::Verdict::noise) {
        early_finals_.erase(s->utterance);
        if (stream_) stream_->cancel_utterance(s->utterance);
        return;
      }
      ended_[s->utterance] = Pending{s->turn, *s};
      if (auto it = early_finals_.find(s->utterance); it != early_finals_.end()) {
        SttResult r = it->second;
        early_finals_.erase(it);
        if (stream_) stream_->cancel_utterance(s->utterance);  // its final is in hand already
        deliver(s->utterance, r);
        return;
      }
      if (stream_) stream_->end_utterance(s->utterance);
      return;
    }
  }
  push(std::move(frame), dir);
}

void SttProcessor::on_transcript(const SttResult& r) {
  push(Transcript{r.utterance, r.text, r.is_final, r.confidence, std::chrono::steady_clock::now()}, Direction::upstream);
  if (!r.is_final) return;
  if (ended_.contains(r.utterance)) {
    deliver(r.utterance, r);
  } else {
    early_finals_[r.utterance] = r;
  }
}

void SttProcessor::deliver(std::uint32_t utterance, const SttResult& r) {
  auto it = ended_.find(utterance);
  if (it == ended_.end()) return;
  Pending p = it->second;
  ended_.erase(it);
  auto now = std::chrono::steady_clock::now();
  if (auto t = state_.timings.find(p.turn); t != state_.timings.end()) t->second.final_at = now;
  UserInput in;
  in.turn = p.turn;
  in.source = UserInput::Source::speech;
  in.text = r.text;
  in.confidence = r.confidence;
  in.speech_start = p.stop.speech_start;
  in.speech_end = p.stop.speech_end;
  in.endpoint_at = p.stop.at;
  in.final_at = now;
  push(std::move(in));
}

}  // namespace parley::voice

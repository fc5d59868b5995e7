#include "voice/tts/tts_processor.hpp"

namespace parley::voice {

void TtsProcessor::process(Frame frame, Direction dir) {
  if (dir == Direction::downstream) {
    if (auto* t = frame.get_if<AgentText>()) {
      if (t->turn != turn_) {
        turn_ = t->turn;
        sentence_in_turn_ = 0;
        splitter_.reset();
      }
      for (auto& s : splitter_.push(t->text)) add_sentence(t->turn, std::move(s));
      if (t->end_of_reply) {
        for (auto& s : splitter_.finish()) add_sentence(t->turn, std::move(s));
        items_.push_back(Item{std::nullopt, t->turn, 0, {}, true, std::nullopt, true});
      }
      release();
      return;
    }
    if (frame.is<Hangup>() || frame.is<Transfer>() || frame.is<Dtmf>() || frame.is<ToolResult>()) {
      // The text before the frame is complete, even without a full stop: speak it first.
      for (auto& s : splitter_.finish()) add_sentence(turn_, std::move(s));
      items_.push_back(Item{std::nullopt, turn_, 0, {}, true, std::move(frame), false});
      release();
      return;
    }
  }
  if (frame.is<Interrupt>()) {
    if (stream_) stream_->cancel();
    splitter_.reset();
    std::deque<Item> kept;
    for (auto& it : items_) {
      if (it.frame) kept.push_back(std::move(it));  // uninterruptible
    }
    items_ = std::move(kept);
    push(std::move(frame), dir);
    release();
    return;
  }
  push(std::move(frame), dir);
}

void TtsProcessor::add_sentence(std::uint32_t turn, std::string text) {
  std::uint32_t request = next_request_++;
  items_.push_back(Item{request, turn, sentence_in_turn_++, text, false, std::nullopt, false});
  on_characters_(static_cast<std::int64_t>(text.size()));
  if (stream_) {
    stream_->synthesize(request, std::move(text));
  } else {
    items_.back().done = true;
  }
}

void TtsProcessor::on_tts_audio(std::uint32_t request, std::span<const std::int16_t> pcm) {
  for (auto& it : items_) {
    if (it.request == request) {
      push(AgentAudio{it.turn, it.sentence, std::vector<std::int16_t>(pcm.begin(), pcm.end()), it.text, false, false});
      return;
    }
  }
}

void TtsProcessor::on_tts_done(std::uint32_t request, const core::Status&) {
  for (auto& it : items_) {
    if (it.request == request) it.done = true;
  }
  release();
}

void TtsProcessor::release() {
  while (!items_.empty() && items_.front().done) {
    Item it = std::move(items_.front());
    items_.pop_front();
    if (it.frame) {
      push(std::move(*it.frame));
    } else if (it.end_of_reply) {
      push(AgentAudio{it.turn, 0, {}, {}, false, true});
    } else {
      push(AgentAudio{it.turn, it.sentence, {}, it.text, true, false});
    }
  }
}

}  // namespace parley::voice

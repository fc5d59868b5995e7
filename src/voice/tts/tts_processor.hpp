#pragma once
// TTS stage: cuts the agent's streamed text into sentences (text/sentence_splitter.hpp) and sends
// each to the call's TtsStream as soon as it is complete, so the first sentence's audio is queued
// for playback while later ones are still being generated or synthesized. Audio leaves as AgentAudio
// in order; frames that follow text (Hangup, Transfer, outbound Dtmf) wait until the audio of every
// sentence before them has left. An Interrupt cancels synthesis and drops the pending sentences;
// the waiting frames are uninterruptible and go on at once.
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "voice/pipeline/processor.hpp"
#include "voice/text/sentence_splitter.hpp"
#include "voice/tts/tts_engine.hpp"

namespace parley::voice {

class TtsProcessor final : public Processor, public TtsListener {
 public:
  using CharactersHook = std::function<void(std::int64_t characters)>;

  explicit TtsProcessor(CharactersHook on_characters) : on_characters_(std::move(on_characters)) {}
  void set_stream(std::unique_ptr<TtsStream> stream) { stream_ = std::move(stream); }
  TtsStream* stream() { return stream_.get(); }

  std::string_view name() const override { return "tts"; }
  void process(Frame frame, Direction dir) override;
  void stop() override { stream_.reset(); }

  void on_tts_audio(std::uint32_t request, std::span<const std::int16_t> pcm16k) override;
  void on_tts_done(std::uint32_t request, const core::Status& status) override;

 private:
  struct Item {
    std::optional<std::uint32_t> request;  // a sentence being synthesized
    std::uint32_t turn = 0;
    std::uint32_t sentence = 0;
    std::string text;
    bool done = false;
    std::optional<Frame> frame;  // or a frame waiting for the audio before it
    bool end_of_reply = false;   // or the end-of-reply marker
  };
  void add_sentence(std::uint32_t turn, std::string text);
  void release();

  CharactersHook on_characters_;
  std::unique_ptr<TtsStream> stream_;
  text::SentenceSplitter splitter_;
  std::deque<Item> items_;
  std::uint32_t next_request_ = 1;
  std::uint32_t sentence_in_turn_ = 0;
  std::uint32_t turn_ = 0;
};

}  // namespace parley::voice

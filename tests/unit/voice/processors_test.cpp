// The VAD, TTS and playback stages on their own, with real engines.
#include <gtest/gtest.h>

#include "conversation_harness.hpp"
#include "voice/conversation/playback_processor.hpp"
#include "voice/pipeline/pipeline.hpp"
#include "voice/tts/embedded_tts.hpp"
#include "voice/tts/tts_processor.hpp"
#include "voice/turn/vad_processor.hpp"

using namespace parley;
using namespace parley::voice;

namespace {

struct Exits {
  std::vector<Frame> frames;
  std::vector<std::chrono::steady_clock::time_point> at;
  template <class T>
  std::vector<T> of() const {
    std::vector<T> v;
    for (const auto& f : frames) {
      if (const T* t = f.get_if<T>()) v.push_back(*t);
    }
    return v;
  }
};

}  // namespace

TEST(VadProcessor, FindsTheSpeechInRealAudioAndIgnoresQuietNoise) {
  Pipeline p;
  p.add(std::make_unique<VadProcessor>(*Vad::create(2)));
  Exits ex;
  p.set_exit([&](Frame&& f, Direction) {
    if (!f.is<AudioFrame>()) ex.frames.push_back(std::move(f));
  });
  std::vector<std::int16_t> noise(16000);  // 1 s of white noise at about -60 dBFS
  std::uint32_t seed = 7;
  for (auto& s : noise) {
    seed = seed * 1664525U + 1013904223U;
    s = static_cast<std::int16_t>(static_cast<int>(seed >> 16) % 60 - 30);
  }
  auto audio = noise;
  auto speech = test::speech("I need help with my order");
  audio.insert(audio.end(), speech.begin(), speech.end());
  audio.insert(audio.end(), noise.begin(), noise.end());
  std::uint64_t n = 0;
  for (auto& f : test::frames_of(audio)) p.push(AudioFrame{f, n++, {}, false});
  auto starts = ex.of<SpeechStarted>();
  auto stops = ex.of<SpeechStopped>();
  ASSERT_GE(starts.size(), 1U);
  ASSERT_EQ(starts.size(), stops.size());
  EXPECT_GE(starts.front().frame_no, 50U);                       // not in the leading second of noise
  EXPECT_LE(starts.front().frame_no, 50U + 15U);                 // flite leads with a little silence
  EXPECT_LE(stops.back().frame_no, 50U + speech.size() / 320 + 5);  // nor in the trailing one
  EXPECT_GE(stops.back().frame_no, 50U + speech.size() / 320 - 20);
}

TEST(TtsProcessor, TheFirstSentenceIsQueuedBeforeTheRestIsSynthesized) {
  test::EngineRig rig;
  Pipeline p;
  std::int64_t chars = 0;
  auto& tts = p.add(std::make_unique<TtsProcessor>([&](std::int64_t n) { chars += n; }));
  EngineSpec spec;
  spec.provider = "flite";
  tts.set_stream(*make_flite_tts(rig.ctx, TtsSetup{spec}, tts));
  Exits ex;
  p.set_exit([&](Frame&& f, Direction) {
    ex.frames.push_back(std::move(f));
    ex.at.push_back(std::chrono::steady_clock::now());
  });
  const std::string second =
      "The second sentence is a good deal longer than the first one, so it takes the synthesizer a while to finish.";
  p.push(AgentText{1, "Hello."});
  p.push(AgentText{1, " " + second + " Goodbye"});
  p.push(Hangup{"agent", true});
  p.push(AgentText{1, "", true});
  ASSERT_TRUE(rig.run_until([&] { return !ex.of<Hangup>().empty() && !ex.frames.back().is<Hangup>(); }));
  // Order: sentence 0 audio and end, sentence 1, sentence 2 ("Goodbye", flushed by the Hangup), the
  // Hangup, the end-of-reply marker.
  std::vector<std::string> seq;
  for (const auto& f : ex.frames) {
    if (const auto* a = f.get_if<AgentAudio>()) {
      seq.push_back(a->end_of_reply ? "end" : std::to_string(a->sentence) + (a->pcm.empty() ? "." : "a"));
    } else {
      seq.push_back(f.name());
    }
  }
  EXPECT_EQ(seq, (std::vector<std::string>{"0a", "0.", "1a", "1.", "2a", "2.", "hangup", "end"}));
  // Sentence 0's audio left well before sentence 1's: it did not wait for the long one.
  EXPECT_LT(ex.at[0] + std::chrono::milliseconds(5), ex.at[2]);
  EXPECT_EQ(chars, static_cast<std::int64_t>(std::string("Hello.").size() + second.size() + std::string("Goodbye").size()));
}

TEST(TtsProcessor, InterruptDropsPendingSpeechButNotTheHangupBehindIt) {
  test::EngineRig rig;
  Pipeline p;
  auto& tts = p.add(std::make_unique<TtsProcessor>([](std::int64_t) {}));
  EngineSpec spec;
  spec.provider = "flite";
  tts.set_stream(*make_flite_tts(rig.ctx, TtsSetup{spec}, tts));
  Exits ex;
  p.set_exit([&](Frame&& f, Direction) { ex.frames.push_back(std::move(f)); });
  p.push(AgentText{1, "One sentence that will never be heard. And another one."});
  p.push(Hangup{"agent", true});
  p.push(Interrupt{1, "barge_in"});
  rig.run_for(std::chrono::milliseconds(400));
  EXPECT_TRUE(ex.of<AgentAudio>().empty());
  ASSERT_EQ(ex.frames.size(), 2U);
  EXPECT_TRUE(ex.frames[0].is<Interrupt>());
  EXPECT_TRUE(ex.frames[1].is<Hangup>());
}

TEST(PlaybackProcessor, InterruptReportsTheWordsPlayedAndActionsWaitForThePlayout) {
  test::CallSide call;
  CallState state;
  Pipeline p;
  std::vector<std::tuple<std::uint32_t, std::string, bool>> spoken;
  int idle = 0;
  std::vector<std::string> hangups;
  auto& play = p.add(std::make_unique<PlaybackProcessor>(
      call, state,
      PlaybackProcessor::Hooks{[&](std::uint32_t t, const std::string& text, bool cut, SteadyTime) { spoken.emplace_back(t, text, cut); },
                               [](const TurnLatency&) {}, [&](std::string_view r) { hangups.emplace_back(r); },
                               [&] { ++idle; }, [](const ToolResult&) {}}));
  // Two sentences of one second each.
  p.push(AgentAudio{1, 0, std::vector<std::int16_t>(16000, 1), "one two three four.", false, false});
  p.push(AgentAudio{1, 1, std::vector<std::int16_t>(16000, 1), "five six seven eight.", false, false});
  EXPECT_EQ(call.queued_playback_ms(), 2000);
  for (int i = 0; i < 75; ++i) {  // 1.5 s played: the first sentence and half of the second
    call.tick();
    play.tick();
  }
  p.push(Interrupt{1, "barge_in"});
  ASSERT_EQ(spoken.size(), 1U);
  EXPECT_EQ(std::get<1>(spoken[0]), "one two three four. five six");
  EXPECT_TRUE(std::get<2>(spoken[0]));
  EXPECT_EQ(call.queued(), 0U);
  EXPECT_FALSE(state.replying);

  // A reply played out whole, then a graceful hang-up that waits for it.
  p.push(AgentAudio{2, 0, std::vector<std::int16_t>(3200, 1), "Goodbye.", false, false});
  p.push(Hangup{"agent", true});
  p.push(AgentAudio{2, 0, {}, {}, false, true});
  EXPECT_TRUE(hangups.empty());
  for (int i = 0; i < 12; ++i) {
    call.tick();
    play.tick();
  }
  EXPECT_EQ(hangups, (std::vector<std::string>{"agent"}));
  EXPECT_EQ(call.hangups, (std::vector<std::string>{"agent"}));
  EXPECT_EQ(call.queued_at_hangup, 0U);
  ASSERT_EQ(spoken.size(), 2U);
  EXPECT_EQ(std::get<1>(spoken[1]), "Goodbye.");
  EXPECT_FALSE(std::get<2>(spoken[1]));
  EXPECT_TRUE(play.ended());
}

TEST(PlaybackProcessor, AnActionStillRunsWhenThePlayoutStallsPastItsDeadline) {
  test::CallSide call;
  CallState state;
  Pipeline p;
  auto& play = p.add(std::make_unique<PlaybackProcessor>(
      call, state, PlaybackProcessor::Hooks{[](auto, auto&, auto, auto) {}, [](auto&) {}, [](auto) {}, [] {}, [](auto&) {}}));
  p.push(AgentAudio{1, 0, std::vector<std::int16_t>(1600, 1), "Hi.", false, false});
  p.push(Transfer{"sip:desk@127.0.0.1"});
  // Media stops sending (no call.tick): 100 ms queued + the 2 s grace.
  for (int i = 0; i < (100 + PlaybackProcessor::kGraceMs) / 20 - 1; ++i) play.tick();
  EXPECT_TRUE(call.transfers.empty());
  play.tick();
  EXPECT_EQ(call.transfers, (std::vector<std::string>{"sip:desk@127.0.0.1"}));
}

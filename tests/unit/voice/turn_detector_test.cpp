#include "voice/turn/turn_detector.hpp"

#include <gtest/gtest.h>

#include "voice/pipeline/pipeline.hpp"

using namespace parley::voice;
using Verdict = SpeechStopped::Verdict;

namespace {

// A TurnDetector alone in a pipeline, fed what the VAD stage would send.
struct Rig {
  explicit Rig(TurnDetectorSettings s = {}) {
    turn = &p.add(std::make_unique<TurnDetector>(std::move(s), state, [this] { ++activity; }));
    p.set_exit([this](Frame&& f, Direction d) {
      if (f.is<AudioFrame>()) return;
      out.push_back({std::move(f), d, frame_no});
    });
  }
  void frame(bool voiced) {
    p.push(AudioFrame{std::vector<std::int16_t>(320, 0), frame_no, SteadyTime(std::chrono::milliseconds(20 * frame_no)), voiced});
    ++frame_no;
  }
  // The VAD's view of `ms` of speech then `silence_ms` of silence.
  void speech(int ms) {
    p.push(SpeechStarted{frame_no, SteadyTime(std::chrono::milliseconds(20 * frame_no)), 0});
    for (int t = 0; t < ms; t += 20) frame(true);
    p.push(SpeechStopped{frame_no, SteadyTime(std::chrono::milliseconds(20 * frame_no)), ms, 0, Verdict::silence});
  }
  void silence(int ms) {
    for (int t = 0; t < ms; t += 20) frame(false);
  }
  template <class T>
  std::vector<std::pair<T, std::uint64_t>> got() const {
    std::vector<std::pair<T, std::uint64_t>> v;
    for (const auto& o : out) {
      if (const T* t = o.frame.template get_if<T>()) v.emplace_back(*t, o.at_frame);
    }
    return v;
  }
  struct Out {
    Frame frame;
    Direction dir;
    std::uint64_t at_frame;
  };
  CallState state;
  Pipeline p;
  TurnDetector* turn = nullptr;
  std::vector<Out> out;
  std::uint64_t frame_no = 0;
  int activity = 0;
};

TurnDetectorSettings settings(int endpoint = 600, int early = 240) {
  TurnDetectorSettings s;
  s.turn.endpoint_silence_ms = endpoint;
  s.turn.early_endpoint_ms = early;
  s.turn.min_speech_ms = 120;
  s.turn.barge_in_ms = 300;
  s.turn.dtmf_interdigit_ms = 1000;
  s.max_dtmf_digits = 4;
  return s;
}

}  // namespace

TEST(TurnDetector, EndsTheTurnAfterTheEndpointSilence) {
  Rig r(settings());
  r.speech(500);
  std::uint64_t silence_from = r.frame_no;
  r.silence(1000);
  auto starts = r.got<SpeechStarted>();
  ASSERT_EQ(starts.size(), 1U);
  EXPECT_EQ(starts[0].first.utterance, 1U);
  auto stops = r.got<SpeechStopped>();
  ASSERT_EQ(stops.size(), 1U);
  EXPECT_EQ(stops[0].first.verdict, Verdict::end_of_turn);
  EXPECT_EQ(stops[0].first.turn, 1U);
  EXPECT_EQ(stops[0].first.speech_ms, 500);
  // The turn ended on the frame that completed 600 ms of silence.
  EXPECT_EQ(stops[0].second, silence_from + 600 / 20 - 1);
  EXPECT_TRUE(r.state.timings.contains(1));
  EXPECT_EQ(r.activity, 1);
}

TEST(TurnDetector, APauseShorterThanTheEndpointContinuesTheSameUtterance) {
  Rig r(settings());
  r.speech(400);
  r.silence(300);
  r.speech(400);
  r.silence(700);
  EXPECT_EQ(r.got<SpeechStarted>().size(), 1U);
  auto stops = r.got<SpeechStopped>();
  ASSERT_EQ(stops.size(), 1U);
  EXPECT_EQ(stops[0].first.speech_ms, 800);
}

TEST(TurnDetector, TooLittleSpeechIsNoise) {
  Rig r(settings());
  r.speech(60);
  r.silence(700);
  auto stops = r.got<SpeechStopped>();
  ASSERT_EQ(stops.size(), 1U);
  EXPECT_EQ(stops[0].first.verdict, Verdict::noise);
  EXPECT_TRUE(r.state.timings.empty());
}

TEST(TurnDetector, EndsEarlyWhenTheTranscriptIsCompleteOrFinal) {
  auto s = settings();
  s.completes = [](std::string_view t) { return t == "where is my order"; };
  Rig r(s);
  r.speech(800);
  r.p.push(Transcript{1, "where is my", false}, Direction::upstream);
  std::uint64_t silence_from = r.frame_no;
  r.silence(100);
  r.p.push(Transcript{1, "where is my order", false}, Direction::upstream);
  r.silence(600);
  auto stops = r.got<SpeechStopped>();
  ASSERT_EQ(stops.size(), 1U);
  EXPECT_EQ(stops[0].second, silence_from + 240 / 20 - 1);

  Rig f(settings());  // an engine's final does the same without any predicate
  f.speech(500);
  f.p.push(Transcript{1, "anything", true}, Direction::upstream);
  silence_from = f.frame_no;
  f.silence(600);
  ASSERT_EQ(f.got<SpeechStopped>().size(), 1U);
  EXPECT_EQ(f.got<SpeechStopped>()[0].second, silence_from + 240 / 20 - 1);
  EXPECT_TRUE(f.got<Transcript>().empty());  // transcripts stop here
}

TEST(TurnDetector, BargeInAfterEnoughSpeechWhileTheAgentIsBusy) {
  Rig r(settings());
  r.state.replying = true;
  r.state.agent_turn = 3;
  r.p.push(SpeechStarted{r.frame_no, {}, 0});
  std::uint64_t onset = r.frame_no;
  for (int i = 0; i < 30; ++i) r.frame(true);
  auto interrupts = r.got<Interrupt>();
  ASSERT_EQ(interrupts.size(), 2U);  // both ways at once
  int up = 0;
  for (const auto& o : r.out) up += o.frame.is<Interrupt>() && o.dir == Direction::upstream ? 1 : 0;
  EXPECT_EQ(up, 1);
  EXPECT_EQ(interrupts[0].first.turn, 3U);
  EXPECT_EQ(interrupts[0].first.reason, "barge_in");
  EXPECT_EQ(interrupts[0].second, onset + 300 / 20 - 1);  // on the frame that made 300 ms
}

TEST(TurnDetector, ShortSpeechOverTheAgentIsNoiseAndBargeInOffIgnoresIt) {
  Rig r(settings());
  r.state.replying = true;
  r.speech(200);
  std::uint64_t silence_from = r.frame_no;
  r.silence(300);
  EXPECT_TRUE(r.got<Interrupt>().empty());
  auto stops = r.got<SpeechStopped>();
  ASSERT_EQ(stops.size(), 1U);
  EXPECT_EQ(stops[0].first.verdict, Verdict::noise);
  EXPECT_EQ(stops[0].second, silence_from + 240 / 20 - 1);  // after a pause longer than one between words

  auto off = settings();
  off.barge_in = false;
  Rig q(off);
  q.state.replying = true;
  q.speech(1000);
  q.silence(700);
  EXPECT_TRUE(q.got<SpeechStarted>().empty());
  EXPECT_TRUE(q.got<Interrupt>().empty());
}

TEST(TurnDetector, APauseBetweenWordsOverTheAgentKeepsOneUtteranceThatBargesIn) {
  Rig r(settings());
  r.state.replying = true;
  r.speech(200);  // "where", then a pause shorter than the early endpoint
  r.silence(160);
  r.speech(400);  // "is my order": 600 ms voiced in all, past barge_in_ms
  ASSERT_EQ(r.got<SpeechStarted>().size(), 1U);
  EXPECT_TRUE(r.got<SpeechStopped>().empty());
  ASSERT_EQ(r.got<Interrupt>().size(), 2U);
  r.state.replying = false;  // the interrupt stopped the agent
  r.silence(700);
  auto stops = r.got<SpeechStopped>();
  ASSERT_EQ(stops.size(), 1U);
  EXPECT_EQ(stops[0].first.verdict, Verdict::end_of_turn);
  EXPECT_EQ(stops[0].first.speech_ms, 600);
}

TEST(TurnDetector, DtmfCollectsDigitsUntilHashMaxDigitsOrAPause) {
  Rig r(settings());
  auto key = [&](const char* d) { r.p.push(Dtmf{Dtmf::Direction::inbound, d, 100, {}}); };
  key("1");
  key("2");
  key("#");
  key("5");
  r.silence(1100);
  for (const char* d : {"1", "2", "3", "4"}) key(d);
  auto inputs = r.got<UserInput>();
  ASSERT_EQ(inputs.size(), 3U);
  EXPECT_EQ(inputs[0].first.text, "12");
  EXPECT_EQ(inputs[1].first.text, "5");
  EXPECT_EQ(inputs[2].first.text, "1234");
  EXPECT_EQ(inputs[0].first.source, UserInput::Source::dtmf);
  EXPECT_EQ(inputs[2].first.turn, 3U);

  Rig b(settings());
  b.state.replying = true;  // a key press interrupts the agent
  b.p.push(Dtmf{Dtmf::Direction::inbound, "9", 100, {}});
  EXPECT_EQ(b.got<Interrupt>().size(), 2U);
}

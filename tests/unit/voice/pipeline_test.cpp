#include "voice/pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace parley::voice;

namespace {

// Records what it sees and, for the first audio frame, pushes more frames from inside process().
class Recorder final : public Processor {
 public:
  Recorder(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  std::string_view name() const override { return name_; }
  void process(Frame frame, Direction dir) override {
    log_.push_back(name_ + ":" + frame.name());
    if (on_frame) on_frame(frame, *this);
    push(std::move(frame), dir);
  }
  void emit(Frame f, Direction d = Direction::downstream) { push(std::move(f), d); }
  void emit_both(Frame f) { broadcast(std::move(f)); }
  std::function<void(const Frame&, Recorder&)> on_frame;
  bool stopped = false;
  void stop() override { stopped = true; }

 private:
  std::string name_;
  std::vector<std::string>& log_;
};

}  // namespace

TEST(Frame, LanesAndInterruptibility) {
  EXPECT_EQ(Frame(Interrupt{}).lane(), Lane::system);
  EXPECT_EQ(Frame(SpeechStarted{}).lane(), Lane::system);
  EXPECT_EQ(Frame(Hangup{"remote", false}).lane(), Lane::system);
  EXPECT_EQ(Frame(Hangup{"agent", true}).lane(), Lane::data);
  EXPECT_EQ(Frame(AgentText{}).lane(), Lane::data);
  EXPECT_EQ(Frame(AudioFrame{}).lane(), Lane::data);
  EXPECT_TRUE(Frame(AgentText{}).interruptible());
  EXPECT_TRUE(Frame(AgentAudio{}).interruptible());
  for (Frame f : {Frame(Hangup{}), Frame(Transfer{}), Frame(ToolResult{}), Frame(Dtmf{Dtmf::Direction::outbound, "1"}),
                  Frame(UserInput{}), Frame(AudioFrame{}), Frame(Transcript{})}) {
    EXPECT_FALSE(f.interruptible()) << f.name();
  }
  EXPECT_STREQ(Frame(ToolResult{}).name(), "tool_result");
}

TEST(Pipeline, DeliversInOrderThroughEveryProcessorAndOutOfTheEnds) {
  std::vector<std::string> log;
  Pipeline p;
  p.add(std::make_unique<Recorder>("a", log));
  p.add(std::make_unique<Recorder>("b", log));
  std::vector<std::string> out;
  p.set_exit([&](Frame&& f, Direction d) { out.push_back(std::string(d == Direction::downstream ? "down:" : "up:") + f.name()); });
  p.push(AgentText{1, "x"});
  p.push(Transcript{}, Direction::upstream);
  EXPECT_EQ(log, (std::vector<std::string>{"a:agent_text", "b:agent_text", "b:transcript", "a:transcript"}));
  EXPECT_EQ(out, (std::vector<std::string>{"down:agent_text", "up:transcript"}));
}

TEST(Pipeline, SystemFramesOvertakeQueuedDataAndProcessorsAreNotReentered) {
  std::vector<std::string> log;
  Pipeline p;
  auto& a = p.add(std::make_unique<Recorder>("a", log));
  p.add(std::make_unique<Recorder>("b", log));
  bool inside = false;
  a.on_frame = [&](const Frame& f, Recorder& self) {
    EXPECT_FALSE(inside);
    inside = true;
    if (f.is<AudioFrame>()) {
      self.emit(AgentText{1, "one"});
      self.emit(AgentText{1, "two"});
      self.emit(SpeechStarted{});  // queued after the texts, delivered before them
    }
    inside = false;
  };
  p.push(AudioFrame{});
  // a forwards the audio itself after on_frame: it is queued behind the two texts.
  EXPECT_EQ(log, (std::vector<std::string>{"a:audio", "b:speech_started", "b:agent_text", "b:agent_text", "b:audio"}));
}

TEST(Pipeline, InterruptFlushesQueuedAgentSpeechButKeepsUninterruptibleFramesInOrder) {
  std::vector<std::string> log;
  Pipeline p;
  auto& a = p.add(std::make_unique<Recorder>("a", log));
  p.add(std::make_unique<Recorder>("b", log));
  a.on_frame = [&](const Frame& f, Recorder& self) {
    if (!f.is<UserInput>()) return;
    self.emit(AgentText{1, "hello"});
    self.emit(AgentAudio{1, 0, {1, 2, 3}});
    self.emit(Transfer{"sip:x@127.0.0.1"});
    self.emit(AgentText{1, "more"});
    self.emit(Hangup{"agent", true});
    self.emit_both(Interrupt{1, "barge_in"});
  };
  std::vector<std::string> out;
  p.set_exit([&](Frame&& f, Direction) { out.push_back(f.name()); });
  p.push(UserInput{});
  EXPECT_EQ(out, (std::vector<std::string>{"interrupt", "interrupt", "transfer", "hangup", "user_input"}));
}

TEST(Pipeline, StopStopsEveryProcessorAndIgnoresLaterFrames) {
  std::vector<std::string> log;
  Pipeline p;
  auto& a = p.add(std::make_unique<Recorder>("a", log));
  p.stop();
  EXPECT_TRUE(a.stopped);
  p.push(AgentText{});
  EXPECT_TRUE(log.empty());
  EXPECT_TRUE(p.stopped());
}

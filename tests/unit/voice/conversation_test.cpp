// The Conversation end to end inside the voice module: real VAD, pocketsphinx, rules agent, flite;
// the caller is flite kal16 (Parley speaks slt).
#include "voice/conversation/conversation.hpp"

#include <gtest/gtest.h>

#include "conversation_harness.hpp"
#include "voice/audio/pcm.hpp"

using namespace parley;
using namespace parley::voice;
using Role = TranscriptEntry::Role;

namespace {

AgentSpec agent_with(std::string_view patch_voice_turn = {}) {
  std::string json = test::kSupportAgentJson;
  if (!patch_voice_turn.empty()) {
    auto pos = json.find("\"max_duration\": 600,");
    json.insert(pos, std::string(patch_voice_turn));
  }
  auto spec = parse_agent_spec(json);
  EXPECT_TRUE(spec.has_value());
  return *spec;
}

// Waits for the greeting to be played out.
void greeted(test::Harness& h) {
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("thanks for calling Acme"); }));
}

}  // namespace

TEST(Conversation, GreetsThenAnswersTheCallersIntentWithTranscriptUsageAndLatency) {
  test::Harness h(agent_with());
  greeted(h);
  const auto greeting = h.call.transcript.front();
  EXPECT_EQ(greeting.text, "Hi Jane Doe, thanks for calling Acme. How can I help you today?");
  EXPECT_EQ(greeting.turn, 0U);
  EXPECT_FALSE(greeting.interrupted);

  h.say(test::speech("I need help with my order"));
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("on its way"); })) << test::dump(h.call);
  auto users = h.call.entries(Role::user);
  ASSERT_EQ(users.size(), 1U);
  EXPECT_EQ(users[0]->text, "i need help with my order");
  ASSERT_EQ(h.call.transcript.size(), 3U) << test::dump(h.call);
  EXPECT_EQ(h.call.transcript[2].text, "Your order is on its way.");
  EXPECT_LT(h.call.transcript[0].timestamp, h.call.transcript[1].timestamp);
  EXPECT_LT(h.call.transcript[1].timestamp, h.call.transcript[2].timestamp);

  ASSERT_EQ(h.call.latencies.size(), 1U);
  const auto& l = h.call.latencies[0];
  EXPECT_EQ(l.turn, 1U);
  EXPECT_FALSE(l.dtmf);
  EXPECT_GT(l.endpointing.count(), 0);
  EXPECT_GE(l.total().count(), l.endpointing.count());
  EXPECT_EQ(l.queued_ahead_ms, 0);
  EXPECT_GT(h.call.usage.stt_seconds, 1.0);
  // Characters sent to TTS: the greeting goes as two sentences, without the space between them.
  EXPECT_EQ(h.call.usage.tts_characters,
            static_cast<std::int64_t>(greeting.text.size() - 1 + std::string("Your order is on its way.").size()));
  EXPECT_TRUE(h.call.errors.empty());
  EXPECT_TRUE(h.call.hangups.empty());
}

TEST(Conversation, BargeInFlushesTheAgentWithinOneFrameAndMarksTheTurnInterrupted) {
  test::Harness h(agent_with());
  h.conv->start();
  // Wait until the greeting is playing, let a second of it play, then talk over it.
  ASSERT_TRUE(h.silence_until([&] { return h.call.queued() > 0; }));
  h.silence(1000);
  ASSERT_GT(h.call.queued(), 16000U);  // more than a second still queued
  auto frames = test::frames_of(test::speech("Transfer me to a human"));
  // Where the voice starts in the synthesized audio (flite leads with a little silence).
  std::size_t lead = 0;
  while (lead < frames.size() && audio::rms_dbfs(frames[lead]) < -35) ++lead;
  auto onset = h.call.frame + lead;
  auto start = h.call.frame;
  for (const auto& f : frames) {
    h.frame(f);
    if (!h.call.stops.empty()) {
      // The flush happened at this frame: nothing of the greeting is left to send.
      EXPECT_EQ(h.call.queued(), 0U);
      break;
    }
  }
  ASSERT_EQ(h.call.stops.size(), 1U);
  // barge_in_ms = 300 of voiced frames after the onset: at 20 ms a frame, 15 voiced frames (plus
  // the few unvoiced frames between words).
  auto frames_to_interrupt = h.call.stops[0] - onset;
  EXPECT_GE(frames_to_interrupt, 300U / 20 - 2);
  EXPECT_LE(frames_to_interrupt, 300U / 20 + 6);
  auto last_audio = h.call.frames_with_audio.back();
  EXPECT_LE(last_audio, h.call.stops[0]);  // no agent audio after the flush
  ASSERT_FALSE(h.call.transcript.empty());
  const auto& cut = h.call.transcript.front();
  EXPECT_TRUE(cut.interrupted);
  EXPECT_FALSE(cut.text.empty());
  EXPECT_LT(cut.text.size(), std::string("Hi Jane Doe, thanks for calling Acme. How can I help you today?").size());
  EXPECT_EQ(std::string("Hi Jane Doe, thanks for calling Acme. How can I help you today?").rfind(cut.text, 0), 0U) << cut.text;
  // The rest of the caller's sentence still counts: it is a turn and gets its reply.
  for (std::size_t i = h.call.frame - start; i < frames.size(); ++i) h.frame(frames[i]);
  ASSERT_TRUE(h.silence_until([&] { return !h.call.transfers.empty(); }));
  EXPECT_EQ(h.call.transfers[0], "sip:support@127.0.0.1");
  EXPECT_EQ(h.call.queued_at_transfer, 0U);  // after "Connecting you now." was played
  EXPECT_TRUE(h.call.agent_said("Connecting you now."));
}

TEST(Conversation, WithBargeInOffTheAgentIsNotInterrupted) {
  auto spec = agent_with();
  spec.voice.barge_in = false;
  test::Harness h(spec);
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.queued() > 0; }));
  h.say(test::speech("Transfer me to a human"));
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("thanks for calling"); }));
  EXPECT_TRUE(h.call.stops.empty());
  EXPECT_FALSE(h.call.transcript.front().interrupted);
  h.silence(1000);
  EXPECT_TRUE(h.call.entries(Role::user).empty());  // speech over the agent was ignored
}

TEST(Conversation, DtmfIsAnEqualInput) {
  test::Harness h(agent_with());
  greeted(h);
  h.conv->on_dtmf('2', 120);
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("zero dollars"); }));
  auto users = h.call.entries(Role::user);
  ASSERT_EQ(users.size(), 1U);
  EXPECT_EQ(users[0]->text, "DTMF: 2");
  ASSERT_EQ(h.call.latencies.size(), 1U);
  EXPECT_TRUE(h.call.latencies[0].dtmf);
}

TEST(Conversation, AnIntentThatEndsTheCallHangsUpOnlyAfterItsReplyWasPlayed) {
  test::Harness h(agent_with());
  greeted(h);
  h.say(test::speech("That is all"));
  ASSERT_TRUE(h.silence_until([&] { return !h.call.hangups.empty(); })) << test::dump(h.call);
  EXPECT_EQ(h.call.hangups, (std::vector<std::string>{"agent"}));
  EXPECT_EQ(h.call.queued_at_hangup, 0U);
  EXPECT_TRUE(h.call.agent_said("Goodbye!"));
  EXPECT_LE(h.call.frames_with_audio.back(), h.call.hangup_frame);
  // After the hang-up the conversation is over: nothing more reaches the call.
  auto entries = h.call.transcript.size();
  h.conv->on_dtmf('1', 100);
  h.silence(500);
  EXPECT_EQ(h.call.transcript.size(), entries);
  EXPECT_EQ(h.call.hangups.size(), 1U);
}

TEST(Conversation, OutOfGrammarSpeechGetsTheFallbackReply) {
  test::Harness h(agent_with());
  greeted(h);
  h.say(test::speech("What will the weather be like tomorrow in the city"));
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("Sorry, I did not get that"); })) << test::dump(h.call);
}

TEST(Conversation, SilenceRepromptsOnceThenSaysGoodbyeAndHangsUp) {
  test::Harness h(agent_with(R"("turn": {"silence_timeout_ms": 1500}, )"));
  greeted(h);
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("Are you still there?"); }, 4000));
  ASSERT_TRUE(h.silence_until([&] { return !h.call.hangups.empty(); }, 8000));
  EXPECT_EQ(h.call.hangups[0], "silence");
  EXPECT_TRUE(h.call.agent_said("Thanks for calling. Goodbye."));
  EXPECT_EQ(h.call.queued_at_hangup, 0U);
}

TEST(Conversation, MaxDurationSaysGoodbyeAndHangsUp) {
  auto info = test::Harness::default_call();
  info.max_duration_s = 2;  // shorter than the agent's 600
  test::Harness h(agent_with(), info);
  h.pace_us = 20000;  // real time: the limit is a wall-clock timer
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return !h.call.hangups.empty(); }, 12000));
  EXPECT_EQ(h.call.hangups[0], "max_duration");
  EXPECT_TRUE(h.call.agent_said("time limit"));
  EXPECT_TRUE(h.call.transcript.front().interrupted);  // the greeting was cut for the goodbye
}

TEST(Conversation, AfterHoursTheMessageIsSpokenAndTheCallEnds) {
  auto spec = parse_agent_spec(R"({"voice": {"greeting": "Hello"},
      "after_hours": {"timezone": "America/New_York", "message": "We are closed, {{customer_name}}.",
                      "schedule": [{"days": ["mon","tue","wed","thu","fri"], "start": "09:00", "end": "17:00"}]}})");
  ASSERT_TRUE(spec.has_value());
  auto info = test::Harness::default_call();
  info.answered_utc = *core::parse_iso8601("2026-03-09T12:30:00Z");  // Monday 08:30 EDT (DST began the day before)
  test::Harness closed(*spec, info);
  closed.conv->start();
  ASSERT_TRUE(closed.silence_until([&] { return !closed.call.hangups.empty(); }));
  EXPECT_EQ(closed.call.hangups[0], "after_hours");
  EXPECT_TRUE(closed.call.agent_said("We are closed, Jane Doe."));
  EXPECT_FALSE(closed.call.agent_said("Hello"));

  info.answered_utc = *core::parse_iso8601("2026-03-09T13:30:00Z");  // 09:30 EDT: open
  test::Harness open(*spec, info);
  open.conv->start();
  ASSERT_TRUE(open.silence_until([&] { return open.call.agent_said("Hello"); }));
  EXPECT_TRUE(open.call.hangups.empty());
}

TEST(Conversation, StopEndsEverythingAtOnce) {
  test::Harness h(agent_with());
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.queued() > 0; }));
  h.conv->stop();
  auto entries = h.call.transcript.size();
  h.conv->on_dtmf('1', 100);
  h.silence(400);
  EXPECT_EQ(h.call.transcript.size(), entries);
  EXPECT_TRUE(h.call.hangups.empty());
}

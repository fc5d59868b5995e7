#include "voice/config/agent_spec.hpp"

#include <gtest/gtest.h>

#include "voice_test_util.hpp"

using namespace parley::voice;

TEST(AgentSpec, ParsesTheStoredConfig) {
  auto spec = test::support_agent();
  EXPECT_EQ(spec.engine, AgentSpec::Engine::rules);
  EXPECT_EQ(spec.agent_provider(), "rules");
  EXPECT_EQ(spec.voice.tts.provider, "flite");
  EXPECT_EQ(spec.voice.tts.voice, "slt");
  EXPECT_EQ(spec.voice.stt.provider, "pocketsphinx");
  ASSERT_EQ(spec.rules.intents.size(), 5U);
  EXPECT_EQ(spec.rules.intents[0].dtmf, "1");
  EXPECT_EQ(spec.rules.intents[1].slots.at(0).kind, SlotSpec::Kind::digits);
  EXPECT_EQ(spec.rules.intents[3].action.kind, IntentAction::Kind::transfer);
  EXPECT_EQ(spec.rules.intents[3].action.target, "sip:support@127.0.0.1");
  EXPECT_EQ(spec.rules.intents[4].action.kind, IntentAction::Kind::end_call);
  EXPECT_EQ(spec.rules.reprompt, "Are you still there?");
}

TEST(AgentSpec, DefaultsAndToleranceOfUnknownOrMistypedMembers) {
  auto spec = parse_agent_spec(R"({"voice": {"max_duration": "long", "barge_in": false, "future_field": 1,
                                             "tts": {"provider": "openai", "voice": "alloy", "speed": 1.2}},
                                  "added_later": {"x": 1},
                                  "llm": {"provider": "groq", "model": "llama", "temperature": 0.5, "max_tokens": 200}})",
                               EngineKeys{"sk-llm", "sk-tts", ""});
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->engine, AgentSpec::Engine::llm);  // an llm object without "engine" means llm
  EXPECT_EQ(spec->agent_provider(), "groq");
  EXPECT_EQ(spec->voice.max_duration_s, 600);  // wrong type -> default
  EXPECT_FALSE(spec->voice.barge_in);
  EXPECT_TRUE(spec->voice.transcription);
  EXPECT_EQ(spec->voice.stt.provider, "pocketsphinx");
  EXPECT_EQ(spec->voice.tts.api_key, "sk-tts");
  EXPECT_EQ(spec->llm.api_key, "sk-llm");
  EXPECT_EQ(spec->llm.max_tokens, 200);
  EXPECT_DOUBLE_EQ(*spec->llm.temperature, 0.5);
  EXPECT_NE(spec->voice.tts.options_json.find("\"speed\""), std::string::npos);
  EXPECT_EQ(spec->turn.endpoint_silence_ms, TurnSpec{}.endpoint_silence_ms);
}

TEST(AgentSpec, SlotKindsActionsScheduleAndTurnSettings) {
  auto spec = parse_agent_spec(R"json({
    "rules": {"intents": [
      {"name": "a", "phrases": ["x"], "slots": {"n": "number", "c": ["red", "green"], "p": {"pattern": "([a-z]+)"},
                                                "v": {"values": ["small"]}, "r": "\\d+"}, "action": "http:https://h.example/x"},
      {"name": "no_trigger", "reply": "never"},
      {"name": "bad_action", "phrases": ["y"], "action": "http:ftp://nope"}]},
    "after_hours": {"timezone": "Europe/Berlin", "message": "closed",
                    "schedule": [{"days": ["mon", "fri", "xyz"], "start": "09:00", "end": "17:30"},
                                 {"days": ["sat"], "start": "25:00", "end": "10:00"}]},
    "voice": {"turn": {"endpoint_silence_ms": 800, "barge_in_ms": 10}}})json");
  ASSERT_TRUE(spec.has_value());
  ASSERT_EQ(spec->rules.intents.size(), 2U);  // the intent nothing can select is dropped
  const auto& slots = spec->rules.intents[0].slots;
  ASSERT_EQ(slots.size(), 5U);
  auto kind_of = [&](std::string_view n) {
    for (const auto& s : slots) {
      if (s.name == n) return s.kind;
    }
    return SlotSpec::Kind::digits;
  };
  EXPECT_EQ(kind_of("n"), SlotSpec::Kind::number);
  EXPECT_EQ(kind_of("c"), SlotSpec::Kind::choice);
  EXPECT_EQ(kind_of("p"), SlotSpec::Kind::pattern);
  EXPECT_EQ(kind_of("v"), SlotSpec::Kind::choice);
  EXPECT_EQ(kind_of("r"), SlotSpec::Kind::pattern);
  EXPECT_EQ(spec->rules.intents[0].action.kind, IntentAction::Kind::http);
  EXPECT_EQ(spec->rules.intents[0].action.target, "https://h.example/x");
  EXPECT_EQ(spec->rules.intents[1].action.kind, IntentAction::Kind::continue_call);
  ASSERT_TRUE(spec->after_hours.has_value());
  ASSERT_EQ(spec->after_hours->schedule.size(), 1U);  // the window with a bad time is dropped
  EXPECT_EQ(spec->after_hours->schedule[0].days, 0b10001);
  EXPECT_EQ(spec->after_hours->schedule[0].end_min, 17 * 60 + 30);
  EXPECT_EQ(spec->turn.endpoint_silence_ms, 800);
  EXPECT_EQ(spec->turn.barge_in_ms, 20);  // clamped
}

TEST(AgentSpec, RejectsWhatIsNotAJsonObject) {
  EXPECT_FALSE(parse_agent_spec("[1,2]").has_value());
  EXPECT_FALSE(parse_agent_spec("{not json").has_value());
  EXPECT_EQ(parse_agent_spec("").error().code, parley::core::Errc::invalid_argument);
}

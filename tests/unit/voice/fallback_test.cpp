// Engine failures inside a real conversation: deliberately failing engines registered next to the
// embedded ones, and the wrappers of engine/fallback.hpp switching to them.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include "conversation_harness.hpp"
#include "voice/agent/rules/rules_agent.hpp"
#include "voice/engine/lifeline.hpp"

using namespace parley;
using namespace parley::voice;

namespace {

// An agent that fails every reply (an LLM endpoint answering 500), after a post like a real one.
class FailingAgent final : public AgentSession {
 public:
  FailingAgent(boost::asio::io_context& io, AgentListener& l) : io_(io), l_(l), life_(Lifeline::create()) {}
  ~FailingAgent() override { life_->cut(); }
  void respond(const AgentInput& in) override {
    ++calls;
    post_if_alive(io_, life_, [this, turn = in.turn] {
      l_.on_agent_done(turn, core::fail(core::Errc::unavailable, "HTTP 500 from the chat endpoint"));
    });
  }
  void cancel() override {}
  void record_speech(std::string_view, bool) override {}
  static inline int calls = 0;

 private:
  boost::asio::io_context& io_;
  AgentListener& l_;
  std::shared_ptr<Lifeline> life_;
};

// A TTS that accepts requests and never answers (a stalled stream).
class StalledTts final : public TtsStream {
 public:
  void synthesize(std::uint32_t, std::string) override { ++requests; }
  void cancel() override {}
  static inline int requests = 0;
};

// A TTS whose every request answers after `delay`: slower than the test's deadline, but it answers.
class LateTts final : public TtsStream {
 public:
  LateTts(boost::asio::io_context& io, TtsListener& l, std::chrono::milliseconds delay)
      : io_(io), l_(l), delay_(delay), life_(Lifeline::create()) {}
  ~LateTts() override { life_->cut(); }
  void synthesize(std::uint32_t request, std::string) override {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay_);
    auto life = life_;
    timer->async_wait([this, life, timer, request](const boost::system::error_code& ec) {
      if (ec || !life->alive()) return;
      std::vector<std::int16_t> pcm(3200, 1000);
      l_.on_tts_audio(request, pcm);
      l_.on_tts_done(request, {});
    });
  }
  void cancel() override {}

 private:
  boost::asio::io_context& io_;
  TtsListener& l_;
  std::chrono::milliseconds delay_;
  std::shared_ptr<Lifeline> life_;
};

AgentSpec spec_with(std::string agent_provider_json, std::string tts_provider) {
  std::string json = test::kSupportAgentJson;
  json.replace(json.find("\"engine\": \"rules\""), std::string("\"engine\": \"rules\"").size(), agent_provider_json);
  json.replace(json.find("\"provider\": \"flite\""), std::string("\"provider\": \"flite\"").size(),
               "\"provider\": \"" + tts_provider + "\"");
  auto s = parse_agent_spec(json);
  EXPECT_TRUE(s.has_value());
  return *s;
}

}  // namespace

TEST(Fallback, AFailingAgentIsReplacedByTheRulesAgentAfterAnApology) {
  EngineRegistry reg;
  register_embedded_engines(reg);
  reg.add_agent("flaky_llm", [](const EngineContext& ctx, const AgentSetup&, AgentListener& l)
                                 -> core::Result<std::unique_ptr<AgentSession>> {
    return std::make_unique<FailingAgent>(ctx.io, l);
  });
  FailingAgent::calls = 0;
  auto spec = spec_with(R"("engine": "llm", "llm": {"provider": "flaky_llm", "model": "x"})", "flite");
  test::Harness h(spec, test::Harness::default_call(), &reg);
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("thanks for calling Acme"); }));
  h.conv->on_dtmf('2', 100);
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said(kAgentApology); }));
  ASSERT_EQ(h.call.errors.size(), 1U);
  EXPECT_EQ(h.call.errors[0].kind, EngineKind::agent);
  EXPECT_EQ(h.call.errors[0].provider, "flaky_llm");
  EXPECT_EQ(h.call.errors[0].fallback_provider, "rules");
  EXPECT_EQ(h.call.errors[0].error.message, "HTTP 500 from the chat endpoint");
  // The next turn is answered by the fallback (the rules of the same agent).
  h.conv->on_dtmf('2', 100);
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("zero dollars"); }));
  EXPECT_EQ(FailingAgent::calls, 1);
  EXPECT_EQ(h.call.errors.size(), 1U);
}

TEST(Fallback, AStalledTtsMissesItsDeadlineAndFliteSpeaksInstead) {
  EngineRegistry reg;
  register_embedded_engines(reg);
  reg.add_tts("stalled", [](const EngineContext&, const TtsSetup&, TtsListener&) -> core::Result<std::unique_ptr<TtsStream>> {
    return std::make_unique<StalledTts>();
  });
  StalledTts::requests = 0;
  test::Harness h(spec_with(R"("engine": "rules")", "stalled"), test::Harness::default_call(), &reg);
  // Rebuild with a short deadline: the default is 5 s.
  h.conv.reset();
  EngineDeadlines d;
  d.tts_first_audio = std::chrono::milliseconds(300);
  auto c = Conversation::create(ConversationDeps{h.rig.io, h.rig.pool, h.rig.http, reg, h.call, h.call, true, d},
                                spec_with(R"("engine": "rules")", "stalled"), test::Harness::default_call());
  ASSERT_TRUE(c.has_value());
  h.conv = std::move(*c);
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("thanks for calling Acme"); }));
  EXPECT_GE(StalledTts::requests, 1);
  ASSERT_EQ(h.call.errors.size(), 1U);
  EXPECT_EQ(h.call.errors[0].kind, EngineKind::tts);
  EXPECT_EQ(h.call.errors[0].error.code, core::Errc::timeout);
  EXPECT_EQ(h.call.errors[0].fallback_provider, "flite");
  // Nothing of the greeting was lost: both of its sentences were spoken by the fallback.
  EXPECT_TRUE(h.call.agent_said("How can I help you today?"));
}

TEST(Fallback, TheLastEngineLeftGetsLongerThanTheDeadline) {
  EngineRegistry reg;
  register_embedded_engines(reg);
  reg.add_tts("stalled", [](const EngineContext&, const TtsSetup&, TtsListener&) -> core::Result<std::unique_ptr<TtsStream>> {
    return std::make_unique<StalledTts>();
  });
  reg.add_tts("late", [](const EngineContext& ctx, const TtsSetup&, TtsListener& l) -> core::Result<std::unique_ptr<TtsStream>> {
    return std::make_unique<LateTts>(ctx.io, l, std::chrono::milliseconds(600));
  });
  auto spec = spec_with(R"("engine": "rules")", "stalled");
  spec.voice.tts.fallback = "late";
  test::Harness h(spec, test::Harness::default_call(), &reg);
  h.conv.reset();
  EngineDeadlines d;
  d.tts_first_audio = std::chrono::milliseconds(300);
  auto c = Conversation::create(ConversationDeps{h.rig.io, h.rig.pool, h.rig.http, reg, h.call, h.call, true, d},
                                spec, test::Harness::default_call());
  ASSERT_TRUE(c.has_value());
  h.conv = std::move(*c);
  h.conv->start();
  // The stalled primary misses its 300 ms; the fallback answers after 600 ms and is waited for.
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("How can I help you today?"); }));
  ASSERT_EQ(h.call.errors.size(), 1U);
  EXPECT_EQ(h.call.errors[0].provider, "stalled");
  EXPECT_EQ(h.call.errors[0].fallback_provider, "late");
  EXPECT_GT(h.call.queued_total, 0U);  // its audio reached the call
}

TEST(Fallback, AnUnknownSttProviderFallsBackToPocketsphinxFromTheStart) {
  auto spec = test::support_agent();
  spec.voice.stt.provider = "deepgram";  // not registered in this build's test registry
  test::Harness h(spec);
  ASSERT_EQ(h.call.errors.size(), 1U);
  EXPECT_EQ(h.call.errors[0].kind, EngineKind::stt);
  EXPECT_EQ(h.call.errors[0].provider, "deepgram");
  EXPECT_EQ(h.call.errors[0].error.code, core::Errc::unsupported);
  EXPECT_EQ(h.call.errors[0].fallback_provider, "pocketsphinx");
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("thanks for calling Acme"); }));
  h.say(test::speech("billing question"));
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("zero dollars"); }));
}

TEST(Fallback, WithNoEngineLeftTheCallerStillHearsTheApology) {
  EngineRegistry reg;  // nothing registered at all except a rules fallback of its own
  reg.add_tts("flite", [](const EngineContext& ctx, const TtsSetup& s, TtsListener& l) {
    EngineRegistry full;
    register_embedded_engines(full);
    return (*full.tts("flite"))(ctx, s, l);
  });
  auto spec = spec_with(R"("engine": "llm", "llm": {"provider": "nowhere", "model": "x"})", "flite");
  test::Harness h(spec, test::Harness::default_call(), &reg);
  h.conv->start();
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said("thanks for calling"); }));
  h.conv->on_dtmf('1', 100);
  ASSERT_TRUE(h.silence_until([&] { return h.call.agent_said(kAgentApology); }));
  bool agent_error = false;
  for (const auto& e : h.call.errors) agent_error = agent_error || (e.kind == EngineKind::agent && e.fallback_provider.empty());
  EXPECT_TRUE(agent_error);
}

// Cloud engine failures as the voice module's fallback wrappers (engine/fallback.hpp) see them: each
// failure mode of a local provider server switches the call to the fallback engine and is reported.
#include <gtest/gtest.h>

#include "engine_harness.hpp"
#include "voice/cloud/cloud_engines.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/engine/fallback.hpp"

namespace parley::voice::test {
namespace {

class CloudFallbackTest : public ::testing::Test {
 protected:
  CloudFallbackTest() {
    register_embedded_engines(registry_);
    cloud::register_cloud_engines(registry_);
  }
  static parley::test::PythonPeer& deepgram() {
    static parley::test::PythonPeer p(peer_script("deepgram_peer.py"));
    return p;
  }
  static parley::test::PythonPeer& http() {
    static parley::test::PythonPeer p(peer_script("cloud_http_peer.py"));
    return p;
  }
  static std::string http_base(std::string_view suffix = "/v1") {
    return "http://127.0.0.1:" + std::to_string(http().port()) + std::string(suffix);
  }

  FallbackSetup setup(std::string primary, std::string fallback) {
    return FallbackSetup{h_.ctx.io, std::move(primary), std::move(fallback), [this](const EngineErrorReport& r) {
                           std::lock_guard l(mu_);
                           reports_.push_back(r);
                         }};
  }
  std::optional<EngineErrorReport> wait_report() {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard l(mu_);
        if (!reports_.empty()) return reports_.front();
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

  EngineHarness h_;
  EngineRegistry registry_;
  std::mutex mu_;
  std::vector<EngineErrorReport> reports_;
};

TEST_F(CloudFallbackTest, StalledDeepgramFallsBackToWhisperAfterAnEmptyFinal) {
  auto agent = *parse_agent_spec(
      R"({"name":"a","voice":{"stt":{"provider":"deepgram","finalize_timeout_ms":400,"base_url":"ws://127.0.0.1:)" +
          std::to_string(deepgram().port()) + R"("}}})",
      EngineKeys{.stt = "stall"});
  auto whisper = *parse_agent_spec(R"({"name":"b","voice":{"stt":{"provider":"openai","base_url":")" + http_base() + "\"}}}",
                                   EngineKeys{.stt = "sk-good"});
  SttRecorder rec;
  auto s = h_.on_io([&] {
    return make_fallback_stt(
        setup("deepgram", "openai"), EngineDeadlines{}.stt_final, rec,
        [&](SttListener& l) { return (*registry_.stt("deepgram"))(h_.ctx, {agent, agent.voice.stt}, l); },
        [&](SttListener& l) { return (*registry_.stt("openai"))(h_.ctx, {whisper, whisper.voice.stt}, l); });
  });
  h_.on_io([&] {
    s->begin_utterance(1);
    for (int i = 0; i < 25; ++i) s->audio(tone_frame(true));
    s->end_utterance(1);
  });
  auto lost = rec.wait_final(1);
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->text, "");  // the conversation answers this with its apology
  auto report = wait_report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->provider, "deepgram");
  EXPECT_EQ(report->error.code, core::Errc::timeout) << report->error.message;
  EXPECT_EQ(report->fallback_provider, "openai");
  h_.on_io([&] {
    s->begin_utterance(2);
    for (int i = 0; i < 50; ++i) s->audio(tone_frame(true));
    s->end_utterance(2);
  });
  auto fin = rec.wait_final(2);
  ASSERT_TRUE(fin);
  EXPECT_TRUE(fin->text.starts_with("I heard")) << fin->text;
  h_.on_io([&] { s.reset(); });
}

TEST_F(CloudFallbackTest, RefusedDeepgramKeyFallsBackBeforeTheFirstUtterance) {
  auto agent = *parse_agent_spec(R"({"name":"a","voice":{"stt":{"provider":"deepgram","base_url":"ws://127.0.0.1:)" +
                                     std::to_string(deepgram().port()) + R"("}}})",
                                 EngineKeys{.stt = "bad"});
  auto whisper = *parse_agent_spec(R"({"name":"b","voice":{"stt":{"provider":"openai","base_url":")" + http_base() + "\"}}}",
                                   EngineKeys{.stt = "sk-good"});
  SttRecorder rec;
  auto s = h_.on_io([&] {
    return make_fallback_stt(
        setup("deepgram", "openai"), EngineDeadlines{}.stt_final, rec,
        [&](SttListener& l) { return (*registry_.stt("deepgram"))(h_.ctx, {agent, agent.voice.stt}, l); },
        [&](SttListener& l) { return (*registry_.stt("openai"))(h_.ctx, {whisper, whisper.voice.stt}, l); });
  });
  auto report = wait_report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->error.code, core::Errc::unauthorized);
  EXPECT_NE(report->error.message.find("INVALID_AUTH"), std::string::npos);
  h_.on_io([&] {
    s->begin_utterance(1);
    for (int i = 0; i < 30; ++i) s->audio(tone_frame(true));
    s->end_utterance(1);
  });
  auto fin = rec.wait_final(1);
  ASSERT_TRUE(fin);
  EXPECT_TRUE(fin->text.starts_with("I heard")) << fin->text;
  h_.on_io([&] { s.reset(); });
}

TEST_F(CloudFallbackTest, FailingOpenAiSpeechIsSpokenByTheFallbackVoice) {
  auto primary = *parse_agent_spec(R"({"name":"a","voice":{"tts":{"provider":"openai","base_url":")" + http_base() + "\"}}}",
                                   EngineKeys{.tts = "boom"});
  TtsRecorder rec;
  auto s = h_.on_io([&] {
    return make_fallback_tts(
        setup("openai", "flite"), EngineDeadlines{}.tts_first_audio, rec,
        [&](TtsListener& l) { return (*registry_.tts("openai"))(h_.ctx, TtsSetup{primary.voice.tts}, l); },
        [&](TtsListener& l) {
          EngineSpec flite;
          flite.provider = "flite";
          flite.voice = "slt";
          return (*registry_.tts("flite"))(h_.ctx, TtsSetup{flite}, l);
        });
  });
  h_.on_io([&] { s->synthesize(1, "Thanks for calling."); });
  auto d = rec.wait_done(1);
  ASSERT_TRUE(d && *d) << (d ? d->error().message : "no done");
  EXPECT_GT(rec.samples(1), 8000u);  // the sentence was not lost
  auto report = wait_report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->provider, "openai");
  EXPECT_EQ(report->error.code, core::Errc::unavailable);
  EXPECT_NE(report->error.message.find("HTTP 500"), std::string::npos) << report->error.message;
  h_.on_io([&] { s.reset(); });
}

TEST_F(CloudFallbackTest, StalledLlmAnswersWithTheApologyThenTheRulesAgentTakesOver) {
  auto agent = *parse_agent_spec(R"({"name":"a","engine":"llm","llm":{"provider":"vllm","model":"m","idle_timeout_ms":400,)"
                                 R"("base_url":")" + http_base() + R"("},"rules":{"fallback":"Please hold on."}})",
                                 EngineKeys{.llm = "stall"});
  CallInfo call;
  AgentRecorder rec;
  auto a = h_.on_io([&] {
    return make_fallback_agent(
        setup("vllm", "rules"), EngineDeadlines{}.agent_progress, rec,
        [&](AgentListener& l) { return (*registry_.agent("vllm"))(h_.ctx, AgentSetup{agent, call}, l); },
        [&](AgentListener& l) { return (*registry_.agent("rules"))(h_.ctx, AgentSetup{agent, call}, l); });
  });
  h_.on_io([&] { a->respond({1, AgentInput::Source::speech, "hello"}); });
  ASSERT_TRUE(rec.wait_done(1));
  EXPECT_EQ(rec.text[1], kAgentApology);
  auto report = wait_report();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->error.code, core::Errc::timeout) << report->error.message;
  EXPECT_EQ(report->fallback_provider, "rules");
  h_.on_io([&] { a->respond({2, AgentInput::Source::speech, "hello again"}); });
  ASSERT_TRUE(rec.wait_done(2));
  EXPECT_EQ(rec.text[2], "Please hold on.");
  h_.on_io([&] { a.reset(); });
}

}  // namespace
}  // namespace parley::voice::test

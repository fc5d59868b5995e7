// The deepgram STT engine against a local server speaking Deepgram's live protocol (deepgram_peer.py).
#include <gtest/gtest.h>

#include "engine_harness.hpp"
#include "voice/cloud/cloud_engines.hpp"
#include "voice/cloud/deepgram_protocol.hpp"
#include "voice/cloud/deepgram_stt.hpp"
#include "voice/config/agent_spec.hpp"

namespace parley::voice::test {
namespace {

class DeepgramSttTest : public ::testing::Test {
 protected:
  static parley::test::PythonPeer& peer() {
    static parley::test::PythonPeer p(peer_script("deepgram_peer.py"));
    return p;
  }

  // An agent whose voice.stt is deepgram at the local server, with `extra` provider options.
  std::unique_ptr<SttStream> open(const std::string& key, const std::string& extra = "") { return open_with(key, extra, rec_); }

  std::unique_ptr<SttStream> open_with(const std::string& key, const std::string& extra, SttListener& listener) {
    auto json = R"({"name":"a","voice":{"stt":{"provider":"deepgram","model":"nova-2","language":"en-US",)"
                R"("base_url":"ws://127.0.0.1:)" + std::to_string(peer().port()) + "\"" + extra + "}}}";
    auto spec = parse_agent_spec(json, EngineKeys{.stt = key});
    EXPECT_TRUE(spec);
    agent_ = *spec;
    cloud::register_cloud_engines(registry_);
    auto* factory = registry_.stt("deepgram");
    EXPECT_NE(factory, nullptr);
    return h_.on_io([&] {
      auto s = (*factory)(h_.ctx, SttSetup{agent_, agent_.voice.stt}, listener);
      EXPECT_TRUE(s) << s.error().message;
      return s ? std::move(*s) : nullptr;
    });
  }

  void feed(SttStream& s, int frames, bool loud) {
    h_.on_io([&] {
      for (int i = 0; i < frames; ++i) s.audio(tone_frame(loud));
    });
  }

  void close(std::unique_ptr<SttStream>& s) {
    h_.on_io([&] { s.reset(); });
  }

  EngineHarness h_;
  EngineRegistry registry_;
  AgentSpec agent_;
  SttRecorder rec_;
};

TEST_F(DeepgramSttTest, InterimResultsThenDeepgramsOwnEndpointGiveTheFinal) {
  auto s = open("good-key");
  h_.on_io([&] { s->begin_utterance(1); });
  feed(*s, 75, true);   // 1.5 s of "speech"
  feed(*s, 25, false);  // 0.5 s of silence: past endpointing (300 ms)
  auto fin = rec_.wait_final(1);
  ASSERT_TRUE(fin) << (rec_.errors.empty() ? "no final" : rec_.errors.front().message);
  EXPECT_EQ(fin->text, "i need help with my order");
  auto all = rec_.snapshot();
  ASSERT_GE(all.size(), 3u);
  EXPECT_FALSE(all.front().is_final);
  EXPECT_EQ(all.front().text, "i");  // the whole text so far, growing
  h_.on_io([&] { s->end_utterance(1); });  // an early final is repeated at once
  EXPECT_TRUE(rec_.wait_finals(1, 2));
  close(s);
  EXPECT_FALSE(line_starting(peer(), R"(CLIENT {"type":"CloseStream"})").empty());
  EXPECT_TRUE(rec_.errors.empty());
  EXPECT_NEAR(rec_.seconds, 2.0, 0.01);
}

TEST_F(DeepgramSttTest, WordsJustBeforeTheUtteranceBelongToItButStaleOnesDoNot) {
  auto s = open("good-key");
  feed(*s, 20, true);  // Deepgram hears "i need" before the VAD opens the utterance
  std::this_thread::sleep_for(200ms);  // Deepgram's interim results arrive while no utterance is open
  EXPECT_TRUE(rec_.snapshot().empty());  // and are held back, not reported
  h_.on_io([&] { s->begin_utterance(5); });
  feed(*s, 55, true);
  feed(*s, 25, false);
  auto fin = rec_.wait_final(5);
  ASSERT_TRUE(fin);
  EXPECT_EQ(fin->text, "i need help with my order");
  close(s);

  SttRecorder stale;
  auto t = open_with("good-key", "", stale);
  feed(*t, 20, true);
  feed(*t, 25, false);  // Deepgram finalizes "i need": noise the VAD ignored
  std::this_thread::sleep_for(1200ms);
  h_.on_io([&] { t->begin_utterance(6); });
  feed(*t, 75, true);
  feed(*t, 25, false);
  auto fin2 = stale.wait_final(6);
  ASSERT_TRUE(fin2);
  EXPECT_EQ(fin2->text, "help with my order");
  close(t);
}

TEST_F(DeepgramSttTest, FinalizeFlushesWhenDeepgramDidNotEndpoint) {
  auto s = open("late");
  h_.on_io([&] { s->begin_utterance(7); });
  feed(*s, 40, true);
  feed(*s, 20, false);
  h_.on_io([&] { s->end_utterance(7); });
  auto fin = rec_.wait_final(7);
  ASSERT_TRUE(fin);
  EXPECT_EQ(fin->text, "i need help with");
  EXPECT_FALSE(line_starting(peer(), R"(CLIENT {"type":"Finalize"})").empty());
  close(s);
}

TEST_F(DeepgramSttTest, KeepAliveWhileNoAudioFlows) {
  auto s = open("good-key", R"(,"keepalive_ms":200)");
  EXPECT_FALSE(line_starting(peer(), R"(CLIENT {"type":"KeepAlive"})", "", 3s).empty());
  close(s);
}

TEST_F(DeepgramSttTest, BadKeyIsUnauthorizedWithDeepgramsMessage) {
  auto s = open("bad");
  auto e = rec_.wait_error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, core::Errc::unauthorized);
  EXPECT_NE(e->message.find("INVALID_AUTH: Invalid credentials."), std::string::npos) << e->message;
  feed(*s, 5, true);  // a failed stream ignores audio
  close(s);
}

TEST_F(DeepgramSttTest, RateLimitIsReported) {
  auto s = open("rate");
  auto e = rec_.wait_error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, core::Errc::rate_limited) << e->message;
  close(s);
}

TEST_F(DeepgramSttTest, StalledServerTimesOutTheFinal) {
  auto s = open("stall", R"(,"finalize_timeout_ms":400)");
  h_.on_io([&] { s->begin_utterance(2); });
  feed(*s, 30, true);
  auto start = std::chrono::steady_clock::now();
  h_.on_io([&] { s->end_utterance(2); });
  auto e = rec_.wait_error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, core::Errc::timeout) << e->message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  close(s);
}

TEST_F(DeepgramSttTest, ServerCloseMidStreamIsAnError) {
  auto s = open("drop");
  h_.on_io([&] { s->begin_utterance(3); });
  feed(*s, 60, true);
  auto e = rec_.wait_error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, core::Errc::unavailable);
  EXPECT_NE(e->message.find("1011"), std::string::npos) << e->message;
  close(s);
}

TEST_F(DeepgramSttTest, UnreachableServerIsUnavailable) {
  agent_ = *parse_agent_spec(R"({"name":"a","voice":{"stt":{"provider":"deepgram","base_url":"ws://127.0.0.1:1"}}})",
                             EngineKeys{.stt = "k"});
  auto s = h_.on_io([&] { return std::move(*cloud::make_deepgram_stt(h_.ctx, SttSetup{agent_, agent_.voice.stt}, rec_)); });
  auto e = rec_.wait_error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, core::Errc::unavailable) << e->message;
  h_.on_io([&] { s.reset(); });
}

TEST(DeepgramProtocol, ListenUrlCarriesTheAudioFormatAndOptions) {
  EngineSpec spec;
  spec.model = "nova-3";
  spec.language = "en-US";
  spec.base_url = "https://dg.example/";
  spec.options_json = R"({"endpointing_ms":500,"smart_format":false})";
  auto url = cloud::deepgram_listen_url(cloud::deepgram_options(spec), 16000);
  EXPECT_EQ(url,
            "wss://dg.example/v1/listen?model=nova-3&language=en-US&encoding=linear16&sample_rate=16000&channels=1"
            "&interim_results=true&punctuate=true&smart_format=false&endpointing=500&utterance_end_ms=1000&vad_events=true");
}

TEST(DeepgramProtocol, ParsesResultsAndIgnoresUnknownShapes) {
  auto m = cloud::parse_deepgram_message(
      R"({"type":"Results","start":1.5,"duration":0.8,"is_final":true,"speech_final":false,"from_finalize":true,)"
      R"("channel":{"alternatives":[{"transcript":"hello there","confidence":0.91}]}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, cloud::DeepgramMessage::Kind::results);
  EXPECT_EQ(m->transcript, "hello there");
  EXPECT_TRUE(m->is_final && m->from_finalize && !m->speech_final);
  EXPECT_DOUBLE_EQ(m->start, 1.5);
  EXPECT_NEAR(m->confidence, 0.91, 1e-6);
  auto other = cloud::parse_deepgram_message(R"({"type":"SomethingNew"})");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->kind, cloud::DeepgramMessage::Kind::other);
  EXPECT_FALSE(cloud::parse_deepgram_message("[1,2]"));
  EXPECT_FALSE(cloud::parse_deepgram_message("not json"));
}

}  // namespace
}  // namespace parley::voice::test

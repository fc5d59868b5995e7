// The openai STT, openai and elevenlabs TTS engines against a local server speaking the providers'
// HTTP APIs (cloud_http_peer.py): multipart upload, streamed PCM, error JSON, stalls and cuts.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine_harness.hpp"
#include "voice/cloud/cloud_engines.hpp"
#include "voice/config/agent_spec.hpp"

namespace parley::voice::test {
namespace {
namespace json = boost::json;

parley::test::PythonPeer& http_peer() {
  static parley::test::PythonPeer p(peer_script("cloud_http_peer.py"));
  return p;
}

std::string base(std::string_view suffix = "/v1") {
  return "http://127.0.0.1:" + std::to_string(http_peer().port()) + std::string(suffix);
}

class CloudHttpEngineTest : public ::testing::Test {
 protected:
  CloudHttpEngineTest() { cloud::register_cloud_engines(registry_); }

  AgentSpec agent(const std::string& voice_json, const EngineKeys& keys) {
    auto spec = parse_agent_spec(R"({"name":"a","voice":)" + voice_json + "}", keys);
    EXPECT_TRUE(spec);
    return *spec;
  }

  std::unique_ptr<SttStream> stt(const std::string& key, const std::string& extra = "") {
    agent_ = agent(R"({"stt":{"provider":"openai","language":"en-US","base_url":")" + base() + "\"" + extra + "}}",
                   {.stt = key});
    return h_.on_io([&] { return std::move(*(*registry_.stt("openai"))(h_.ctx, {agent_, agent_.voice.stt}, stt_)); });
  }

  std::unique_ptr<TtsStream> tts(const std::string& provider, const std::string& key, const std::string& voice,
                                 const std::string& url, const std::string& extra = "") {
    agent_ = agent(R"({"tts":{"provider":")" + provider + R"(","voice":")" + voice + R"(","base_url":")" + url + "\"" +
                       extra + "}}",
                   {.tts = key});
    return h_.on_io([&] {
      auto s = (*registry_.tts(provider))(h_.ctx, TtsSetup{agent_.voice.tts}, tts_);
      EXPECT_TRUE(s) << s.error().message;
      return std::move(*s);
    });
  }

  // 300 ms of pre-roll before begin, then `frames` frames of the utterance.
  void utterance(SttStream& s, std::uint32_t id, int frames) {
    h_.on_io([&] {
      for (int i = 0; i < 15; ++i) s.audio(tone_frame(true));
      s.begin_utterance(id);
      for (int i = 0; i < frames; ++i) s.audio(tone_frame(true));
      s.end_utterance(id);
    });
  }

  template <class T>
  void drop(std::unique_ptr<T>& p) {
    h_.on_io([&] { p.reset(); });
  }

  EngineHarness h_;
  EngineRegistry registry_;
  AgentSpec agent_;
  SttRecorder stt_;
  TtsRecorder tts_;
};

TEST_F(CloudHttpEngineTest, WhisperUploadsTheUtteranceAsWav) {
  auto s = stt("sk-good");
  utterance(*s, 4, 50);
  auto fin = stt_.wait_final(4);
  ASSERT_TRUE(fin) << (stt_.errors.empty() ? "" : stt_.errors.front().message);
  EXPECT_EQ(fin->text, "I heard 1.3 seconds of 1ch 16000Hz 16bit.");  // pre-roll included
  auto req = line_starting(http_peer(), "REQUEST POST /v1/audio/transcriptions", "sk-good");
  ASSERT_FALSE(req.empty());
  auto headers = json::parse(req.substr(req.find('{'))).at("headers");
  EXPECT_EQ(headers.at("authorization").as_string(), "Bearer sk-good");
  EXPECT_TRUE(headers.at("content-type").as_string().starts_with("multipart/form-data; boundary="));
  auto fields = json::parse(line_starting(http_peer(), "FIELDS").substr(7));
  EXPECT_EQ(fields.at("model").as_string(), "whisper-1");
  EXPECT_EQ(fields.at("language").as_string(), "en");
  EXPECT_EQ(fields.at("response_format").as_string(), "json");
  EXPECT_EQ(fields.at("file").at("content_type").as_string(), "audio/wav");
  EXPECT_NEAR(stt_.seconds, 1.3, 0.01);
  drop(s);
}

TEST_F(CloudHttpEngineTest, WhisperErrorsCarryTheProvidersMessage) {
  struct Case {
    const char* key;
    core::Errc code;
    const char* text;
  } cases[] = {{"bad", core::Errc::unauthorized, "Incorrect API key"},
               {"rate", core::Errc::rate_limited, "Rate limit reached"},
               {"boom", core::Errc::unavailable, "The server had an error"}};
  for (const auto& c : cases) {
    SttRecorder rec;
    agent_ = agent(R"({"stt":{"provider":"openai","base_url":")" + base() + "\"}}", {.stt = c.key});
    auto s = h_.on_io([&] { return std::move(*(*registry_.stt("openai"))(h_.ctx, {agent_, agent_.voice.stt}, rec)); });
    utterance(*s, 1, 20);
    auto e = rec.wait_error();
    ASSERT_TRUE(e) << c.key;
    EXPECT_EQ(e->code, c.code) << c.key << ": " << e->message;
    EXPECT_NE(e->message.find(c.text), std::string::npos) << e->message;
    drop(s);
  }
}

TEST_F(CloudHttpEngineTest, WhisperStallTimesOut) {
  auto s = stt("stall", R"(,"timeout_ms":400)");
  utterance(*s, 1, 20);
  auto e = stt_.wait_error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, core::Errc::timeout) << e->message;
  drop(s);
}

TEST_F(CloudHttpEngineTest, WhisperSkipsEmptyUtterancesAndUnknownIds) {
  auto s = stt("sk-good");
  h_.on_io([&] {
    s->begin_utterance(1);
    s->end_utterance(1);   // no audio
    s->end_utterance(99);  // never begun
  });
  ASSERT_TRUE(stt_.wait_final(1));
  ASSERT_TRUE(stt_.wait_final(99));
  EXPECT_EQ(stt_.wait_final(1)->text, "");
  drop(s);
}

TEST_F(CloudHttpEngineTest, OpenAiSpeechStreamsResampledPcmInOrder) {
  auto s = tts("openai", "sk-good", "nova", base());
  h_.on_io([&] {
    s->synthesize(1, "Hello there, caller.");  // 20 characters: the peer sends 1.0 s at 24 kHz
    s->synthesize(2, "Second.");
  });
  auto d1 = tts_.wait_done(1);
  auto d2 = tts_.wait_done(2);
  ASSERT_TRUE(d1 && *d1) << (d1 ? d1->error().message : "no done");
  ASSERT_TRUE(d2 && *d2);
  EXPECT_NEAR(static_cast<double>(tts_.samples(1)), 16000, 200);  // 1.0 s at 16 kHz
  EXPECT_GT(tts_.chunks[1], 3);  // streamed, not in one piece
  // Every callback of request 1 comes before any of request 2.
  auto first2 = std::find(tts_.order.begin(), tts_.order.end(), 2u);
  EXPECT_TRUE(std::all_of(first2, tts_.order.end(), [](auto id) { return id == 2; }));
  // The 440 Hz tone survives the resampling (zero crossings of the middle 0.5 s).
  const auto& a = tts_.audio[1];
  int crossings = 0;
  for (std::size_t i = 4000; i < 12000; ++i) crossings += (a[i - 1] < 0) != (a[i] < 0);
  EXPECT_NEAR(crossings, 440, 10);
  auto line = line_starting(http_peer(), "REQUEST POST /v1/audio/speech", "Hello there, caller.");
  ASSERT_FALSE(line.empty());
  auto req = json::parse(line.substr(line.find('{')));
  EXPECT_EQ(req.at("body").at("response_format").as_string(), "pcm");
  EXPECT_EQ(req.at("body").at("voice").as_string(), "nova");
  EXPECT_EQ(req.at("body").at("model").as_string(), "tts-1");
  drop(s);
}

TEST_F(CloudHttpEngineTest, SpeechFailuresEndTheRequestWithAnError) {
  struct Case {
    const char* provider;
    const char* key;
    const char* voice;
    const char* extra;
    core::Errc code;
    const char* text;
  } cases[] = {
      {"openai", "bad", "alloy", "", core::Errc::unauthorized, "Incorrect API key"},
      {"openai", "cut", "alloy", "", core::Errc::unavailable, "cut short"},
      {"openai", "stall", "alloy", R"(,"idle_timeout_ms":300)", core::Errc::timeout, "timed out"},
      {"elevenlabs", "bad", "voice-1", "", core::Errc::unauthorized, "Invalid API key"},
      {"elevenlabs", "rate", "voice-1", "", core::Errc::rate_limited, "Too many concurrent requests"},
      {"elevenlabs", "xi-good", "voice-2", "", core::Errc::not_found, "was not found"},
  };
  for (const auto& c : cases) {
    TtsRecorder rec;
    agent_ = agent(std::string(R"({"tts":{"provider":")") + c.provider + R"(","voice":")" + c.voice +
                       R"(","base_url":")" + (std::string_view(c.provider) == "openai" ? base() : base("")) + "\"" +
                       c.extra + "}}",
                   {.tts = c.key});
    auto s = h_.on_io([&] { return std::move(*(*registry_.tts(c.provider))(h_.ctx, TtsSetup{agent_.voice.tts}, rec)); });
    h_.on_io([&] { s->synthesize(5, "This will not work out well."); });
    auto d = rec.wait_done(5);
    ASSERT_TRUE(d) << c.provider << " " << c.key;
    ASSERT_FALSE(*d) << c.provider << " " << c.key;
    EXPECT_EQ(d->error().code, c.code) << c.provider << " " << c.key << ": " << d->error().message;
    EXPECT_NE(d->error().message.find(c.text), std::string::npos) << d->error().message;
    drop(s);
  }
}

TEST_F(CloudHttpEngineTest, ElevenLabsStreamsSixteenKilohertzPcm) {
  auto s = tts("elevenlabs", "xi-good", "voice-1", base(""));
  h_.on_io([&] { s->synthesize(3, "Thanks for calling."); });  // 19 characters: 0.95 s
  auto d = tts_.wait_done(3);
  ASSERT_TRUE(d && *d) << (d ? d->error().message : "");
  EXPECT_EQ(tts_.samples(3), 15200u);  // passed through at its own rate, odd chunk bytes rejoined
  auto req = line_starting(http_peer(), "REQUEST POST /v1/text-to-speech/voice-1/stream?output_format=pcm_16000",
                           "Thanks for calling.");
  ASSERT_FALSE(req.empty());
  auto r = json::parse(req.substr(req.find('{')));
  EXPECT_EQ(r.at("headers").at("xi-api-key").as_string(), "xi-good");
  EXPECT_EQ(r.at("body").at("model_id").as_string(), "eleven_flash_v2_5");
  EXPECT_EQ(r.at("body").at("text").as_string(), "Thanks for calling.");
  drop(s);
}

TEST_F(CloudHttpEngineTest, CancelDropsQueuedAndRunningSpeech) {
  auto s = tts("openai", "sk-good", "alloy", base());
  h_.on_io([&] {
    s->synthesize(1, std::string(60, 'a'));
    s->synthesize(2, "queued");
  });
  ASSERT_TRUE(tts_.wait_audio(1));
  h_.on_io([&] { s->cancel(); });
  auto before = tts_.samples(1);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(tts_.samples(1), before);
  EXPECT_EQ(tts_.done.count(1), 0u);
  EXPECT_EQ(tts_.done.count(2), 0u);
  h_.on_io([&] { s->synthesize(3, "after the cancel"); });
  auto d = tts_.wait_done(3);
  ASSERT_TRUE(d && *d);
  drop(s);
}

TEST_F(CloudHttpEngineTest, OpenAiVoicesAreListed) {
  auto voices = registry_.voices("openai");
  ASSERT_TRUE(voices);
  EXPECT_TRUE(std::any_of(voices->begin(), voices->end(), [](auto& v) { return v.id == "alloy"; }));
  EXPECT_EQ(voices->front().native_rate, 24000);
}

}  // namespace
}  // namespace parley::voice::test

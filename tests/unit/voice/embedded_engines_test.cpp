// The embedded engines through their engine interfaces, with real flite, espeak-ng and pocketsphinx.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "media/codec/codec_factory.hpp"
#include "voice/audio/pcm.hpp"
#include "voice/engine/engine_registry.hpp"
#include "voice/stt/pocketsphinx_stt.hpp"
#include "voice/stt/sphinx_recognizer.hpp"
#include "voice/tts/embedded_tts.hpp"
#include "voice/tts/espeak_synth.hpp"
#include "voice/tts/flite_synth.hpp"
#include "voice_test_util.hpp"

using namespace parley;
using namespace parley::voice;

namespace {

struct SttLog final : SttListener {
  std::vector<SttResult> results;
  std::vector<core::Error> errors;
  double seconds = 0;
  void on_transcript(const SttResult& r) override { results.push_back(r); }
  void on_stt_usage(double s) override { seconds += s; }
  void on_stt_error(const core::Error& e) override { errors.push_back(e); }
  const SttResult* final_of(std::uint32_t id) const {
    for (const auto& r : results) {
      if (r.utterance == id && r.is_final) return &r;
    }
    return nullptr;
  }
};

struct TtsLog final : TtsListener {
  std::map<std::uint32_t, std::vector<std::int16_t>> audio;
  std::vector<std::uint32_t> order;  // requests in the order of their callbacks
  std::vector<std::uint32_t> done;
  void on_tts_audio(std::uint32_t r, std::span<const std::int16_t> pcm) override {
    audio[r].insert(audio[r].end(), pcm.begin(), pcm.end());
    order.push_back(r);
  }
  void on_tts_done(std::uint32_t r, const core::Status& s) override {
    EXPECT_TRUE(s.has_value());
    done.push_back(r);
    order.push_back(r);
  }
};

// An utterance the way the conversation feeds it: frames, begin after the onset, end after silence.
void speak_into(SttStream& s, test::EngineRig& rig, std::uint32_t id, const std::vector<std::int16_t>& pcm) {
  auto frames = test::frames_of(pcm);
  for (const auto& f : test::frames_of(test::silence_ms(200))) s.audio(f);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i == 2) s.begin_utterance(id);
    s.audio(frames[i]);
    rig.run_for(std::chrono::milliseconds(1));
  }
  for (const auto& f : test::frames_of(test::silence_ms(300))) s.audio(f);
  s.end_utterance(id);
}

// 16 kHz speech through the path of a G.711 call: media's PCMU codec (resample to 8 kHz, mu-law,
// decode, resample back to 16 kHz), 20 ms at a time.
std::vector<std::int16_t> through_g711(std::vector<std::int16_t> wide) {
  auto codec = media::codec::make_codec(0);
  EXPECT_TRUE(codec.has_value());
  wide.resize((wide.size() + 319) / 320 * 320, 0);
  std::vector<std::int16_t> out(wide.size());
  std::uint8_t payload[512];
  for (std::size_t i = 0; i < wide.size(); i += 320) {
    auto n = (*codec)->encode(std::span(wide).subspan(i, 320), payload);
    EXPECT_TRUE(n.has_value());
    EXPECT_TRUE((*codec)->decode(std::span(payload, *n), std::span(out).subspan(i, 320)).has_value());
  }
  return out;
}

}  // namespace

TEST(FliteTts, VoicesAt16kHzIncludingTheResampled8kHzKal) {
  auto slt = flite_synthesize("slt", "Thanks for calling.");
  auto kal = flite_synthesize("kal", "Thanks for calling.");
  auto fallback = flite_synthesize("maya", "Thanks for calling.");  // unknown: slt
  ASSERT_TRUE(slt && kal && fallback);
  EXPECT_GT(slt->size(), 16000U / 2);  // more than half a second of 16 kHz audio
  EXPECT_NEAR(static_cast<double>(kal->size()) / 16000.0, 1.0, 0.6);
  EXPECT_EQ(fallback->size(), slt->size());
  EXPECT_GT(audio::rms_dbfs(*kal), -40);
  std::vector<std::string> ids;
  for (const auto& v : flite_voices()) ids.push_back(v.id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "kal16"), ids.end());
}

TEST(Pcm, LeadingSilenceEndsALeadInBeforeTheFirstLoudWindow) {
  std::vector<std::int16_t> pcm(4000, 0);
  for (std::size_t i = 1600; i < pcm.size(); ++i) pcm[i] = i % 2 ? 20 : -20;  // a -64 dBFS hiss
  for (int i = 0; i < 1600; ++i) pcm.push_back(static_cast<std::int16_t>(3000 * std::sin(i * 0.3)));
  EXPECT_EQ(audio::leading_silence(pcm), 4000U - 160U);  // the loud part starts at 4000; 10 ms kept
  EXPECT_EQ(audio::leading_silence(pcm, -50.0, 0), 4000U);
  EXPECT_EQ(audio::leading_silence(std::span(pcm).subspan(3900)), 0U);  // loud within the lead-in: nothing to cut
  EXPECT_EQ(audio::leading_silence(std::span(pcm).first(4000)), 0U);    // never loud: kept whole
}

TEST(EmbeddedTts, ARepliesAudioStartsWithSpeechNotFlitesLeadIn) {
  // flite opens each utterance with ~220 ms of near silence, which would be dead air after the
  // caller stopped talking, on top of the measured turn latency.
  auto raw = flite_synthesize("slt", "Your order is on its way.");
  ASSERT_TRUE(raw.has_value());
  ASSERT_GT(audio::leading_silence(*raw, -50.0, 0), 16000U / 10);
  test::EngineRig rig;
  TtsLog log;
  EngineSpec spec;
  spec.provider = "flite";
  spec.voice = "slt";
  auto tts = make_flite_tts(rig.ctx, TtsSetup{spec}, log);
  ASSERT_TRUE(tts.has_value());
  (*tts)->synthesize(1, "Your order is on its way.");
  ASSERT_TRUE(rig.run_until([&] { return log.done.size() == 1; }));
  const auto& heard = log.audio[1];
  EXPECT_EQ(audio::leading_silence(heard, -50.0, 0), 160U);  // speech after 10 ms of lead-in
  // Only the lead-in went (flite's noise excitation varies from run to run: a window either way).
  EXPECT_NEAR(static_cast<double>(heard.size()), static_cast<double>(raw->size() - audio::leading_silence(*raw)), 160);
}

TEST(EspeakTts, SynthesizesAndListsVoicesFromAnyThread) {
  std::vector<std::thread> threads;
  std::vector<std::size_t> sizes(4);
  for (int i = 0; i < 4; ++i) {  // espeak-ng is process-global: calls from several threads are serialized
    threads.emplace_back([&sizes, i] { sizes[i] = espeak_synthesize(i % 2 ? "de" : "", "Hello there").value().size(); });
  }
  for (auto& t : threads) t.join();
  for (auto s : sizes) EXPECT_GT(s, 8000U);
  auto voices = espeak_voices();
  EXPECT_GT(voices.size(), 20U);
  EXPECT_EQ(voices.front().native_rate, 22050);
}

TEST(EmbeddedTts, StreamServesRequestsInOrderAndCancelDropsThem) {
  test::EngineRig rig;
  TtsLog log;
  EngineSpec spec;
  spec.provider = "flite";
  spec.voice = "kal16";
  auto tts = make_flite_tts(rig.ctx, TtsSetup{spec}, log);
  ASSERT_TRUE(tts.has_value());
  (*tts)->synthesize(1, "First sentence.");
  (*tts)->synthesize(2, "Second.");
  (*tts)->synthesize(3, "Third.");
  ASSERT_TRUE(rig.run_until([&] { return log.done.size() == 3; }));
  EXPECT_EQ(log.order, (std::vector<std::uint32_t>{1, 1, 2, 2, 3, 3}));
  EXPECT_GT(log.audio[1].size(), log.audio[2].size());

  (*tts)->synthesize(4, "This one is cancelled before it is heard.");
  (*tts)->cancel();
  rig.run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(log.done.size(), 3U);
  EXPECT_FALSE(log.audio.contains(4));
}

TEST(PocketsphinxStt, StreamsInterimResultsAndAFinalPerUtterance) {
  test::EngineRig rig;
  SttLog log;
  auto agent = test::support_agent();
  auto stt = make_pocketsphinx_stt(rig.ctx, SttSetup{agent, agent.voice.stt, false}, log);
  ASSERT_TRUE(stt.has_value());
  speak_into(**stt, rig, 1, test::speech("where is my order"));
  ASSERT_TRUE(rig.run_until([&] { return log.final_of(1) != nullptr || !log.errors.empty(); }));
  ASSERT_TRUE(log.errors.empty()) << log.errors[0].message;
  EXPECT_EQ(log.final_of(1)->text, "where is my order");
  EXPECT_TRUE(std::any_of(log.results.begin(), log.results.end(), [](const SttResult& r) { return !r.is_final; }));
  EXPECT_GT(log.seconds, 0.9);  // the utterance's audio (pre-roll included)

  // A cancelled utterance gets no final; the next one does.
  (*stt)->begin_utterance(2);
  for (const auto& f : test::frames_of(test::speech("goodbye"))) (*stt)->audio(f);
  (*stt)->cancel_utterance(2);
  speak_into(**stt, rig, 3, test::speech("billing question"));
  ASSERT_TRUE(rig.run_until([&] { return log.final_of(3) != nullptr; }));
  EXPECT_EQ(log.final_of(2), nullptr);
  EXPECT_EQ(log.final_of(3)->text, "billing question");
  // Ending an utterance that was never begun yields an empty final (the contract's "exactly one").
  (*stt)->end_utterance(9);
  ASSERT_TRUE(rig.run_until([&] { return log.final_of(9) != nullptr; }));
  EXPECT_EQ(log.final_of(9)->text, "");
  EXPECT_TRUE(log.errors.empty());
}

TEST(PocketsphinxStt, NarrowbandCallsAreRecognizedThroughSpectralFolding) {
  test::EngineRig rig;
  SttLog log;
  auto agent = test::support_agent();
  auto stt = make_pocketsphinx_stt(rig.ctx, SttSetup{agent, agent.voice.stt, true}, log);
  ASSERT_TRUE(stt.has_value());
  speak_into(**stt, rig, 1, through_g711(test::speech("i want to check my account balance")));
  ASSERT_TRUE(rig.run_until([&] { return log.final_of(1) != nullptr; }));
  EXPECT_EQ(log.final_of(1)->text, "i want to check my account balance");
}

TEST(EngineRegistry, EmbeddedEnginesAndVoices) {
  EngineRegistry reg;
  register_embedded_engines(reg);
  EXPECT_NE(reg.stt("pocketsphinx"), nullptr);
  EXPECT_NE(reg.tts("aero"), nullptr);
  EXPECT_NE(reg.agent("rules"), nullptr);
  EXPECT_EQ(reg.stt("deepgram"), nullptr);
  EXPECT_EQ(reg.default_fallback(EngineKind::tts), "flite");
  auto aero = reg.voices("aero");
  ASSERT_TRUE(aero.has_value());
  ASSERT_EQ(aero->size(), 1U);
  EXPECT_EQ(aero->front().id, "slt");
  EXPECT_FALSE(reg.voices("nope").has_value());
  EXPECT_EQ(reg.providers(EngineKind::tts), (std::vector<std::string>{"aero", "espeak", "flite"}));
}

// Real-time factor of each embedded engine (CPU seconds per second of audio: lower is faster; the
// RTF counter prints as "time per second of audio"), and the per-frame cost of Parley's own stages
// on the I/O thread (noise suppression, VAD, turn detector, frame dispatch).
#include <benchmark/benchmark.h>

#include "voice/agent/rules/intent_matcher.hpp"
#include "voice/config/agent_spec.hpp"
#include "voice/pipeline/call_state.hpp"
#include "voice/pipeline/pipeline.hpp"
#include "voice/stt/sphinx_recognizer.hpp"
#include "voice/tts/espeak_synth.hpp"
#include "voice/tts/flite_synth.hpp"
#include "voice/turn/noise_suppressor.hpp"
#include "voice/turn/turn_detector.hpp"
#include "voice/turn/vad_processor.hpp"
#include "ivr_test_set.hpp"

using namespace parley::voice;

namespace {

constexpr const char* kSentence = "Thanks for calling Acme support. Your order is on its way and should arrive tomorrow.";
constexpr const char* kCaller = "I need help with my order please";

const RulesSpec& rules() {
  static const RulesSpec r = parse_agent_spec(parley::bench::kIvrAgent)->rules;
  return r;
}

std::vector<std::int16_t> caller_audio() {
  static const std::vector<std::int16_t> pcm = [] {
    auto speech = *flite_synthesize("kal16", kCaller);
    std::vector<std::int16_t> p(4800, 0);
    p.insert(p.end(), speech.begin(), speech.end());
    p.resize(p.size() + 4800, 0);
    return p;
  }();
  return pcm;
}

void rtf(benchmark::State& state, double audio_seconds) {
  state.counters["RTF"] = benchmark::Counter(audio_seconds * static_cast<double>(state.iterations()),
                                             benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_FliteSynthesis(benchmark::State& state, const char* voice) {
  double seconds = 0;
  for (auto _ : state) {
    auto pcm = flite_synthesize(voice, kSentence);
    seconds = static_cast<double>(pcm->size()) / 16000.0;
    benchmark::DoNotOptimize(pcm);
  }
  rtf(state, seconds);
}
BENCHMARK_CAPTURE(BM_FliteSynthesis, slt, "slt")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FliteSynthesis, kal16, "kal16")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FliteSynthesis, kal_8k_resampled, "kal")->Unit(benchmark::kMillisecond);

void BM_EspeakSynthesis(benchmark::State& state) {
  double seconds = 0;
  for (auto _ : state) {
    auto pcm = espeak_synthesize("en-us", kSentence);
    seconds = static_cast<double>(pcm->size()) / 16000.0;
    benchmark::DoNotOptimize(pcm);
  }
  rtf(state, seconds);
}
BENCHMARK(BM_EspeakSynthesis)->Unit(benchmark::kMillisecond);

void BM_PocketsphinxDecode(benchmark::State& state, SphinxSearch search, bool verify, bool dictation_check, NarrowbandMode nb) {
  auto grammar = SphinxRecognizer::rules_grammar(rules());
  SphinxConfig cfg;
  cfg.search = search;
  cfg.verify = verify;
  cfg.dictation_check = dictation_check;
  cfg.narrowband = nb;
  cfg.jsgf = grammar->jsgf;
  cfg.keyphrases = grammar->keyphrases;
  auto audio = caller_audio();
  { auto warm = SphinxRecognizer::create(cfg); }  // model loading is not decoding
  for (auto _ : state) {
    auto rec = SphinxRecognizer::create(cfg);
    (void)rec->start();
    for (std::size_t off = 0; off < audio.size(); off += 1600) {
      (void)rec->process(std::span(audio).subspan(off, std::min<std::size_t>(1600, audio.size() - off)));
    }
    auto h = rec->finish();
    benchmark::DoNotOptimize(h);
  }
  rtf(state, static_cast<double>(audio.size()) / 16000.0);
}
BENCHMARK_CAPTURE(BM_PocketsphinxDecode, grammar_verified_dictation_checked, SphinxSearch::grammar, true, true,
                  NarrowbandMode::none)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PocketsphinxDecode, grammar_verified, SphinxSearch::grammar, true, false, NarrowbandMode::none)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PocketsphinxDecode, grammar, SphinxSearch::grammar, false, false, NarrowbandMode::none)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PocketsphinxDecode, grammar_verified_dictation_checked_folded_8k, SphinxSearch::grammar, true, true,
                  NarrowbandMode::fold)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PocketsphinxDecode, keyphrase, SphinxSearch::keyphrase, false, false, NarrowbandMode::none)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PocketsphinxDecode, language_model, SphinxSearch::lm, false, false, NarrowbandMode::none)
    ->Unit(benchmark::kMillisecond);

// Parley's own per-frame work on the I/O thread: VAD (WebRTC, two 10 ms calls), turn detector and
// two-lane dispatch, over real speech.
void BM_VadAndTurnPerFrame(benchmark::State& state) {
  CallState call;
  Pipeline p;
  p.add(std::make_unique<VadProcessor>(*Vad::create(2)));
  p.add(std::make_unique<TurnDetector>(TurnDetectorSettings{}, call, [] {}));
  p.set_exit([](Frame&&, Direction) {});
  auto audio = caller_audio();
  std::uint64_t n = 0;
  std::size_t frames = audio.size() / 320;
  for (auto _ : state) {
    std::size_t i = n % frames;
    p.push(AudioFrame{std::vector<std::int16_t>(audio.begin() + i * 320, audio.begin() + (i + 1) * 320), n, {}, false});
    ++n;
  }
}
BENCHMARK(BM_VadAndTurnPerFrame)->Unit(benchmark::kMicrosecond);

void BM_NoiseSuppressionPerFrame(benchmark::State& state) {
  auto ns = *NoiseSuppressor::create(3);
  auto audio = caller_audio();
  std::size_t frames = audio.size() / 320;
  std::uint64_t n = 0;
  std::vector<std::int16_t> frame(320);
  for (auto _ : state) {
    std::size_t i = n++ % frames;
    std::copy_n(audio.begin() + static_cast<std::ptrdiff_t>(i * 320), 320, frame.begin());
    ns.process(frame);
    benchmark::DoNotOptimize(frame.data());
  }
}
BENCHMARK(BM_NoiseSuppressionPerFrame)->Unit(benchmark::kMicrosecond);

void BM_IntentMatch(benchmark::State& state) {
  AgentInput in{1, AgentInput::Source::speech, "um i want to cancel my account please"};
  for (auto _ : state) benchmark::DoNotOptimize(match_intent(rules(), in));
}
BENCHMARK(BM_IntentMatch)->Unit(benchmark::kMicrosecond);

}  // namespace

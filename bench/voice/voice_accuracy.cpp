// voice_accuracy: intent accuracy and WER of the embedded recognizer (pocketsphinx) with a rules
// agent, on the 112 caller utterances of ivr_test_set.hpp spoken by three flite voices that are
// not Parley's own (kal16, awb, rms; Parley speaks slt), at 16 kHz and through a G.711 mu-law call
// (media's PCMU codec, 8 kHz), clean and with white noise at 20 dB SNR, through the conversation's
// noise suppressor as in a call. Prints markdown tables.
//   voice_accuracy [--quick] [--dev] [--dump] [--garbage-min-phones N] [--snr DB] [--no-silence-removal]
//     --quick: one voice, the default configuration only; --dev: the development set instead of
//     the test set; --dump: a line per utterance (DUMP voice rate noise ref selected
//     unverified_intent verify_score speech_frames text raw dictation phone_distance); --garbage-min-phones N: the
//     grammar's garbage words have at least N phones; --snr DB: the noisy conditions' SNR (20);
//     --no-silence-removal: the default configuration's front end decodes every frame
#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <span>
#include <sstream>

#include "ivr_test_set.hpp"
#include "media/codec/codec_factory.hpp"
#include "voice/agent/rules/intent_matcher.hpp"
#include "voice/audio/pcm.hpp"
#include "voice/stt/sphinx_recognizer.hpp"
#include "voice/text/words.hpp"
#include "voice/tts/flite_synth.hpp"
#include "voice/turn/noise_suppressor.hpp"

extern "C" {
cst_voice_struct* register_cmu_us_awb(const char*);
cst_voice_struct* register_cmu_us_rms(const char*);
}

using namespace parley;
using namespace parley::voice;
using Pcm = std::vector<std::int16_t>;

namespace {

Pcm g711(Pcm wide) {
  auto codec = media::codec::make_codec(0);  // PCMU
  wide.resize((wide.size() + 319) / 320 * 320, 0);
  Pcm out(wide.size());
  std::uint8_t payload[512];
  for (std::size_t i = 0; i < wide.size(); i += 320) {
    auto n = (*codec)->encode(std::span(wide).subspan(i, 320), payload);
    (void)(*codec)->decode(std::span(payload, *n), std::span(out).subspan(i, 320));
  }
  return out;
}

// 300 ms of silence on both sides (the STT gets the VAD's pre-roll and the endpoint silence), then
// white noise over all of it at `snr_db` below the active speech level, if any.
Pcm prepare(const Pcm& speech, bool narrowband, std::optional<double> snr_db, std::uint32_t seed) {
  Pcm p(4800, 0);
  p.insert(p.end(), speech.begin(), speech.end());
  p.resize(p.size() + 4800, 0);
  if (snr_db) {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i + 320 <= speech.size(); i += 320) {
      std::span f(speech.data() + i, 320);
      if (audio::rms_dbfs(f) < -40) continue;
      for (auto s : f) sum += static_cast<double>(s) * s;
      n += 320;
    }
    double speech_rms = n ? std::sqrt(sum / static_cast<double>(n)) : 1000.0;
    double noise_rms = speech_rms / std::pow(10.0, *snr_db / 20.0);
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, noise_rms);
    for (auto& s : p) s = static_cast<std::int16_t>(std::clamp(s + gauss(rng), -32768.0, 32767.0));
  }
  return narrowband ? g711(std::move(p)) : p;
}

struct Condition {
  std::string name;
  SphinxSearch search = SphinxSearch::grammar;
  bool verify = true;
  bool garbage = true;
  NarrowbandMode narrowband_mode = NarrowbandMode::fold;
  int noise_suppression = TurnSpec{}.noise_suppression;
  bool remove_silence = SphinxConfig{}.remove_silence;
  bool dictation_check = false;
};

struct Score {
  int n = 0, correct = 0, oog = 0, oog_rejected = 0, wrong_intent = 0;
  std::size_t word_errors = 0, words = 0;
  double audio_s = 0, cpu_s = 0;
  Score& operator+=(const Score& o) {
    n += o.n;
    correct += o.correct;
    oog += o.oog;
    oog_rejected += o.oog_rejected;
    wrong_intent += o.wrong_intent;
    word_errors += o.word_errors;
    words += o.words;
    audio_s += o.audio_s;
    cpu_s += o.cpu_s;
    return *this;
  }
};

// The command line's choices (main). --dump lines come from two voices decoding at once.
std::mutex dump_mu;
bool dump = false;
std::span<const bench::Utterance> utterances = bench::kUtterances;
int garbage_min_phones = GrammarOptions{}.garbage_min_phones;
double noise_snr_db = 20.0;
bool remove_silence = SphinxConfig{}.remove_silence;

Score run(const Condition& c, const RulesSpec& rules, std::string_view voice, bool narrowband, std::optional<double> snr,
          std::map<std::string, std::string>* misses) {
  auto grammar = SphinxRecognizer::rules_grammar(rules, GrammarOptions{c.garbage, true, 0.1, garbage_min_phones});
  SphinxConfig cfg;
  cfg.search = c.search;
  cfg.verify = c.verify;
  cfg.dictation_check = c.dictation_check;
  if (c.search == SphinxSearch::grammar) {
    cfg.jsgf = grammar->jsgf;
    cfg.garbage_words = grammar->garbage_words;
  } else if (c.search == SphinxSearch::keyphrase) {
    cfg.keyphrases = grammar->keyphrases;
  }
  cfg.narrowband = narrowband ? c.narrowband_mode : NarrowbandMode::none;
  cfg.remove_silence = c.remove_silence;
  Score s;
  std::uint32_t seed = 1;
  for (const auto& u : utterances) {
    auto speech = flite_synthesize(voice, u.text);
    if (!speech) continue;
    Pcm audio = prepare(*speech, narrowband, snr, seed++);
    if (c.noise_suppression >= 0) NoiseSuppressor::create(c.noise_suppression)->process(audio);
    auto rec = SphinxRecognizer::create(cfg);
    if (!rec) {
      std::cerr << "recognizer: " << rec.error().message << "\n";
      std::exit(1);
    }
    auto t0 = std::chrono::steady_clock::now();
    (void)rec->start();
    for (std::size_t off = 0; off < audio.size(); off += 1600) {
      (void)rec->process(std::span(audio).subspan(off, std::min<std::size_t>(1600, audio.size() - off)));
    }
    auto hyp = rec->finish();
    s.cpu_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s.audio_s += static_cast<double>(audio.size()) / 16000.0;
    std::string text = hyp ? hyp->text : "";
    auto m = match_intent(rules, AgentInput{1, AgentInput::Source::speech, text});
    std::string got = m ? m->intent->name : "fallback";
    if (dump && hyp) {
      auto unverified = match_intent(rules, AgentInput{1, AgentInput::Source::speech, strip_garbage(hyp->raw, cfg.garbage_words)});
      std::lock_guard lock(dump_mu);
      std::cout << "DUMP\t" << voice << "\t" << (narrowband ? 8 : 16) << "\t" << (snr ? "noise" : "clean") << "\t" << u.intent << "\t"
                << got << "\t" << (unverified ? unverified->intent->name : "fallback") << "\t" << hyp->verify_score << "\t"
                << hyp->speech_frames << "\t" << u.text << "\t" << hyp->raw << "\t" << hyp->dictation << "\t"
                << hyp->phone_distance << "\n";
    }
    ++s.n;
    bool oog = u.intent == "fallback";
    if (got == u.intent) ++s.correct;
    if (oog) {
      ++s.oog;
      if (got == "fallback") ++s.oog_rejected;
    } else {
      auto ref = text::words(u.text);
      s.words += ref.size();
      s.word_errors += text::edit_distance(text::words(text), ref);
    }
    if (got != u.intent && got != "fallback") ++s.wrong_intent;
    if (misses && got != u.intent) {
      std::string where = std::string(voice) + (narrowband ? ", 8 kHz" : ", 16 kHz") + (snr ? ", noise" : "");
      (*misses)[std::string(u.text) + " (" + where + ")"] = got + ": \"" + text + "\"";
    }
  }
  return s;
}

std::string pct(int a, int b) {
  std::ostringstream o;
  o.precision(1);
  o << std::fixed << (b ? 100.0 * a / b : 0.0) << " %";
  return o.str();
}

std::string pct(std::size_t a, std::size_t b) { return pct(static_cast<int>(a), static_cast<int>(b)); }

void row(const std::string& label, const Score& s) {
  std::ostringstream rtf;
  rtf.precision(3);
  rtf << std::fixed << (s.audio_s > 0 ? s.cpu_s / s.audio_s : 0.0);
  std::cout << "| " << label << " | " << s.n << " | " << pct(s.correct, s.n) << " | " << pct(s.word_errors, s.words) << " | "
            << pct(s.oog_rejected, s.oog) << " | " << s.wrong_intent << " | " << rtf.str() << " |\n";
}

void header(const std::string& title) {
  std::cout << "\n" << title << "\n\n| condition | utterances | intent accuracy | WER (in-grammar) | out-of-grammar rejected | wrong intents | decode RTF |\n"
            << "|---|---|---|---|---|---|---|\n";
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--quick") quick = true;
    if (a == "--dev") utterances = bench::kDevUtterances;
    if (a == "--dump") dump = true;
    if (a == "--garbage-min-phones" && i + 1 < argc) garbage_min_phones = std::atoi(argv[++i]);
    if (a == "--snr" && i + 1 < argc) noise_snr_db = std::atof(argv[++i]);
    if (a == "--no-silence-removal") remove_silence = false;
  }
  add_flite_voice({"awb", "awb", "en-GB", "male", 16000}, &register_cmu_us_awb);
  add_flite_voice({"rms", "rms", "en-US", "male", 16000}, &register_cmu_us_rms);
  auto spec = parse_agent_spec(bench::kIvrAgent);
  if (!spec) return 1;
  const RulesSpec& rules = spec->rules;
  if (dump) std::cerr << SphinxRecognizer::rules_grammar(rules, GrammarOptions{true, true, 0.1, garbage_min_phones})->jsgf;
  std::vector<std::string> voices = quick ? std::vector<std::string>{"kal16"} : std::vector<std::string>{"kal16", "awb", "rms"};
  Condition default_config{"grammar + garbage + phone-loop verification + dictation cross-check (default)", SphinxSearch::grammar, true, true};
  default_config.remove_silence = remove_silence;
  default_config.dictation_check = true;
  Condition without_dictation = default_config;
  without_dictation.dictation_check = false;

  // Runs one condition over the voices, two at a time (the machine's two cores).
  auto over_voices = [&](const Condition& c, bool narrowband, std::optional<double> snr, std::map<std::string, std::string>* misses) {
    Score total;
    std::vector<std::future<Score>> jobs;
    std::vector<std::map<std::string, std::string>> miss(voices.size());
    for (std::size_t i = 0; i < voices.size(); ++i) {
      if (jobs.size() == 2) {
        total += jobs.front().get();
        jobs.erase(jobs.begin());
      }
      jobs.push_back(std::async(std::launch::async, [&, i] { return run(c, rules, voices[i], narrowband, snr, &miss[i]); }));
    }
    for (auto& j : jobs) total += j.get();
    if (misses) {
      for (auto& m : miss) misses->insert(m.begin(), m.end());
    }
    return total;
  };

  std::ostringstream snr_text;
  snr_text << noise_snr_db;
  const std::string snr_label = snr_text.str();
  std::map<std::string, std::string> misses;
  header("Intent accuracy of the default configuration (voices: " + std::to_string(voices.size()) + ", " + std::to_string(utterances.size()) + " utterances each)");
  Score all;
  for (bool nb : {false, true}) {
    for (std::optional<double> snr : {std::optional<double>{}, std::optional<double>{noise_snr_db}}) {
      Score s = over_voices(default_config, nb, snr, &misses);
      all += s;
      row(std::string(nb ? "8 kHz G.711 mu-law, spectral folding" : "16 kHz") + (snr ? ", white noise " + snr_label + " dB SNR" : ", clean"), s);
    }
  }
  row("all of the above", all);
  if (quick || dump) return 0;

  header("Narrowband front ends (8 kHz G.711 mu-law, clean, grammar + verification)");
  for (auto [name, mode] : {std::pair{"properly upsampled 16 kHz (none)", NarrowbandMode::none},
                            std::pair{"spectral folding (fold)", NarrowbandMode::fold},
                            std::pair{"8 kHz front end, edited feat.params (native8k)", NarrowbandMode::native8k}}) {
    Condition c = default_config;
    c.narrowband_mode = mode;
    row(name, over_voices(c, true, std::nullopt, nullptr));
  }

  header("Noise suppression (16 kHz, clean and with white noise " + snr_label + " dB SNR, grammar + verification)");
  for (int level : {-1, 1, 3}) {
    Condition c = default_config;
    c.noise_suppression = level;
    std::string name = level < 0 ? "off" : "WebRTC level " + std::to_string(level);
    row(name + ", clean", over_voices(c, false, std::nullopt, nullptr));
    row(name + ", noise", over_voices(c, false, noise_snr_db, nullptr));
  }

  header("The front end's silence removal (16 kHz, grammar + verification)");
  for (bool on : {true, false}) {
    Condition c = default_config;
    c.remove_silence = on;
    std::string name = on ? "silence removal on (default)" : "silence removal off";
    row(name + ", clean", over_voices(c, false, std::nullopt, nullptr));
    row(name + ", noise", over_voices(c, false, noise_snr_db, nullptr));
  }

  header("Out-of-grammar strategies and searches (16 kHz, clean)");
  row("grammar, no out-of-grammar path", over_voices(Condition{"", SphinxSearch::grammar, false, false}, false, {}, nullptr));
  row("grammar + <garbage> words only", over_voices(Condition{"", SphinxSearch::grammar, false, true}, false, {}, nullptr));
  row("grammar + phone-loop verification only", over_voices(Condition{"", SphinxSearch::grammar, true, false}, false, {}, nullptr));
  row("grammar + garbage + verification", over_voices(without_dictation, false, {}, nullptr));
  row("grammar + garbage + verification + dictation cross-check (default)", over_voices(default_config, false, {}, nullptr));
  row("keyphrase spotting (intent phrases)", over_voices(Condition{"", SphinxSearch::keyphrase, false, false}, false, {}, nullptr));
  row("generic language model (open dictation)", over_voices(Condition{"", SphinxSearch::lm, false, false}, false, {}, nullptr));
  row("generic language model, 8 kHz G.711 folded", over_voices(Condition{"", SphinxSearch::lm, false, false}, true, {}, nullptr));

  std::cout << "\nMisses of the default configuration (utterance (voice) -> what was selected: \"text heard\"):\n\n";
  for (const auto& [u, got] : misses) std::cout << "- " << u << " -> " << got << "\n";
  return 0;
}

#pragma once
// PocketSphinx 5prealpha (Debian pocketsphinx-en-us, a 16 kHz model) as a synchronous recognizer for
// worker-pool threads, the parley_transcribe tool and benchmarks. Never use it on an I/O thread:
// creating one may load the acoustic model (~0.2 s) and every call decodes.
//
// Decoders are pooled per process (the model loads once per decoder, a decoder serves one utterance
// at a time, then returns to the pool); each keeps the grammars it compiled, keyed by their text,
// so a rules agent's grammar is compiled once per decoder, not per call.
//
// Narrowband input (docs/voice-pipeline.md "Narrowband"): the 16 kHz frames of a G.711 call carry
// nothing above 4 kHz, which the 16 kHz model does not expect. `fold` decimates them back to 8 kHz
// and upsamples by inserting zeros without a low-pass, so the 0-4 kHz band is mirrored into 4-8 kHz;
// `native8k` decodes the 8 kHz signal with an 8 kHz front end (edited feat.params, -nfft 256).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "voice/stt/rules_grammar.hpp"

namespace parley::voice {

enum class SphinxSearch {
  lm,         // the generic English language model (open dictation; poor on phone audio)
  grammar,    // a JSGF grammar (rules agents, --grammar)
  keyphrase,  // keyword spotting over a keyphrase list
};

enum class NarrowbandMode { none, fold, native8k };

struct SphinxConfig {
  SphinxSearch search = SphinxSearch::lm;
  // Out-of-grammar rejection (grammar search): the audio is also decoded by a free phone loop, and
  // the grammar path's score per speech frame of the phone loop is compared with the loop's. Speech
  // the grammar covers scores near or above the loop, other speech below it: below the threshold
  // the result is rejected (empty text, confidence < 0.5).
  // docs/benchmarks.md has the measurements.
  bool verify = false;
  // Rejected below verify_threshold - verify_length_allowance / speech frames: short utterances
  // ("yes", "one") score lowest per frame (their few frames weigh the fixed costs of the word and
  // silence transitions more), so they get a lower bar.
  double verify_threshold = -10.0;
  double verify_length_allowance = 1000.0;
  // Out-of-grammar cross-check (grammar search with verify): the audio is also decoded by the generic
  // language model (open dictation). Foreign speech built like a covered phrase ("what is my
  // horoscope" as "what is my balance") passes the phone loop; the dictation hears the sentence
  // that was said, whose pronunciation then differs from the grammar result's. A result is rejected
  // when more than `dictation_max_phone_distance` of its phones differ from the dictation's (phone
  // edit distance over the result's phones) unless the phone loop accepted it by at least
  // `dictation_overruled_margin` above its threshold (the dictation is the poorer recognizer on
  // covered speech, short phrases above all). A rejected or empty result carries the dictation's
  // text instead, for the transcript and for the agent's own matching. Both values were chosen on
  // the development set (docs/benchmarks.md).
  bool dictation_check = false;
  double dictation_max_phone_distance = 0.5;
  double dictation_overruled_margin = 8.0;
  std::string jsgf;                     // search == grammar
  std::vector<std::string> keyphrases;  // search == keyphrase
  double keyphrase_threshold = 1e-20;
  std::vector<std::string> garbage_words;  // removed from hypotheses (RulesGrammar::garbage_words)
  NarrowbandMode narrowband = NarrowbandMode::none;
  // The front end's own voice detector drops the frames it takes for silence (-remove_silence).
  // Off, every frame is decoded: on digital silence around the speech the word error fell from
  // 10.7 % to 2.0 %, but with 20 dB of white noise intent accuracy fell from 70.8 % to 30.4 %
  // (docs/benchmarks.md), so it stays on.
  bool remove_silence = true;
};

struct SphinxHypothesis {
  std::string text;  // garbage words removed; the dictation's when dictation_check rejected the grammar's
  std::string raw;   // as decoded
  float confidence = -1.0F;  // verify: logistic of the margin over the threshold; else the posterior if known
  double verify_score = 0;   // verify: (grammar - phone loop) score per speech frame
  int speech_frames = 0;     // verify: 10 ms frames the phone loop spent in phones
  int decoded_frames = 0;    // 10 ms frames the search decoded (silence removal drops some)
  std::string grammar_text;  // dictation_check: the grammar's result (garbage removed), before any rejection
  std::string dictation;     // dictation_check: what the generic language model heard
  double phone_distance = 0;  // dictation_check: of grammar_text from dictation, per phone of grammar_text
  double audio_seconds = 0;
};

class SphinxRecognizer {
 public:
  static core::Result<SphinxRecognizer> create(SphinxConfig config);
  SphinxRecognizer(SphinxRecognizer&&) noexcept;
  SphinxRecognizer& operator=(SphinxRecognizer&&) noexcept;
  ~SphinxRecognizer();  // returns the decoder to the pool

  core::Status start();
  // 16 kHz mono PCM16 of the utterance, in pieces of any size.
  core::Status process(std::span<const std::int16_t> pcm16k);
  std::string partial();  // the hypothesis so far (garbage removed)
  core::Result<SphinxHypothesis> finish();

  // The cepstral mean the front end adapted to during the last utterance; a call hands it to the
  // recognizer of its next utterance (decoders are pooled across calls, their live CMN is not).
  std::vector<float> cepstral_mean() const;
  void set_cepstral_mean(const std::vector<float>& mean);

  // The phones the pronunciation dictionary gives `word` (its first pronunciation), empty if it has
  // none (for grammar generation). Thread-safe.
  static std::vector<std::string> pronounce(std::string_view word);
  // Grammar of a rules agent for this recognizer's dictionary (cached by the rules' content).
  static std::shared_ptr<const RulesGrammar> rules_grammar(const RulesSpec& rules, const GrammarOptions& options = {});

  struct State;

 private:
  explicit SphinxRecognizer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The spectral-folding front end on its own (tests, benchmarks): 16 kHz band-limited to 4 kHz in,
// 16 kHz with the 0-4 kHz band mirrored into 4-8 kHz out. Streaming; keeps filter state.
class SpectralFolder {
 public:
  SpectralFolder();
  ~SpectralFolder();
  SpectralFolder(SpectralFolder&&) noexcept;
  SpectralFolder& operator=(SpectralFolder&&) noexcept;
  std::vector<std::int16_t> process(std::span<const std::int16_t> pcm16k);
  // Only the decimation to 8 kHz (the native8k front end).
  std::vector<std::int16_t> decimate(std::span<const std::int16_t> pcm16k);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::voice

#pragma once
// The embedded STT engine, provider "pocketsphinx": a SphinxRecognizer per utterance on the worker
// pool (decoders are pooled), fed in order through one SerialQueue per call, with interim results
// every 100 ms. voice.stt.model chooses the search:
//   "" or "grammar"  rules agents: the grammar generated from the intents (stt/rules_grammar.hpp);
//                    agents without intents (llm) get the generic language model
//   "lm"             the generic language model (open dictation; poor on phone audio)
//   "keyphrase"      keyword spotting of the intents' phrases
// Narrowband calls use spectral folding (voice.stt options "narrowband": "fold" | "native8k" |
// "none"; docs/benchmarks.md has the measurements behind the default).
#include <memory>

#include "voice/stt/stt_engine.hpp"

namespace parley::voice {

core::Result<std::unique_ptr<SttStream>> make_pocketsphinx_stt(const EngineContext& ctx, const SttSetup& setup,
                                                               SttListener& listener);

}  // namespace parley::voice

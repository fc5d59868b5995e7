// register_embedded_engines (engine/engine_registry.hpp): the engines that work offline.
#include "voice/agent/rules/rules_agent.hpp"
#include "voice/engine/engine_registry.hpp"
#include "voice/stt/pocketsphinx_stt.hpp"
#include "voice/tts/embedded_tts.hpp"
#include "voice/tts/espeak_synth.hpp"
#include "voice/tts/flite_synth.hpp"

namespace parley::voice {

void register_embedded_engines(EngineRegistry& registry) {
  registry.add_stt("pocketsphinx", &make_pocketsphinx_stt);
  registry.add_tts("flite", &make_flite_tts, &flite_voices);
  registry.add_tts("espeak", &make_espeak_tts, &espeak_voices);
  registry.add_tts("aero", &make_aero_tts, [] {
    // The seeds' hosted provider name: every voice it names is spoken by flite slt.
    auto all = flite_voices();
    std::erase_if(all, [](const VoiceInfo& v) { return v.id != kDefaultFliteVoice; });
    return all;
  });
  registry.add_agent("rules", [](const EngineContext& ctx, const AgentSetup& setup, AgentListener& listener) {
    return make_rules_agent(ctx, setup, listener);
  });
  registry.set_default_fallback(EngineKind::stt, "pocketsphinx");
  registry.set_default_fallback(EngineKind::tts, "flite");
  registry.set_default_fallback(EngineKind::agent, "rules");
}

}  // namespace parley::voice

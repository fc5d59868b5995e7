#pragma once
// Engine factories keyed by provider name. The composition root (src/app) builds one registry at
// start-up, registers the embedded engines and any cloud engines, and hands it (read-only) to every
// Conversation:
//
//   voice::EngineRegistry engines;
//   voice::register_embedded_engines(engines);   // pocketsphinx, flite, espeak, aero, rules
//   voice::cloud::register_cloud_engines(engines);  // e.g. deepgram, openai, elevenlabs, groq, ...
//
// Registering a provider that exists replaces it. Lookups are by exact provider name. The registry
// is not synchronized: fill it before the first call, then only read it.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "voice/agent/agent_engine.hpp"
#include "voice/stt/stt_engine.hpp"
#include "voice/tts/tts_engine.hpp"

namespace parley::voice {

class EngineRegistry {
 public:
  void add_stt(std::string provider, SttFactory factory);
  void add_tts(std::string provider, TtsFactory factory, VoiceLister voices = {});
  void add_agent(std::string provider, AgentFactory factory);
  // The provider a failing engine of this kind switches to when its spec names no fallback
  // (default after register_embedded_engines: pocketsphinx, flite, rules).
  void set_default_fallback(EngineKind kind, std::string provider);

  const SttFactory* stt(std::string_view provider) const;
  const TtsFactory* tts(std::string_view provider) const;
  const AgentFactory* agent(std::string_view provider) const;
  const std::string& default_fallback(EngineKind kind) const;

  std::vector<std::string> providers(EngineKind kind) const;
  // Voices of one TTS provider; nullopt when the provider is unknown or cannot list its voices.
  std::optional<std::vector<VoiceInfo>> voices(std::string_view tts_provider) const;

 private:
  struct Tts {
    TtsFactory factory;
    VoiceLister voices;
  };
  std::map<std::string, SttFactory, std::less<>> stt_;
  std::map<std::string, Tts, std::less<>> tts_;
  std::map<std::string, AgentFactory, std::less<>> agents_;
  std::string fallback_[3];
};

// pocketsphinx (STT), flite and espeak (TTS; "aero" = flite slt), rules (agent), and the embedded
// engines as the default fallbacks.
void register_embedded_engines(EngineRegistry& registry);

}  // namespace parley::voice

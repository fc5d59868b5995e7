#include "voice/engine/engine_registry.hpp"

namespace parley::voice {

const char* to_string(EngineKind kind) noexcept {
  switch (kind) {
    case EngineKind::stt: return "stt";
    case EngineKind::tts: return "tts";
    case EngineKind::agent: return "agent";
  }
  return "unknown";
}

void EngineRegistry::add_stt(std::string provider, SttFactory factory) { stt_[std::move(provider)] = std::move(factory); }

void EngineRegistry::add_tts(std::string provider, TtsFactory factory, VoiceLister voices) {
  tts_[std::move(provider)] = Tts{std::move(factory), std::move(voices)};
}

void EngineRegistry::add_agent(std::string provider, AgentFactory factory) {
  agents_[std::move(provider)] = std::move(factory);
}

void EngineRegistry::set_default_fallback(EngineKind kind, std::string provider) {
  fallback_[static_cast<int>(kind)] = std::move(provider);
}

const SttFactory* EngineRegistry::stt(std::string_view provider) const {
  auto it = stt_.find(provider);
  return it == stt_.end() ? nullptr : &it->second;
}

const TtsFactory* EngineRegistry::tts(std::string_view provider) const {
  auto it = tts_.find(provider);
  return it == tts_.end() ? nullptr : &it->second.factory;
}

const AgentFactory* EngineRegistry::agent(std::string_view provider) const {
  auto it = agents_.find(provider);
  return it == agents_.end() ? nullptr : &it->second;
}

const std::string& EngineRegistry::default_fallback(EngineKind kind) const { return fallback_[static_cast<int>(kind)]; }

std::vector<std::string> EngineRegistry::providers(EngineKind kind) const {
  std::vector<std::string> out;
  auto keys = [&out](const auto& map) {
    for (const auto& [name, _] : map) out.push_back(name);
  };
  switch (kind) {
    case EngineKind::stt: keys(stt_); break;
    case EngineKind::tts: keys(tts_); break;
    case EngineKind::agent: keys(agents_); break;
  }
  return out;
}

std::optional<std::vector<VoiceInfo>> EngineRegistry::voices(std::string_view tts_provider) const {
  auto it = tts_.find(tts_provider);
  if (it == tts_.end() || !it->second.voices) return std::nullopt;
  return it->second.voices();
}

}  // namespace parley::voice

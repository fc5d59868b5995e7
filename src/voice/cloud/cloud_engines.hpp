#pragma once
// Registers the cloud engines (BYOK, configured per agent): STT deepgram and openai, TTS openai and
// elevenlabs, and the OpenAI-compatible LLM agent under each provider name the API accepts (openai,
// groq, ollama, vllm, llama_cpp). docs/cloud-engines.md has their configuration.
#include "voice/engine/engine_registry.hpp"

namespace parley::voice::cloud {

void register_cloud_engines(EngineRegistry& registry);

}  // namespace parley::voice::cloud

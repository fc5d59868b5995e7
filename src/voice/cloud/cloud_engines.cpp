#include "voice/cloud/cloud_engines.hpp"

#include "voice/cloud/cloud_tts.hpp"
#include "voice/cloud/deepgram_stt.hpp"
#include "voice/cloud/llm_agent.hpp"
#include "voice/cloud/whisper_stt.hpp"

namespace parley::voice::cloud {

void register_cloud_engines(EngineRegistry& registry) {
  registry.add_stt("deepgram", &make_deepgram_stt);
  registry.add_stt("openai", &make_whisper_stt);
  registry.add_tts("openai", &make_openai_tts, &openai_voices);
  registry.add_tts("elevenlabs", &make_elevenlabs_tts);
  for (const char* provider : {"openai", "groq", "ollama", "vllm", "llama_cpp"}) registry.add_agent(provider, &make_llm_agent);
}

}  // namespace parley::voice::cloud

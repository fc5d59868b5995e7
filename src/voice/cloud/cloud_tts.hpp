#pragma once
// The cloud TTS engines, both streamed (cloud/http_tts_stream.hpp):
//   openai      POST {base_url}/audio/speech {"model","voice","input","response_format":"pcm"}:
//               24 kHz PCM16 mono, resampled to 16 kHz. Defaults: base_url https://api.openai.com/v1,
//               model tts-1, voice alloy. Also any OpenAI-compatible speech server.
//   elevenlabs  POST {base_url}/v1/text-to-speech/{voice}/stream?output_format=pcm_16000 with header
//               xi-api-key and {"text","model_id"}: 16 kHz PCM16 mono. Defaults: base_url
//               https://api.elevenlabs.io, model eleven_flash_v2_5; voice is the ElevenLabs voice id.
#include <memory>
#include <vector>

#include "voice/tts/tts_engine.hpp"

namespace parley::voice::cloud {

core::Result<std::unique_ptr<TtsStream>> make_openai_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                         TtsListener& listener);
core::Result<std::unique_ptr<TtsStream>> make_elevenlabs_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                             TtsListener& listener);

std::vector<VoiceInfo> openai_voices();

}  // namespace parley::voice::cloud

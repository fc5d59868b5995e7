#include "voice/cloud/cloud_tts.hpp"

#include <boost/json.hpp>

#include "voice/cloud/http_tts_stream.hpp"
#include "voice/cloud/provider_error.hpp"

namespace parley::voice::cloud {
namespace json = boost::json;

core::Result<std::unique_ptr<TtsStream>> make_openai_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                         TtsListener& listener) {
  const auto& spec = setup.engine;
  if (spec.api_key.empty() && spec.base_url.empty()) {
    return core::fail(core::Errc::unauthorized, "openai tts needs voice.tts.api_key", "voice.tts.api_key");
  }
  HttpTtsProvider p;
  p.name = "openai tts";
  p.sample_rate = 24000;  // response_format=pcm is 24 kHz s16le mono
  p.request = [url = endpoint_url(spec.base_url.empty() ? "https://api.openai.com/v1" : spec.base_url, "/audio/speech"),
               key = spec.api_key, model = spec.model.empty() ? "tts-1" : spec.model,
               voice = spec.voice.empty() ? "alloy" : spec.voice](const std::string& text) {
    net::HttpClientRequest r;
    r.method = "POST";
    r.url = url;
    r.headers = {{"Content-Type", "application/json"}};
    if (!key.empty()) r.headers.emplace_back("Authorization", "Bearer " + key);
    r.body = json::serialize(json::object{{"model", model}, {"voice", voice}, {"input", text}, {"response_format", "pcm"}});
    return r;
  };
  return make_http_tts_stream(ctx, spec, std::move(p), listener);
}

core::Result<std::unique_ptr<TtsStream>> make_elevenlabs_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                             TtsListener& listener) {
  const auto& spec = setup.engine;
  if (spec.api_key.empty()) {
    return core::fail(core::Errc::unauthorized, "elevenlabs needs voice.tts.api_key", "voice.tts.api_key");
  }
  if (spec.voice.empty()) return core::fail(core::Errc::validation, "elevenlabs needs voice.tts.voice (a voice id)", "voice.tts.voice");
  std::string base = spec.base_url.empty() ? "https://api.elevenlabs.io" : spec.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpTtsProvider p;
  p.name = "elevenlabs";
  p.sample_rate = 16000;
  p.request = [url = base + "/v1/text-to-speech/" + net::form_encode(spec.voice) + "/stream?output_format=pcm_16000",
               key = spec.api_key, model = spec.model.empty() ? "eleven_flash_v2_5" : spec.model](const std::string& text) {
    net::HttpClientRequest r;
    r.method = "POST";
    r.url = url;
    r.headers = {{"Content-Type", "application/json"}, {"xi-api-key", key}, {"Accept", "audio/pcm"}};
    r.body = json::serialize(json::object{{"text", text}, {"model_id", model}});
    return r;
  };
  return make_http_tts_stream(ctx, spec, std::move(p), listener);
}

std::vector<VoiceInfo> openai_voices() {
  std::vector<VoiceInfo> out;
  for (auto [id, gender] : {std::pair{"alloy", ""}, {"ash", "male"}, {"coral", "female"}, {"echo", "male"},
                            {"fable", "male"}, {"nova", "female"}, {"onyx", "male"}, {"sage", "female"},
                            {"shimmer", "female"}}) {
    out.push_back({id, id, "", gender, 24000});
  }
  return out;
}

}  // namespace parley::voice::cloud

// GET /voice/tts/voices: the voices each text-to-speech provider offers (the values for an agent's
// voice.tts.voice). Engines that know their voices list them (the embedded ones, OpenAI's built-in
// voices); a provider whose voices live in the user's account is listed without voices, with a note.
#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "voice/engine/engine_registry.hpp"

namespace parley::api {

void add_tts_voice_routes(Router& r, ApiDeps& deps) {
  r.add({"GET", "/voice/tts/voices", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           if (!deps.engines) return core::fail(core::Errc::unavailable, "speech engines are not running");
           auto providers = deps.engines->providers(voice::EngineKind::tts);
           if (auto wanted = ctx.request.query_param("provider")) {
             if (std::find(providers.begin(), providers.end(), *wanted) == providers.end()) {
               return core::fail(core::Errc::validation, "unknown TTS provider " + std::string(*wanted), "provider");
             }
             providers = {std::string(*wanted)};
           }
           json::array out;
           for (const auto& p : providers) {
             json::object entry{{"provider", p}};
             if (auto voices = deps.engines->voices(p)) {
               json::array list;
               for (const auto& v : *voices) {
                 list.push_back(json::object{{"id", v.id},
                                             {"name", v.name},
                                             {"language", v.language},
                                             {"gender", v.gender.empty() ? json::value(nullptr) : json::value(v.gender)},
                                             {"native_sample_rate", v.native_rate}});
               }
               entry["voices"] = std::move(list);
             } else {
               entry["voices"] = json::array{};
               entry["note"] = "voices are those of your " + p + " account (set voice.tts.voice to one of them)";
             }
             out.push_back(std::move(entry));
           }
           return json_response(200, json::object{{"providers", std::move(out)}});
         }});
}

}  // namespace parley::api

#include "voice/tts/espeak_synth.hpp"

#include <espeak-ng/speak_lib.h>

#include <mutex>
#include <string>

#include "voice/audio/pcm.hpp"

namespace parley::voice {
namespace {

struct Espeak {
  std::mutex mu;  // espeak-ng's synthesizer is process-global
  int rate = 0;
  std::vector<std::int16_t>* sink = nullptr;  // the buffer of the synthesis holding `mu`
  std::string voice;                          // the voice currently set

  Espeak() { rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0); }
};

Espeak& engine() {
  static Espeak e;
  return e;
}

int on_samples(short* wav, int n, espeak_EVENT*) {
  auto& e = engine();
  if (wav != nullptr && n > 0 && e.sink != nullptr) e.sink->insert(e.sink->end(), wav, wav + n);
  return 0;
}

}  // namespace

std::vector<VoiceInfo> espeak_voices() {
  auto& e = engine();
  std::lock_guard lock(e.mu);
  std::vector<VoiceInfo> out;
  if (e.rate <= 0) return out;
  const espeak_VOICE** list = espeak_ListVoices(nullptr);
  for (int i = 0; list != nullptr && list[i] != nullptr; ++i) {
    const espeak_VOICE* v = list[i];
    // languages: a priority byte, then a zero-terminated language name (first one is the main one).
    std::string lang = v->languages != nullptr && v->languages[0] != 0 ? std::string(v->languages + 1) : "";
    std::string gender = v->gender == 1 ? "male" : v->gender == 2 ? "female" : "";
    out.push_back(VoiceInfo{lang.empty() ? v->name : lang, v->name, lang, gender, e.rate});
  }
  return out;
}

core::Result<std::vector<std::int16_t>> espeak_synthesize(std::string_view voice, std::string_view text) {
  auto& e = engine();
  std::vector<std::int16_t> native;
  {
    std::lock_guard lock(e.mu);
    if (e.rate <= 0) return core::fail(core::Errc::unavailable, "espeak-ng: initialization failed");
    std::string want(voice.empty() ? kDefaultEspeakVoice : voice);
    if (want != e.voice) {
      if (espeak_SetVoiceByName(want.c_str()) != EE_OK) {
        espeak_VOICE spec{};
        spec.languages = want.c_str();
        if (espeak_SetVoiceByProperties(&spec) != EE_OK) {
          want = std::string(kDefaultEspeakVoice);
          espeak_SetVoiceByName(want.c_str());
        }
      }
      e.voice = want;
    }
    espeak_SetParameter(espeakRATE, 165, 0);
    espeak_SetSynthCallback(&on_samples);
    e.sink = &native;
    std::string t(text);
    espeak_ERROR rc = espeak_Synth(t.c_str(), t.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
    espeak_Synchronize();
    e.sink = nullptr;
    if (rc != EE_OK) return core::fail(core::Errc::unavailable, "espeak-ng: synthesis failed");
  }
  return audio::to_16k(native, e.rate);
}

}  // namespace parley::voice

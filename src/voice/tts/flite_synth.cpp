#include "voice/tts/flite_synth.hpp"

extern "C" {
#include <flite/flite.h>
cst_voice* register_cmu_us_slt(const char*);
cst_voice* register_cmu_us_kal16(const char*);
cst_voice* register_cmu_us_kal(const char*);
}

#include <map>
#include <memory>
#include <mutex>

#include "voice/audio/pcm.hpp"

namespace parley::voice {
namespace {

struct Voice {
  VoiceInfo info;
  FliteRegister reg;
  cst_voice* voice = nullptr;  // registered on first use
  std::mutex mu;               // one synthesis at a time per voice (flite voices hold shared state)
};

struct Voices {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Voice>, std::less<>> by_id;

  Voices() {
    flite_init();
    add({"slt", "slt", "en-US", "female", 16000}, &register_cmu_us_slt);
    add({"kal16", "kal16", "en-US", "male", 16000}, &register_cmu_us_kal16);
    add({"kal", "kal", "en-US", "male", 8000}, &register_cmu_us_kal);
  }
  void add(VoiceInfo info, FliteRegister reg) {
    std::lock_guard lock(mu);
    auto v = std::make_unique<Voice>();
    v->info = std::move(info);
    v->reg = reg;
    std::string id = v->info.id;
    by_id.emplace(id, std::move(v));  // never replaced: other threads may be using a voice
  }
  Voice* find(std::string_view id) {
    std::lock_guard lock(mu);
    auto it = by_id.find(id);
    if (it == by_id.end()) it = by_id.find(kDefaultFliteVoice);
    return it->second.get();
  }
};

Voices& voices() {
  static Voices v;
  return v;
}

}  // namespace

void add_flite_voice(VoiceInfo info, FliteRegister reg) { voices().add(std::move(info), reg); }

std::vector<VoiceInfo> flite_voices() {
  auto& v = voices();
  std::lock_guard lock(v.mu);
  std::vector<VoiceInfo> out;
  for (const auto& [id, voice] : v.by_id) out.push_back(voice->info);
  return out;
}

core::Result<std::vector<std::int16_t>> flite_synthesize(std::string_view voice_id, std::string_view text) {
  Voice* v = voices().find(voice_id);
  std::vector<std::int16_t> native;
  int rate = 0;
  {
    std::lock_guard lock(v->mu);
    if (v->voice == nullptr) v->voice = v->reg(nullptr);
    if (v->voice == nullptr) return core::fail(core::Errc::unavailable, "flite: voice " + v->info.id + " did not load");
    std::string t(text);
    cst_wave* w = flite_text_to_wave(t.c_str(), v->voice);
    if (w == nullptr) return core::fail(core::Errc::unavailable, "flite: synthesis failed");
    native.assign(w->samples, w->samples + w->num_samples);
    rate = w->sample_rate;
    delete_wave(w);
  }
  return audio::to_16k(native, rate);
}

}  // namespace parley::voice

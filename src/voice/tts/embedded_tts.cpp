#include "voice/tts/embedded_tts.hpp"

#include <atomic>

#include "core/serial_queue.hpp"
#include "voice/audio/pcm.hpp"
#include "voice/engine/lifeline.hpp"
#include "voice/tts/espeak_synth.hpp"
#include "voice/tts/flite_synth.hpp"

namespace parley::voice {
namespace {

using Synth = core::Result<std::vector<std::int16_t>> (*)(std::string_view voice, std::string_view text);

class SynthStream final : public TtsStream {
 public:
  SynthStream(const EngineContext& ctx, std::string voice, Synth synth, TtsListener& listener)
      : io_(ctx.io),
        voice_(std::move(voice)),
        synth_(synth),
        listener_(listener),
        life_(Lifeline::create()),
        queue_(core::SerialQueue::create(ctx.pool)),
        generation_(std::make_shared<std::atomic<std::uint64_t>>(0)) {}

  ~SynthStream() override { life_->cut(); }

  void synthesize(std::uint32_t request, std::string text) override {
    auto& io = io_;
    auto life = life_;
    auto gen = generation_;
    std::uint64_t mine = gen->load();
    auto* listener = &listener_;
    bool ok = queue_->post([&io, life, gen, mine, listener, request, voice = voice_, synth = synth_,
                            text = std::move(text)] {
      if (!life->alive() || gen->load() != mine) return;  // cancelled: skip the work
      auto pcm = synth(voice, text);
      // flite leads every sentence with ~220 ms of near silence: a reply starts with its speech.
      if (pcm) pcm->erase(pcm->begin(), pcm->begin() + static_cast<std::ptrdiff_t>(audio::leading_silence(*pcm)));
      post_if_alive(io, life, [listener, gen, mine, request, pcm = std::move(pcm)] {
        if (gen->load() != mine) return;  // cancelled while synthesizing
        if (!pcm) {
          listener->on_tts_done(request, std::unexpected(pcm.error()));
          return;
        }
        if (!pcm->empty()) listener->on_tts_audio(request, *pcm);
        if (gen->load() == mine) listener->on_tts_done(request, {});
      });
    });
    if (!ok) {
      post_if_alive(io_, life_, [listener, gen, mine, request] {
        if (gen->load() != mine) return;
        listener->on_tts_done(request, core::fail(core::Errc::unavailable, "tts: the worker pool is saturated"));
      });
    }
  }

  void cancel() override { generation_->fetch_add(1); }

 private:
  boost::asio::io_context& io_;
  std::string voice_;
  Synth synth_;
  TtsListener& listener_;
  std::shared_ptr<Lifeline> life_;
  std::shared_ptr<core::SerialQueue> queue_;
  std::shared_ptr<std::atomic<std::uint64_t>> generation_;
};

}  // namespace

core::Result<std::unique_ptr<TtsStream>> make_flite_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                        TtsListener& listener) {
  return std::make_unique<SynthStream>(ctx, setup.engine.voice, &flite_synthesize, listener);
}

core::Result<std::unique_ptr<TtsStream>> make_espeak_tts(const EngineContext& ctx, const TtsSetup& setup,
                                                         TtsListener& listener) {
  return std::make_unique<SynthStream>(ctx, setup.engine.voice, &espeak_synthesize, listener);
}

core::Result<std::unique_ptr<TtsStream>> make_aero_tts(const EngineContext& ctx, const TtsSetup&, TtsListener& listener) {
  return std::make_unique<SynthStream>(ctx, std::string(kDefaultFliteVoice), &flite_synthesize, listener);
}

}  // namespace parley::voice

#include "voice/stt/pocketsphinx_stt.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "core/serial_queue.hpp"
#include "voice/cloud/cloud_options.hpp"
#include "voice/engine/lifeline.hpp"
#include "voice/stt/sphinx_recognizer.hpp"
#include "voice/stt/utterance_buffer.hpp"

namespace parley::voice {
namespace {

constexpr int kFramesPerChunk = 5;  // 100 ms of audio per decoder job (interim results at 10 Hz)

NarrowbandMode narrowband_mode(const EngineSpec& spec, bool narrowband) {
  if (!narrowband) return NarrowbandMode::none;
  auto mode = cloud::option_string(spec.options_json, "narrowband");
  if (mode == "none") return NarrowbandMode::none;
  if (mode == "native8k") return NarrowbandMode::native8k;
  return NarrowbandMode::fold;
}

// The decoder side: used by one call's jobs, one at a time (SerialQueue), never on the io thread.
struct Decoding {
  RulesSpec rules;
  std::string model;
  NarrowbandMode narrowband = NarrowbandMode::none;
  bool dictation_check = true;
  std::optional<SphinxConfig> config;  // built by the first job (the grammar needs the dictionary)
  std::optional<SphinxRecognizer> rec;
  std::string last_partial;
  std::vector<float> cmn;  // this caller's cepstral mean, carried from utterance to utterance

  core::Status configure() {
    if (config) return {};
    SphinxConfig c;
    c.narrowband = narrowband;
    bool rules_grammar = !rules.intents.empty() && model != "lm";
    if (rules_grammar) {
      auto g = SphinxRecognizer::rules_grammar(rules);
      for (const auto& phrase : g->skipped) {
        spdlog::warn("event=voice.grammar_phrase_skipped phrase={} reason=\"a word is not in the pronunciation dictionary\"",
                     core::log_value(phrase));
      }
      if (!g->empty()) {
        if (model == "keyphrase") {
          c.search = SphinxSearch::keyphrase;
          c.keyphrases = g->keyphrases;
        } else {
          c.search = SphinxSearch::grammar;
          c.jsgf = g->jsgf;
          c.garbage_words = g->garbage_words;
          c.verify = true;
          c.dictation_check = dictation_check;
        }
      }
    }
    config = std::move(c);
    return {};
  }

  core::Status open() {
    if (auto s = configure(); !s) return s;
    if (!rec) {
      auto r = SphinxRecognizer::create(*config);
      if (!r) return std::unexpected(r.error());
      rec.emplace(std::move(*r));
    }
    rec->set_cepstral_mean(cmn);
    last_partial.clear();
    return rec->start();
  }
};

class PocketsphinxStream final : public SttStream {
 public:
  PocketsphinxStream(const EngineContext& ctx, const SttSetup& setup, SttListener& listener)
      : io_(ctx.io),
        listener_(listener),
        life_(Lifeline::create()),
        queue_(core::SerialQueue::create(ctx.pool)),
        decoding_(std::make_shared<Decoding>()) {
    decoding_->rules = setup.agent.rules;
    decoding_->model = setup.engine.model;
    decoding_->narrowband = narrowband_mode(setup.engine, setup.narrowband);
    // "dictation_check": false saves the generic language model's decoding (about 3x the CPU of
    // the grammar and the phone loop together) at the cost of more foreign speech taken for an intent.
    decoding_->dictation_check = cloud::option_bool(setup.engine.options_json, "dictation_check", true);
    // Warm up: build the grammar and make sure a decoder with it compiled is in the pool, so the
    // caller's first utterance does not wait for model loading.
    post([](Decoding& d) -> core::Status {
      if (auto s = d.open(); !s) return s;
      (void)d.rec->finish();
      d.rec.reset();
      return {};
    });
  }

  ~PocketsphinxStream() override { life_->cut(); }

  void audio(std::span<const std::int16_t> frame) override {
    buffer_.audio(frame);
    if (buffer_.open_id() && ++frames_ >= kFramesPerChunk) feed();
  }

  void begin_utterance(std::uint32_t id) override {
    buffer_.begin(id);
    frames_ = 0;
    post([](Decoding& d) { return d.open(); });
    feed();
  }

  void end_utterance(std::uint32_t id) override {
    if (buffer_.open_id() != id) {  // nothing open under this id: an empty final, as the contract says
      report_final(id, {});
      return;
    }
    feed();
    buffer_.finish();
    post_result([id](Decoding& d) -> core::Result<SttResult> {
      if (!d.rec) return SttResult{id, {}, true, -1.0F};
      auto h = d.rec->finish();
      d.cmn = d.rec->cepstral_mean();
      d.rec.reset();  // the decoder goes back to the pool between utterances
      if (!h) return std::unexpected(h.error());
      spdlog::debug(
          "event=voice.stt_final engine=pocketsphinx utterance={} raw={} text={} verify_score={:.1f} dictation={} "
          "phone_distance={:.2f} seconds={:.2f}",
          id, core::log_value(h->raw), core::log_value(h->text), h->verify_score, core::log_value(h->dictation), h->phone_distance,
          h->audio_seconds);
      return SttResult{id, h->text, true, h->confidence};
    });
  }

  void cancel_utterance(std::uint32_t id) override {
    if (buffer_.open_id() != id) return;
    buffer_.cancel();
    post([](Decoding& d) -> core::Status {
      if (d.rec) (void)d.rec->finish();
      d.rec.reset();
      return {};
    });
  }

 private:
  void feed() {
    auto pcm = buffer_.take_new();
    frames_ = 0;
    if (pcm.empty()) return;
    auto id = *buffer_.open_id();
    double seconds = static_cast<double>(pcm.size()) / 16000.0;
    auto shared = std::make_shared<std::vector<std::int16_t>>(std::move(pcm));
    auto& io = io_;
    auto life = life_;
    auto* listener = &listener_;
    post([shared, id, seconds, &io, life, listener](Decoding& d) -> core::Status {
      if (!d.rec) return {};
      if (auto s = d.rec->process(*shared); !s) return s;
      std::string partial = d.rec->partial();
      if (partial != d.last_partial) {
        d.last_partial = partial;
        post_if_alive(io, life, [listener, id, partial] { listener->on_transcript(SttResult{id, partial, false}); });
      }
      post_if_alive(io, life, [listener, seconds] { listener->on_stt_usage(seconds); });
      return {};
    });
  }

  // Runs `job` on the pool in order; a failure reaches the listener as on_stt_error.
  template <class Job>
  void post(Job job) {
    auto d = decoding_;
    auto& io = io_;
    auto life = life_;
    auto* listener = &listener_;
    bool ok = queue_->post([d, job = std::move(job), &io, life, listener]() mutable {
      if (!life->alive()) return;
      if (auto s = job(*d); !s) {
        post_if_alive(io, life, [listener, e = s.error()] { listener->on_stt_error(e); });
      }
    });
    if (!ok) refused();
  }

  template <class Job>
  void post_result(Job job) {
    auto d = decoding_;
    auto& io = io_;
    auto life = life_;
    auto* listener = &listener_;
    bool ok = queue_->post([d, job = std::move(job), &io, life, listener]() mutable {
      if (!life->alive()) return;
      auto r = job(*d);
      post_if_alive(io, life, [listener, r = std::move(r)] {
        if (r) {
          listener->on_transcript(*r);
        } else {
          listener->on_stt_error(r.error());
        }
      });
    });
    if (!ok) refused();
  }

  void refused() {
    auto* listener = &listener_;
    post_if_alive(io_, life_, [listener] {
      listener->on_stt_error(core::Error{core::Errc::unavailable, "pocketsphinx: the worker pool is saturated", {}});
    });
  }

  void report_final(std::uint32_t id, std::string text) {
    auto* listener = &listener_;
    post_if_alive(io_, life_, [listener, id, text = std::move(text)] { listener->on_transcript(SttResult{id, text, true}); });
  }

  boost::asio::io_context& io_;
  SttListener& listener_;
  std::shared_ptr<Lifeline> life_;
  std::shared_ptr<core::SerialQueue> queue_;
  std::shared_ptr<Decoding> decoding_;
  UtteranceBuffer buffer_;
  int frames_ = 0;
};

}  // namespace

core::Result<std::unique_ptr<SttStream>> make_pocketsphinx_stt(const EngineContext& ctx, const SttSetup& setup,
                                                               SttListener& listener) {
  return std::make_unique<PocketsphinxStream>(ctx, setup, listener);
}

}  // namespace parley::voice

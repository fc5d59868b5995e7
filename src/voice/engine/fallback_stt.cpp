// The STT half of engine/fallback.hpp.
#include <boost/asio/steady_timer.hpp>

#include <map>

#include "voice/engine/fallback.hpp"
#include "voice/engine/lifeline.hpp"

namespace parley::voice {
namespace {

class FallbackStt;

// What an inner engine reports to: forwards to the wrapper while that engine is the current one.
struct SttRelay final : SttListener {
  FallbackStt* owner = nullptr;
  void on_transcript(const SttResult& r) override;
  void on_stt_usage(double seconds) override;
  void on_stt_error(const core::Error& e) override;
};

struct SttEngine {
  std::unique_ptr<SttRelay> relay = std::make_unique<SttRelay>();
  std::unique_ptr<SttStream> stream;  // destroyed before its relay
  ~SttEngine() { stream.reset(); }
};

class FallbackStt final : public SttStream {
 public:
  FallbackStt(FallbackSetup setup, std::chrono::milliseconds deadline, SttListener& outer,
              MakeEngine<SttListener, SttStream> make_fallback)
      : setup_(std::move(setup)), deadline_(deadline), outer_(outer), make_fallback_(std::move(make_fallback)),
        life_(Lifeline::create()) {}
  ~FallbackStt() override {
    life_->cut();
    if (current_) current_->relay->owner = nullptr;
  }

  void start(const MakeEngine<SttListener, SttStream>& make_primary) {
    provider_ = setup_.provider;
    if (auto e = build(make_primary); !e) fail(e.error());
  }

  void audio(std::span<const std::int16_t> frame) override {
    if (current_) current_->stream->audio(frame);
  }
  void begin_utterance(std::uint32_t id) override {
    if (current_) current_->stream->begin_utterance(id);
  }
  void end_utterance(std::uint32_t id) override {
    if (!current_) {
      deliver_empty(id);
      return;
    }
    auto wait = engine_deadline(deadline_, !on_fallback_ && make_fallback_);
    auto timer = std::make_unique<boost::asio::steady_timer>(setup_.io, wait);
    auto life = life_;
    timer->async_wait([this, life, id, wait](const boost::system::error_code& ec) {
      if (ec || !life->alive() || !waiting_.contains(id)) return;
      fail(core::Error{core::Errc::timeout, "no final transcript within " + std::to_string(wait.count()) + " ms", {}});
    });
    waiting_[id] = std::move(timer);
    current_->stream->end_utterance(id);
  }
  void cancel_utterance(std::uint32_t id) override {
    waiting_.erase(id);
    if (current_) current_->stream->cancel_utterance(id);
  }

  void transcript(const SttResult& r) {
    if (r.is_final) waiting_.erase(r.utterance);
    outer_.on_transcript(r);
  }
  void usage(double seconds) { outer_.on_stt_usage(seconds); }

  // Switch engines: the utterances waiting for a final are lost (empty finals).
  void fail(const core::Error& e) {
    retire();
    std::string next;
    if (!on_fallback_ && make_fallback_) {
      on_fallback_ = true;
      if (build(make_fallback_)) next = setup_.fallback_provider;
    }
    setup_.on_error(EngineErrorReport{EngineKind::stt, provider_, e, next});
    provider_ = next;
    auto ids = std::move(waiting_);
    waiting_.clear();
    for (auto& [id, timer] : ids) deliver_empty(id);
  }

 private:
  core::Status build(const MakeEngine<SttListener, SttStream>& make) {
    auto engine = std::make_unique<SttEngine>();
    auto stream = make(*engine->relay);
    if (!stream) return std::unexpected(stream.error());
    engine->stream = std::move(*stream);
    engine->relay->owner = this;
    current_ = std::move(engine);
    return {};
  }

  void deliver_empty(std::uint32_t id) {
    post_if_alive(setup_.io, life_, [this, id] { outer_.on_transcript(SttResult{id, {}, true, 0.0F}); });
  }

  void retire() { retire_engine(setup_.io, current_); }

  FallbackSetup setup_;
  std::chrono::milliseconds deadline_;
  SttListener& outer_;
  MakeEngine<SttListener, SttStream> make_fallback_;
  std::shared_ptr<Lifeline> life_;
  std::unique_ptr<SttEngine> current_;
  std::string provider_;
  bool on_fallback_ = false;
  std::map<std::uint32_t, std::unique_ptr<boost::asio::steady_timer>> waiting_;
};

void SttRelay::on_transcript(const SttResult& r) {
  if (owner != nullptr) owner->transcript(r);
}
void SttRelay::on_stt_usage(double seconds) {
  if (owner != nullptr) owner->usage(seconds);
}
void SttRelay::on_stt_error(const core::Error& e) {
  if (owner != nullptr) owner->fail(e);
}

}  // namespace

std::unique_ptr<SttStream> make_fallback_stt(FallbackSetup setup, std::chrono::milliseconds deadline, SttListener& outer,
                                             MakeEngine<SttListener, SttStream> make_primary,
                                             MakeEngine<SttListener, SttStream> make_fallback) {
  auto s = std::make_unique<FallbackStt>(std::move(setup), deadline, outer, std::move(make_fallback));
  s->start(make_primary);
  return s;
}

}  // namespace parley::voice

// The TTS half of engine/fallback.hpp.
#include <boost/asio/steady_timer.hpp>

#include <deque>

#include "voice/engine/fallback.hpp"
#include "voice/engine/lifeline.hpp"

namespace parley::voice {
namespace {

class FallbackTts;

struct TtsRelay final : TtsListener {
  FallbackTts* owner = nullptr;
  void on_tts_audio(std::uint32_t request, std::span<const std::int16_t> pcm) override;
  void on_tts_done(std::uint32_t request, const core::Status& status) override;
};

struct TtsEngine {
  std::unique_ptr<TtsRelay> relay = std::make_unique<TtsRelay>();
  std::unique_ptr<TtsStream> stream;
  ~TtsEngine() { stream.reset(); }
};

class FallbackTts final : public TtsStream {
 public:
  FallbackTts(FallbackSetup setup, std::chrono::milliseconds deadline, TtsListener& outer,
              MakeEngine<TtsListener, TtsStream> make_fallback)
      : setup_(std::move(setup)), deadline_(deadline), outer_(outer), make_fallback_(std::move(make_fallback)),
        timer_(setup_.io), life_(Lifeline::create()) {}
  ~FallbackTts() override {
    life_->cut();
    if (current_) current_->relay->owner = nullptr;
  }

  void start(const MakeEngine<TtsListener, TtsStream>& make_primary) {
    provider_ = setup_.provider;
    if (auto e = build(make_primary); !e) fail(e.error());
  }

  void synthesize(std::uint32_t request, std::string text) override {
    pending_.push_back({request, text});
    if (pending_.size() == 1) arm();
    if (current_) {
      current_->stream->synthesize(request, std::move(text));
    } else {
      finish_silently(request);
    }
  }

  void cancel() override {
    pending_.clear();
    timer_.cancel();
    if (current_) current_->stream->cancel();
  }

  void audio(std::uint32_t request, std::span<const std::int16_t> pcm) {
    if (pending_.empty() || pending_.front().request != request) return;
    arm();  // progress
    outer_.on_tts_audio(request, pcm);
  }

  void done(std::uint32_t request, const core::Status& status) {
    if (pending_.empty() || pending_.front().request != request) return;
    if (!status) {
      fail(status.error());
      return;
    }
    pending_.pop_front();
    if (pending_.empty()) {
      timer_.cancel();
    } else {
      arm();
    }
    outer_.on_tts_done(request, {});
  }

  // Switch engines and speak what is still pending with the fallback (nothing is lost).
  void fail(const core::Error& e) {
    retire();
    std::string next;
    if (!on_fallback_ && make_fallback_) {
      on_fallback_ = true;
      if (build(make_fallback_)) next = setup_.fallback_provider;
    }
    setup_.on_error(EngineErrorReport{EngineKind::tts, provider_, e, next});
    provider_ = next;
    if (pending_.empty()) return;
    arm();
    for (const auto& p : pending_) {
      if (current_) {
        current_->stream->synthesize(p.request, p.text);
      } else {
        finish_silently(p.request);
      }
    }
  }

 private:
  struct Pending {
    std::uint32_t request;
    std::string text;
  };

  core::Status build(const MakeEngine<TtsListener, TtsStream>& make) {
    auto engine = std::make_unique<TtsEngine>();
    auto stream = make(*engine->relay);
    if (!stream) return std::unexpected(stream.error());
    engine->stream = std::move(*stream);
    engine->relay->owner = this;
    current_ = std::move(engine);
    return {};
  }

  void arm() {
    auto wait = engine_deadline(deadline_, !on_fallback_ && make_fallback_);
    timer_.expires_after(wait);
    auto life = life_;
    timer_.async_wait([this, life, wait](const boost::system::error_code& ec) {
      if (ec || !life->alive() || pending_.empty()) return;
      fail(core::Error{core::Errc::timeout, "no audio within " + std::to_string(wait.count()) + " ms", {}});
    });
  }

  // No engine left: the request ends without audio (the text still reaches the transcript as sent).
  void finish_silently(std::uint32_t request) {
    post_if_alive(setup_.io, life_, [this, request] { done(request, {}); });
  }

  void retire() { retire_engine(setup_.io, current_); }

  FallbackSetup setup_;
  std::chrono::milliseconds deadline_;
  TtsListener& outer_;
  MakeEngine<TtsListener, TtsStream> make_fallback_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Lifeline> life_;
  std::unique_ptr<TtsEngine> current_;
  std::string provider_;
  bool on_fallback_ = false;
  std::deque<Pending> pending_;
};

void TtsRelay::on_tts_audio(std::uint32_t request, std::span<const std::int16_t> pcm) {
  if (owner != nullptr) owner->audio(request, pcm);
}
void TtsRelay::on_tts_done(std::uint32_t request, const core::Status& status) {
  if (owner != nullptr) owner->done(request, status);
}

}  // namespace

std::unique_ptr<TtsStream> make_fallback_tts(FallbackSetup setup, std::chrono::milliseconds deadline, TtsListener& outer,
                                             MakeEngine<TtsListener, TtsStream> make_primary,
                                             MakeEngine<TtsListener, TtsStream> make_fallback) {
  auto s = std::make_unique<FallbackTts>(std::move(setup), deadline, outer, std::move(make_fallback));
  s->start(make_primary);
  return s;
}

}  // namespace parley::voice

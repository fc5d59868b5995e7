#include "voice/cloud/deepgram_stt.hpp"

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "media/audio_format.hpp"
#include "net/websocket_client.hpp"
#include "voice/cloud/deepgram_protocol.hpp"
#include "voice/cloud/provider_error.hpp"
#include "voice/engine/lifeline.hpp"

namespace parley::voice::cloud {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kLooseWordsMaxAge = std::chrono::milliseconds(kPreRollMs + 700);

// The text Deepgram has given for one of our utterances: finalized segments plus the live interim one.
struct Transcript {
  std::uint32_t id = 0;
  std::string finals;
  std::string interim;
  bool final_sent = false;  // an early final (speech_final / UtteranceEnd) went out
  bool changed = false;     // text arrived after that early final

  std::string text() const {
    if (interim.empty()) return finals;
    return finals.empty() ? interim : finals + " " + interim;
  }
  void add(const DeepgramMessage& m) {
    if (m.is_final) {
      if (!m.transcript.empty()) finals = finals.empty() ? m.transcript : finals + " " + m.transcript;
      interim.clear();
    } else {
      interim = m.transcript;
    }
    if (final_sent && !m.transcript.empty()) changed = true;
  }
};

class DeepgramStt final : public SttStream {
 public:
  DeepgramStt(const EngineContext& ctx, DeepgramOptions options, const std::string& key, SttListener& listener)
      : ctx_(ctx),
        options_(std::move(options)),
        listener_(listener),
        life_(Lifeline::create()),
        ws_(ctx.io),
        finalize_timer_(ctx.io),
        keepalive_timer_(ctx.io) {
    net::WebSocketConnectRequest req;
    req.url = deepgram_listen_url(options_, media::kSampleRate);
    req.headers = {{"Authorization", "Token " + key}};
    req.connect_timeout = options_.connect_timeout;
    req.idle_timeout = std::chrono::seconds(20);
    channel_ = ws_.connect(std::move(req), std::make_shared<Socket>(this, life_));
    last_audio_ = Clock::now();
    arm_keepalive();
  }

  ~DeepgramStt() override {
    life_->cut();
    finalize_timer_.cancel();
    keepalive_timer_.cancel();
    if (channel_ && !failed_) {
      channel_->send_text(std::string(kDeepgramCloseStream));  // Deepgram flushes, sends Metadata, closes
      channel_->close(net::kWsNormalClosure, "call ended");
    }
  }

  void audio(std::span<const std::int16_t> frame) override {
    if (failed_) return;
    channel_->send_binary(std::string(reinterpret_cast<const char*>(frame.data()), frame.size_bytes()));
    last_audio_ = Clock::now();
    unbilled_samples_ += frame.size();
    if (unbilled_samples_ >= static_cast<std::size_t>(media::kSampleRate)) {
      double seconds = static_cast<double>(unbilled_samples_) / media::kSampleRate;
      unbilled_samples_ = 0;
      post([this, seconds] { listener_.on_stt_usage(seconds); });
    }
  }

  void begin_utterance(std::uint32_t id) override {
    // Words Deepgram heard just before the VAD was sure belong to this utterance; older ones were
    // noise the VAD rightly ignored.
    bool recent = loose_ && Clock::now() - loose_at_ < kLooseWordsMaxAge;
    Transcript t = recent ? std::move(*loose_) : Transcript{};
    loose_.reset();
    t.id = id;
    current_ = std::move(t);
  }

  void end_utterance(std::uint32_t id) override {
    if (failed_) return;
    if (!current_ || current_->id != id) {
      post([this, id] { listener_.on_transcript({id, "", true}); });
      return;
    }
    Transcript t = std::move(*current_);
    current_.reset();
    if (t.final_sent && !t.changed && t.interim.empty()) {
      post([this, id, text = t.finals] { listener_.on_transcript({id, text, true}); });
      return;
    }
    if (closing_) deliver_final(*closing_);  // a second end before the first was finalized
    closing_ = std::move(t);
    channel_->send_text(std::string(kDeepgramFinalize));
    finalize_timer_.expires_after(options_.finalize_timeout);
    finalize_timer_.async_wait([this, life = life_](boost::system::error_code ec) {
      if (ec || !life->alive() || !closing_) return;
      fail(core::Error{core::Errc::timeout, fmt::format("deepgram did not finalize the transcript within {} ms",
                                                        options_.finalize_timeout.count())});
    });
  }

  void cancel_utterance(std::uint32_t id) override {
    if (current_ && current_->id == id) current_.reset();
  }

 private:
  // Forwards the connection's events while the engine lives (they run on the call's io_context).
  class Socket final : public net::WebSocketHandler {
   public:
    Socket(DeepgramStt* owner, std::shared_ptr<Lifeline> life) : owner_(owner), life_(std::move(life)) {}
    void on_open(std::shared_ptr<net::WebSocketChannel>) override {}
    void on_message(net::WebSocketMessage m) override {
      if (life_->alive()) owner_->on_message(m);
    }
    void on_close(const net::WebSocketClose& c) override {
      if (life_->alive()) owner_->on_closed(c);
    }

   private:
    DeepgramStt* owner_;
    std::shared_ptr<Lifeline> life_;
  };

  template <class Fn>
  void post(Fn&& fn) {
    post_if_alive(ctx_.io, life_, std::forward<Fn>(fn));
  }

  void on_message(const net::WebSocketMessage& m) {
    if (failed_ || m.binary) return;
    auto msg = parse_deepgram_message(m.data);
    if (!msg) return;  // an unknown shape: Deepgram adds message types over time
    switch (msg->kind) {
      case DeepgramMessage::Kind::results: return on_results(*msg);
      case DeepgramMessage::Kind::utterance_end:
        if (current_ && !current_->final_sent && !current_->text().empty()) early_final(*current_);
        return;
      case DeepgramMessage::Kind::error:
        return fail(core::Error{core::Errc::unavailable, "deepgram error: " + msg->description});
      default: return;
    }
  }

  void on_results(const DeepgramMessage& m) {
    Transcript* target = closing_ ? &*closing_ : current_ ? &*current_ : nullptr;
    if (target == nullptr) {
      if (!loose_) loose_.emplace();
      loose_at_ = Clock::now();
      target = &*loose_;
    }
    target->add(m);
    if (target == &*loose_) return;
    if (closing_ && target == &*closing_) {
      if (m.from_finalize || m.speech_final) {
        finalize_timer_.cancel();
        Transcript done = std::move(*closing_);
        closing_.reset();
        deliver_final(done);
      }
      return;
    }
    if (m.speech_final && !target->text().empty()) return early_final(*target);
    if (!target->text().empty()) listener_.on_transcript({target->id, target->text(), false, m.confidence});
  }

  void early_final(Transcript& t) {
    t.finals = t.text();
    t.interim.clear();
    t.final_sent = true;
    t.changed = false;
    listener_.on_transcript({t.id, t.finals, true});
  }

  void deliver_final(const Transcript& t) { listener_.on_transcript({t.id, t.text(), true}); }

  void on_closed(const net::WebSocketClose& c) {
    if (failed_) return;
    if (c.upgrade_response) {
      return fail(provider_error("deepgram", c.upgrade_response->status, c.upgrade_response->body));
    }
    if (c.error) return fail(core::Error{c.error->code, "deepgram: " + c.error->message});
    fail(core::Error{core::Errc::unavailable, fmt::format("deepgram closed the stream ({} {})", c.code, c.reason)});
  }

  void fail(core::Error error) {
    if (failed_) return;
    failed_ = true;
    finalize_timer_.cancel();
    keepalive_timer_.cancel();
    channel_->cancel();
    spdlog::warn("event=stt.error provider=deepgram call_id={} code={} error={}", ctx_.call_id,
                 core::to_string(error.code), error.message);
    listener_.on_stt_error(error);
  }

  // Deepgram closes a stream that carries nothing for about 10 s (NET-0001): KeepAlive covers gaps
  // in the audio (hold, a stalled media path).
  void arm_keepalive() {
    keepalive_timer_.expires_after(options_.keepalive_interval);
    keepalive_timer_.async_wait([this, life = life_](boost::system::error_code ec) {
      if (ec || !life->alive() || failed_) return;
      if (Clock::now() - last_audio_ >= options_.keepalive_interval) {
        channel_->send_text(std::string(kDeepgramKeepAlive));
      }
      arm_keepalive();
    });
  }

  EngineContext ctx_;
  DeepgramOptions options_;
  SttListener& listener_;
  std::shared_ptr<Lifeline> life_;
  net::WebSocketClient ws_;
  std::shared_ptr<net::WebSocketChannel> channel_;
  boost::asio::steady_timer finalize_timer_;
  boost::asio::steady_timer keepalive_timer_;
  Clock::time_point last_audio_;
  std::size_t unbilled_samples_ = 0;
  std::optional<Transcript> current_;  // the open utterance
  std::optional<Transcript> closing_;  // ended, waiting for Deepgram's finalized text
  std::optional<Transcript> loose_;    // words heard while no utterance was open
  Clock::time_point loose_at_;
  bool failed_ = false;
};

}  // namespace

core::Result<std::unique_ptr<SttStream>> make_deepgram_stt(const EngineContext& ctx, const SttSetup& setup,
                                                           SttListener& listener) {
  if (setup.engine.api_key.empty()) {
    return core::fail(core::Errc::unauthorized, "deepgram needs voice.stt.api_key", "voice.stt.api_key");
  }
  return std::make_unique<DeepgramStt>(ctx, deepgram_options(setup.engine), setup.engine.api_key, listener);
}

}  // namespace parley::voice::cloud

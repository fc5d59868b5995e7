#include "voice/cloud/whisper_stt.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "media/audio_format.hpp"
#include "net/multipart_form.hpp"
#include "voice/cloud/cloud_options.hpp"
#include "voice/cloud/provider_error.hpp"
#include "voice/cloud/wav.hpp"
#include "voice/engine/lifeline.hpp"
#include "voice/stt/utterance_buffer.hpp"

namespace parley::voice::cloud {
namespace {
namespace json = boost::json;

constexpr double kMinSeconds = 0.1;  // shorter audio has no words: answered "" without a request

class WhisperStt final : public SttStream {
 public:
  WhisperStt(const EngineContext& ctx, const EngineSpec& spec, SttListener& listener)
      : ctx_(ctx), spec_(spec), listener_(listener), life_(Lifeline::create()) {
    timeout_ = option_ms(spec.options_json, "timeout_ms", 15000);
  }
  ~WhisperStt() override { life_->cut(); }

  void audio(std::span<const std::int16_t> frame) override { buffer_.audio(frame); }
  void begin_utterance(std::uint32_t id) override { buffer_.begin(id); }
  void cancel_utterance(std::uint32_t id) override {
    if (buffer_.open_id() == id) buffer_.cancel();
  }

  void end_utterance(std::uint32_t id) override {
    if (failed_) return;
    if (buffer_.open_id() != id) {
      post_if_alive(ctx_.io, life_, [this, id] { listener_.on_transcript({id, "", true}); });
      return;
    }
    double seconds = buffer_.seconds();
    auto pcm = buffer_.finish();
    if (seconds < kMinSeconds) {
      post_if_alive(ctx_.io, life_, [this, id] { listener_.on_transcript({id, "", true}); });
      return;
    }
    net::MultipartForm form;
    form.add_file("file", "utterance.wav", "audio/wav", wav_bytes(pcm, media::kSampleRate));
    form.add_field("model", spec_.model.empty() ? "whisper-1" : spec_.model);
    // The API takes ISO-639-1 ("en"), not a region tag ("en-US").
    if (!spec_.language.empty()) form.add_field("language", spec_.language.substr(0, spec_.language.find('-')));
    form.add_field("response_format", "json");
    auto body = form.encode();
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = endpoint_url(spec_.base_url.empty() ? "https://api.openai.com/v1" : spec_.base_url,
                           "/audio/transcriptions");
    req.headers = {{"Content-Type", body.content_type}, {"Accept", "application/json"}};
    if (!spec_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + spec_.api_key);
    req.body = std::move(body.body);
    req.timeout = timeout_;
    req.connect_timeout = std::min(timeout_, req.connect_timeout);
    ctx_.http.async_send(std::move(req), [this, life = life_, id, seconds](core::Result<net::HttpClientResponse> r) {
      if (life->alive()) on_response(id, seconds, std::move(r));
    });
  }

 private:
  void on_response(std::uint32_t id, double seconds, core::Result<net::HttpClientResponse> r) {
    if (failed_) return;
    if (!r) return fail(core::Error{r.error().code, "openai stt: " + r.error().message});
    if (r->status != 200) return fail(provider_error("openai stt", r->status, r->body));
    boost::system::error_code ec;
    auto doc = json::parse(r->body, ec);
    auto* text = !ec && doc.is_object() ? doc.get_object().if_contains("text") : nullptr;
    if (text == nullptr || !text->is_string()) {
      return fail(core::Error{core::Errc::unavailable, "openai stt: the response has no \"text\""});
    }
    listener_.on_stt_usage(seconds);
    listener_.on_transcript({id, std::string(text->get_string()), true});
  }

  void fail(core::Error error) {
    failed_ = true;
    spdlog::warn("event=stt.error provider=openai call_id={} code={} error={}", ctx_.call_id, core::to_string(error.code),
                 error.message);
    listener_.on_stt_error(error);
  }

  EngineContext ctx_;
  EngineSpec spec_;
  SttListener& listener_;
  std::shared_ptr<Lifeline> life_;
  UtteranceBuffer buffer_;
  std::chrono::milliseconds timeout_;
  bool failed_ = false;
};

}  // namespace

core::Result<std::unique_ptr<SttStream>> make_whisper_stt(const EngineContext& ctx, const SttSetup& setup,
                                                          SttListener& listener) {
  return std::make_unique<WhisperStt>(ctx, setup.engine, listener);
}

}  // namespace parley::voice::cloud

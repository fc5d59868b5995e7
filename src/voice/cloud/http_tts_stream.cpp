#include "voice/cloud/http_tts_stream.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <optional>

#include "media/audio_format.hpp"
#include "media/dsp/resampler.hpp"
#include "voice/cloud/cloud_options.hpp"
#include "voice/cloud/provider_error.hpp"
#include "voice/engine/lifeline.hpp"

namespace parley::voice::cloud {
namespace {

constexpr std::size_t kMaxErrorBody = 8 << 10;
constexpr std::size_t kMaxAudioBytes = 64 << 20;  // about 22 minutes of 24 kHz PCM16

class HttpTtsStream final : public TtsStream {
 public:
  HttpTtsStream(const EngineContext& ctx, const EngineSpec& spec, HttpTtsProvider provider, TtsListener& listener)
      : ctx_(ctx), provider_(std::move(provider)), listener_(listener), life_(Lifeline::create()) {
    timeout_ = option_ms(spec.options_json, "timeout_ms", 30000);
    idle_timeout_ = option_ms(spec.options_json, "idle_timeout_ms", 5000);
  }

  ~HttpTtsStream() override {
    life_->cut();
    if (stream_) stream_->cancel();
  }

  void synthesize(std::uint32_t request, std::string text) override {
    queue_.push_back({request, std::move(text)});
    if (!active_) post_if_alive(ctx_.io, life_, [this, gen = generation_] {
      if (gen == generation_ && !active_) start_next();
    });
  }

  void cancel() override {
    ++generation_;
    queue_.clear();
    if (stream_) stream_->cancel();
    stream_.reset();
    active_.reset();
  }

 private:
  struct Job {
    std::uint32_t id;
    std::string text;
  };
  struct Active {
    std::uint32_t id;
    int status = 0;
    std::string error_body;
    std::optional<std::uint8_t> odd_byte;  // a sample split between two chunks
    std::optional<media::dsp::Resampler> resampler;
    std::vector<std::int16_t> in, out;
  };

  void start_next() {
    if (queue_.empty()) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    active_.emplace();
    active_->id = job.id;
    if (provider_.sample_rate != media::kSampleRate) {
      auto rs = media::dsp::Resampler::create(provider_.sample_rate, media::kSampleRate);
      if (!rs) return finish(std::unexpected(rs.error()));
      active_->resampler.emplace(std::move(*rs));
    }
    auto req = provider_.request(job.text);
    req.timeout = timeout_;
    req.idle_timeout = idle_timeout_;
    req.connect_timeout = std::min(req.connect_timeout, timeout_);
    req.max_response_bytes = kMaxAudioBytes;
    auto gen = generation_;
    auto life = life_;
    auto current = [this, life, gen] { return life->alive() && gen == generation_ && active_; };
    net::HttpStreamHandler h;
    h.on_head = [this, current](const net::HttpClientResponse& head) {
      if (current()) active_->status = head.status;
    };
    h.on_body = [this, current](std::string_view chunk) {
      if (current()) on_chunk(chunk);
    };
    h.on_end = [this, current](core::Status end) {
      if (current()) on_end(std::move(end));
    };
    stream_ = ctx_.http.async_stream(std::move(req), std::move(h));
  }

  void on_chunk(std::string_view chunk) {
    auto& a = *active_;
    if (a.status != 200) {
      if (a.error_body.size() < kMaxErrorBody) a.error_body.append(chunk.substr(0, kMaxErrorBody - a.error_body.size()));
      return;
    }
    // s16le samples, possibly split across chunks.
    a.in.clear();
    std::size_t i = 0;
    if (a.odd_byte && !chunk.empty()) {
      a.in.push_back(static_cast<std::int16_t>(*a.odd_byte | (static_cast<std::uint8_t>(chunk[0]) << 8)));
      a.odd_byte.reset();
      i = 1;
    }
    for (; i + 1 < chunk.size(); i += 2) {
      a.in.push_back(static_cast<std::int16_t>(static_cast<std::uint8_t>(chunk[i]) |
                                               (static_cast<std::uint8_t>(chunk[i + 1]) << 8)));
    }
    if (i < chunk.size()) a.odd_byte = static_cast<std::uint8_t>(chunk[i]);
    emit(a.in);
  }

  void emit(std::span<const std::int16_t> pcm) {
    auto& a = *active_;
    if (pcm.empty()) return;
    if (!a.resampler) return listener_.on_tts_audio(a.id, pcm);
    a.out.resize(pcm.size() * media::kSampleRate / static_cast<std::size_t>(provider_.sample_rate) + 64);
    auto n = a.resampler->process(pcm, a.out);
    if (n > 0) listener_.on_tts_audio(a.id, std::span<const std::int16_t>(a.out.data(), n));
  }

  void on_end(core::Status end) {
    auto& a = *active_;
    stream_.reset();
    if (!end) return finish(core::fail(end.error().code, provider_.name + ": " + end.error().message));
    if (a.status != 200) return finish(std::unexpected(provider_error(provider_.name, a.status, a.error_body)));
    if (a.resampler) {
      // Flush the filter's tail (about half its length) so the last syllable is not clipped.
      std::vector<std::int16_t> silence(64, 0);
      emit(silence);
    }
    finish({});
  }

  void finish(core::Status status) {
    auto id = active_->id;
    active_.reset();
    if (!status) {
      spdlog::warn("event=tts.error provider={} call_id={} code={} error={}", provider_.name, ctx_.call_id,
                   core::to_string(status.error().code), status.error().message);
    }
    auto life = life_;
    listener_.on_tts_done(id, status);
    if (life->alive() && !active_) start_next();  // the listener may have destroyed or cancelled us
  }

  EngineContext ctx_;
  HttpTtsProvider provider_;
  TtsListener& listener_;
  std::shared_ptr<Lifeline> life_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds idle_timeout_;
  std::deque<Job> queue_;
  std::optional<Active> active_;
  std::shared_ptr<net::HttpStream> stream_;
  std::uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<TtsStream> make_http_tts_stream(const EngineContext& ctx, const EngineSpec& spec,
                                                HttpTtsProvider provider, TtsListener& listener) {
  return std::make_unique<HttpTtsStream>(ctx, spec, std::move(provider), listener);
}

}  // namespace parley::voice::cloud

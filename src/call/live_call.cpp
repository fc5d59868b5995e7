#include "call/live_call.hpp"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "call/info_dtmf.hpp"
#include "call/recordings.hpp"
#include "core/log.hpp"
#include "core/time.hpp"

namespace parley::call {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }

double rounded(double v, double unit) { return std::round(v / unit) * unit; }

// The session's `quality` object (issue: packets_lost, jitter_ms, rtt_ms, mos_estimate) and what
// helps read it.
std::string quality_json(const media::session::MediaQuality& q, const std::string& codec) {
  json::object o{{"codec", codec},
                 {"packets_received", q.packets_received},
                 {"packets_sent", q.packets_sent},
                 {"packets_lost", q.packets_lost},
                 {"jitter_ms", rounded(q.jitter_ms, 0.01)},
                 {"rtt_ms", q.rtt_ms ? json::value(rounded(*q.rtt_ms, 0.01)) : json::value(nullptr)},
                 {"mos_estimate", rounded(q.mos_estimate, 0.01)},
                 {"jitter_buffer_delay_ms", rounded(q.jitter_buffer_delay_ms, 0.1)},
                 {"frames_concealed", q.frames_concealed},
                 {"packets_foreign", q.packets_foreign},
                 {"packets_invalid", q.packets_invalid}};
  return json::serialize(o);
}

// What a dialog's end means for the session, when nothing recorded it first.
std::pair<std::string, std::string> outcome_of(sip::EndReason reason, bool confirmed) {
  switch (reason) {
    case sip::EndReason::remote_bye: return {"completed", "remote_hangup"};
    case sip::EndReason::local_hangup: return {confirmed ? "completed" : "canceled", "local_hangup"};
    case sip::EndReason::cancelled: return {"canceled", "caller_canceled"};
    case sip::EndReason::no_ack: return {"failed", "no_ack"};
    case sip::EndReason::refresh_failure: return {"completed", "session_timer_expired"};
    case sip::EndReason::rejected:
    case sip::EndReason::timeout: break;
  }
  return {"failed", std::string(sip::to_string(reason))};
}

}  // namespace

std::shared_ptr<LiveCall> LiveCall::create(asio::io_context& io, std::shared_ptr<sip::InviteSession> sip,
                                           CallMedia media, std::shared_ptr<SessionWriter> writer,
                                           LiveCallSettings settings, ActiveCalls& active) {
  std::shared_ptr<LiveCall> call(
      new LiveCall(io, std::move(sip), std::move(media), std::move(writer), std::move(settings), active));
  call->self_ = call;
  call->sip_->set_listener(call.get());
  return call;
}

LiveCall::LiveCall(asio::io_context& io, std::shared_ptr<sip::InviteSession> sip, CallMedia media,
                   std::shared_ptr<SessionWriter> writer, LiveCallSettings settings, ActiveCalls& active)
    : io_(io),
      sip_(std::move(sip)),
      media_(std::move(media)),
      writer_(std::move(writer)),
      settings_(std::move(settings)),
      active_(active),
      max_duration_(io) {}

LiveCall::~LiveCall() { active_.remove(writer_->session_id()); }

void LiveCall::start() {
  std::weak_ptr<LiveCall> weak = weak_from_this();
  active_.add(writer_->session_id(), io_, [weak](std::string reason, std::function<void()> written) {
    if (auto self = weak.lock()) return self->end(std::move(reason), std::move(written));
    written();
  });
  auto& session = media_.session();
  session.set_end_handler([weak](std::string_view reason) {
    if (auto self = weak.lock()) self->end(std::string(reason));
  });
  session.set_dtmf_sink([this](const media::dtmf::Dtmf& d) { on_dtmf(d, "media"); });
  if (settings_.recording) {
    // Runs once the file is complete, possibly after this call object is gone.
    session.set_recording_handler([writer = writer_, target = *settings_.recording](core::Status status) {
      writer->write([target, ok = status.has_value()](store::Store& store) -> core::Status {
        auto state = finish_recording_file(store, target.id, target.path, ok);
        if (!state) return std::unexpected(state.error());
        return {};
      }, "finish recording");
    });
  }
  if (auto r = media_.start(); !r) {
    spdlog::error("event=call.media_failed call_id={} error={}", log_id(), core::log_value(r.error().message));
    return end("media_error");
  }
  if (auto r = start_voice(); !r) {
    spdlog::error("event=call.voice_failed call_id={} error={}", log_id(), core::log_value(r.error().message));
    return end("voice_unavailable");
  }
  spdlog::info("event=call.media call_id={} codec={} dtmf_mode={} recording={}", log_id(), media_.codec_name(),
               media::session::to_string(media_.dtmf_mode()), settings_.recording.has_value());
}

// The conversation hears the caller's audio (every 20 ms tick) and acts on the call through hooks.
core::Status LiveCall::start_voice() {
  if (!settings_.voice || !settings_.voice_environment) return {};
  settings_.voice->info.narrowband = media_.narrowband();
  std::weak_ptr<LiveCall> weak = weak_from_this();
  audio_.emplace(media_.session(), media_.dtmf_mode(), [weak](char digit, int duration_ms) {
    if (auto self = weak.lock()) self->sip_->send_info("application/dtmf-relay", info_dtmf_body(digit, duration_ms));
  }, log_id());
  CallVoice::Hooks hooks{
      [weak](std::string reason) {
        if (auto self = weak.lock()) self->end(std::move(reason));
      },
      [weak](std::string target) {
        if (auto self = weak.lock()) {
          spdlog::info("event=call.transfer call_id={} target={}", self->log_id(), core::log_value(target));
          self->sip_->refer(target);
        }
      },
      {}};
  auto voice = CallVoice::create(io_, *settings_.voice_environment, std::move(*settings_.voice), *audio_, writer_,
                                 std::move(hooks));
  settings_.voice.reset();
  if (!voice) return std::unexpected(voice.error());
  voice_ = std::move(*voice);
  media_.session().set_audio_sink([this](std::span<const std::int16_t> frame, std::uint64_t n) {
    if (voice_) voice_->on_audio(frame, n);
  });
  return {};
}

void LiveCall::on_dtmf(const media::dtmf::Dtmf& d, std::string_view via) {
  spdlog::info("event=call.dtmf call_id={} digit={} duration_ms={} via={}", log_id(), d.digit, d.duration_ms, via);
  if (voice_) voice_->on_dtmf(d.digit, d.duration_ms);
}

void LiveCall::confirmed(store::SessionTransition t) {
  if (confirmed_ || finished_) return;
  confirmed_ = true;
  spdlog::info("event=call.answered call_id={} sip_call_id={}", log_id(), core::log_value(settings_.sip_call_id));
  t.from = {"initiating", "ringing"};
  t.to = "in_progress";
  t.answered_at = now_ms();
  t.telephony_status = "answered";
  std::weak_ptr<LiveCall> weak = weak_from_this();
  writer_->transition(std::move(t), [weak, &io = io_](bool applied) {
    if (applied) return;
    // The session ended elsewhere (POST /voice/end raced the answer): the call must not go on.
    asio::post(io, [weak] {
      if (auto self = weak.lock(); self && !self->finished_) {
        self->finished_ = true;
        self->media_.stop();
        self->sip_->hangup();
      }
    });
  });
  if (voice_) voice_->start();  // the greeting, now that the caller can hear it
  // With a conversation this is the backstop: it says goodbye just before the limit and hangs up.
  max_duration_.expires_after(std::chrono::seconds(settings_.max_duration_s));
  max_duration_.async_wait([weak](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    spdlog::info("event=call.max_duration call_id={} seconds={}", self->log_id(), self->settings_.max_duration_s);
    self->end("max_duration");
  });
}

void LiveCall::end(std::string reason, std::function<void()> written) {
  if (finished_) {
    if (written) written();
    return;
  }
  auto keep = shared_from_this();  // hangup() may terminate the dialog, which releases self_
  finish(confirmed_ ? "completed" : "canceled", std::move(reason), std::move(written));
  sip_->hangup();
}

void LiveCall::finish(std::string status, std::string reason, std::function<void()> written) {
  if (finished_) return;
  finished_ = true;
  max_duration_.cancel();
  if (voice_) voice_->stop();
  auto quality = media_.session().quality();
  media_.stop();
  spdlog::info("event=call.ended call_id={} status={} end_reason={} packets_received={} packets_lost={} jitter_ms={:.1f}",
               log_id(), status, reason, quality.packets_received, quality.packets_lost, quality.jitter_ms);
  store::SessionTransition t;
  t.from = {"initiating", "ringing", "in_progress"};
  t.to = std::move(status);
  t.ended_at = now_ms();
  t.end_reason = std::move(reason);
  t.telephony_status = "terminated";
  if (quality.packets_received > 0 || quality.packets_sent > 0) t.quality = quality_json(quality, media_.codec_name());
  if (voice_) voice_->fill_final(t);
  writer_->transition(std::move(t), [written = std::move(written)](bool) {
    if (written) written();
  });
  active_.remove(writer_->session_id());
}

void LiveCall::on_ack(std::string_view sdp_answer) {
  if (!sdp_answer.empty() && !media_.negotiated()) {
    // Our 2xx carried the offer (offerless INVITE): the ACK has the answer (RFC 3261 s13.2.1).
    if (auto r = media_.accept_answer(sdp_answer); !r) {
      spdlog::warn("event=call.bad_ack_sdp call_id={} error={}", log_id(), core::log_value(r.error().message));
      return end("bad_sdp");
    }
    if (auto r = media_.start(); !r) return end("media_error");
  }
  confirmed({});
}

void LiveCall::on_bye() { finish("completed", "remote_hangup"); }

std::optional<std::string> LiveCall::on_reinvite(std::string_view offer) {
  auto answer = media_.reanswer(offer);
  if (!answer) {
    spdlog::info("event=call.reoffer_refused call_id={} error={}", log_id(), core::log_value(answer.error().message));
    return std::nullopt;
  }
  return std::move(*answer);
}

std::optional<std::string> LiveCall::on_update(std::string_view offer) { return on_reinvite(offer); }

void LiveCall::on_info(std::string_view content_type, std::string_view body) {
  if (auto digit = parse_info_dtmf(content_type, body)) on_dtmf(*digit, "sip_info");
}

// RFC 3515: the REFER's own final response (202 Accepted), then the NOTIFY sipfrag statuses of the
// transferee's INVITE. A final 2xx sipfrag means the caller reached the target: our leg is done.
void LiveCall::on_transfer(int status) {
  spdlog::info("event=call.transfer_progress call_id={} status={}", log_id(), status);
  if (status >= 300) {
    if (voice_) voice_->on_transfer_failed();
  } else if (status >= 200 && status != 202) {
    end("transferred");
  }
}

void LiveCall::on_refresh_failure() { finish("completed", "session_timer_expired"); }

void LiveCall::on_terminated(sip::EndReason reason) {
  if (voice_) voice_->stop();
  if (!finished_) {
    auto [status, end_reason] = outcome_of(reason, confirmed_);
    finish(std::move(status), std::move(end_reason));
  }
  max_duration_.cancel();
  media_.stop();
  active_.remove(writer_->session_id());
  sip_->set_listener(nullptr);
  self_.reset();  // may destroy *this: nothing after
}

}  // namespace parley::call

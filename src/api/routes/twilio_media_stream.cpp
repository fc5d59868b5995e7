// Twilio Media Streams (issue 7 item 3): the WebSocket Twilio opens for a number imported in
// media_stream mode, after its incoming webhook answered <Connect><Stream url=".../voice/twilio/stream/{phone_id}">.
//
// The upgrade is authenticated like Twilio's webhooks: the number must exist in media_stream mode
// and take calls, and X-Twilio-Signature must be Twilio's HMAC-SHA1 of the wss:// URL (a GET: no
// parameters) under the number's auth token; anything else is a 403 that writes nothing.
//
// The stream is a serializer for the same voice pipeline as a SIP call (stream::StreamCall): on
// `start` the session row is written (inbound, ringing -> in_progress, carrier_call_id = CallSid),
// `media` is decoded from 8 kHz mu-law to 16 kHz PCM16 (media's G.711 codec and resampler), `dtmf`
// goes to the agent, and the agent's audio goes back in 20 ms `media` messages, each followed by a
// `mark` named by the samples sent so far: Twilio echoes a mark once the audio before it has been
// played, so what Twilio still holds is known and counted in queued_playback_ms(). Barge-in sends
// `clear`. `stop` or a closed socket ends the session; the agent's hang-up completes the call
// through Twilio's REST API (Calls/{CallSid}.json, Status=completed), then the socket is closed; a
// transfer redirects the call to <Dial> TwiML.
//
// Malformed messages close the connection with a status code (RFC 6455 s7.4.1): 1007 for a message
// that does not parse, 1003 for binary frames or an unsupported media format, 1008 for messages out
// of order or for another stream.
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>

#include "api/json_io.hpp"
#include "api/routes/carrier_numbers.hpp"
#include "api/routes/routes.hpp"
#include "api/stream/stream_call.hpp"
#include "call/agent_settings.hpp"
#include "call/inbound_router.hpp"
#include "call/session_events.hpp"
#include "call/session_writer.hpp"
#include "carriers/public_url.hpp"
#include "carriers/twilio/media_stream.hpp"
#include "carriers/twilio/requests.hpp"
#include "carriers/twilio/signature.hpp"
#include "carriers/xml_response.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "media/codec/g711_codec.hpp"
#include "net/http_server.hpp"

namespace parley::api {
namespace {
namespace asio = boost::asio;
namespace tw = carriers::twilio;
using core::Errc;

constexpr std::string_view kPrefix = "/voice/twilio/stream/";
constexpr std::size_t kNarrowFrameBytes = 160;  // 20 ms of 8 kHz mu-law
constexpr int kSamplesPerMs = media::kSampleRate / 1000;

std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }

struct RouteContext {
  ApiDeps& deps;
  stream::StreamDeps& streams;
  carriers::PublicUrl public_url;
};

// What the upgrade established, for the connection's handler.
struct Admission {
  store::PhoneNumber number;
  store::Agent agent;
  std::string account_sid;
};

class TwilioStream final : public net::WebSocketHandler,
                           public stream::StreamWire,
                           public std::enable_shared_from_this<TwilioStream> {
 public:
  TwilioStream(std::shared_ptr<RouteContext> route, Admission admission, std::unique_ptr<media::codec::Codec> codec)
      : route_(std::move(route)), admission_(std::move(admission)), codec_(std::move(codec)) {}

  // net::WebSocketHandler
  void on_open(std::shared_ptr<net::WebSocketChannel> channel) override {
    channel_ = std::move(channel);
    context_ = route_->streams.here();
    if (!context_) close(net::kWsInternalError, "voice is unavailable");
  }

  void on_message(net::WebSocketMessage message) override {
    if (state_ == State::closed) return;
    if (message.binary) return protocol_error(net::kWsUnsupportedData, "Twilio Media Streams messages are JSON text");
    auto m = tw::parse_stream_message(message.data);
    if (!m) return protocol_error(net::kWsInvalidPayload, m.error().message);
    if (!stream_sid_.empty() && !m->stream_sid.empty() && m->stream_sid != stream_sid_) {
      return protocol_error(net::kWsPolicyViolation, "message for another streamSid");
    }
    std::visit([this, &m](auto& body) { handle(*m, body); }, m->body);
  }

  void on_close(const net::WebSocketClose& close) override {
    spdlog::info("event=twilio.stream_closed phone_id={} call_id={} code={} error={}", admission_.number.id,
                 call_ ? call_->session_id() : session_id_, close.code,
                 close.error ? core::log_value(close.error->message) : "none");
    state_ = State::closed;
    if (end_reason_.empty()) end_reason_ = transferring_ ? "transferred" : "stream_closed";
    if (call_) {
      call_->end(end_reason_, false);
      call_.reset();  // on the connection's thread, where the call lives
    }
  }

  // stream::StreamWire
  void send_audio(std::span<const std::int16_t> frame16k) override {
    std::array<std::uint8_t, kNarrowFrameBytes> mulaw{};
    auto n = codec_->encode(frame16k, mulaw);
    if (!n) return;
    sent_samples_ += frame16k.size();
    channel_->send_text(tw::media_message(stream_sid_, std::span(mulaw).first(*n)));
    channel_->send_text(tw::mark_message(stream_sid_, std::to_string(sent_samples_)));
  }

  void clear_audio() override {
    channel_->send_text(tw::clear_message(stream_sid_));
    played_samples_ = sent_samples_;  // Twilio drops it all; the marks it echoes for it change nothing
  }

  int unplayed_ms() const override { return static_cast<int>((sent_samples_ - played_samples_) / kSamplesPerMs); }

  void hang_up(const std::string& reason) override {
    state_ = State::closing;
    auto request = tw::Requests(bases(), admission_.account_sid).complete_call(call_sid_);
    rest(std::move(request), "hang_up", [reason](TwilioStream& self, bool) { self.close(net::kWsNormalClosure, reason); });
  }

  void transfer(const std::string& target) override {
    auto request = tw::Requests(bases(), admission_.account_sid).redirect_call(call_sid_, carriers::twiml_dial(target));
    rest(std::move(request), "transfer", [](TwilioStream& self, bool ok) {
      if (ok) {
        self.transferring_ = true;  // Twilio leaves the stream (stop) and dials the target
      } else if (self.call_) {
        self.call_->transfer_failed();
      }
    });
  }

 private:
  enum class State { waiting_start, admitting, live, closing, closed };

  tw::ApiBases bases() const { return {route_->deps.config.twilio_api_base, route_->deps.config.twilio_trunking_base}; }

  void handle(const tw::StreamMessage&, const tw::StreamConnected& c) {
    spdlog::debug("event=twilio.stream_connected phone_id={} protocol={} version={}", admission_.number.id,
                  core::log_value(c.protocol), core::log_value(c.version));
  }

  void handle(const tw::StreamMessage& m, const tw::StreamStart& start) {
    if (state_ != State::waiting_start) return protocol_error(net::kWsPolicyViolation, "a second start message");
    const auto& f = start.media_format;
    if (f.encoding != tw::kStreamEncoding || f.sample_rate != tw::kStreamSampleRate || f.channels != tw::kStreamChannels) {
      return protocol_error(net::kWsUnsupportedData, "media format must be audio/x-mulaw, 8000 Hz, 1 channel");
    }
    if (!plain_carrier_token(m.stream_sid) || !plain_carrier_token(start.call_sid)) {
      return protocol_error(net::kWsPolicyViolation, "start needs a streamSid and a callSid");
    }
    stream_sid_ = m.stream_sid;
    call_sid_ = start.call_sid;
    state_ = State::admitting;
    auto param = [&](std::string_view name) {
      for (const auto& [k, v] : start.custom_parameters) {
        if (k == name) return v;
      }
      return std::string();
    };
    auto job = [self = shared_from_this(), from = param("From"), to = param("To")]() mutable {
      auto admitted = self->admit(from, to);
      auto& io = *self->context_->io;
      asio::post(io, [self = std::move(self), admitted = std::move(admitted)]() mutable {
        self->admitted(std::move(admitted));
      });
    };
    if (!route_->streams.pool.try_submit(std::move(job))) {
      spdlog::warn("event=twilio.stream_refused phone_id={} reason=worker_queue_full", admission_.number.id);
      close(net::kWsTryAgainLater, "try again later");
    }
  }

  void handle(const tw::StreamMessage&, const tw::StreamMedia& media) {
    if (state_ == State::waiting_start) return protocol_error(net::kWsPolicyViolation, "media before start");
    if (state_ != State::live || (!media.track.empty() && media.track != "inbound")) return;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(media.payload.data());
    std::array<std::int16_t, 2 * kNarrowFrameBytes> pcm{};  // 20 ms at 16 kHz
    for (std::size_t at = 0; at < media.payload.size(); at += kNarrowFrameBytes) {
      const auto len = std::min(kNarrowFrameBytes, media.payload.size() - at);
      auto n = codec_->decode(std::span(bytes + at, len), pcm);
      if (n) call_->caller_audio(std::span(pcm).first(*n));
    }
  }

  void handle(const tw::StreamMessage&, const tw::StreamDtmf& dtmf) {
    if (state_ == State::live) call_->caller_dtmf(dtmf.digit);
  }

  void handle(const tw::StreamMessage&, const tw::StreamMark& mark) {
    // Names are the samples sent up to the mark; anything else is not ours and is ignored.
    std::uint64_t played = 0;
    auto [end, ec] = std::from_chars(mark.name.data(), mark.name.data() + mark.name.size(), played);
    if (ec != std::errc() || end != mark.name.data() + mark.name.size()) return;
    if (played <= sent_samples_ && played > played_samples_) played_samples_ = played;
  }

  void handle(const tw::StreamMessage&, const tw::StreamStop&) {
    spdlog::info("event=twilio.stream_stop phone_id={} call_sid={}", admission_.number.id, core::log_value(call_sid_));
    end_reason_ = transferring_ ? "transferred" : "remote_hangup";
    if (call_) call_->end(end_reason_, false);
    close(net::kWsNormalClosure, "stream stopped");
  }

  void handle(const tw::StreamMessage&, const tw::StreamOther& other) {
    spdlog::debug("event=twilio.stream_message_ignored phone_id={} event={}", admission_.number.id,
                  core::log_value(other.event));
  }

  // On the worker pool: the session (ringing, then in_progress once the carrier id is on it) and
  // the agent's voice setup.
  struct Admitted {
    std::optional<call::VoiceSetup> voice;
    std::string session_id;
    int max_duration_s = 600;
    std::string failure;  // why the stream cannot go on (nothing, or a session ended "failed")
  };

  Admitted admit(const std::string& from, const std::string& to) {
    auto& store = route_->deps.store;
    const auto& n = admission_.number;
    auto settings = call::agent_settings(admission_.agent.config);
    Admitted out;
    out.max_duration_s = settings.max_duration_s;
    store::VoiceSession s;
    s.id = core::new_id("call");
    s.kind = "inbound";
    s.status = "ringing";
    s.agent_id = admission_.agent.id;
    if (!from.empty()) s.from_number = call::normalize_did(from).value_or(from.substr(0, 64));
    s.to_number = to.empty() ? n.phone_number : call::normalize_did(to).value_or(n.phone_number);
    s.max_duration = settings.max_duration_s;
    s.webhook_url = settings.webhook_url;
    s.created_at = s.started_at.emplace(now_ms());
    s.telephony_status = "ringing";
    if (auto created = store.create_session(s, {}, call::webhook_event_for()); !created) {
      spdlog::error("event=twilio.stream_persist_failed phone_id={} error={}", n.id,
                    core::log_value(created.error().message));
      out.failure = "persist_failed";
      return out;
    }
    out.session_id = s.id;
    auto fail_session = [&](std::string reason) {
      store::SessionTransition t{s.id, {"ringing"}, "failed"};
      t.ended_at = now_ms();
      t.end_reason = reason;
      t.telephony_status = "terminated";
      (void)store.transition_session(t, call::webhook_event_for());
      out.failure = std::move(reason);
      return out;
    };
    // One session per Twilio call: a replayed or second stream for the same CallSid is refused.
    if (auto r = store.set_carrier_call_id(s.id, call_sid_); !r) {
      spdlog::warn("event=twilio.stream_duplicate phone_id={} call_sid={} error={}", n.id, core::log_value(call_sid_),
                   core::log_value(r.error().message));
      return fail_session("duplicate_stream");
    }
    auto setup = call::prepare_voice(route_->deps.secrets, admission_.agent, s);
    if (!setup) {
      spdlog::error("event=call.agent_unreadable call_id={} agent_id={} error={}", s.id, s.agent_id,
                    core::log_value(setup.error().message));
      return fail_session("agent_unreadable");
    }
    setup->info.narrowband = true;  // G.711 mu-law at 8 kHz
    store::SessionTransition t{s.id, {"ringing"}, "in_progress"};
    t.answered_at = now_ms();
    t.telephony_status = "answered";
    if (auto r = store.transition_session(t, call::webhook_event_for()); !r) {
      out.failure = "ended";  // POST /voice/end got there first
      return out;
    }
    spdlog::info("event=call.inbound call_id={} agent_id={} did={} caller={} carrier=twilio transport=media_stream "
                 "call_sid={} stream_sid={}",
                 s.id, s.agent_id, core::log_value(s.to_number.value_or("")), core::log_value(from),
                 core::log_value(call_sid_), core::log_value(stream_sid_));
    out.voice = std::move(*setup);
    return out;
  }

  // Back on the connection's thread.
  void admitted(Admitted a) {
    session_id_ = a.session_id;
    if (!a.failure.empty()) {
      if (state_ != State::closed) close(net::kWsPolicyViolation, a.failure);
      return;
    }
    auto writer = std::make_shared<call::SessionWriter>(route_->deps.store, route_->streams.pool, a.session_id);
    if (state_ != State::admitting) {
      // Twilio stopped (or the socket closed) while the session was being written.
      store::SessionTransition t{a.session_id, {"in_progress"}, "completed"};
      t.ended_at = now_ms();
      t.end_reason = end_reason_.empty() ? "stream_closed" : end_reason_;
      t.telephony_status = "terminated";
      writer->transition(std::move(t));
      return;
    }
    stream::StreamCallSettings settings{std::move(*a.voice), a.max_duration_s, true};
    auto call = stream::StreamCall::start(*context_, std::move(settings), writer, *this, *route_->deps.calls);
    if (!call) {
      spdlog::error("event=call.voice_failed call_id={} error={}", a.session_id, core::log_value(call.error().message));
      store::SessionTransition t{a.session_id, {"in_progress"}, "completed"};
      t.ended_at = now_ms();
      t.end_reason = "voice_unavailable";
      t.telephony_status = "terminated";
      writer->transition(std::move(t));
      return close(net::kWsInternalError, "voice is unavailable");
    }
    call_ = std::move(*call);
    state_ = State::live;
  }

  // A Twilio REST request about this call, on the worker pool; `then(self, ok)` runs back here.
  void rest(carriers::RestRequest request, const char* what,
            std::function<void(TwilioStream& self, bool ok)> then) {
    auto done = std::make_shared<std::function<void(TwilioStream&, bool)>>(std::move(then));
    auto job = [self = shared_from_this(), request = std::move(request), what, done]() mutable {
      bool ok = false;
      // The number's own account (AccountSid:AuthToken); blocking, hence here on the pool.
      if (auto client = carrier_client(self->route_->deps, self->admission_.number)) {
        auto r = client->send(request);
        ok = r.has_value();
        if (!ok) {
          spdlog::warn("event=twilio.call_request_failed what={} call_sid={} error={}", what,
                       core::log_value(self->call_sid_), core::log_value(carriers::describe(r.error())));
        }
      }
      auto& io = *self->context_->io;
      asio::post(io, [self = std::move(self), done, ok] { (*done)(*self, ok); });
    };
    if (!route_->streams.pool.try_submit(std::move(job))) {
      asio::post(*context_->io, [self = shared_from_this(), done] { (*done)(*self, false); });
    }
  }

  void protocol_error(std::uint16_t code, const std::string& reason) {
    spdlog::warn("event=twilio.stream_protocol_error phone_id={} call_id={} code={} reason={}", admission_.number.id,
                 call_ ? call_->session_id() : session_id_, code, core::log_value(reason));
    end_reason_ = "protocol_error";
    if (call_) call_->end(end_reason_, false);
    close(code, reason);
  }

  void close(std::uint16_t code, std::string reason) {
    if (state_ == State::closed || !channel_) return;
    state_ = State::closed;
    channel_->close(code, reason.substr(0, 120));  // a close frame's reason fits in 123 bytes
  }

  std::shared_ptr<RouteContext> route_;
  Admission admission_;
  std::unique_ptr<media::codec::Codec> codec_;  // mu-law <-> 16 kHz, one resampler state per direction
  std::shared_ptr<net::WebSocketChannel> channel_;
  std::optional<stream::StreamContext> context_;
  State state_ = State::waiting_start;
  std::string stream_sid_;
  std::string call_sid_;
  std::string session_id_;
  std::shared_ptr<stream::StreamCall> call_;
  std::uint64_t sent_samples_ = 0;    // 16 kHz samples sent in media messages
  std::uint64_t played_samples_ = 0;  // of those, played by Twilio (its echoed marks) or cleared
  bool transferring_ = false;
  std::string end_reason_;  // how the far end ended the stream, once it did
};

net::WebSocketUpgrade refuse(const net::HttpRequest& req, std::string_view phone_id, std::string_view reason,
                             core::Error error = {Errc::forbidden, "stream authentication failed", {}}) {
  spdlog::warn("event=twilio.stream_rejected phone_id={} reason={} remote={} request_id={}", core::log_value(phone_id),
               reason, core::log_value(req.remote_address), req.request_id);
  return net::WebSocketUpgrade{nullptr, error_response(error, req.request_id)};
}

// On the worker pool: who may open the stream.
net::WebSocketUpgrade decide(const std::shared_ptr<RouteContext>& route, net::HttpRequest& req) {
  auto& deps = route->deps;
  const std::string phone_id = req.path.substr(kPrefix.size());
  auto n = number_for(deps, phone_id, "twilio");
  if (!n) return refuse(req, phone_id, "unknown_number");
  if (config_string(number_config(*n), "mode") != "media_stream") return refuse(req, phone_id, "not_media_stream");
  auto token = number_secret(deps, *n, "auth_token");
  auto signature = req.header("X-Twilio-Signature");
  // Twilio signs the URL of the <Stream> (wss://...), as it signs a webhook's URL; a GET has no parameters.
  auto url = carriers::websocket_url(route->public_url.request_url(req));
  if (token.empty() || !signature || !tw::verify_signature(token, *signature, url, {})) {
    return refuse(req, phone_id, "bad_signature");
  }
  if (!answers_calls(*n)) return refuse(req, phone_id, "not_taking_calls");
  if (!route->streams.voice_available) {
    return refuse(req, phone_id, "voice_unavailable", {Errc::unavailable, "voice calls are unavailable", {}});
  }
  auto agent = deps.store.get_agent(*n->agent_id);
  if (!agent) return refuse(req, phone_id, "agent_missing", {Errc::unavailable, "the number's agent is unavailable", {}});
  auto codec = media::codec::G711Codec::create(media::codec::G711Codec::Law::mu, 0);
  if (!codec) return refuse(req, phone_id, "codec", {Errc::internal, "internal error", {}});
  auto account_sid = config_string(number_config(*n), "account_sid");
  Admission a{std::move(*n), std::move(*agent), std::move(account_sid)};
  return net::WebSocketUpgrade{std::make_shared<TwilioStream>(route, std::move(a), std::move(*codec))};
}

}  // namespace

void add_twilio_media_stream_route(net::HttpServer& server, ApiDeps& deps) {
  if (!deps.streams) return;
  auto public_url = carriers::PublicUrl::make(deps.config.public_url, deps.config.trusted_proxies);
  if (!public_url) public_url = carriers::PublicUrl::make("", {});  // validated at start-up; refuses then
  auto route = std::make_shared<RouteContext>(RouteContext{deps, *deps.streams, std::move(*public_url)});
  net::WebSocketRouteOptions options;
  options.max_message_bytes = 64 << 10;  // a media message is ~300 bytes; start with parameters a few KiB
  options.idle_timeout = std::chrono::seconds(30);  // Twilio sends media every 20 ms
  server.add_websocket_route(std::string(kPrefix), [route](net::HttpRequest& req) { return decide(route, req); },
                             options);
}

}  // namespace parley::api

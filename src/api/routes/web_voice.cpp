// Browser voice sessions (seeds/001 "Start a Voice Session"): POST /voice/start makes a `web`
// session waiting for its browser and a short-lived single-use token; the browser opens
// websocket_url (/voice/ws/{session_id}?token=...) and talks to the same voice pipeline as a phone
// call (stream::StreamCall). Parley carries the audio over its own WebSocket, not WebRTC, so
// livekit_url is null. docs/streams.md describes the protocol:
//   client -> server: binary frames of 16 kHz mono PCM16 little-endian (any length: re-chunked
//                     into 20 ms), {"type":"dtmf","digit":"1"}, {"type":"end"}
//   server -> client: {"type":"start",...} first, then binary 20 ms frames of the agent's audio,
//                     {"type":"transcript",...}, {"type":"clear"} on barge-in, {"type":"end","reason"}
// A session nobody connects to before its token expires ends `failed` (end_reason not_connected).
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "api/json_io.hpp"
#include "api/routes/routes.hpp"
#include "api/stream/stream_call.hpp"
#include "api/voice_token.hpp"
#include "call/agent_settings.hpp"
#include "call/session_events.hpp"
#include "call/session_writer.hpp"
#include "carriers/public_url.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "net/http_server.hpp"

namespace parley::api {
namespace {
namespace asio = boost::asio;
using core::Errc;
using core::fail;

constexpr std::string_view kSocketPrefix = "/voice/ws/";
constexpr std::int64_t kTokenLifetimeS = 120;
constexpr std::int64_t kNotConnectedGraceS = 5;  // the expiry check waits out an upgrade in flight

std::int64_t now_ms() { return core::to_unix_ms(core::now_utc()); }

std::string event(json::object o) { return json::serialize(o); }

// A session still initiating when its token has expired never got its browser.
void expire_if_not_connected(ApiDeps& deps, stream::StreamDeps& streams, const std::string& session_id,
                             std::int64_t expires_unix_s) {
  auto timer = std::make_shared<asio::steady_timer>(streams.timers);
  timer->expires_after(std::chrono::seconds(expires_unix_s - now_ms() / 1000 + kNotConnectedGraceS));
  timer->async_wait([timer, &deps, &streams, session_id](boost::system::error_code ec) {
    if (ec) return;
    bool queued = streams.pool.try_submit([&deps, session_id] {
      store::SessionTransition t{session_id, {"initiating"}, "failed"};
      t.ended_at = now_ms();
      t.end_reason = "not_connected";
      if (deps.store.transition_session(t, call::webhook_event_for())) {
        spdlog::info("event=web_voice.not_connected call_id={}", session_id);
      }
    });
    if (!queued) spdlog::warn("event=web_voice.expiry_not_checked call_id={} reason=worker_queue_full", session_id);
  });
}

Result<net::HttpResponse> start_session(ApiDeps& deps, RequestContext& ctx) {
  if (!deps.streams || !deps.streams->voice_available) return fail(Errc::unavailable, "voice sessions are unavailable");
  auto body = parse_object_body(ctx.request);
  if (!body) return std::unexpected(body.error());
  Fields f(*body);
  if (auto r = f.only({"agent_id", "context", "max_duration", "webhook_url"}); !r) return std::unexpected(r.error());
  auto agent_id = f.string("agent_id", 100, true);
  if (!agent_id) return std::unexpected(agent_id.error());
  auto context_text = f.context_json("context");
  if (!context_text) return std::unexpected(context_text.error());
  auto max_duration = f.integer("max_duration", 1, 14400);
  if (!max_duration) return std::unexpected(max_duration.error());
  auto webhook = f.http_url("webhook_url");
  if (!webhook) return std::unexpected(webhook.error());
  auto agent = deps.store.get_agent(**agent_id);
  if (!agent) {
    if (agent.error().code == Errc::not_found) {
      return fail(Errc::validation, "agent " + **agent_id + " does not exist", "agent_id");
    }
    return std::unexpected(agent.error());
  }
  auto settings = call::agent_settings(agent->config);
  store::VoiceSession s;
  s.id = core::new_id("session");
  s.kind = "web";
  s.status = "initiating";
  s.agent_id = agent->id;
  s.api_key_id = ctx.key->id;
  s.context = std::move(*context_text);
  s.max_duration = static_cast<int>(max_duration->value_or(settings.max_duration_s));
  s.webhook_url = webhook->has_value() ? *webhook : settings.webhook_url;
  s.created_at = now_ms();
  auto created = deps.store.create_session(s, {}, call::webhook_event_for());
  if (!created) return std::unexpected(created.error());
  const auto expires = s.created_at / 1000 + kTokenLifetimeS;
  expire_if_not_connected(deps, *deps.streams, s.id, expires);
  auto public_url = carriers::PublicUrl::make(deps.config.public_url, deps.config.trusted_proxies);
  auto base = public_url ? public_url->base(ctx.request) : "http://" + std::string(ctx.request.header("Host").value_or(""));
  spdlog::info("event=web_voice.started call_id={} agent_id={}", s.id, s.agent_id);
  return json_response(201, json::object{{"session_id", s.id},
                                         {"token", issue_voice_token(deps.streams->token_key, s.id, expires)},
                                         {"websocket_url", carriers::websocket_url(base) + std::string(kSocketPrefix) + s.id},
                                         {"livekit_url", nullptr},
                                         {"expires_at", iso(expires * 1000)}});
}

// One browser connection: the web wire of a StreamCall.
class WebVoice final : public net::WebSocketHandler,
                       public stream::StreamWire,
                       public std::enable_shared_from_this<WebVoice> {
 public:
  WebVoice(ApiDeps& deps, stream::StreamDeps& streams, std::shared_ptr<call::SessionWriter> writer,
           call::VoiceSetup voice, int max_duration_s)
      : deps_(deps), streams_(streams), writer_(std::move(writer)), voice_(std::move(voice)),
        max_duration_s_(max_duration_s) {}

  // net::WebSocketHandler
  void on_open(std::shared_ptr<net::WebSocketChannel> channel) override {
    channel_ = std::move(channel);
    context_ = streams_.here();
    if (!context_) return fail_start("voice_unavailable");
    channel_->send_text(event({{"type", "start"},
                               {"session_id", writer_->session_id()},
                               {"sample_rate", media::kSampleRate},
                               {"frame_ms", media::kFrameMs}}));
    stream::StreamCallSettings settings{std::move(*voice_), max_duration_s_, false};
    voice_.reset();
    auto call = stream::StreamCall::start(*context_, std::move(settings), writer_, *this, *deps_.calls);
    if (!call) {
      spdlog::error("event=call.voice_failed call_id={} error={}", writer_->session_id(),
                    core::log_value(call.error().message));
      return fail_start("voice_unavailable");
    }
    call_ = std::move(*call);
  }

  void on_message(net::WebSocketMessage message) override {
    if (!call_ || call_->ended()) return;
    if (message.binary) return audio(message.data);
    boost::system::error_code ec;
    auto v = json::parse(message.data, ec);
    if (ec || !v.is_object()) return protocol_error(net::kWsInvalidPayload, "messages are JSON objects");
    const auto& o = v.get_object();
    auto* type = o.if_contains("type");
    if (!type || !type->is_string()) return protocol_error(net::kWsInvalidPayload, "a message needs a string \"type\"");
    if (type->get_string() == "dtmf") {
      static constexpr std::string_view kDigits = "0123456789*#ABCD";
      auto* digit = o.if_contains("digit");
      if (!digit || !digit->is_string() || digit->get_string().size() != 1 ||
          kDigits.find(digit->get_string()[0]) == std::string_view::npos) {
        return protocol_error(net::kWsInvalidPayload, "dtmf needs a \"digit\" of 0-9 * # A-D");
      }
      return call_->caller_dtmf(digit->get_string()[0]);
    }
    if (type->get_string() == "end") {
      call_->end("remote_hangup", false);
      return close(net::kWsNormalClosure, "ended");
    }
    protocol_error(net::kWsPolicyViolation, "unknown message type");
  }

  void on_close(const net::WebSocketClose& close) override {
    closed_ = true;
    if (call_) {
      call_->end("remote_hangup", false);
      call_.reset();  // on the connection's thread, where the call lives
    } else if (voice_) {
      fail_start("not_connected");  // the upgrade was accepted, the connection never opened
    }
    spdlog::info("event=web_voice.closed call_id={} code={}", writer_->session_id(), close.code);
  }

  // stream::StreamWire
  void send_audio(std::span<const std::int16_t> frame16k) override {
    std::string bytes(frame16k.size() * 2, '\0');
    for (std::size_t i = 0; i < frame16k.size(); ++i) {
      const auto u = static_cast<std::uint16_t>(frame16k[i]);
      bytes[2 * i] = static_cast<char>(u & 0xff);
      bytes[2 * i + 1] = static_cast<char>(u >> 8);
    }
    channel_->send_binary(std::move(bytes));
  }

  void clear_audio() override { channel_->send_text(event({{"type", "clear"}})); }

  void transcript(const voice::TranscriptEntry& e) override {
    channel_->send_text(event({{"type", "transcript"},
                               {"role", e.role == voice::TranscriptEntry::Role::agent ? "agent" : "user"},
                               {"text", e.text},
                               {"timestamp", std::round(e.timestamp * 100) / 100},
                               {"interrupted", e.interrupted},
                               {"turn", e.turn}}));
  }

  void hang_up(const std::string& reason) override {
    channel_->send_text(event({{"type", "end"}, {"reason", reason}}));
    close(net::kWsNormalClosure, reason);
  }

  void transfer(const std::string&) override {
    // A browser session has nowhere to go: the agent says so and the conversation goes on.
    asio::post(*context_->io, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && self->call_) self->call_->transfer_failed();
    });
  }

 private:
  void audio(std::string_view bytes) {
    // PCM16 little-endian; an odd byte waits for the next frame.
    std::vector<std::int16_t> pcm;
    pcm.reserve((carry_.size() + bytes.size()) / 2);
    std::string joined;
    if (!carry_.empty()) {
      joined = carry_ + std::string(bytes);
      bytes = joined;
      carry_.clear();
    }
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
      const auto lo = static_cast<std::uint8_t>(bytes[i]), hi = static_cast<std::uint8_t>(bytes[i + 1]);
      pcm.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8))));
    }
    if (bytes.size() % 2) carry_ = std::string(1, bytes.back());
    call_->caller_audio(pcm);
  }

  // The conversation could not start: the session ends and the browser is told.
  void fail_start(std::string reason) {
    voice_.reset();
    store::SessionTransition t{writer_->session_id(), {"in_progress"}, "completed"};
    t.ended_at = now_ms();
    t.end_reason = reason;
    writer_->transition(std::move(t));
    if (channel_ && !closed_) {
      channel_->send_text(event({{"type", "end"}, {"reason", reason}}));
      close(net::kWsInternalError, reason);
    }
  }

  void protocol_error(std::uint16_t code, const std::string& reason) {
    spdlog::warn("event=web_voice.protocol_error call_id={} code={} reason={}", writer_->session_id(), code,
                 core::log_value(reason));
    call_->end("protocol_error", false);
    close(code, reason);
  }

  void close(std::uint16_t code, const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    channel_->close(code, reason.substr(0, 120));
  }

  ApiDeps& deps_;
  stream::StreamDeps& streams_;
  std::shared_ptr<call::SessionWriter> writer_;
  std::optional<call::VoiceSetup> voice_;  // until the call starts
  int max_duration_s_;
  std::shared_ptr<net::WebSocketChannel> channel_;
  std::optional<stream::StreamContext> context_;
  std::shared_ptr<stream::StreamCall> call_;
  std::string carry_;
  bool closed_ = false;
};

net::WebSocketUpgrade refuse(const net::HttpRequest& req, core::Error error, std::string_view reason) {
  spdlog::warn("event=web_voice.rejected path={} reason={} remote={} request_id={}", core::log_value(req.path), reason,
               core::log_value(req.remote_address), req.request_id);
  return net::WebSocketUpgrade{nullptr, error_response(error, req.request_id)};
}

// On the worker pool: the token, then the session moves initiating -> in_progress, which is what
// makes the token single use.
net::WebSocketUpgrade decide(ApiDeps& deps, stream::StreamDeps& streams, net::HttpRequest& req) {
  const std::string id = req.path.substr(kSocketPrefix.size());
  const core::Error bad_token{Errc::unauthorized, "missing, invalid or expired token", "token"};
  if (!core::is_id_of(id, "session")) return refuse(req, bad_token, "unknown_session");
  auto token = req.query_param("token");
  if (!token) return refuse(req, bad_token, "no_token");
  auto check = check_voice_token(streams.token_key, *token, id, now_ms() / 1000);
  if (check != VoiceTokenCheck::ok) return refuse(req, bad_token, to_string(check));
  if (!streams.voice_available) return refuse(req, {Errc::unavailable, "voice sessions are unavailable", {}}, "voice_unavailable");
  auto s = deps.store.get_session(id);
  if (!s || s->kind != "web") return refuse(req, bad_token, "unknown_session");
  const core::Error taken{Errc::conflict, "this session is not waiting for a connection (already connected or ended)", {}};
  if (s->status != "initiating") return refuse(req, taken, "reused");
  auto agent = deps.store.get_agent(s->agent_id);
  if (!agent) return refuse(req, {Errc::unavailable, "the session's agent is unavailable", {}}, "agent_missing");
  auto setup = call::prepare_voice(deps.secrets, *agent, *s);
  if (!setup) {
    spdlog::error("event=call.agent_unreadable call_id={} agent_id={} error={}", s->id, s->agent_id,
                  core::log_value(setup.error().message));
    return refuse(req, {Errc::internal, "internal error", {}}, "agent_unreadable");
  }
  store::SessionTransition t{s->id, {"initiating"}, "in_progress"};
  t.started_at = t.answered_at = now_ms();
  if (!deps.store.transition_session(t, call::webhook_event_for())) return refuse(req, taken, "reused");
  spdlog::info("event=web_voice.connected call_id={} agent_id={} remote={}", s->id, s->agent_id,
               core::log_value(req.remote_address));
  auto writer = std::make_shared<call::SessionWriter>(deps.store, streams.pool, s->id);
  return net::WebSocketUpgrade{std::make_shared<WebVoice>(deps, streams, std::move(writer), std::move(*setup),
                                                          s->max_duration)};
}

}  // namespace

void add_web_voice_routes(Router& r, ApiDeps& deps) {
  r.add({"POST", "/voice/start", RateClass::voice_session,
         [&deps](RequestContext& ctx) { return start_session(deps, ctx); }});
}

void add_web_voice_socket_route(net::HttpServer& server, ApiDeps& deps) {
  if (!deps.streams) return;
  net::WebSocketRouteOptions options;
  options.max_message_bytes = 256 << 10;  // up to ~8 s of audio in one frame
  options.idle_timeout = std::chrono::seconds(30);
  server.add_websocket_route(std::string(kSocketPrefix), [&deps](net::HttpRequest& req) {
    return decide(deps, *deps.streams, req);
  }, options);
}

}  // namespace parley::api

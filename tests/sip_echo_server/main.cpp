// sip_test_uas: runs the Parley SIP engine on a port. Default (UAS) mode answers every INVITE with
// 200 and a minimal SDP answer (optionally after 180 and a delay, optionally behind digest auth),
// and honours BYE, CANCEL and OPTIONS. --uac mode places N calls to a target, holds each for a
// while, hangs up, and exits 0 only when every call was answered and ended cleanly.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "sip/ua/engine.hpp"
#include "sip/ua/server_auth.hpp"

namespace asio = boost::asio;
using namespace parley;

namespace {

constexpr std::string_view kSdp =
    "v=0\r\no=parley 1 1 IN IP4 127.0.0.1\r\ns=parley\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

struct Options {
  std::map<std::string, std::string> values;
  std::string get(const std::string& name, std::string fallback = {}) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
  long number(const std::string& name, long fallback) const {
    auto it = values.find(name);
    if (it == values.end()) return fallback;
    long v = fallback;
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    return v;
  }
};

// "sha256,md5" -> the challenges offered, in that order.
std::vector<sip::auth::DigestAlgorithm> algorithms(std::string_view list) {
  std::vector<sip::auth::DigestAlgorithm> out;
  for (std::size_t pos = 0; pos <= list.size();) {
    const auto comma = std::min(list.find(',', pos), list.size());
    const auto name = list.substr(pos, comma - pos);
    if (name == "sha256") out.push_back(sip::auth::DigestAlgorithm::sha256);
    if (name == "md5") out.push_back(sip::auth::DigestAlgorithm::md5);
    pos = comma + 1;
  }
  return out;
}

class EchoUas final : public sip::CallHandler {
 public:
  EchoUas(asio::io_context& io, const Options& opts)
      : io_(io),
        answer_delay_(opts.number("--answer-delay-ms", 0)),
        user_(opts.get("--auth-user")),
        password_(opts.get("--auth-password")),
        auth_("parley-test", core::random_token(32), algorithms(opts.get("--auth-algorithms", "sha256,md5"))) {}

  void on_invite(std::shared_ptr<sip::IncomingCall> call) override {
    if (!user_.empty() &&
        !auth_.authorize(*call, [this](std::string_view u) -> std::optional<std::string> {
          if (u == user_) return password_;
          return std::nullopt;
        })) {
      return;
    }
    auto events = std::make_shared<Events>(*this, call);
    call->set_listener(events.get());
    calls_[call.get()] = events;
    if (answer_delay_ <= 0) {
      call->accept(std::string(kSdp));
      return;
    }
    call->ringing();
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(answer_delay_));
    std::weak_ptr<sip::IncomingCall> weak = call;
    timer->async_wait([timer, weak](const boost::system::error_code&) {
      if (auto c = weak.lock()) c->accept(std::string(kSdp));
    });
  }

 private:
  struct Events final : sip::CallEvents {
    Events(EchoUas& o, std::shared_ptr<sip::IncomingCall> c) : owner(o), call(std::move(c)) {}
    std::optional<std::string> on_reinvite(std::string_view) override { return std::string(kSdp); }
    std::optional<std::string> on_update(std::string_view) override { return std::string(kSdp); }
    void on_terminated(sip::EndReason) override {
      // Release on the next turn: the call is still on the stack.
      asio::post(owner.io_, [&o = owner, key = call.get()] { o.calls_.erase(key); });
    }
    EchoUas& owner;
    std::shared_ptr<sip::IncomingCall> call;
  };

  asio::io_context& io_;
  long answer_delay_;
  std::string user_;
  std::string password_;
  sip::ServerAuth auth_;
  std::map<const sip::IncomingCall*, std::shared_ptr<Events>> calls_;
};

class NoInbound final : public sip::CallHandler {
 public:
  void on_invite(std::shared_ptr<sip::IncomingCall> call) override { call->reject(603, "Decline"); }
};

class Uac {
 public:
  Uac(asio::io_context& io, sip::Engine& engine, const Options& opts)
      : io_(io),
        engine_(engine),
        target_(opts.get("--uac")),
        total_(opts.number("--calls", 1)),
        concurrency_(opts.number("--concurrency", 10)),
        hold_(opts.number("--hold-ms", 100)),
        user_(opts.get("--auth-user")),
        password_(opts.get("--auth-password")) {}

  void start() { fill(); }
  int exit_code() const { return answered_ == total_ && failed_ == 0 ? 0 : 1; }
  void report() const {
    std::printf("calls=%ld answered=%ld failed=%ld\n", total_, answered_, failed_);
    std::fflush(stdout);
  }

 private:
  struct Call final : sip::CallEvents {
    Call(Uac& o) : owner(o), timer(o.io_) {}
    void on_answered(std::string_view) override {
      ++owner.answered_;
      timer.expires_after(std::chrono::milliseconds(owner.hold_));
      timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && session) session->hangup();
      });
    }
    void on_failed(int status, std::string_view reason) override {
      ++owner.failed_;
      spdlog::warn("event=uac.failed status={} reason={}", status, reason);
    }
    void on_terminated(sip::EndReason) override {
      asio::post(owner.io_, [&o = owner, self = this] { o.finish(self); });
    }
    Uac& owner;
    asio::steady_timer timer;
    std::shared_ptr<sip::OutgoingCall> session;
  };

  void fill() {
    while (placed_ < total_ && static_cast<long>(live_.size()) < concurrency_) {
      ++placed_;
      auto call = std::make_unique<Call>(*this);
      sip::DialRequest request{.request_uri = target_, .from_uri = "sip:uac@127.0.0.1", .sdp_offer = std::string(kSdp),
                               .auth_username = user_, .auth_password = password_,
                               .ring_timeout = std::chrono::seconds(10)};
      auto session = engine_.dial(std::move(request), call.get());
      if (!session) {
        spdlog::error("event=uac.dial_failed error={}", session.error().message);
        ++failed_;
        continue;
      }
      call->session = *session;
      live_.emplace(call.get(), std::move(call));
    }
    if (placed_ == total_ && live_.empty()) io_.stop();
  }

  void finish(Call* call) {
    live_.erase(call);
    fill();
  }

  asio::io_context& io_;
  sip::Engine& engine_;
  std::string target_;
  long total_, concurrency_, hold_;
  std::string user_, password_;
  long placed_ = 0, answered_ = 0, failed_ = 0;
  std::map<Call*, std::unique_ptr<Call>> live_;
};

std::optional<core::HostPort> host_port(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto hp = core::parse_host_port(text);
  if (!hp) return std::nullopt;
  return *hp;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.starts_with("--") && i + 1 < argc) opts.values[arg] = argv[++i];
  }
  spdlog::set_level(spdlog::level::from_str(opts.get("--log-level", "warn")));
  sip::EngineConfig config;
  if (auto hp = host_port(opts.get("--listen", "127.0.0.1:5060"))) config.transport.listen.push_back(*hp);
  if (auto hp = host_port(opts.get("--tls-listen"))) config.transport.tls_listen.push_back(*hp);
  config.transport.tls_cert_file = opts.get("--tls-cert");
  config.transport.tls_key_file = opts.get("--tls-key");
  config.transport.tls_verify_peer = false;
  config.timers.t1 = std::chrono::milliseconds(opts.number("--t1-ms", 500));
  config.session.user_agent = "parley-sip-test-uas";
  config.session.timers.session_expires = static_cast<std::uint32_t>(opts.number("--session-expires", 1800));

  asio::io_context io;
  const bool uac_mode = !opts.get("--uac").empty();
  EchoUas uas(io, opts);
  NoInbound decline;
  sip::Engine engine(io, config, uac_mode ? static_cast<sip::CallHandler&>(decline) : uas);
  if (auto s = engine.start(); !s) {
    std::fprintf(stderr, "start failed: %s\n", s.error().message.c_str());
    return 2;
  }
  std::printf("listening udp=%u tcp=%u tls=%u\n", engine.local_port(sip::Transport::udp),
              engine.local_port(sip::Transport::tcp), engine.local_port(sip::Transport::tls));
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  std::optional<Uac> uac;
  if (uac_mode) {
    uac.emplace(io, engine, opts);
    asio::post(io, [&] { uac->start(); });
    asio::steady_timer deadline(io, std::chrono::seconds(opts.number("--timeout-s", 60)));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) io.stop();
    });
    io.run();
    uac->report();
    return uac->exit_code();
  }
  io.run();
  return 0;
}

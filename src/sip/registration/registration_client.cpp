#include "sip/registration/registration_client.hpp"

#include <spdlog/spdlog.h>

#include <cctype>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "sip/dialog/dialog.hpp"
#include "sip/message/header_values.hpp"

namespace parley::sip {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// 401/407/423 answered per cycle: a cached nonce refused, a fresh challenge, a stale nonce, a 423.
constexpr int kMaxRounds = 4;

// RFC 3261 s25.1: user = 1*( unreserved / escaped / user-unreserved ).
std::string escape_user(std::string_view user) {
  static constexpr std::string_view kKeep = "-_.!~*'()&=+$,;?/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : user) {
    if (std::isalnum(c) || kKeep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out.append({'%', kHex[c >> 4], kHex[c & 15]});
    }
  }
  return out;
}

std::string bracketed(std::string_view host) {
  if (host.find(':') != std::string_view::npos && !host.starts_with('[')) return "[" + std::string(host) + "]";
  return std::string(host);
}

// Expires, Min-Expires, Retry-After: the leading delta-seconds (Retry-After may add a comment).
std::optional<std::uint32_t> delta_seconds(const Message& m, HeaderId id) {
  const Header* h = m.find(id);
  if (!h) return std::nullopt;
  return parse_delta_seconds(h->value.substr(0, h->value.find_first_not_of("0123456789")));
}

std::string status_text(const Message& r) { return std::to_string(r.status()) + " " + std::string(r.reason()); }

}  // namespace

std::string_view to_string(RegistrationState state) noexcept {
  switch (state) {
    case RegistrationState::registering: return "registering";
    case RegistrationState::registered: return "registered";
    case RegistrationState::failed: return "failed";
  }
  return "failed";
}

std::shared_ptr<RegistrationClient> RegistrationClient::create(TransactionLayer& layer, RegistrationConfig config,
                                                               Listener listener) {
  return std::shared_ptr<RegistrationClient>(new RegistrationClient(layer, std::move(config), std::move(listener)));
}

RegistrationClient::RegistrationClient(TransactionLayer& layer, RegistrationConfig config, Listener listener)
    : layer_(layer),
      config_(std::move(config)),
      listener_(std::move(listener)),
      call_id_(core::random_token(20) + "@parley"),
      from_tag_(new_tag()),
      request_uri_("sip:" + bracketed(config_.domain)),
      aor_("sip:" + escape_user(config_.username) + "@" + bracketed(config_.domain)),
      expires_(config_.expires),
      next_(layer.timers()),
      ping_(layer.timers()),
      deadline_(layer.timers()),
      random_(std::random_device{}()) {}

void RegistrationClient::start() {
  status_ = RegistrationStatus{};
  report();
  attempt();
}

void RegistrationClient::attempt() {
  if (stopping_) return;
  rounds_ = 0;
  std::weak_ptr<RegistrationClient> weak = weak_from_this();
  // The name is looked up for every cycle: a registrar that moved is followed (RFC 3263 s4.2).
  layer_.sender().resolve(config_.registrar_host, config_.registrar_port, config_.transport,
                          [weak](std::optional<Peer> peer) {
                            auto self = weak.lock();
                            if (!self || self->stopping_) return;
                            if (!peer) return self->fail("registrar " + self->config_.registrar_host + " does not resolve");
                            self->registrar_ = *peer;
                            self->send_register(self->expires_);
                          });
}

void RegistrationClient::send_register(std::uint32_t expires) {
  HeaderList extra{{"Expires", std::to_string(expires)}};
  sent_with_ = Credentials::none;
  if (challenge_) {  // s22.2: credentials for the challenge we hold, the nonce reused with nc + 1
    ++nonce_count_;
    extra.emplace_back(challenge_->header_name(),
                       auth::build_authorization(challenge_->digest, config_.username, config_.password,
                                                 auth::DigestRequest{"REGISTER", request_uri_}, nonce_count_));
    sent_with_ = nonce_count_ == 1 ? Credentials::fresh : Credentials::cached;
  }
  const std::string from = "<" + aor_ + ">;tag=" + from_tag_;
  const std::string to = "<" + aor_ + ">";
  RequestSpec spec;
  spec.method = "REGISTER";
  spec.request_uri = request_uri_;
  spec.from = from;
  spec.to = to;
  spec.call_id = call_id_;
  spec.cseq = ++cseq_;  // s10.2.4: one higher for each REGISTER with this Call-ID
  spec.transport = registrar_->transport;
  spec.contact_user = config_.contact_user;
  spec.user_agent = config_.user_agent;
  spec.extra = &extra;
  auto request = own_message(build_request(spec, layer_.sender()));
  if (!request) return fail("cannot build a REGISTER for " + aor_ + ": " + std::string(request.error().reason()));
  if (expires > 0) bound_ = true;  // the registrar may act on it even if its answer is lost
  std::weak_ptr<RegistrationClient> weak = weak_from_this();
  txn_ = layer_.send_request(*request, *registrar_, [weak](const Inbound& response) {
    if (auto self = weak.lock()) self->on_response(response);
  });
}

void RegistrationClient::on_response(const Inbound& in) {
  const Message& r = in->message;
  const int status = r.status();
  if (status < 200) return;
  txn_.reset();
  spdlog::debug("event=sip.registration.response aor={} call_id={} cseq={} status={} local={}", core::log_value(aor_),
                core::log_value(call_id_), r.cseq().number, status, in->local);
  if (stopping_) {  // the un-REGISTER's answer
    if ((status == 401 || status == 407) && !in->local && answer_challenge(r)) return;
    if (status >= 200 && status < 300) bound_ = false;
    return finish_stop();
  }
  if (status < 300) return on_registered(r);
  if (in->local) {
    return fail(status == 408 ? "no response from the registrar at " + to_string(*registrar_)
                              : "cannot reach the registrar at " + to_string(*registrar_) + " (connection failed)");
  }
  if (status == 401 || status == 407) {
    if (answer_challenge(r)) return;
    const bool rejected = sent_with_ == Credentials::fresh;
    challenge_.reset();
    return fail(status_text(r) + (rejected ? ": credentials rejected (check registration.username and password)" : ""));
  }
  if (status == 423) {  // s10.2.8: ask again for at least Min-Expires
    auto min = delta_seconds(r, HeaderId::min_expires);
    if (min && *min > expires_ && rounds_ < kMaxRounds) {
      ++rounds_;
      expires_ = *min;
      return send_register(expires_);
    }
    return fail(status_text(r) + " without a usable Min-Expires");
  }
  std::optional<seconds> retry_after;
  if (auto ra = delta_seconds(r, HeaderId::retry_after)) retry_after = seconds(*ra);  // s20.33
  fail(status_text(r), retry_after);
}

bool RegistrationClient::answer_challenge(const Message& response) {
  if (rounds_ >= kMaxRounds) return false;
  auto challenge = auth::pick_challenge(response);
  if (!challenge) return false;
  // Credentials computed from a challenge just received and refused again are wrong, unless the
  // registrar only says the nonce went stale (RFC 2617 s3.2.1).
  if (sent_with_ == Credentials::fresh && !challenge->digest.stale) return false;
  ++rounds_;
  challenge_ = std::move(*challenge);
  nonce_count_ = 0;
  send_register(stopping_ ? 0 : expires_);
  return true;
}

std::uint32_t RegistrationClient::granted_expires(const Message& ok) const {
  // s10.2.4: the 2xx lists the AoR's bindings; ours carries the time the registrar granted.
  if (auto contacts = ok.contacts()) {
    for (const Contact& c : *contacts) {
      if (c.star || c.address.uri.user != config_.contact_user) continue;
      if (auto e = c.expires()) return *e;
      break;
    }
  }
  if (auto e = ok.expires(); e && *e) return **e;
  return expires_;
}

void RegistrationClient::on_registered(const Message& ok) {
  const std::uint32_t granted = granted_expires(ok);
  if (granted == 0) {
    bound_ = false;
    return fail("the registrar answered " + status_text(ok) + " but kept no binding for our Contact");
  }
  failures_ = 0;
  status_ = RegistrationStatus{RegistrationState::registered, core::now_utc() + seconds(granted), {}, std::nullopt};
  report();
  std::weak_ptr<RegistrationClient> weak = weak_from_this();
  next_.start(refresh_delay(granted), [weak] {
    if (auto self = weak.lock()) self->attempt();
  });
  if (is_stream(registrar_->transport) && config_.keepalive.count() > 0 && !ping_.active()) keepalive();
}

void RegistrationClient::fail(std::string error, std::optional<seconds> retry_after) {
  ++failures_;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  milliseconds delay = backoff_delay(config_.retry, failures_, unit(random_));
  if (retry_after) delay = std::max<milliseconds>(delay, *retry_after);
  status_ = RegistrationStatus{RegistrationState::failed, std::nullopt, std::move(error), delay};
  ping_.cancel();
  report();
  std::weak_ptr<RegistrationClient> weak = weak_from_this();
  next_.start(delay, [weak] {
    if (auto self = weak.lock()) self->attempt();
  });
}

void RegistrationClient::keepalive() {
  std::weak_ptr<RegistrationClient> weak = weak_from_this();
  ping_.start(config_.keepalive, [weak] {
    auto self = weak.lock();
    if (!self || self->stopping_ || !self->registrar_) return;
    self->layer_.sender().send(*self->registrar_, "\r\n\r\n");  // RFC 5626 s4.4.1 ping
    self->keepalive();
  });
}

void RegistrationClient::stop(milliseconds deadline, std::function<void()> done) {
  if (stopping_) return;
  stopping_ = true;
  on_stopped_ = std::move(done);
  next_.cancel();
  ping_.cancel();
  if (txn_) {
    txn_->detach();
    txn_.reset();
  }
  if (!bound_ || !registrar_) return finish_stop();
  self_ = shared_from_this();  // alive until the un-REGISTER completes, whoever else lets go
  std::weak_ptr<RegistrationClient> weak = self_;
  deadline_.start(deadline, [weak] {
    if (auto self = weak.lock()) self->finish_stop();
  });
  rounds_ = 0;
  send_register(0);  // s10.2.2: Expires 0 removes this Contact's binding, and no other
}

void RegistrationClient::finish_stop() {
  if (!on_stopped_) return;
  deadline_.cancel();
  if (txn_) {
    txn_->detach();
    txn_.reset();
  }
  auto done = std::move(on_stopped_);
  on_stopped_ = nullptr;
  auto keep = std::move(self_);  // may be the last reference: released after `done`
  done();
}

void RegistrationClient::report() {
  if (!stopping_ && listener_) listener_(status_);
}

}  // namespace parley::sip

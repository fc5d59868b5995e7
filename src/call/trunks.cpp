#include "call/trunks.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <future>
#include <map>
#include <mutex>
#include <vector>

#include "call/trunk_settings.hpp"
#include "core/log.hpp"
#include "core/time.hpp"

namespace parley::call {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// What the API shows as registration.last_error: the reason, and when the next attempt comes.
std::string error_text(const sip::RegistrationStatus& s) {
  if (s.last_error.empty()) return {};
  if (!s.retry_in) return s.last_error;
  const auto seconds = std::max<std::int64_t>(1, (s.retry_in->count() + 999) / 1000);
  return s.last_error + "; next attempt in " + std::to_string(seconds) + " s";
}

std::optional<std::int64_t> expires_ms(const sip::RegistrationStatus& s) {
  if (!s.expires_at) return std::nullopt;
  return core::to_unix_ms(*s.expires_at);
}

}  // namespace

// The worker threads waiting for a probe, and what the SIP thread hands them; stop() releases
// every waiter at once.
struct Trunks::Tests {
  struct Pending {
    std::optional<sip::ProbeResult> result;
    bool abandoned = false;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::shared_ptr<Pending>> running;
  bool stopping = false;
};

// One pass over the providers table, read on the follower thread.
struct Trunks::Snapshot {
  struct Stored {
    std::string state;
    std::optional<std::int64_t> expires_at;
    std::string error;
    bool registering = false;
  };
  struct Traced {
    std::string provider_id;
    std::vector<sip::ProbeTarget> hosts;  // the trunk's host, and its registrar when elsewhere
    std::vector<std::string> allowed_ips;
  };
  std::map<std::string, sip::RegistrationConfig> registrations;
  std::map<std::string, std::string> unreadable;  // registration on, but its settings cannot be used
  std::map<std::string, Stored> stored;
  std::vector<Traced> traced;
};

Trunks::Trunks(store::Store& store, core::WorkerPool& pool, const core::SecretBox& secrets, TrunkOptions options)
    : store_(store),
      secrets_(secrets),
      options_(std::move(options)),
      trace_writer_(SipTraceWriter::create(store, pool, options_.trace_queue_max)),
      recorder_(trace_writer_, bindings_),
      status_writes_(core::SerialQueue::create(pool)),
      tests_(std::make_shared<Tests>()) {}

Trunks::~Trunks() {
  {
    std::lock_guard lock(follower_mu_);
    follower_.reset();
  }
  // Left only when stop() did not finish in time: the clients' timers belong to an engine that is
  // already gone, so the process exits without touching them.
  (void)registrations_.release();
}

void Trunks::attach(sip::Engine& engine) {
  engine.set_tap(&recorder_);
  registrations_ = std::make_unique<TrunkRegistrations>(
      engine.transactions(), bindings_,
      [this](const std::string& id, const std::optional<sip::RegistrationStatus>& s) { on_status(id, s); });
  engine_ = &engine;
  std::lock_guard lock(follower_mu_);
  follower_ = std::make_unique<RefreshThread>(options_.poll, [this] { follow(); });
}

void Trunks::providers_changed() {
  std::lock_guard lock(follower_mu_);
  if (follower_) follower_->nudge();
}

void Trunks::follow() {
  auto snapshot = read_providers();
  auto* engine = engine_.load();
  if (!snapshot || !engine) return;
  asio::post(engine->context(), [this, s = std::move(*snapshot)] {
    trace(s);  // first: a new registration's first REGISTER is already traced
    apply(s);
  });
}

std::optional<Trunks::Snapshot> Trunks::read_providers() {
  auto* engine = engine_.load();
  if (!engine) return std::nullopt;
  Snapshot s;
  constexpr int kPage = 500;
  for (int offset = 0;; offset += kPage) {
    auto page = store_.list_sip_providers(kPage, offset);
    if (!page) {
      spdlog::error("event=trunks.read_failed error={}", core::log_value(page.error().message));
      return std::nullopt;
    }
    for (const auto& row : page->items) {
      auto trunk = read_trunk(row);
      if (!trunk) {
        spdlog::warn("event=trunks.bad_provider provider_id={} error={}", row.id, core::log_value(trunk.error().message));
        continue;
      }
      s.stored[row.id] = Snapshot::Stored{row.registration_state, row.registration_expires_at, row.registration_error,
                                          trunk->registration.enabled};
      if (trunk->debug) {
        Snapshot::Traced t{row.id, {{trunk->host, trunk->port, trunk->transport}}, trunk->allowed_ips};
        const auto& reg = trunk->registration;
        if (reg.enabled && reg.registrar_host != trunk->host) t.hosts.push_back({reg.registrar_host, reg.registrar_port, trunk->transport});
        s.traced.push_back(std::move(t));
      }
      if (!trunk->registration.enabled) continue;
      auto password = registration_password(row, secrets_);
      if (!password) {
        s.unreadable[row.id] = "cannot read the registration password: " + password.error().message;
        continue;
      }
      const auto& reg = trunk->registration;
      sip::RegistrationConfig c;
      c.registrar_host = reg.registrar_host;
      c.registrar_port = reg.registrar_port;
      c.transport = trunk->transport;
      c.domain = reg.domain;
      c.username = reg.username;
      c.password = std::move(*password);
      c.expires = reg.expires;
      c.contact_user = binding_contact_user(options_.binding_key, row.id);
      c.user_agent = engine->user_agent();
      c.retry = options_.retry;
      s.registrations.emplace(row.id, std::move(c));
    }
    if (static_cast<int>(page->items.size()) < kPage) break;
  }
  return s;
}

void Trunks::apply(const Snapshot& s) {
  if (!registrations_) return;  // stopped
  registrations_->apply(s.registrations);
  // Write what is true now where the stored row says otherwise: a provider that cannot register,
  // or a write overtaken by the API's own update of the row (or lost).
  for (const auto& [id, row] : s.stored) {
    std::optional<sip::RegistrationStatus> now;
    if (auto bad = s.unreadable.find(id); bad != s.unreadable.end()) {
      now = sip::RegistrationStatus{sip::RegistrationState::failed, std::nullopt, bad->second, std::nullopt};
    } else if (row.registering) {
      now = registrations_->status_of(id);
      if (!now) continue;
    }
    const bool same = now ? row.state == to_string(now->state) && row.expires_at == expires_ms(*now) &&
                                row.error == error_text(*now)
                          : row.state == "disabled";
    if (!same) on_status(id, now);
  }
}

void Trunks::trace(const Snapshot& s) {
  auto* engine = engine_.load();
  if (!engine) return;
  const std::uint64_t generation = ++trace_generation_;
  if (s.traced.empty()) return recorder_.set_traced({});
  // Resolve every traced trunk's hosts (names asynchronously), then swap the recorder's set at once.
  struct Pending {
    std::vector<TracedTrunk> trunks;
    std::size_t left = 0;
  };
  auto pending = std::make_shared<Pending>();
  for (const auto& t : s.traced) {
    pending->trunks.push_back(TracedTrunk{t.provider_id, {}, t.allowed_ips});
    pending->left += t.hosts.size();
  }
  for (std::size_t i = 0; i < s.traced.size(); ++i) {
    for (const auto& host : s.traced[i].hosts) {
      engine->transactions().sender().resolve(host.host, host.port, host.transport,
                                              [this, pending, i, generation](std::optional<sip::Peer> peer) {
                                                if (peer) pending->trunks[i].addresses.push_back(peer->address);
                                                if (--pending->left > 0 || generation != trace_generation_) return;
                                                recorder_.set_traced(pending->trunks);
                                                spdlog::info("event=trunks.tracing providers={}", pending->trunks.size());
                                              });
    }
  }
}

void Trunks::on_status(const std::string& provider_id, const std::optional<sip::RegistrationStatus>& status) {
  const std::string state = status ? std::string(to_string(status->state)) : "disabled";
  const auto expires_at = status ? expires_ms(*status) : std::nullopt;
  const std::string error = status ? error_text(*status) : std::string();
  spdlog::info("event=trunk.registration provider_id={} state={} expires_at={} retry_in_ms={} error={}", provider_id, state,
               expires_at ? core::format_iso8601(core::from_unix_ms(*expires_at)) : "-",
               status && status->retry_in ? status->retry_in->count() : 0, core::log_value(error));
  auto& store = store_;
  status_writes_->post([&store, provider_id, state, expires_at, error] {
    auto r = store.set_registration_state(provider_id, state, expires_at, error);
    if (!r && r.error().code != core::Errc::not_found) {  // not_found: the provider was deleted meanwhile
      spdlog::error("event=trunk.registration_write_failed provider_id={} error={}", provider_id,
                    core::log_value(r.error().message));
    }
  });
}

core::Result<ConnectionTest> Trunks::test_connection(const store::SipProvider& provider, std::chrono::milliseconds timeout) {
  auto* engine = engine_.load();
  if (!engine) return core::fail(core::Errc::unavailable, "the SIP engine is not running");
  auto trunk = read_trunk(provider);
  if (!trunk) return std::unexpected(trunk.error());
  auto pending = std::make_shared<Tests::Pending>();
  {
    std::lock_guard lock(tests_->mu);
    if (tests_->stopping) return core::fail(core::Errc::unavailable, "shutting down");
    if (tests_->running.size() >= static_cast<std::size_t>(options_.max_concurrent_tests)) {
      return core::fail(core::Errc::unavailable, "another connection test is running; try again in a few seconds");
    }
    tests_->running.push_back(pending);
  }
  ConnectionTest test;
  test.target = sip::ProbeTarget{trunk->host, trunk->port, trunk->transport};
  asio::post(engine->context(), [engine, target = test.target, timeout, tests = tests_, pending] {
    sip::probe_options(engine->transactions(), target, engine->user_agent(), timeout, [tests, pending](sip::ProbeResult r) {
      {
        std::lock_guard lock(tests->mu);
        pending->result = std::move(r);
      }
      tests->cv.notify_all();
    });
  });
  std::unique_lock lock(tests_->mu);
  // The probe answers by `timeout` itself; the grace only covers a SIP thread that is not running.
  const bool answered = tests_->cv.wait_for(lock, timeout + 2s, [&] { return pending->result || pending->abandoned; });
  std::erase(tests_->running, pending);
  if (pending->abandoned) return core::fail(core::Errc::unavailable, "shutting down");
  if (!answered) return core::fail(core::Errc::unavailable, "the SIP engine did not answer in time");
  test.result = std::move(*pending->result);
  return test;
}

void Trunks::stop(std::chrono::milliseconds deadline) {
  {
    std::lock_guard lock(tests_->mu);  // probes still waiting answer at once
    tests_->stopping = true;
    for (auto& t : tests_->running) t->abandoned = true;
  }
  tests_->cv.notify_all();
  {
    std::lock_guard lock(follower_mu_);
    follower_.reset();  // stop + join: no more passes
  }
  auto* engine = engine_.exchange(nullptr);
  if (!engine) return;
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(engine->context(), [this, engine, deadline, done] {
    if (!registrations_) return done->set_value();
    registrations_->stop_all(deadline, [this, engine, done] {
      // Not from inside the registrations' own callback: released on the next turn.
      asio::post(engine->context(), [this, done] {
        registrations_.reset();
        done->set_value();
      });
    });
  });
  if (finished.wait_for(std::max(deadline, TrunkRegistrations::kRetireDeadline) + 1s) != std::future_status::ready) {
    spdlog::warn("event=trunks.stop_timeout deadline_ms={}", deadline.count());
  }
  spdlog::info("event=trunks.stopped traces_written={} traces_dropped={}", trace_writer_->written(), trace_writer_->dropped());
}

}  // namespace parley::call

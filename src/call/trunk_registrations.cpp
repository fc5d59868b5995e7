#include "call/trunk_registrations.hpp"

namespace parley::call {

TrunkRegistrations::TrunkRegistrations(sip::TransactionLayer& layer, TrunkBindings& bindings, Sink sink)
    : layer_(layer), bindings_(bindings), sink_(std::move(sink)) {}

TrunkRegistrations::~TrunkRegistrations() {
  *alive_ = false;
  for (const auto& [id, r] : running_) bindings_.erase(r.config.contact_user);
}

void TrunkRegistrations::apply(std::map<std::string, sip::RegistrationConfig> wanted) {
  if (stopped_) return;
  wanted_ = std::move(wanted);
  reconcile();
}

void TrunkRegistrations::reconcile() {
  if (reconciling_) {
    again_ = true;
    return;
  }
  reconciling_ = true;
  do {
    again_ = false;
    reconcile_once();
  } while (again_);
  reconciling_ = false;
}

void TrunkRegistrations::reconcile_once() {
  for (auto it = running_.begin(); it != running_.end();) {
    auto w = wanted_.find(it->first);
    if (w != wanted_.end() && w->second == it->second.config) {
      ++it;
      continue;
    }
    const std::string id = it->first;
    bindings_.erase(it->second.config.contact_user);
    auto client = std::move(it->second.client);
    it = running_.erase(it);
    if (w == wanted_.end()) sink_(id, std::nullopt);
    ++retiring_[id];
    std::weak_ptr<bool> alive = alive_;
    client->stop(kRetireDeadline, [this, alive, id] {
      if (alive.expired()) return;
      if (--retiring_[id] == 0) retiring_.erase(id);
      if (stopped_) return stopped_one();
      reconcile();  // a changed binding starts again once its old one is gone
    });
  }
  if (stopped_) return;
  for (const auto& [id, config] : wanted_) {
    if (!running_.contains(id) && !retiring_.contains(id)) start(id, config);
  }
}

void TrunkRegistrations::start(const std::string& provider_id, const sip::RegistrationConfig& config) {
  std::weak_ptr<bool> alive = alive_;
  auto client = sip::RegistrationClient::create(layer_, config, [this, alive, provider_id](const sip::RegistrationStatus& s) {
    if (!alive.expired()) sink_(provider_id, s);
  });
  bindings_.set(config.contact_user, provider_id);
  running_.emplace(provider_id, Running{config, client});
  client->start();
}

void TrunkRegistrations::stop_all(std::chrono::milliseconds deadline, std::function<void()> done) {
  stopped_ = true;
  wanted_.clear();
  auto running = std::move(running_);
  running_.clear();
  stopping_left_ = running.size();
  for (const auto& [id, n] : retiring_) stopping_left_ += static_cast<std::size_t>(n);
  on_stopped_ = std::move(done);
  if (stopping_left_ == 0) {
    stopping_left_ = 1;
    return stopped_one();
  }
  std::weak_ptr<bool> alive = alive_;
  for (auto& [id, r] : running) {
    bindings_.erase(r.config.contact_user);
    r.client->stop(deadline, [this, alive] {
      if (!alive.expired()) stopped_one();
    });
  }
}

void TrunkRegistrations::stopped_one() {
  if (--stopping_left_ > 0 || !on_stopped_) return;
  auto done = std::move(on_stopped_);
  on_stopped_ = nullptr;
  done();
}

std::optional<sip::RegistrationStatus> TrunkRegistrations::status_of(const std::string& provider_id) const {
  auto it = running_.find(provider_id);
  if (it == running_.end()) return std::nullopt;
  return it->second.client->status();
}

}  // namespace parley::call

#include "call/active_calls.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <vector>

namespace parley::call {

void ActiveCalls::add(const std::string& session_id, boost::asio::io_context& io, Ender end) {
  std::lock_guard lock(mu_);
  calls_[session_id] = Entry{&io, std::move(end)};
}

void ActiveCalls::remove(const std::string& session_id) {
  std::lock_guard lock(mu_);
  calls_.erase(session_id);
}

bool ActiveCalls::end(const std::string& session_id, std::string reason, std::chrono::milliseconds wait) {
  Entry entry;
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(session_id);
    if (it == calls_.end()) return false;
    entry = it->second;
  }
  auto written = std::make_shared<std::promise<void>>();
  auto once = std::make_shared<std::atomic<bool>>(false);
  auto future = written->get_future();
  boost::asio::post(*entry.io, [end = std::move(entry.end), reason = std::move(reason), written, once]() mutable {
    end(std::move(reason), [written, once] {
      if (!once->exchange(true)) written->set_value();
    });
  });
  future.wait_for(wait);
  return true;
}

void ActiveCalls::end_all(std::string reason) {
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, entry] : calls_) entries.push_back(entry);
  }
  for (auto& entry : entries) {
    boost::asio::post(*entry.io, [end = std::move(entry.end), reason] { end(reason, [] {}); });
  }
}

std::size_t ActiveCalls::size() const {
  std::lock_guard lock(mu_);
  return calls_.size();
}

}  // namespace parley::call

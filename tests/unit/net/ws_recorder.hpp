#pragma once
// A WebSocketHandler for tests: records every event and lets the test thread wait for them.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "net/websocket.hpp"

namespace parley::test {

class WsRecorder : public net::WebSocketHandler {
 public:
  // The channel is not kept: the test holds the one connect() returned (no reference cycle).
  void on_open(std::shared_ptr<net::WebSocketChannel>) override {
    std::lock_guard lock(mu_);
    opened_ = true;
    cv_.notify_all();
  }
  void on_message(net::WebSocketMessage message) override {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(message));
    cv_.notify_all();
  }
  void on_pong(std::string_view payload) override {
    std::lock_guard lock(mu_);
    pongs_.emplace_back(payload);
    cv_.notify_all();
  }
  void on_close(const net::WebSocketClose& close) override {
    std::lock_guard lock(mu_);
    close_ = close;
    ++closes_;
    cv_.notify_all();
  }

  bool wait_open(std::chrono::milliseconds t = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, t, [&] { return opened_ || close_; }) && opened_;
  }
  bool wait_messages(std::size_t n, std::chrono::milliseconds t = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, t, [&] { return messages_.size() >= n; });
  }
  bool wait_pong(std::chrono::milliseconds t = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, t, [&] { return !pongs_.empty(); });
  }
  std::optional<net::WebSocketClose> wait_close(std::chrono::milliseconds t = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, t, [&] { return close_.has_value(); });
    return close_;
  }
  std::vector<net::WebSocketMessage> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<std::string> pongs() {
    std::lock_guard lock(mu_);
    return pongs_;
  }
  int closes() {
    std::lock_guard lock(mu_);
    return closes_;
  }
  bool opened() {
    std::lock_guard lock(mu_);
    return opened_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool opened_ = false;
  std::vector<net::WebSocketMessage> messages_;
  std::vector<std::string> pongs_;
  std::optional<net::WebSocketClose> close_;
  int closes_ = 0;
};

}  // namespace parley::test

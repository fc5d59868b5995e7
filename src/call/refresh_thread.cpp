#include "call/refresh_thread.hpp"

namespace parley::call {

RefreshThread::RefreshThread(std::chrono::milliseconds period, std::function<void()> pass)
    : period_(period), pass_(std::move(pass)), thread_([this](std::stop_token st) { run(st); }) {}

RefreshThread::~RefreshThread() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void RefreshThread::nudge() {
  {
    std::lock_guard lock(mu_);
    nudged_ = true;
  }
  wake_.notify_one();
}

void RefreshThread::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    pass_();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, period_, [this] { return nudged_; });
    nudged_ = false;
  }
}

}  // namespace parley::call

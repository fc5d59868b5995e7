#pragma once
// A thread that runs one pass at once, then whenever it is nudged and at least every `period`:
// how the call layer follows tables that the API changes on this node (nudge) and other nodes
// change in the shared database (the period).
//
//   RefreshThread follower(30s, [this] { reread(); });   // the first pass starts right away
//   follower.nudge();                                    // after an API write commits
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace parley::call {

class RefreshThread {
 public:
  RefreshThread(std::chrono::milliseconds period, std::function<void()> pass);
  ~RefreshThread();  // stops and joins; a pass under way finishes first
  RefreshThread(const RefreshThread&) = delete;
  RefreshThread& operator=(const RefreshThread&) = delete;

  void nudge();

 private:
  void run(std::stop_token stop);

  std::chrono::milliseconds period_;
  std::function<void()> pass_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  bool nudged_ = false;
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace parley::call

#pragma once
// The calls this node carries, by session id: how POST /voice/end reaches a live call (BYE, or
// CANCEL while it rings) and how shutdown ends them all. Thread-safe; each call's end action runs
// on that call's io_context.
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::call {

class ActiveCalls {
 public:
  // Ends the call with `reason`; calls `written` (any thread) once the final state is stored.
  using Ender = std::function<void(std::string reason, std::function<void()> written)>;

  void add(const std::string& session_id, boost::asio::io_context& io, Ender end);
  void remove(const std::string& session_id);

  // Posts the end to the call's context and waits up to `wait` for its final state to be written.
  // False when no such call lives on this node (the caller then ends the session record itself).
  bool end(const std::string& session_id, std::string reason, std::chrono::milliseconds wait);
  // Every call, without waiting (shutdown); see size() for what is left.
  void end_all(std::string reason);
  std::size_t size() const;

 private:
  struct Entry {
    boost::asio::io_context* io;
    Ender end;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> calls_;
};

}  // namespace parley::call

#pragma once
// Runs cloud engines the way a call does: an io_context thread (every engine method is called on it,
// every listener callback arrives on it), a worker pool and an HttpClient on that context; and
// listeners that record what the engines report so the test thread can wait for it.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "core/worker_pool.hpp"
#include "net/http_client.hpp"
#include "net/io_runtime.hpp"
#include "support/python_peer.hpp"
#include "voice/agent/agent_engine.hpp"
#include "voice/stt/stt_engine.hpp"
#include "voice/tts/tts_engine.hpp"

namespace parley::voice::test {

using namespace std::chrono_literals;

inline std::string peer_script(std::string_view name) {
  return std::string(PARLEY_TEST_DIR) + "/unit/voice/cloud/" + std::string(name);
}

class EngineHarness {
 public:
  EngineHarness() : io_(1), pool_(2, 64), http_(io_.at(0)), ctx{io_.at(0), pool_, http_, "call_test", true} { io_.start(); }
  ~EngineHarness() {
    pool_.stop();
    io_.stop();
  }

  // Runs `fn` on the engines' thread and waits for it.
  template <class Fn>
  auto on_io(Fn&& fn) {
    std::packaged_task<std::invoke_result_t<Fn>()> task(std::forward<Fn>(fn));
    auto f = task.get_future();
    boost::asio::post(io_.at(0), [&task] { task(); });
    if (f.wait_for(10s) != std::future_status::ready) throw std::runtime_error("the io thread is stuck");
    return f.get();
  }
  bool on_io_thread() const { return io_.at(0).get_executor().running_in_this_thread(); }

 private:
  mutable net::IoRuntime io_;
  core::WorkerPool pool_;
  net::HttpClient http_;

 public:
  EngineContext ctx;
};

// Waits on a predicate over state guarded by `mu`.
class Waitable {
 protected:
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds t = 5s) {
    std::unique_lock l(mu);
    return cv.wait_for(l, t, pred);
  }
  void notify() { cv.notify_all(); }
  std::mutex mu;
  std::condition_variable cv;
};

class SttRecorder : public SttListener, public Waitable {
 public:
  void on_transcript(const SttResult& r) override {
    std::lock_guard l(mu);
    results.push_back(r);
    notify();
  }
  void on_stt_usage(double s) override {
    std::lock_guard l(mu);
    seconds += s;
  }
  void on_stt_error(const core::Error& e) override {
    std::lock_guard l(mu);
    errors.push_back(e);
    notify();
  }
  std::optional<SttResult> wait_final(std::uint32_t id, std::chrono::milliseconds t = 5s) {
    std::optional<SttResult> out;
    wait_for([&] {
      for (auto& r : results) {
        if (r.utterance == id && r.is_final) out = r;
      }
      return out.has_value() || !errors.empty();
    }, t);
    return out;
  }
  bool wait_finals(std::uint32_t id, int n, std::chrono::milliseconds t = 5s) {
    return wait_for([&] {
      return std::count_if(results.begin(), results.end(), [&](auto& r) { return r.utterance == id && r.is_final; }) >= n;
    }, t);
  }
  std::optional<core::Error> wait_error(std::chrono::milliseconds t = 5s) {
    wait_for([&] { return !errors.empty(); }, t);
    std::lock_guard l(mu);
    return errors.empty() ? std::nullopt : std::optional(errors.front());
  }
  std::vector<SttResult> snapshot() {
    std::lock_guard l(mu);
    return results;
  }
  std::vector<SttResult> results;
  std::vector<core::Error> errors;
  double seconds = 0;
};

class TtsRecorder : public TtsListener, public Waitable {
 public:
  void on_tts_audio(std::uint32_t id, std::span<const std::int16_t> pcm) override {
    std::lock_guard l(mu);
    order.push_back(id);
    auto& a = audio[id];
    a.insert(a.end(), pcm.begin(), pcm.end());
    ++chunks[id];
    notify();
  }
  void on_tts_done(std::uint32_t id, const core::Status& s) override {
    std::lock_guard l(mu);
    order.push_back(id);
    done.emplace(id, s);
    notify();
  }
  std::optional<core::Status> wait_done(std::uint32_t id, std::chrono::milliseconds t = 8s) {
    wait_for([&] { return done.count(id) > 0; }, t);
    std::lock_guard l(mu);
    auto it = done.find(id);
    return it == done.end() ? std::nullopt : std::optional(it->second);
  }
  bool wait_audio(std::uint32_t id, std::chrono::milliseconds t = 5s) {
    return wait_for([&] { return audio.count(id) > 0; }, t);
  }
  std::size_t samples(std::uint32_t id) {
    std::lock_guard l(mu);
    return audio.count(id) ? audio[id].size() : 0;
  }
  std::map<std::uint32_t, std::vector<std::int16_t>> audio;
  std::map<std::uint32_t, int> chunks;
  std::map<std::uint32_t, core::Status> done;
  std::vector<std::uint32_t> order;
};

class AgentRecorder : public AgentListener, public Waitable {
 public:
  struct Event {
    enum class Kind { text, action, done } kind;
    std::string text;
    AgentAction action;
  };
  void on_agent_text(std::uint32_t turn, std::string_view chunk) override {
    std::lock_guard l(mu);
    text[turn] += chunk;
    ++chunks;
    events.push_back({Event::Kind::text, std::string(chunk), {}});
    notify();
  }
  void on_agent_action(std::uint32_t, const AgentAction& a) override {
    std::lock_guard l(mu);
    events.push_back({Event::Kind::action, {}, a});
    actions.push_back(a);
    notify();
  }
  void on_agent_usage(const Usage& u) override {
    std::lock_guard l(mu);
    usage += u;
  }
  void on_agent_tool(std::uint32_t, const ToolCall& call) override {
    std::lock_guard l(mu);
    tools.push_back(call);
    notify();
  }
  void on_agent_done(std::uint32_t turn, const core::Status& s) override {
    std::lock_guard l(mu);
    events.push_back({Event::Kind::done, {}, {}});
    done.emplace(turn, s);
    notify();
  }
  std::optional<core::Status> wait_done(std::uint32_t turn, std::chrono::milliseconds t = 8s) {
    wait_for([&] { return done.count(turn) > 0; }, t);
    std::lock_guard l(mu);
    auto it = done.find(turn);
    return it == done.end() ? std::nullopt : std::optional(it->second);
  }
  bool wait_chunks(int n, std::chrono::milliseconds t = 5s) {
    return wait_for([&] { return chunks >= n; }, t);
  }
  std::map<std::uint32_t, std::string> text;
  std::vector<AgentAction> actions;
  std::vector<ToolCall> tools;
  std::vector<Event> events;
  std::map<std::uint32_t, core::Status> done;
  Usage usage;
  int chunks = 0;
};

// A 20 ms frame of a 300 Hz tone (loud enough for the peers' energy "recognizer") or of silence.
inline std::vector<std::int16_t> tone_frame(bool loud) {
  std::vector<std::int16_t> f(320, 0);
  if (loud) {
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 300 * i / 16000.0));
  }
  return f;
}

// Reads the peer's lines until one starts with `prefix` and contains `needle`; "" when none comes in
// time. (A peer is shared by the tests of one process: earlier tests' lines are skipped this way.)
inline std::string line_starting(parley::test::PythonPeer& peer, std::string_view prefix, std::string_view needle = {},
                                 std::chrono::milliseconds t = 5s) {
  auto deadline = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < deadline) {
    auto line = peer.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (line.starts_with(prefix) && line.find(needle) != std::string::npos) return line;
  }
  return {};
}

}  // namespace parley::voice::test

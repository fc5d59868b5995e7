#pragma once
// A chain of processors over frames, with two lanes (docs/voice-pipeline.md):
//   - every frame pushed waits in the pipeline's dispatch queue and is delivered after the push
//     returns (processors are never re-entered);
//   - system-lane frames are delivered before any queued data-lane frame; data frames keep their
//     order per direction;
//   - when an Interrupt is pushed, queued interruptible frames (AgentText, AgentAudio) are dropped at
//     once; the rest (Hangup, Transfer, outbound Dtmf, ToolResult, caller frames) stay, in order.
// Single-threaded: use it on the call's io_context thread only.
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "voice/pipeline/processor.hpp"

namespace parley::voice {

class Pipeline {
 public:
  // Frames leaving the chain: downstream past the last processor, upstream past the first.
  using Exit = std::function<void(Frame&& frame, Direction dir)>;
  // Sees every frame as it is delivered to a processor (tests, traces).
  using Tap = std::function<void(const Frame& frame, std::string_view processor, Direction dir)>;

  Pipeline() = default;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline();

  // Appends `p` at the downstream end; returns it for wiring.
  template <class P>
  P& add(std::unique_ptr<P> p) {
    P& ref = *p;
    append(std::move(p));
    return ref;
  }
  void append(std::unique_ptr<Processor> p);

  void set_exit(Exit exit) { exit_ = std::move(exit); }
  void set_tap(Tap tap) { tap_ = std::move(tap); }

  // Enters at the head (downstream) or at the tail (upstream) and delivers everything queued.
  void push(Frame frame, Direction dir = Direction::downstream);

  // Stops every processor (Processor::stop) and drops everything queued; later pushes are ignored.
  void stop();
  bool stopped() const noexcept { return stopped_; }

  std::size_t size() const noexcept { return processors_.size(); }
  Processor& at(std::size_t i) { return *processors_[i]; }
  std::size_t queued(Lane lane) const noexcept { return lane == Lane::system ? system_.size() : data_.size(); }

 private:
  friend class Processor;
  struct Pending {
    std::size_t target;  // processor index; size() = leaves downstream; npos = leaves upstream
    Direction dir;
    Frame frame;
  };
  static constexpr std::size_t kOutUpstream = static_cast<std::size_t>(-1);

  void send_from(std::size_t index, Frame frame, Direction dir);
  void enqueue(std::size_t target, Frame frame, Direction dir);
  void flush_interruptible();
  void drain();

  std::vector<std::unique_ptr<Processor>> processors_;
  std::deque<Pending> system_;
  std::deque<Pending> data_;
  Exit exit_;
  Tap tap_;
  bool draining_ = false;
  bool stopped_ = false;
};

}  // namespace parley::voice

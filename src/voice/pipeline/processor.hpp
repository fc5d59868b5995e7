#pragma once
// One stage of a call's voice pipeline (DESIGN.md s4, docs/voice-pipeline.md). A processor gets
// frames from its neighbours, does one job, and pushes frames on. It runs on the call's io_context
// thread only: no locks. Work that blocks (engines) goes to the worker pool and comes back as a
// frame pushed from a posted callback.
#include <string_view>

#include "voice/frame/frame.hpp"

namespace parley::voice {

class Pipeline;

enum class Direction {
  downstream,  // caller -> agent -> caller's ear (audio in, transcripts, replies, agent audio)
  upstream,    // back towards the caller's input (e.g. "agent is speaking" state, interrupts)
};

class Processor {
 public:
  virtual ~Processor() = default;
  virtual std::string_view name() const = 0;

  // One frame travelling `dir`. The default forwards it unchanged. An Interrupt arrives here like
  // any frame (system lane, ahead of queued data): drop queued interruptible work
  // (Frame::interruptible), keep the rest, then forward it.
  virtual void process(Frame frame, Direction dir) { push(std::move(frame), dir); }

  // The pipeline is stopping (call ended): cancel engine work and timers; no push() afterwards.
  virtual void stop() {}

 protected:
  // Sends `frame` to the neighbour in `dir` (delivered after this call returns: no re-entrancy).
  // Pushing past either end leaves the pipeline (the ends are the conversation's input and output).
  void push(Frame frame, Direction dir = Direction::downstream);
  // Sends `frame` both ways from here at once (barge-in Interrupt).
  void broadcast(Frame frame);

 private:
  friend class Pipeline;
  Pipeline* pipeline_ = nullptr;
  std::size_t index_ = 0;
};

}  // namespace parley::voice

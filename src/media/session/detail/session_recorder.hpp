#pragma once
// The session's stereo recording: the I/O thread collects each frame pair (caller, agent) stamped with
// its frame number into half-second blocks and hands full blocks to the worker pool, which writes them
// with StereoWavWriter in order (one drain job at a time). Nothing here touches the disk on the I/O
// thread; the per-frame path copies into a preallocated block and takes no lock.
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>

#include "core/error.hpp"

namespace parley::core {
class WorkerPool;
}

namespace parley::media::session::detail {

class SessionRecorder {
 public:
  // Called on the I/O context once the file is complete (header written) or failed.
  using ClosedHandler = std::function<void(core::Status)>;

  SessionRecorder(boost::asio::io_context& io, core::WorkerPool& workers, std::filesystem::path path,
                  std::string call_id, ClosedHandler on_closed);
  ~SessionRecorder();  // finishes if finish() was not called
  SessionRecorder(const SessionRecorder&) = delete;
  SessionRecorder& operator=(const SessionRecorder&) = delete;

  // One 20 ms frame (kFrameSamples each) of both channels at session frame `frame_no`.
  void add(std::uint64_t frame_no, std::span<const std::int16_t> caller, std::span<const std::int16_t> agent);
  // Queues what is left and the close; idempotent.
  void finish();

  struct Shared;

 private:
  void hand_over();

  std::shared_ptr<Shared> shared_;
  bool finished_ = false;
};

}  // namespace parley::media::session::detail

#include "media/session/detail/session_recorder.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/log.hpp"
#include "core/worker_pool.hpp"
#include "media/audio_format.hpp"
#include "media/record/stereo_wav_writer.hpp"

namespace parley::media::session::detail {
namespace {

constexpr std::size_t kBlockFrames = 25;        // half a second per hand-over
constexpr std::size_t kMaxQueuedBlocks = 120;   // a minute of audio waiting for the disk, then the oldest goes
constexpr int kSubmitAttempts = 300;            // a full worker queue is retried every 100 ms for 30 s
constexpr auto kSubmitRetry = std::chrono::milliseconds(100);

struct Block {
  std::uint64_t first_frame = 0;
  std::size_t frames = 0;
  bool close = false;  // the last item: complete the file
  std::vector<std::int16_t> caller = std::vector<std::int16_t>(kBlockFrames * kFrameSamples);
  std::vector<std::int16_t> agent = std::vector<std::int16_t>(kBlockFrames * kFrameSamples);
};

}  // namespace

struct SessionRecorder::Shared {
  Shared(boost::asio::io_context& io_, core::WorkerPool& workers_, std::filesystem::path path_, std::string call_id_,
         ClosedHandler on_closed_)
      : io(io_), workers(workers_), path(std::move(path_)), call_id(std::move(call_id_)), on_closed(std::move(on_closed_)) {}

  boost::asio::io_context& io;
  core::WorkerPool& workers;
  const std::filesystem::path path;
  const std::string call_id;
  ClosedHandler on_closed;

  std::mutex mu;  // guards queue, spare, scheduled, dropped_blocks
  std::deque<std::unique_ptr<Block>> queue;
  std::vector<std::unique_ptr<Block>> spare;
  bool scheduled = false;  // a drain job is queued or running: jobs never overlap, so blocks stay in order
  std::uint64_t dropped_blocks = 0;

  std::unique_ptr<Block> current;  // I/O thread only

  // Drain job only (one at a time; the mutex hand-off orders the accesses).
  std::optional<record::StereoWavWriter> writer;
  std::optional<core::Error> error;

  std::unique_ptr<Block> take_spare() {
    std::lock_guard lock(mu);
    if (spare.empty()) return std::make_unique<Block>();
    auto block = std::move(spare.back());
    spare.pop_back();
    return block;
  }
};

namespace {

using Shared = SessionRecorder::Shared;

void write_block(Shared& s, const Block& block) {
  if (s.error) return;
  if (!s.writer) {
    auto writer = record::StereoWavWriter::open(s.path, kSampleRate);
    if (!writer) {
      s.error = writer.error();
      spdlog::error("event=media.recording_failed call_id={} error={}", core::log_value(s.call_id),
                    core::log_value(writer.error().message));
      return;
    }
    s.writer.emplace(std::move(*writer));
  }
  // Both channels on the session timeline: frame n starts at sample n * 320.
  const auto start = static_cast<std::int64_t>(block.first_frame * kFrameSamples);
  const auto samples = block.frames * kFrameSamples;
  auto status = s.writer->write(record::Channel::caller, start, std::span(block.caller).first(samples));
  if (status) status = s.writer->write(record::Channel::agent, start, std::span(block.agent).first(samples));
  if (!status) {
    s.error = status.error();
    spdlog::error("event=media.recording_failed call_id={} error={}", core::log_value(s.call_id),
                  core::log_value(status.error().message));
  }
}

void close_file(const std::shared_ptr<Shared>& s, std::uint64_t dropped_blocks) {
  core::Status status;
  if (!s->error && !s->writer) {
    // No audio at all: still leave a valid (empty) file behind.
    auto writer = record::StereoWavWriter::open(s->path, kSampleRate);
    if (writer) s->writer.emplace(std::move(*writer));
    else s->error = writer.error();
  }
  if (s->error) {
    status = std::unexpected(*s->error);
  } else {
    status = s->writer->close();
  }
  if (status) {
    spdlog::info("event=media.recording_closed call_id={} path={} frames={} dropped_blocks={}",
                 core::log_value(s->call_id), core::log_value(s->path.string()), s->writer->frames_written(),
                 dropped_blocks);
  }
  if (s->on_closed) {
    boost::asio::post(s->io, [s, status] { s->on_closed(status); });
  }
}

void drain(const std::shared_ptr<Shared>& s) {
  for (;;) {
    std::unique_ptr<Block> block;
    std::uint64_t dropped = 0;
    {
      std::lock_guard lock(s->mu);
      if (s->queue.empty()) {
        s->scheduled = false;
        return;
      }
      block = std::move(s->queue.front());
      s->queue.pop_front();
      dropped = s->dropped_blocks;
    }
    if (block->close) {
      close_file(s, dropped);
    } else {
      write_block(*s, *block);
    }
    block->frames = 0;
    block->close = false;
    std::lock_guard lock(s->mu);
    s->spare.push_back(std::move(block));
  }
}

// Queues the drain job; a full worker queue is retried on a timer (bounded), never by blocking.
void submit_drain(const std::shared_ptr<Shared>& s, int attempt) {
  if (s->workers.try_submit([s] { drain(s); })) return;
  if (attempt >= kSubmitAttempts) {
    spdlog::error("event=media.recording_failed call_id={} error=worker_queue_full", core::log_value(s->call_id));
    std::lock_guard lock(s->mu);
    s->scheduled = false;
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(s->io, kSubmitRetry);
  timer->async_wait([s, timer, attempt](const boost::system::error_code&) { submit_drain(s, attempt + 1); });
}

}  // namespace

SessionRecorder::SessionRecorder(boost::asio::io_context& io, core::WorkerPool& workers, std::filesystem::path path,
                                 std::string call_id, ClosedHandler on_closed)
    : shared_(std::make_shared<Shared>(io, workers, std::move(path), std::move(call_id), std::move(on_closed))) {
  shared_->current = std::make_unique<Block>();
}

SessionRecorder::~SessionRecorder() { finish(); }

void SessionRecorder::add(std::uint64_t frame_no, std::span<const std::int16_t> caller,
                          std::span<const std::int16_t> agent) {
  if (finished_) return;
  auto& block = shared_->current;
  if (block->frames > 0 && frame_no != block->first_frame + block->frames) {
    hand_over();  // a gap (skipped ticks): the writer fills it with silence
  }
  if (block->frames == 0) block->first_frame = frame_no;
  const auto at = static_cast<std::ptrdiff_t>(block->frames * kFrameSamples);
  std::copy_n(caller.begin(), kFrameSamples, block->caller.begin() + at);
  std::copy_n(agent.begin(), kFrameSamples, block->agent.begin() + at);
  if (++block->frames == kBlockFrames) hand_over();
}

void SessionRecorder::hand_over() {
  auto& s = *shared_;
  auto next = s.take_spare();
  bool submit = false;
  {
    std::lock_guard lock(s.mu);
    if (s.queue.size() >= kMaxQueuedBlocks && !s.queue.front()->close) {
      s.spare.push_back(std::move(s.queue.front()));
      s.queue.pop_front();
      ++s.dropped_blocks;
    }
    s.queue.push_back(std::move(s.current));
    submit = !s.scheduled;
    s.scheduled = true;
  }
  s.current = std::move(next);
  if (submit) submit_drain(shared_, 0);
}

void SessionRecorder::finish() {
  if (finished_) return;
  if (shared_->current->frames > 0) hand_over();
  shared_->current->close = true;
  hand_over();
  finished_ = true;
}

}  // namespace parley::media::session::detail

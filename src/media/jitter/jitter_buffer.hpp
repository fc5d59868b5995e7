#pragma once
// Adaptive jitter buffer for one RTP stream of 20 ms packets.
//
// Packets are stored by extended sequence number in pre-allocated slots. A 20 ms clock pops one frame:
// the next packet is decoded; a missing one is concealed by the codec (with the following packet for
// FEC when it is here). Playout starts, and restarts after an underrun, once the buffered span reaches
// the target delay; frames still missing then are skipped for as many as were concealed while
// stalled, so a burst loss is not concealed twice. The target is 2 x jitter + one frame, rounded up to whole frames and clamped to
// [min_delay_ms, max_delay_ms], with the jitter estimated as in RFC 3550 A.8. When the buffer stays
// more than two frames above the target for ten pops, one frame is dropped (a faster sender clock, or a
// target that came down).
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "media/audio_format.hpp"
#include "media/codec/codec.hpp"

namespace parley::media::jitter {

struct JitterConfig {
  int clock_rate = 8000;              // RTP clock of the stream
  int min_delay_ms = 40;
  int max_delay_ms = 200;
  std::size_t max_payload_bytes = 1500;
};

enum class PushResult { stored, late, duplicate, too_large, restarted };
enum class FrameKind { decoded, concealed, silence };

struct JitterStats {
  std::uint64_t received = 0;
  std::uint64_t late = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t lost = 0;         // concealed because the packet never came in time
  std::uint64_t underruns = 0;    // the buffer ran dry
  std::uint64_t dropped = 0;      // frames dropped to shrink the delay
  std::uint64_t restarts = 0;     // sequence jumps beyond the buffer
  std::uint64_t decode_errors = 0;
};

class JitterBuffer {
 public:
  static core::Result<JitterBuffer> create(const JitterConfig& config);

  PushResult push(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                  std::chrono::microseconds arrival) noexcept;
  // Writes exactly kFrameSamples into `pcm`. Payloads are expected to hold 20 ms.
  FrameKind pop(codec::Codec& codec, std::span<std::int16_t> pcm) noexcept;

  int current_delay_ms() const noexcept;
  int target_delay_ms() const noexcept { return target_ms_; }
  double jitter_ms() const noexcept { return jitter_ms_; }
  const JitterStats& stats() const noexcept { return stats_; }

 private:
  struct Slot {
    bool used = false;
    std::int64_t sequence = 0;
    std::size_t size = 0;
  };

  explicit JitterBuffer(const JitterConfig& config);
  std::int64_t unwrap(std::uint16_t sequence) const noexcept;
  Slot* find(std::int64_t sequence) noexcept;
  std::span<std::uint8_t> storage(const Slot& slot) noexcept;
  void update_target(std::uint32_t timestamp, std::chrono::microseconds arrival) noexcept;
  void clear() noexcept;
  void conceal(codec::Codec& codec, std::span<std::int16_t> pcm) noexcept;
  void drop_for_delay() noexcept;

  JitterConfig config_;
  std::vector<Slot> slots_;
  std::vector<std::uint8_t> payloads_;  // slots_.size() * max_payload_bytes
  std::vector<std::int16_t> decoded_;   // kMaxPacketSamples
  bool started_ = false;
  bool playing_ = false;
  bool has_played_ = false;
  std::int64_t next_ = 0;     // extended sequence to play next
  std::int64_t highest_ = 0;  // highest extended sequence seen
  int target_ms_;
  double jitter_ms_ = 0.0;
  double last_transit_ms_ = 0.0;
  bool have_transit_ = false;
  int above_target_pops_ = 0;
  int stalled_pops_ = 0;  // concealed frames played since the last underrun
  JitterStats stats_;
};

}  // namespace parley::media::jitter

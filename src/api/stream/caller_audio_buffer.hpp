#pragma once
// The caller's audio on a WebSocket stream, played out one 20 ms frame per tick of the call's clock.
// A WebSocket has no media clock: audio comes when TCP delivers it, often in bursts. Playout starts
// once `target` is buffered; an underrun plays silence and waits for `target` again, raising it one
// frame (up to `max_ms`); ten seconds without an underrun lower it one frame (down to `start_ms`).
// A buffer that stays two frames above its target for a second sheds its oldest frame, so a burst
// does not leave the call with more delay; past `cap_ms` the oldest samples are dropped at once.
#include <cstdint>
#include <deque>
#include <span>

namespace parley::api::stream {

class CallerAudioBuffer {
 public:
  struct Options {
    int start_ms = 40;
    int max_ms = 200;
    int cap_ms = 2000;
  };
  struct Stats {
    std::uint64_t underruns = 0;
    std::uint64_t shed_frames = 0;     // dropped to bring the delay back to the target
    std::uint64_t dropped_samples = 0;  // over the cap
  };

  CallerAudioBuffer() : CallerAudioBuffer(Options{}) {}
  explicit CallerAudioBuffer(Options options);

  void push(std::span<const std::int16_t> pcm16k);
  // Writes exactly media::kFrameSamples: the next frame, or silence while (re)buffering. True for audio.
  bool pop(std::span<std::int16_t> frame);

  int buffered_ms() const noexcept;
  int target_ms() const noexcept;
  const Stats& stats() const noexcept { return stats_; }

 private:
  std::size_t frames(int ms) const noexcept;

  Options options_;
  std::deque<std::int16_t> samples_;
  std::size_t target_;  // samples
  bool playing_ = false;
  int above_target_pops_ = 0;
  int pops_since_underrun_ = 0;
  Stats stats_;
};

}  // namespace parley::api::stream

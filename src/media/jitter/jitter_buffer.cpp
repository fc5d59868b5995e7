#include "media/jitter/jitter_buffer.hpp"

#include <algorithm>
#include <cmath>

namespace parley::media::jitter {
namespace {

constexpr std::int64_t kSequenceBase = std::int64_t{1} << 32;  // keeps extended numbers positive
constexpr int kHysteresisFrames = 2;
constexpr int kPopsBeforeDrop = 10;

}  // namespace

core::Result<JitterBuffer> JitterBuffer::create(const JitterConfig& config) {
  if (config.clock_rate <= 0 || config.min_delay_ms < kFrameMs || config.max_delay_ms < config.min_delay_ms ||
      config.max_delay_ms > 2000 || config.max_payload_bytes == 0) {
    return core::fail(core::Errc::invalid_argument, "jitter buffer needs 20 <= min <= max <= 2000 ms", "jitter");
  }
  return JitterBuffer(config);
}

JitterBuffer::JitterBuffer(const JitterConfig& config)
    : config_(config),
      // Room for twice the largest delay plus slack, so reordering never overwrites a waiting packet.
      slots_(static_cast<std::size_t>(2 * config.max_delay_ms / kFrameMs + 8)),
      payloads_(slots_.size() * config.max_payload_bytes),
      decoded_(kMaxPacketSamples),
      target_ms_(config.min_delay_ms) {}

std::int64_t JitterBuffer::unwrap(std::uint16_t sequence) const noexcept {
  // RFC 3550 A.1 style: the nearest extended number to the one expected next.
  const auto delta = static_cast<std::int16_t>(sequence - static_cast<std::uint16_t>(next_));
  return next_ + delta;
}

JitterBuffer::Slot* JitterBuffer::find(std::int64_t sequence) noexcept {
  auto& slot = slots_[static_cast<std::size_t>(sequence) % slots_.size()];
  return slot.used && slot.sequence == sequence ? &slot : nullptr;
}

std::span<std::uint8_t> JitterBuffer::storage(const Slot& slot) noexcept {
  const auto index = static_cast<std::size_t>(&slot - slots_.data());
  return std::span(payloads_).subspan(index * config_.max_payload_bytes, config_.max_payload_bytes);
}

void JitterBuffer::clear() noexcept {
  for (auto& slot : slots_) slot.used = false;
  playing_ = false;
}

void JitterBuffer::update_target(std::uint32_t timestamp, std::chrono::microseconds arrival) noexcept {
  // RFC 3550 A.8: J += (|D| - J) / 16 with D the change in transit time (here in ms).
  const double transit = static_cast<double>(arrival.count()) / 1000.0 -
                         static_cast<double>(timestamp) * 1000.0 / config_.clock_rate;
  if (have_transit_) {
    double d = std::fabs(transit - last_transit_ms_);
    // A timestamp wrap (2^32 units) or a sender restart is not jitter.
    if (d < 1000.0) jitter_ms_ += (d - jitter_ms_) / 16.0;
  }
  last_transit_ms_ = transit;
  have_transit_ = true;
  const double wanted = 2.0 * jitter_ms_ + kFrameMs;
  const int frames = static_cast<int>(std::ceil(wanted / kFrameMs));
  target_ms_ = std::clamp(frames * kFrameMs, config_.min_delay_ms, config_.max_delay_ms);
}

PushResult JitterBuffer::push(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                              std::chrono::microseconds arrival) noexcept {
  if (payload.size() > config_.max_payload_bytes || payload.empty()) return PushResult::too_large;
  PushResult result = PushResult::stored;
  if (!started_) {
    next_ = highest_ = kSequenceBase + sequence;
    started_ = true;
  }
  std::int64_t ext = unwrap(sequence);
  const auto capacity = static_cast<std::int64_t>(slots_.size());
  if (ext < next_ && next_ - ext <= capacity) {
    // Before playout starts, an earlier packet moves the start back (reordered first packets).
    if (playing_ || has_played_ || ext <= highest_ - capacity) {
      ++stats_.late;
      return PushResult::late;
    }
    next_ = ext;
  } else if (ext < next_ || ext >= next_ + capacity) {
    // Far from anything buffered: the sender jumped (restart, long outage). Start over from here.
    clear();
    next_ = highest_ = ext;
    ++stats_.restarts;
    result = PushResult::restarted;
  }
  auto& slot = slots_[static_cast<std::size_t>(ext) % slots_.size()];
  if (slot.used && slot.sequence == ext) {
    ++stats_.duplicates;
    return PushResult::duplicate;
  }
  slot = Slot{true, ext, payload.size()};
  std::ranges::copy(payload, storage(slot).begin());
  highest_ = std::max(highest_, ext);
  ++stats_.received;
  update_target(timestamp, arrival);
  return result;
}

int JitterBuffer::current_delay_ms() const noexcept {
  if (!started_ || highest_ < next_) return 0;
  return static_cast<int>(highest_ - next_ + 1) * kFrameMs;
}

void JitterBuffer::conceal(codec::Codec& codec, std::span<std::int16_t> pcm) noexcept {
  const Slot* next = find(next_ + 1);
  codec.conceal(pcm, next ? std::span<const std::uint8_t>(storage(*next).first(next->size)) : std::span<const std::uint8_t>{});
}

void JitterBuffer::drop_for_delay() noexcept {
  // Accelerate: the delay has stayed above target + hysteresis; skip the oldest frame.
  if (auto* slot = find(next_)) slot->used = false;
  ++next_;
  ++stats_.dropped;
  above_target_pops_ = 0;
}

FrameKind JitterBuffer::pop(codec::Codec& codec, std::span<std::int16_t> pcm) noexcept {
  pcm = pcm.first(kFrameSamples);
  if (!playing_) {
    if (!started_ || current_delay_ms() < target_ms_) {
      if (has_played_) {
        codec.conceal(pcm, {});  // rebuffering after an underrun: let the codec fade out
        ++stalled_pops_;
        return FrameKind::concealed;
      }
      std::ranges::fill(pcm, std::int16_t{0});
      return FrameKind::silence;
    }
    playing_ = true;
    above_target_pops_ = 0;
    // Frames still missing at the front were already covered by the concealment played while stalled.
    for (; stalled_pops_ > 0 && !find(next_) && next_ < highest_; --stalled_pops_) {
      ++next_;
      ++stats_.lost;
    }
    stalled_pops_ = 0;
  }
  if (current_delay_ms() > target_ms_ + kHysteresisFrames * kFrameMs) {
    if (++above_target_pops_ >= kPopsBeforeDrop) drop_for_delay();
  } else {
    above_target_pops_ = 0;
  }

  has_played_ = true;
  if (auto* slot = find(next_)) {
    slot->used = false;
    ++next_;
    auto samples = codec.decode(storage(*slot).first(slot->size), decoded_);
    if (!samples) {
      ++stats_.decode_errors;
      conceal(codec, pcm);
      return FrameKind::concealed;
    }
    const auto n = std::min(*samples, kFrameSamples);
    std::copy_n(decoded_.begin(), n, pcm.begin());
    std::fill(pcm.begin() + static_cast<std::ptrdiff_t>(n), pcm.end(), std::int16_t{0});
    return FrameKind::decoded;
  }
  if (highest_ > next_) {
    // A later packet is here, so this one is lost (or later than the buffer allows).
    conceal(codec, pcm);
    ++next_;
    ++stats_.lost;
    return FrameKind::concealed;
  }
  // Nothing buffered: underrun. Conceal and build the delay up again before playing on.
  codec.conceal(pcm, {});
  ++stats_.underruns;
  playing_ = false;
  stalled_pops_ = 1;
  return FrameKind::concealed;
}

}  // namespace parley::media::jitter

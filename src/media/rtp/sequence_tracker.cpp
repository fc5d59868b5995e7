#include "media/rtp/sequence_tracker.hpp"

namespace parley::media::rtp {
namespace {
constexpr std::uint32_t kSeqMod = 1u << 16;
}

void SequenceTracker::reset(std::uint16_t sequence) noexcept {
  // RFC 3550 A.1 init_seq()
  base_seq_ = sequence;
  max_seq_ = sequence;
  bad_seq_ = kSeqMod + 1;
  cycles_ = 0;
  received_ = 0;
}

bool SequenceTracker::update(std::uint16_t sequence) noexcept {
  if (!started_) {
    // RFC 3550 A.1: a new source starts on probation until kMinSequential packets arrive in order.
    reset(sequence);
    max_seq_ = static_cast<std::uint16_t>(sequence - 1);
    probation_ = kMinSequential;
    started_ = true;
  }
  const auto udelta = static_cast<std::uint16_t>(sequence - max_seq_);
  if (probation_ > 0) {
    if (sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = sequence;
      if (probation_ == 0) {
        reset(sequence);
        ++received_;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      max_seq_ = sequence;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    if (sequence < max_seq_) cycles_ += kSeqMod;  // in order, with permissible gap; wrapped
    max_seq_ = sequence;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A very large jump: accept it only if the next packet continues from it (the source restarted).
    if (sequence == bad_seq_) {
      reset(sequence);
    } else {
      bad_seq_ = (sequence + 1u) & (kSeqMod - 1);
      return false;
    }
  }
  // Otherwise a duplicate or reordered packet: counted, max unchanged.
  ++received_;
  return true;
}

}  // namespace parley::media::rtp

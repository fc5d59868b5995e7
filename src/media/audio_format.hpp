#pragma once
// Parley's internal audio format: 16 kHz mono PCM16 in 20 ms frames (docs/architecture.md s4).
#include <cstddef>

namespace parley::media {

inline constexpr int kSampleRate = 16000;
inline constexpr int kFrameMs = 20;
inline constexpr std::size_t kFrameSamples = kSampleRate * kFrameMs / 1000;  // 320
// Largest packet Parley decodes in one go: 60 ms (RFC 3551 s4.2 allows longer, but not at these rates in practice).
inline constexpr int kMaxPacketMs = 60;
inline constexpr std::size_t kMaxPacketSamples = kSampleRate * kMaxPacketMs / 1000;  // 960

}  // namespace parley::media

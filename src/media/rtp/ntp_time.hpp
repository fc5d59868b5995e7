#pragma once
// NTP timestamps for RTCP (RFC 3550 s4) and round-trip time from a report block (s6.4.1).
#include <chrono>
#include <cstdint>
#include <optional>

#include "media/rtp/rtcp.hpp"

namespace parley::media::rtp {

// 64-bit NTP format: seconds since 1900 in the high word, binary fraction in the low word.
std::uint64_t to_ntp(std::chrono::system_clock::time_point time) noexcept;
// The middle 32 bits, as carried in LSR.
constexpr std::uint32_t ntp_middle32(std::uint64_t ntp) noexcept { return static_cast<std::uint32_t>(ntp >> 16); }

// RFC 3550 s6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s, where A is when the report block arrived.
// Empty when no SR was reflected yet (LSR = 0) or the result is negative (clock or report garbage).
std::optional<std::chrono::microseconds> round_trip_time(const ReportBlock& block, std::uint64_t arrival_ntp) noexcept;

}  // namespace parley::media::rtp

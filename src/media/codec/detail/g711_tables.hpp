#pragma once
// ITU-T G.711 mu-law and A-law companding through lookup tables built once at first use.
#include <cstdint>
#include <span>

namespace parley::media::codec::detail {

enum class G711Law { mu, a };

// `out` must be at least as long as `in`.
void g711_encode(G711Law law, std::span<const std::int16_t> in, std::span<std::uint8_t> out) noexcept;
void g711_decode(G711Law law, std::span<const std::uint8_t> in, std::span<std::int16_t> out) noexcept;

}  // namespace parley::media::codec::detail

#pragma once
// Hard limits of the SIP message parser: anything beyond them is rejected, never truncated.
#include <cstddef>

namespace parley::sip {

inline constexpr std::size_t kMaxMessageSize = 65535;   // one UDP datagram (RFC 3261 s18.1.1 bounds UDP)
inline constexpr std::size_t kMaxHeaderCount = 256;     // header field lines (after unfolding)
inline constexpr std::size_t kMaxHeaderLineLength = 8192;  // one header field, folding included
inline constexpr std::size_t kTypicalHeaderCount = 24;  // initial reservation: one allocation per message

}  // namespace parley::sip

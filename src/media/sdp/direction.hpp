#pragma once
// Media stream direction attributes (RFC 8866 s6.7) and how an answer mirrors them (RFC 3264 s6.1).
#include <optional>
#include <string_view>

namespace parley::media::sdp {

enum class Direction { sendrecv, sendonly, recvonly, inactive };

std::string_view to_string(Direction direction) noexcept;
std::optional<Direction> parse_direction(std::string_view name) noexcept;

bool sends(Direction direction) noexcept;
bool receives(Direction direction) noexcept;
Direction make_direction(bool send, bool receive) noexcept;

// The same stream seen from the other end: sendonly <-> recvonly.
Direction reverse(Direction direction) noexcept;
// RFC 3264 s6.1: the answer's direction for an offered one, limited to what the answerer allows.
Direction answer_direction(Direction offered, Direction local_capability = Direction::sendrecv) noexcept;

}  // namespace parley::media::sdp

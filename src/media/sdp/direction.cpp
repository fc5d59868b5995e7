#include "media/sdp/direction.hpp"

namespace parley::media::sdp {

std::string_view to_string(Direction direction) noexcept {
  switch (direction) {
    case Direction::sendrecv: return "sendrecv";
    case Direction::sendonly: return "sendonly";
    case Direction::recvonly: return "recvonly";
    case Direction::inactive: return "inactive";
  }
  return "";
}

std::optional<Direction> parse_direction(std::string_view name) noexcept {
  for (auto d : {Direction::sendrecv, Direction::sendonly, Direction::recvonly, Direction::inactive}) {
    if (to_string(d) == name) return d;
  }
  return std::nullopt;
}

bool sends(Direction direction) noexcept {
  return direction == Direction::sendrecv || direction == Direction::sendonly;
}

bool receives(Direction direction) noexcept {
  return direction == Direction::sendrecv || direction == Direction::recvonly;
}

Direction make_direction(bool send, bool receive) noexcept {
  if (send && receive) return Direction::sendrecv;
  if (send) return Direction::sendonly;
  if (receive) return Direction::recvonly;
  return Direction::inactive;
}

Direction reverse(Direction direction) noexcept {
  return make_direction(receives(direction), sends(direction));
}

Direction answer_direction(Direction offered, Direction local_capability) noexcept {
  // RFC 3264 s6.1: sendonly -> recvonly, recvonly -> sendonly, inactive -> inactive, sendrecv -> any.
  const Direction mirrored = reverse(offered);
  return make_direction(sends(mirrored) && sends(local_capability),
                        receives(mirrored) && receives(local_capability));
}

}  // namespace parley::media::sdp

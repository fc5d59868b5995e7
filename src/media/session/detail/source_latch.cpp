#include "media/session/detail/source_latch.hpp"

namespace parley::media::session::detail {

void SourceLatch::reset(std::optional<Endpoint> signalled, int audio_payload_type,
                        std::optional<int> event_payload_type) noexcept {
  signalled_ = signalled;
  latched_.reset();
  audio_payload_type_ = audio_payload_type;
  event_payload_type_ = event_payload_type.value_or(-1);
}

SourceLatch::Verdict SourceLatch::check(const Endpoint& from, int payload_type) const noexcept {
  if (latched_) return from == *latched_ ? Verdict::accept : Verdict::drop;
  if (signalled_ && from == *signalled_) return Verdict::latch;
  // Behind NAT the packets come from another address than SDP said: take the first one that carries
  // the negotiated audio or telephone-event payload type.
  if (payload_type == audio_payload_type_ || payload_type == event_payload_type_) return Verdict::latch;
  return Verdict::drop;
}

}  // namespace parley::media::session::detail

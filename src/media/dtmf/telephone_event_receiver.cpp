#include "media/dtmf/telephone_event_receiver.hpp"

#include <algorithm>

namespace parley::media::dtmf {
namespace {

// RFC 3550 s5.1 timestamps wrap: compare in serial-number arithmetic.
bool older(std::uint32_t a, std::uint32_t b) noexcept { return static_cast<std::int32_t>(a - b) < 0; }

}  // namespace

Dtmf TelephoneEventReceiver::to_dtmf(const Current& current) const noexcept {
  return Dtmf{*event_to_digit(current.event), static_cast<int>(current.duration * 1000 / clock_rate_)};
}

void TelephoneEventReceiver::complete(CompletedDigits& out, const Current& current) noexcept {
  out.digits[out.count++] = to_dtmf(current);
  last_completed_ = current.timestamp;
}

CompletedDigits TelephoneEventReceiver::on_packet(std::uint32_t rtp_timestamp,
                                                   std::span<const std::uint8_t> payload) noexcept {
  CompletedDigits out;
  const auto event = parse_telephone_event(payload);
  if (!event || !event_to_digit(event->event)) return out;  // malformed or not a DTMF event (s3.2)
  // RFC 4733 s2.5.2.2: the end packet is sent three times; a packet of a finished event is a duplicate.
  if (last_completed_ && !older(*last_completed_, rtp_timestamp)) return out;
  if (current_ && older(rtp_timestamp, current_->timestamp)) return out;  // late packet of an earlier event

  if (current_ && current_->timestamp == rtp_timestamp) {
    // Same event: the duration only grows (s2.5.1.3); a different code on the same timestamp is ignored.
    if (event->event != current_->event) return out;
    current_->duration = std::max(current_->duration, event->duration);
  } else {
    // RFC 4733 s2.5.2.1: a new timestamp starts a new event, even for the same digit.
    if (current_) complete(out, *current_);
    current_ = Current{rtp_timestamp, event->event, event->duration};
  }
  if (event->end) {
    complete(out, *current_);
    current_.reset();
  }
  return out;
}

std::optional<Dtmf> TelephoneEventReceiver::flush() noexcept {
  if (!current_) return std::nullopt;
  CompletedDigits out;
  complete(out, *current_);
  current_.reset();
  return out.digits[0];
}

}  // namespace parley::media::dtmf

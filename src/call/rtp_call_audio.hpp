#pragma once
// A SIP call's audio path for its voice agent: the media session's outgoing queue, and DTMF as the
// trunk's dtmf_mode says (RFC 4733 events or inband tones by the media session, SIP INFO by the
// dialog through `send_info`).
#include <functional>
#include <string>

#include "call/call_audio.hpp"
#include "media/session/media_session.hpp"

namespace parley::call {

class RtpCallAudio final : public CallAudio {
 public:
  using InfoSender = std::function<void(char digit, int duration_ms)>;

  RtpCallAudio(media::session::MediaSession& media, media::session::DtmfMode dtmf_mode, InfoSender send_info,
               std::string call_id)
      : media_(media), dtmf_mode_(dtmf_mode), send_info_(std::move(send_info)), call_id_(std::move(call_id)) {}

  std::size_t enqueue_audio(std::span<const std::int16_t> pcm16k) override { return media_.enqueue_audio(pcm16k); }
  void clear_outgoing() override { media_.clear_outgoing(); }
  int outgoing_ms() const override { return media_.outgoing_ms(); }
  std::size_t outgoing_samples() const override { return media_.outgoing_samples(); }
  std::uint64_t outgoing_samples_sent() const override { return media_.outgoing_samples_sent(); }
  void send_dtmf(char digit, int duration_ms) override;

 private:
  media::session::MediaSession& media_;
  media::session::DtmfMode dtmf_mode_;
  InfoSender send_info_;
  std::string call_id_;
};

}  // namespace parley::call

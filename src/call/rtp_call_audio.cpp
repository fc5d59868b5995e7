#include "call/rtp_call_audio.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"

namespace parley::call {

void RtpCallAudio::send_dtmf(char digit, int duration_ms) {
  if (dtmf_mode_ == media::session::DtmfMode::sip_info) {
    if (send_info_) send_info_(digit, duration_ms);
    return;
  }
  if (auto r = media_.send_dtmf(digit, duration_ms); !r) {
    spdlog::warn("event=call.dtmf_send_failed call_id={} digit={} error={}", call_id_, digit,
                 core::log_value(r.error().message));
  }
}

}  // namespace parley::call

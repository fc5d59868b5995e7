#pragma once
// One DTMF digit, however it arrived (RFC 4733 event, inband tone, SIP INFO upstream).
namespace parley::media::dtmf {

struct Dtmf {
  char digit = '0';  // 0-9, *, #, A-D
  int duration_ms = 0;

  bool operator==(const Dtmf&) const = default;
};

}  // namespace parley::media::dtmf

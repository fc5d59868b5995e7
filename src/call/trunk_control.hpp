#pragma once
// What the API asks of the trunk machinery (implemented by call::Trunks): hear about provider
// changes, and "Test Connection".
#include <chrono>

#include "core/error.hpp"
#include "sip/ua/options_probe.hpp"
#include "store/records.hpp"

namespace parley::call {

struct ConnectionTest {
  sip::ProbeTarget target;  // the provider's host, port and transport
  sip::ProbeResult result;
};

class TrunkControl {
 public:
  virtual ~TrunkControl() = default;
  // A provider was created, changed or deleted: registrations and traces follow at once.
  virtual void providers_changed() = 0;
  // One OPTIONS to the trunk through the running SIP engine. Blocks the calling thread for at most
  // `timeout` plus a short grace, so call it on the worker pool, never on an I/O thread.
  virtual core::Result<ConnectionTest> test_connection(const store::SipProvider& provider,
                                                       std::chrono::milliseconds timeout) = 0;
};

}  // namespace parley::call

#pragma once
// The application's side of the SIP engine (DESIGN s2): told about each new dialog-creating
// INVITE. Called on the engine's io_context; answer there (or post back to it).
//
//   struct Calls : sip::CallHandler {
//     void on_invite(std::shared_ptr<sip::IncomingCall> call) override {
//       call->set_listener(&my_events);   // CallEvents: on_ack, on_cancel, on_bye, on_reinvite, ...
//       call->ringing();
//       call->accept(sdp_answer);         // or call->reject(486, "Busy Here");
//       keep(call);                       // hold it until on_terminated
//     }
//   };
#include <memory>

#include "sip/dialog/incoming_call.hpp"

namespace parley::sip {

class CallHandler {
 public:
  virtual ~CallHandler() = default;
  virtual void on_invite(std::shared_ptr<IncomingCall> call) = 0;
};

}  // namespace parley::sip

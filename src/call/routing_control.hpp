#pragma once
// What the API tells the inbound router (implemented by call::InboundRouting): something routing
// reads (an agent, a phone number, a SIP provider or route) was created, changed or deleted.
namespace parley::call {

class RoutingControl {
 public:
  virtual ~RoutingControl() = default;
  // After the write has committed: the routing table is rebuilt at once rather than at the next poll.
  virtual void routing_changed() = 0;
};

}  // namespace parley::call

#pragma once
// Client transaction (RFC 3261 s17.1): INVITE (s17.1.1, with the RFC 6026 Accepted state) and
// non-INVITE (s17.1.2) state machines. Every outcome reaches the TU as a response: a timeout
// (timer B/F) is reported as a locally made 408.
#include <functional>
#include <memory>
#include <string>

#include "sip/transaction/transaction_context.hpp"
#include "sip/transport/inbound_message.hpp"

namespace parley::sip {

class ClientTransaction : public std::enable_shared_from_this<ClientTransaction> {
 public:
  using ResponseHandler = std::function<void(const Inbound& response)>;
  enum class State { calling, trying, proceeding, accepted, completed, terminated };

  ClientTransaction(TransactionContext& context, Inbound request, Peer destination, ResponseHandler handler);
  ClientTransaction(const ClientTransaction&) = delete;
  ClientTransaction& operator=(const ClientTransaction&) = delete;

  void start();  // sends the request and arms timers A/B or E/F
  void on_response(const Inbound& response);
  void on_transport_error();  // s17.1.4: reported as a 503
  // The TU gave up (e.g. the call was destroyed): no more responses are reported.
  void detach() { handler_ = nullptr; }

  const Message& request() const noexcept { return request_->message; }
  const Inbound& request_message() const noexcept { return request_; }
  const Peer& destination() const noexcept { return destination_; }
  const std::string& key() const noexcept { return key_; }
  State state() const noexcept { return state_; }
  bool invite() const noexcept { return invite_; }

 private:
  void retransmit_invite(std::chrono::milliseconds interval);   // timer A (s17.1.1.2)
  void retransmit_request(std::chrono::milliseconds interval);  // timer E (s17.1.2.2)
  void send_ack(const Message& response);                       // s17.1.1.3
  void report(const Inbound& response);
  void timeout();
  void terminate();

  TransactionContext& ctx_;
  Inbound request_;
  Peer destination_;
  ResponseHandler handler_;
  std::string key_;
  std::string ack_;
  bool invite_;
  bool reliable_;
  State state_;
  Timer retransmit_;
  Timer deadline_;
};

}  // namespace parley::sip

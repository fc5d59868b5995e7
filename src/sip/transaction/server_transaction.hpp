#pragma once
// Server transaction (RFC 3261 s17.2): INVITE (s17.2.1, with the RFC 6026 Accepted state) and
// non-INVITE (s17.2.2) state machines: retransmission absorption, automatic 100 Trying after
// 200 ms, timers G/H/I/J/L.
#include <functional>
#include <memory>
#include <string>

#include "sip/transaction/transaction_context.hpp"
#include "sip/transport/inbound_message.hpp"

namespace parley::sip {

class ServerTransaction : public std::enable_shared_from_this<ServerTransaction> {
 public:
  enum class State { trying, proceeding, accepted, completed, confirmed, terminated };

  ServerTransaction(TransactionContext& context, Inbound request, std::string key);
  ServerTransaction(const ServerTransaction&) = delete;
  ServerTransaction& operator=(const ServerTransaction&) = delete;

  void start();  // INVITE: arms the 100 Trying timer (s17.2.1)
  // Sends a response built by the TU; `status` is its status code.
  void respond(std::string bytes, int status);
  void on_retransmission();  // the same request again
  void on_ack();             // an ACK matching this INVITE transaction

  const Inbound& request() const noexcept { return request_; }
  const std::string& key() const noexcept { return key_; }
  State state() const noexcept { return state_; }
  bool final_sent() const noexcept { return final_status_ >= 200; }
  int final_status() const noexcept { return final_status_; }
  bool invite() const noexcept { return invite_; }
  // CANCEL for this INVITE (s9.2): the TU's handler sends 487; without one the transaction does.
  void set_cancel_handler(std::function<void()> handler) { on_cancel_ = std::move(handler); }
  void cancel();

 private:
  void send_last();
  void retransmit_final(std::chrono::milliseconds interval);  // timer G
  void linger(std::chrono::milliseconds duration);            // timers H, I, J, L
  void terminate();

  TransactionContext& ctx_;
  Inbound request_;
  std::string key_;
  Peer target_;
  bool invite_;
  bool reliable_;
  State state_;
  int final_status_ = 0;
  std::string last_response_;
  std::function<void()> on_cancel_;
  Timer trying_;
  Timer retransmit_;
  Timer deadline_;
};

}  // namespace parley::sip

#pragma once
// The transaction layer (RFC 3261 s17): matches received messages to client and server
// transactions, creates server transactions for new requests, handles CANCEL (s9.2), and passes
// what matches nothing to the transaction user: ACKs for 2xx (s17.2.3 -> TU) and stray 2xx
// retransmissions (s17.1.1.2 -> TU). Single-threaded.
#include <memory>
#include <string>
#include <unordered_map>

#include "sip/transaction/client_transaction.hpp"
#include "sip/transaction/incoming_request.hpp"
#include "sip/transaction/server_transaction.hpp"
#include "sip/transport/transport_layer.hpp"

namespace parley::sip {

class TransactionUser {
 public:
  virtual ~TransactionUser() = default;
  virtual void on_request(std::shared_ptr<IncomingRequest> request) = 0;  // not ACK, not CANCEL
  virtual void on_ack(const Inbound& ack) = 0;                            // matched no transaction
  virtual void on_stray_response(const Inbound& response) = 0;            // matched no transaction
};

class TransactionLayer final : public MessageReceiver {
 public:
  TransactionLayer(Sender& sender, TimerQueue& timers, TimerConfig config, TransactionUser& user);
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  void on_message(Inbound message) override;

  // Starts a client transaction for `request` (its top Via carries a fresh branch).
  std::shared_ptr<ClientTransaction> send_request(Inbound request, Peer destination,
                                                  ClientTransaction::ResponseHandler handler);

  Sender& sender() noexcept { return ctx_.sender; }
  TimerQueue& timers() noexcept { return ctx_.timers; }
  const TimerConfig& config() const noexcept { return ctx_.config; }
  std::size_t client_count() const noexcept { return clients_.size(); }
  std::size_t server_count() const noexcept { return servers_.size(); }

 private:
  void on_request(const Inbound& request);
  void on_cancel(const Inbound& cancel);
  void on_transport_error(const Peer& peer);

  TransactionContext ctx_;
  TransactionUser& user_;
  std::unordered_map<std::string, std::shared_ptr<ClientTransaction>> clients_;
  std::unordered_map<std::string, std::shared_ptr<ServerTransaction>> servers_;
};

}  // namespace parley::sip

#include "sip/transaction/transaction_layer.hpp"

#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "sip/transaction/transaction_key.hpp"

namespace parley::sip {

TransactionLayer::TransactionLayer(Sender& sender, TimerQueue& timers, TimerConfig config, TransactionUser& user)
    : ctx_{sender, timers, config,
           [this](const std::string& key, bool server) {
             if (server) {
               servers_.erase(key);
             } else {
               clients_.erase(key);
             }
           }},
      user_(user) {
  sender.set_failure_handler([this](const Peer& peer) { on_transport_error(peer); });
}

void TransactionLayer::on_transport_error(const Peer& peer) {
  std::vector<std::shared_ptr<ClientTransaction>> failed;
  for (const auto& [key, txn] : clients_) {
    if (txn->destination() == peer) failed.push_back(txn);
  }
  for (auto& txn : failed) txn->on_transport_error();
}

void TransactionLayer::on_message(Inbound message) {
  if (message->message.is_request()) {
    on_request(message);
    return;
  }
  // s17.1.3: branch + CSeq method.
  auto it = clients_.find(client_key(message->message));
  if (it == clients_.end()) {
    user_.on_stray_response(message);
    return;
  }
  auto txn = it->second;
  txn->on_response(message);
}

void TransactionLayer::on_request(const Inbound& request) {
  const Message& m = request->message;
  const std::string key = server_key(m);
  if (auto it = servers_.find(key); it != servers_.end()) {
    auto txn = it->second;
    if (m.method() == "ACK") {
      // s17.2.3: an ACK for a non-2xx final matches the INVITE transaction; one for a 2xx (new
      // branch, or the RFC 6026 Accepted state) goes to the TU.
      if (txn->state() == ServerTransaction::State::accepted) {
        user_.on_ack(request);
      } else {
        txn->on_ack();
      }
    } else {
      txn->on_retransmission();
    }
    return;
  }
  if (m.method() == "ACK") {
    user_.on_ack(request);
    return;
  }
  auto txn = std::make_shared<ServerTransaction>(ctx_, request, key);
  servers_.emplace(key, txn);
  txn->start();
  if (m.method() == "CANCEL") {
    on_cancel(request);
    return;
  }
  user_.on_request(std::make_shared<IncomingRequest>(txn));
}

void TransactionLayer::on_cancel(const Inbound& cancel) {
  // s9.2: find the INVITE server transaction the CANCEL matches; the CANCEL gets 200 (or 481),
  // the INVITE 487 unless a final response was already sent.
  auto cancel_txn = std::make_shared<IncomingRequest>(servers_.at(server_key(cancel->message)));
  auto it = servers_.find(server_key(cancel->message, "INVITE"));
  if (it == servers_.end() || it->second->final_sent()) {
    cancel_txn->respond(481, "Call/Transaction Does Not Exist");
    return;
  }
  auto invite = it->second;
  cancel_txn->respond(200, "OK");
  spdlog::info("event=sip.cancel call_id={}", core::log_value(cancel->message.call_id()));
  invite->cancel();
}

std::shared_ptr<ClientTransaction> TransactionLayer::send_request(Inbound request, Peer destination,
                                                                  ClientTransaction::ResponseHandler handler) {
  auto txn = std::make_shared<ClientTransaction>(ctx_, std::move(request), destination, std::move(handler));
  clients_[txn->key()] = txn;
  txn->start();
  return txn;
}

}  // namespace parley::sip

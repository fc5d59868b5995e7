#pragma once
// The TU's handle on one server transaction. Every request gets a response (DESIGN s10): a
// handle destroyed before a final response was sent answers 500.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sip/message/builder.hpp"
#include "sip/transaction/server_transaction.hpp"

namespace parley::sip {

class IncomingRequest {
 public:
  explicit IncomingRequest(std::shared_ptr<ServerTransaction> transaction) : txn_(std::move(transaction)) {}
  ~IncomingRequest();
  IncomingRequest(const IncomingRequest&) = delete;
  IncomingRequest& operator=(const IncomingRequest&) = delete;

  const Message& message() const noexcept { return txn_->request()->message; }
  const Inbound& inbound() const noexcept { return txn_->request(); }
  const Peer& source() const noexcept { return txn_->request()->source; }

  // Builds the response with make_response (RFC 3261 s8.2.6) and sends it through the transaction.
  void respond(int status, std::string_view reason, std::string_view to_tag = {}, const ResponseExtras& extras = {});
  // Sends a response this node built for the request (`status` is its code).
  void send(std::string bytes, int status) { txn_->respond(std::move(bytes), status); }
  bool answered() const noexcept { return txn_->final_sent(); }
  // INVITE only: called when a CANCEL matched it before a final response (s9.2).
  void on_cancel(std::function<void()> handler) { txn_->set_cancel_handler(std::move(handler)); }

 private:
  std::shared_ptr<ServerTransaction> txn_;
};

}  // namespace parley::sip

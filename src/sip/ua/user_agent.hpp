#pragma once
// The UA core (RFC 3261 s8, s12): routes requests to dialogs, creates IncomingCalls for new
// INVITEs, answers OPTIONS with capabilities (s11.2), 481 for unknown dialogs (s12.2.2),
// 405/420/422 where due, and re-ACKs stray 2xx retransmissions.
#include <memory>
#include <string>
#include <unordered_map>

#include "sip/dialog/outgoing_call.hpp"
#include "sip/ua/call_handler.hpp"

namespace parley::sip {

class UserAgent final : public TransactionUser, public SessionHost {
 public:
  UserAgent(TransactionLayer& transactions, SessionSettings settings, CallHandler& handler);

  core::Result<std::shared_ptr<OutgoingCall>> dial(DialRequest request, CallEvents* events);

  // TransactionUser
  void on_request(std::shared_ptr<IncomingRequest> request) override;
  void on_ack(const Inbound& ack) override;
  void on_stray_response(const Inbound& response) override;
  // SessionHost
  TransactionLayer& transactions() override { return transactions_; }
  const SessionSettings& settings() const override { return settings_; }
  void bind(const std::string& key, std::shared_ptr<InviteSession> session) override;
  void unbind(const std::string& key) override;

  std::size_t dialog_count() const noexcept { return dialogs_.size(); }

 private:
  std::shared_ptr<InviteSession> find(std::string_view call_id, std::string_view local_tag, std::string_view remote_tag);
  void on_new_invite(std::shared_ptr<IncomingRequest> request);

  TransactionLayer& transactions_;
  SessionSettings settings_;
  CallHandler& handler_;
  std::unordered_map<std::string, std::weak_ptr<InviteSession>> dialogs_;
};

}  // namespace parley::sip

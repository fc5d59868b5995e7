#pragma once
// What an INVITE session needs from the user agent that owns it.
#include <memory>
#include <string>

#include "sip/dialog/session_timer.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace parley::sip {

class InviteSession;

struct SessionSettings {
  std::string user_agent = "Parley";
  SessionTimerSettings timers;
};

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual TransactionLayer& transactions() = 0;
  virtual const SessionSettings& settings() const = 0;
  // The dialog table: requests and 2xx retransmissions for `key` reach the session.
  virtual void bind(const std::string& key, std::shared_ptr<InviteSession> session) = 0;
  virtual void unbind(const std::string& key) = 0;
};

}  // namespace parley::sip

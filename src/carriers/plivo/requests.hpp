#pragma once
// The Plivo REST requests provisioning makes, as Plivo takes them: JSON bodies, JSON answers,
// Basic auth with AuthID:AuthToken, every path under api.plivo.com/v1/Account/{auth_id}/ and ending
// in '/'. Numbers are written without '+' ("14155551234").
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "carriers/provisioning/remote_step.hpp"

namespace parley::carriers::plivo {

// A rented number, as far as provisioning cares.
struct AccountNumber {
  std::string number;  // digits
  std::string app_id;  // the application it is linked to, empty when none
};

class Requests {
 public:
  Requests(std::string api_base, std::string auth_id);

  RestRequest get_number(std::string_view digits) const;  // GET Number/{number}/
  static std::optional<AccountNumber> parse_number(const boost::json::value& answer);

  RemoteStep create_application(std::string_view app_name, std::string_view answer_url,
                                std::string_view hangup_url) const;
  // Links the number to `app_id`; undone by linking it back to `previous.app_id` (a number that had
  // no application is unlinked when Parley's application is deleted, the step before it in undo).
  RemoteStep link_number(const AccountNumber& previous, std::string_view app_id) const;

 private:
  std::string account_url() const;  // {base}/v1/Account/{auth_id}

  std::string base_;
  std::string auth_id_;
};

// "+14155551234" -> "14155551234".
std::string digits(std::string_view e164);

}  // namespace parley::carriers::plivo

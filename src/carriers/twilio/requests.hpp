#pragma once
// The Twilio REST requests provisioning makes, exactly as Twilio takes them: form-encoded POST
// bodies, JSON answers, Basic auth with AccountSid:AuthToken (rest/rest_client.hpp).
//   api.twilio.com/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json, .../SIP/CredentialLists.json,
//   .../Calls/{CallSid}.json (hang-up and redirect of a Media Streams call)
//   trunking.twilio.com/v1/Trunks, /Trunks/{TrunkSid}/OriginationUrls|CredentialLists|PhoneNumbers
// Each create comes with its undo (DELETE of the new resource) and a lookup by a unique name, so a
// step whose answer was lost can still be cleaned up.
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "carriers/provisioning/remote_step.hpp"

namespace parley::carriers::twilio {

struct ApiBases {
  std::string api = "https://api.twilio.com";
  std::string trunking = "https://trunking.twilio.com";
};

// An IncomingPhoneNumber, as far as provisioning cares.
struct IncomingNumber {
  std::string sid;  // PN...
  std::string phone_number;
  std::string voice_url;
  std::string voice_method;
  std::string status_callback;
  std::string status_callback_method;
  std::string trunk_sid;  // empty when the number is not on an Elastic SIP trunk
};

class Requests {
 public:
  Requests(ApiBases bases, std::string account_sid);

  // GET IncomingPhoneNumbers.json?PhoneNumber=+1...: checks the credentials and finds the number.
  RestRequest find_number(std::string_view e164) const;
  // The number with exactly `e164` in that answer, if any.
  static std::optional<IncomingNumber> parse_number(const boost::json::value& answer, std::string_view e164);

  // `domain_name` must end in .pstn.twilio.com (the termination URI Parley dials out to).
  RemoteStep create_trunk(std::string_view friendly_name, std::string_view domain_name) const;
  RemoteStep add_origination_url(std::string_view trunk_sid, std::string_view friendly_name,
                                 std::string_view sip_url) const;
  RemoteStep create_credential_list(std::string_view friendly_name) const;
  RemoteStep add_credential(std::string_view list_sid, std::string_view username, std::string_view password) const;
  RemoteStep attach_credential_list(std::string_view trunk_sid, std::string_view list_sid) const;
  RemoteStep attach_phone_number(std::string_view trunk_sid, std::string_view phone_sid) const;
  // Points the number's voice and status callbacks at Parley; undone by restoring `previous`'s.
  RemoteStep point_voice_at(const IncomingNumber& previous, std::string_view voice_url,
                            std::string_view status_url) const;

  // A live call (Calls/{CallSid}.json, "Modify a Call"): hang it up (Status=completed), or run new
  // TwiML on it (a call in a Media Stream leaves the stream: a transfer).
  RestRequest complete_call(std::string_view call_sid) const;
  RestRequest redirect_call(std::string_view call_sid, std::string_view twiml) const;

 private:
  std::string account_url() const;  // {api}/2010-04-01/Accounts/{AccountSid}

  ApiBases bases_;
  std::string account_sid_;
};

// Twilio's rule for SIP credential passwords: at least 12 characters, a digit, upper and lower case.
std::string random_sip_password();
std::string random_sip_username();  // at most 32 characters

}  // namespace parley::carriers::twilio

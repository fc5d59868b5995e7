#pragma once
// Importing a Twilio number (seeds/004 "Automatic Twilio Setup"): find the number with the
// account's credentials, then either
//   sip_trunk:    create an Elastic SIP trunk, add an origination URL pointing at Parley's SIP
//                 address (inbound), create a credential list with a random username/password and
//                 attach it for termination (outbound), attach the number to the trunk;
//   media_stream: point the number's VoiceUrl/StatusCallback at Parley's per-phone webhooks.
// Every step goes through the Saga (journalled before it is sent); on failure the caller rolls the
// journal back with undo_all.
#include <expected>
#include <string>

#include "carriers/provisioning/saga.hpp"
#include "carriers/twilio/requests.hpp"

namespace parley::carriers::twilio {

struct ImportPlan {
  std::string phone_number_id;  // Parley's pn_ id (names the remote resources)
  std::string phone_number;     // E.164
  bool media_stream = false;
  bool inbound = true;
  bool outbound = true;
  std::string origination_sip_url;  // sip:host:port;transport=udp
  std::string voice_url;            // absolute per-phone webhook URLs (media_stream)
  std::string status_url;
};

struct Provisioned {
  IncomingNumber number;
  std::string trunk_sid;
  std::string domain_name;  // <name>.pstn.twilio.com: where Parley sends outbound calls
  std::string sip_username;  // on the trunk's credential list (empty without outbound)
  std::string sip_password;
};

std::expected<Provisioned, ImportFailure> provision(Saga& saga, const RestClient& rest, const Requests& requests,
                                                    const ImportPlan& plan);

}  // namespace parley::carriers::twilio

#pragma once
// What the phone-number and carrier-import routes share about numbers that live at a carrier:
// a REST client for the number's own account, the clean-up of every remote resource Parley made
// for it (seeds/004 "Handling Cleanup Failures"), and their JSON.
#include <optional>
#include <vector>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "carriers/rest/rest_client.hpp"
#include "store/records.hpp"

namespace parley::api {

// A client authenticated as the number's carrier account (Twilio AccountSid:AuthToken, Plivo
// AuthID:AuthToken, from the number's config and sealed credentials). Nullopt: not a Twilio or
// Plivo number, no credentials stored, or no HTTP client configured.
std::optional<carriers::RestClient> carrier_client(ApiDeps& deps, const store::PhoneNumber& n);

struct Cleanup {
  bool removed = false;                        // every remote resource is gone and so is the number
  std::vector<store::CarrierResource> left;    // otherwise: what is left; the number is now corrupted
};

// Undoes everything in the number's journal, newest first. Then the number (and the SIP provider
// made for it alone) is removed, or, if anything is left, marked corrupted with a last_error that
// says what to do. The number must be provisioning or deleting (nobody else works on it).
Result<Cleanup> clean_up_number(ApiDeps& deps, const store::PhoneNumber& n);

// Numbers a stopped process left provisioning or deleting are cleaned up (at start-up, on the
// worker pool: one process owns a SQLite data directory).
void recover_interrupted_numbers(ApiDeps& deps);

json::array resources_json(const std::vector<store::CarrierResource>& rows);
// The per-phone webhook URLs of a Twilio, Plivo or Exotel number (absolute when public_url is set).
json::object webhook_urls(const ApiDeps& deps, const store::PhoneNumber& n);
// A number's non-secret config as an object (empty when unreadable).
json::object number_config(const store::PhoneNumber& n);
// The SIP provider an import made for this number alone (removed with it), if any.
std::optional<std::string> owned_trunk(const store::PhoneNumber& n);

// The number behind a carrier URL (/voice/twilio/incoming/{phone_id}, ...), if it exists and
// belongs to `provider`.
std::optional<store::PhoneNumber> number_for(ApiDeps& deps, const std::string& id, std::string_view provider);
// One of the number's sealed credentials ("auth_token", "sip_username", ...); empty when absent.
std::string number_secret(ApiDeps& deps, const store::PhoneNumber& n, std::string_view key);
// A string member of the number's config; empty when absent.
std::string config_string(const json::object& cfg, std::string_view key);
// The number takes calls: active, inbound enabled, linked to an agent.
bool answers_calls(const store::PhoneNumber& n);
// A carrier call id or status worth storing: 1-128 characters of letters, digits, - _ .
bool plain_carrier_token(std::string_view v);

}  // namespace parley::api

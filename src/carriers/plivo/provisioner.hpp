#pragma once
// Importing a Plivo number: check the credentials and find the number, create a Plivo
// application whose answer/hangup URLs are Parley's per-phone webhooks, link the number to it.
// Same journal and rollback as Twilio (provisioning/saga.hpp).
#include <expected>
#include <string>

#include "carriers/plivo/requests.hpp"
#include "carriers/provisioning/saga.hpp"

namespace parley::carriers::plivo {

struct ImportPlan {
  std::string phone_number_id;
  std::string phone_number;  // E.164
  std::string answer_url;    // absolute
  std::string hangup_url;
};

struct Provisioned {
  AccountNumber number;  // as it was before the import
  std::string app_id;
};

std::expected<Provisioned, ImportFailure> provision(Saga& saga, const RestClient& rest, const Requests& requests,
                                                    const ImportPlan& plan);

}  // namespace parley::carriers::plivo

#pragma once
// Provisioning with rollback (seeds/004 "Rollback Protection"), for every carrier: each remote
// step is journalled in the store (store::CarrierResource) BEFORE its request is sent, completed
// with the resource's id after, and removed when the carrier certainly did nothing. Undoing walks
// the journal newest first: a resource whose id is unknown (no answer, 5xx, crash) is first looked
// up by its unique name; each undo request that succeeds (or finds the resource already gone,
// 404) removes its row. What cannot be undone stays in the journal with its error, for the API to
// show and a human to remove.
#include <boost/json/value.hpp>

#include <expected>
#include <string>
#include <vector>

#include "carriers/provisioning/remote_step.hpp"
#include "carriers/rest/rest_client.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace parley::carriers {

// Why a step failed: the carrier's answer (or no answer), or the store.
struct StepFailure {
  std::string step;
  RestFailure carrier;                 // http_status 0 and empty message when the store failed
  std::optional<core::Error> store;    // set when journalling failed
};

std::string describe(const StepFailure& f);

// Why an import failed: the caller's input as the carrier judged it (validation: wrong
// credentials, a number the account does not have; conflict: a number in use elsewhere), or a step
// of the carrier's (`step` set: the carrier or the store failed; the journal is then rolled back).
struct ImportFailure {
  core::Errc code = core::Errc::unavailable;
  std::string field;
  std::string message;
  std::optional<StepFailure> step;
};

// The failure of a carrier's step ("Twilio step create_trunk: HTTP 500 ...").
ImportFailure import_failure(std::string_view carrier, StepFailure step);

// A step that went through: the resource's id and the carrier's answer.
struct Applied {
  std::string id;
  boost::json::value answer;
};

class Saga {
 public:
  Saga(store::Store& store, std::string phone_number_id, const RestClient& rest);

  // Journals the step, sends its request, completes the journal row with the resource id.
  std::expected<Applied, StepFailure> apply(const RemoteStep& step);

 private:
  store::Store& store_;
  std::string number_id_;
  const RestClient& rest_;
};

// Undoes every journalled resource of a number, newest first (see above). Returns the rows left
// (each with last_error set); empty when everything is gone. Errors: the store failed.
core::Result<std::vector<store::CarrierResource>> undo_all(store::Store& store, std::string_view phone_number_id,
                                                           const RestClient& rest);

// The resource's id in a (paged) list, nullopt when it is not there.
RestResult<std::optional<std::string>> find(const RestClient& rest, const Lookup& lookup);

// The request that undoes a journal row, its id filled in; nullopt while the id is unknown or
// when the row has no readable undo request.
std::optional<RestRequest> undo_request_of(const store::CarrierResource& row);

// The journal's JSON forms of undo requests and lookups.
std::string to_json(const RestRequest& r);
std::string to_json(const Lookup& l);
std::optional<RestRequest> request_from_json(std::string_view text);
std::optional<Lookup> lookup_from_json(std::string_view text);

}  // namespace parley::carriers

#pragma once
// One step of a carrier provisioning: the request that creates (or changes) one remote resource,
// where its id is in the answer, how to undo it, and how to find it when nobody knows whether the
// request took effect. Built by the carrier request builders (twilio/requests.hpp, plivo/requests.hpp),
// run by the Saga.
#include <optional>
#include <string>

#include "carriers/rest/rest_client.hpp"

namespace parley::carriers {

// Finds a resource in a (paged) list by one of its fields: GET `url`, look in the array `list_key`
// for an object whose `match_field` equals `match_value`, take its `id_field`; the next page's URL
// is at `next_field` (dotted path, absolute or relative to `url`'s origin; null when done).
struct Lookup {
  std::string url;
  std::string list_key;
  std::string match_field;
  std::string match_value;
  std::string id_field;
  std::string next_field;
};

struct RemoteStep {
  std::string step;   // reported to the API caller when it fails: "create_trunk"
  std::string kind;   // journal kind: "twilio.trunk"
  std::string label;  // what a human looks for in the carrier's console
  RestRequest request;
  std::string id_field;  // member of the answer that holds the new resource's id ("sid", "app_id")
  std::string known_id;  // the id when it is known before the request (associations, updates)
  // How to undo it; "{id}" in the URL stands for the resource's id. Nullopt: nothing to undo on
  // its own (it goes with an earlier resource).
  std::optional<RestRequest> undo;
  std::optional<Lookup> lookup;  // needed whenever the id comes from the answer
};

}  // namespace parley::carriers

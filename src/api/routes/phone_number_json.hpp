#pragma once
// The API representation of a phone number (phone_numbers.cpp), shared with the import routes:
// credentials only as credentials_set, plus its webhook URLs and the remote resources Parley made
// for it at its carrier.
#include "api/api.hpp"
#include "api/json_io.hpp"
#include "store/records.hpp"

namespace parley::api {

json::object phone_number_json(ApiDeps& deps, const store::PhoneNumber& n);

}  // namespace parley::api

#pragma once
// The SIP provider representation of /voice/sip/providers (sip_providers.cpp), for the routes that
// create providers as part of a number import (Twilio sip_trunk, Vobiz and any SIP trunk).
#include "api/json_io.hpp"
#include "core/crypto.hpp"
#include "store/records.hpp"

namespace parley::api {

// Validates a provider as POST /voice/sip/providers does: takes the write-only passwords out of
// `input` into `secrets`, checks every field and fills the defaults. Errors name the field.
Result<json::object> normalize_sip_provider(json::object input, json::object& secrets);
// The stored row for a validated representation (secrets sealed with `box`).
store::SipProvider sip_provider_row(store::SipProvider row, const json::object& config, const json::object& secrets,
                                    const core::SecretBox& box);
// The API representation (passwords only as *_set flags).
json::object sip_provider_json(const store::SipProvider& p, const json::object& secrets);

}  // namespace parley::api

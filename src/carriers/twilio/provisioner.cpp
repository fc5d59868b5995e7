#include "carriers/twilio/provisioner.hpp"

#include <cctype>

#include "core/ids.hpp"

namespace parley::carriers::twilio {
namespace {

std::unexpected<ImportFailure> step_failed(StepFailure f) { return std::unexpected(import_failure("Twilio", std::move(f))); }

std::unexpected<ImportFailure> input_failed(core::Errc code, std::string field, std::string message) {
  return std::unexpected(ImportFailure{code, std::move(field), std::move(message), std::nullopt});
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The first request checks the credentials and finds the number; nothing is created yet, so its
// failures are about the caller's input unless Twilio itself failed.
std::expected<IncomingNumber, ImportFailure> find_number(const RestClient& rest, const Requests& requests,
                                                         const ImportPlan& plan) {
  auto answer = rest.send(requests.find_number(plan.phone_number));
  if (!answer) {
    const auto& f = answer.error();
    if (f.http_status == 401 || f.http_status == 403) {
      return input_failed(core::Errc::validation, "auth_token", "Twilio refused the credentials: " + describe(f));
    }
    if (f.http_status == 404) {
      return input_failed(core::Errc::validation, "account_sid", "Twilio knows no such account: " + describe(f));
    }
    return step_failed(StepFailure{"find_number", f, std::nullopt});
  }
  auto number = Requests::parse_number(*answer, plan.phone_number);
  if (!number) {
    return input_failed(core::Errc::validation, "phone_number",
                        "phone_number " + plan.phone_number + " is not a number of this Twilio account");
  }
  if (!number->trunk_sid.empty()) {
    return input_failed(core::Errc::conflict, "phone_number",
                        "phone_number is already on Elastic SIP trunk " + number->trunk_sid +
                            "; remove it from that trunk first");
  }
  return *number;
}

}  // namespace

std::expected<Provisioned, ImportFailure> provision(Saga& saga, const RestClient& rest, const Requests& requests,
                                                    const ImportPlan& plan) {
  auto number = find_number(rest, requests, plan);
  if (!number) return std::unexpected(number.error());
  Provisioned out;
  out.number = *number;
  if (plan.media_stream) {
    if (auto r = saga.apply(requests.point_voice_at(*number, plan.voice_url, plan.status_url)); !r) {
      return step_failed(r.error());
    }
    return out;
  }

  // Friendly names carry Parley's number id, which makes every resource findable by name.
  const std::string name = "Parley " + plan.phone_number_id;
  out.domain_name = "parley-" + lower(core::random_token(16)) + ".pstn.twilio.com";
  auto trunk = saga.apply(requests.create_trunk(name, out.domain_name));
  if (!trunk) return step_failed(trunk.error());
  out.trunk_sid = trunk->id;

  if (plan.inbound) {
    if (auto r = saga.apply(requests.add_origination_url(out.trunk_sid, name, plan.origination_sip_url)); !r) {
      return step_failed(r.error());
    }
  }
  if (plan.outbound) {
    auto list = saga.apply(requests.create_credential_list(name));
    if (!list) return step_failed(list.error());
    const auto& list_sid = list->id;
    out.sip_username = random_sip_username();
    out.sip_password = random_sip_password();
    if (auto r = saga.apply(requests.add_credential(list_sid, out.sip_username, out.sip_password)); !r) {
      return step_failed(r.error());
    }
    if (auto r = saga.apply(requests.attach_credential_list(out.trunk_sid, list_sid)); !r) return step_failed(r.error());
  }
  if (auto r = saga.apply(requests.attach_phone_number(out.trunk_sid, number->sid)); !r) return step_failed(r.error());
  return out;
}

}  // namespace parley::carriers::twilio

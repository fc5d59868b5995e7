#include "carriers/plivo/provisioner.hpp"

namespace parley::carriers::plivo {

std::expected<Provisioned, ImportFailure> provision(Saga& saga, const RestClient& rest, const Requests& requests,
                                                    const ImportPlan& plan) {
  auto answer = rest.send(requests.get_number(digits(plan.phone_number)));
  if (!answer) {
    const auto& f = answer.error();
    if (f.http_status == 401 || f.http_status == 403) {
      return std::unexpected(
          ImportFailure{core::Errc::validation, "auth_token", "Plivo refused the credentials: " + describe(f), {}});
    }
    if (f.http_status == 404) {
      return std::unexpected(ImportFailure{core::Errc::validation, "phone_number",
                                           "phone_number " + plan.phone_number + " is not a number of this Plivo account",
                                           {}});
    }
    return std::unexpected(import_failure("Plivo", StepFailure{"find_number", f, std::nullopt}));
  }
  auto number = Requests::parse_number(*answer);
  if (!number) {
    return std::unexpected(
        ImportFailure{core::Errc::unavailable, {}, "Plivo's answer for the number has no \"number\"", {}});
  }

  auto fail = [](StepFailure f) { return std::unexpected(import_failure("Plivo", std::move(f))); };
  Provisioned out{*number, {}};
  auto app = saga.apply(requests.create_application("parley-" + plan.phone_number_id, plan.answer_url, plan.hangup_url));
  if (!app) return fail(app.error());
  out.app_id = app->id;
  if (auto r = saga.apply(requests.link_number(*number, out.app_id)); !r) return fail(r.error());
  return out;
}

}  // namespace parley::carriers::plivo

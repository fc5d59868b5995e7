// Carrier voice webhooks (seeds/002): per-number answer and status URLs for Twilio, Plivo and
// Exotel. They carry no API key (RateClass::none); each request is authenticated by the carrier's
// own scheme against the number's stored secret, and a failure is a 403 that changes nothing.
#include <spdlog/spdlog.h>

#include "api/json_io.hpp"
#include "api/routes/carrier_numbers.hpp"
#include "api/routes/routes.hpp"
#include "api/secrets.hpp"
#include "carriers/plivo/signature.hpp"
#include "carriers/public_url.hpp"
#include "carriers/sip_address.hpp"
#include "carriers/twilio/signature.hpp"
#include "carriers/xml_response.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace parley::api {
namespace {
using core::Errc;
using core::fail;
using FormParams = std::vector<std::pair<std::string, std::string>>;

struct WebhookContext {
  ApiDeps& deps;
  carriers::PublicUrl public_url;
  net::CidrList exotel_ips;
};

// One message for every refusal: the caller learns nothing about which check failed (the log does).
core::Error refused() { return {Errc::forbidden, "webhook authentication failed", {}}; }

Result<net::HttpResponse> reject(const net::HttpRequest& req, std::string_view carrier, std::string_view phone_id,
                                 std::string_view reason) {
  spdlog::warn("event=carrier.webhook_rejected carrier={} phone_id={} path={} reason={} remote={} request_id={}",
               carrier, core::log_value(phone_id), core::log_value(req.path), reason,
               core::log_value(req.remote_address), req.request_id);
  return std::unexpected(refused());
}

net::HttpResponse xml(std::string body) {
  net::HttpResponse res{200, {}, std::move(body)};
  res.content_type = "application/xml";
  return res;
}

bool is_form(const net::HttpRequest& req) {
  auto ct = req.header("Content-Type").value_or("");
  return ct.starts_with("application/x-www-form-urlencoded");
}
bool is_json(const net::HttpRequest& req) {
  auto ct = req.header("Content-Type").value_or("");
  return ct.starts_with("application/json");
}

// Form parameters of the body (empty for any other content type); nullopt when malformed.
std::optional<FormParams> form_params(const net::HttpRequest& req) {
  if (!is_form(req)) return FormParams{};
  return net::parse_query(req.body);
}

std::string_view param(const FormParams& p, std::string_view key) {
  for (const auto& [k, v] : p) {
    if (k == key) return v;
  }
  return {};
}

// A status callback: records the carrier's status on the session with that call id, if any.
Result<net::HttpResponse> record_status(ApiDeps& deps, std::string_view carrier, const std::string& phone_id,
                                        std::string_view call_id, std::string_view status) {
  if (!plain_carrier_token(call_id) || !plain_carrier_token(status)) {
    return fail(Errc::validation, "missing or malformed call id or status");
  }
  auto updated = deps.store.set_telephony_status(call_id, status);
  if (!updated) return std::unexpected(updated.error());
  spdlog::info("event=carrier.status carrier={} phone_id={} carrier_call_id={} telephony_status={} session_found={}",
               carrier, phone_id, call_id, status, *updated);
  return net::HttpResponse{204, {}, {}};
}

// ---- Twilio ----

core::Status verify_twilio(WebhookContext& w, const net::HttpRequest& req, const store::PhoneNumber& n,
                           const FormParams& params) {
  auto token = number_secret(w.deps, n, "auth_token");
  auto signature = req.header("X-Twilio-Signature");
  if (token.empty() || !signature) return std::unexpected(refused());
  auto url = w.public_url.request_url(req);
  bool ok = is_json(req) ? carriers::twilio::verify_body_signature(token, *signature, url, req.body)
                         : carriers::twilio::verify_signature(token, *signature, url, params);
  if (!ok) return std::unexpected(refused());
  return {};
}

std::string twilio_answer(WebhookContext& w, const net::HttpRequest& req, const store::PhoneNumber& n,
                          const FormParams& p) {
  auto cfg = number_config(n);
  if (config_string(cfg, "mode") == "media_stream") {
    // The stream's start message brings the caller and the called number back (customParameters).
    FormParams parameters;
    for (const char* name : {"From", "To"}) {
      if (auto v = param(p, name); !v.empty()) parameters.emplace_back(name, std::string(v));
    }
    return carriers::twiml_connect_stream(carriers::websocket_url(w.public_url.base(req)) + "/voice/twilio/stream/" + n.id,
                                          parameters);
  }
  auto sip = carriers::sip_address(w.deps.config, req.header("Host").value_or(""));
  return carriers::twiml_dial_sip(sip.uri(n.phone_number), number_secret(w.deps, n, "sip_username"),
                                  number_secret(w.deps, n, "sip_password"));
}

// ---- Plivo ----

core::Status verify_plivo(WebhookContext& w, const net::HttpRequest& req, const store::PhoneNumber& n,
                          const FormParams& params) {
  auto token = number_secret(w.deps, n, "auth_token");
  auto signature = req.header("X-Plivo-Signature-V3");
  auto nonce = req.header("X-Plivo-Signature-V3-Nonce");
  if (token.empty() || !signature || !nonce) return std::unexpected(refused());
  if (!carriers::plivo::verify_signature_v3(req.method, w.public_url.request_url(req), *nonce, token, *signature,
                                            params)) {
    return std::unexpected(refused());
  }
  return {};
}

// ---- Exotel ----

core::Status verify_exotel(WebhookContext& w, const net::HttpRequest& req, const store::PhoneNumber& n) {
  if (w.exotel_ips.empty() || !w.exotel_ips.contains(w.public_url.client_address(req))) {
    return std::unexpected(core::Error{Errc::forbidden, "address", {}});
  }
  auto expected = config_string(number_config(n), "exotel_webhook_token");
  auto presented = req.query_param("token");
  if (expected.empty() || !presented || !core::constant_time_equal(*presented, expected)) {
    return std::unexpected(core::Error{Errc::forbidden, "token", {}});
  }
  return {};
}

// Form fields, or the string members of a JSON object body (Twilio's bodySHA256 callbacks,
// Exotel's StatusCallback), as flat pairs.
FormParams body_params(const net::HttpRequest& req) {
  if (is_json(req)) {
    FormParams out;
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (!ec && v.is_object()) {
      for (const auto& kv : v.get_object()) {
        if (kv.value().is_string()) out.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
      }
    }
    return out;
  }
  return form_params(req).value_or(FormParams{});
}

using Handler = std::function<Result<net::HttpResponse>(WebhookContext&, net::HttpRequest&, const store::PhoneNumber&,
                                                        const FormParams&)>;

void add(Router& r, std::shared_ptr<WebhookContext> w, std::string pattern, std::string carrier, std::string provider,
         Handler handler) {
  r.add({"POST", std::move(pattern), RateClass::none,
         [w, carrier, provider, handler](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto& req = ctx.request;
           const auto& phone_id = ctx.param(0);
           auto n = number_for(w->deps, phone_id, provider);
           if (!n) return reject(req, carrier, phone_id, "unknown_number");
           auto params = form_params(req);
           if (!params) return reject(req, carrier, phone_id, "malformed_body");
           core::Status verified;
           if (carrier == "twilio") {
             verified = verify_twilio(*w, req, *n, *params);
             if (verified && is_json(req)) *params = body_params(req);
           } else if (carrier == "plivo") {
             verified = verify_plivo(*w, req, *n, *params);
           } else {
             verified = verify_exotel(*w, req, *n);
             if (verified) {
               *params = body_params(req);
               for (const auto& q : req.query) {  // Exotel's passthru also sends call fields in the query
                 if (q.first != "token") params->push_back(q);
               }
             }
           }
           if (!verified) {
             auto reason = verified.error().message == "address" ? "address_not_allowed"
                           : verified.error().message == "token" ? "bad_token"
                                                                  : "bad_signature";
             return reject(req, carrier, phone_id, reason);
           }
           return handler(*w, req, *n, *params);
         }});
}

}  // namespace

void add_carrier_webhook_routes(Router& r, ApiDeps& deps) {
  auto public_url = carriers::PublicUrl::make(deps.config.public_url, deps.config.trusted_proxies);
  if (!public_url) {
    // The settings are validated at start-up; an invalid value here leaves the webhooks refusing.
    spdlog::error("event=carrier.config_invalid error={}", core::log_value(public_url.error().message));
    public_url = carriers::PublicUrl::make("", {});
  }
  auto exotel_ips = net::CidrList::parse(deps.config.exotel_allowed_ips);
  if (!exotel_ips) {
    spdlog::error("event=carrier.config_invalid setting=exotel.allowed_ips error={}",
                  core::log_value(exotel_ips.error().message));
    exotel_ips = net::CidrList::parse({});
  }
  auto w = std::make_shared<WebhookContext>(WebhookContext{deps, std::move(*public_url), std::move(*exotel_ips)});

  add(r, w, "/voice/twilio/incoming/{phone_id}", "twilio", "twilio",
      [](WebhookContext& w, net::HttpRequest& req, const store::PhoneNumber& n, const FormParams& p)
          -> Result<net::HttpResponse> {
        spdlog::info("event=carrier.incoming carrier=twilio phone_id={} carrier_call_id={}", n.id,
                     core::log_value(param(p, "CallSid")));
        return xml(answers_calls(n) ? twilio_answer(w, req, n, p) : carriers::hangup_response());
      });
  add(r, w, "/voice/twilio/status/{phone_id}", "twilio", "twilio",
      [](WebhookContext& w, net::HttpRequest&, const store::PhoneNumber& n, const FormParams& p) {
        return record_status(w.deps, "twilio", n.id, param(p, "CallSid"), param(p, "CallStatus"));
      });
  add(r, w, "/voice/plivo/answer/{phone_id}", "plivo", "plivo",
      [](WebhookContext& w, net::HttpRequest& req, const store::PhoneNumber& n, const FormParams& p)
          -> Result<net::HttpResponse> {
        spdlog::info("event=carrier.incoming carrier=plivo phone_id={} carrier_call_id={}", n.id,
                     core::log_value(param(p, "CallUUID")));
        if (!answers_calls(n)) return xml(carriers::hangup_response());
        auto sip = carriers::sip_address(w.deps.config, req.header("Host").value_or(""));
        auto user = number_secret(w.deps, n, "sip_username");
        return xml(carriers::plivo_dial_user(user.empty() ? sip.uri(n.phone_number)
                                                          : sip.uri_with_password(user, number_secret(w.deps, n, "sip_password"))));
      });
  add(r, w, "/voice/plivo/hangup/{phone_id}", "plivo", "plivo",
      [](WebhookContext& w, net::HttpRequest&, const store::PhoneNumber& n, const FormParams& p) {
        return record_status(w.deps, "plivo", n.id, param(p, "CallUUID"), param(p, "CallStatus"));
      });
  add(r, w, "/exotel/incoming/{phone_id}", "exotel", "exotel",
      [](WebhookContext& w, net::HttpRequest& req, const store::PhoneNumber& n, const FormParams& p)
          -> Result<net::HttpResponse> {
        spdlog::info("event=carrier.incoming carrier=exotel phone_id={} carrier_call_id={}", n.id,
                     core::log_value(param(p, "CallSid")));
        if (!answers_calls(n)) return xml(carriers::hangup_response());
        auto sip = carriers::sip_address(w.deps.config, req.header("Host").value_or(""));
        return xml(carriers::exoml_dial_sip(sip.uri(n.phone_number)));
      });
  add(r, w, "/exotel/status/{phone_id}", "exotel", "exotel",
      [](WebhookContext& w, net::HttpRequest&, const store::PhoneNumber& n, const FormParams& p) {
        auto status = param(p, "Status");
        return record_status(w.deps, "exotel", n.id, param(p, "CallSid"), status.empty() ? param(p, "CallStatus") : status);
      });
}

}  // namespace parley::api

#include "api/routes/carrier_numbers.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/secrets.hpp"
#include "carriers/provisioning/saga.hpp"
#include "carriers/public_url.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace parley::api {
namespace {

std::string text(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::optional<std::string> owned_trunk(const store::PhoneNumber& n) {
  auto cfg = number_config(n);
  auto* owned = cfg.if_contains("owns_sip_provider");
  if (owned && owned->is_bool() && owned->get_bool() && n.sip_provider_id) return n.sip_provider_id;
  return std::nullopt;
}

json::object number_config(const store::PhoneNumber& n) {
  boost::system::error_code ec;
  auto v = json::parse(n.config, ec);
  return !ec && v.is_object() ? std::move(v.get_object()) : json::object{};
}

std::optional<store::PhoneNumber> number_for(ApiDeps& deps, const std::string& id, std::string_view provider) {
  if (!core::is_id_of(id, "pn")) return std::nullopt;
  auto n = deps.store.get_phone_number(id);
  if (!n || n->provider != provider) return std::nullopt;
  return std::move(*n);
}

std::string number_secret(ApiDeps& deps, const store::PhoneNumber& n, std::string_view key) {
  auto creds = open_secrets(deps.secrets, n.credentials);
  return creds ? text(*creds, key) : std::string();
}

std::string config_string(const json::object& cfg, std::string_view key) { return text(cfg, key); }

bool answers_calls(const store::PhoneNumber& n) { return n.state == "active" && n.supports_inbound && n.agent_id; }

bool plain_carrier_token(std::string_view v) {
  if (v.empty() || v.size() > 128) return false;
  for (char c : v) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::optional<carriers::RestClient> carrier_client(ApiDeps& deps, const store::PhoneNumber& n) {
  if (!deps.carrier_http) return std::nullopt;
  auto creds = open_secrets(deps.secrets, n.credentials);
  if (!creds) return std::nullopt;
  auto token = text(*creds, "auth_token");
  auto cfg = number_config(n);
  std::chrono::milliseconds timeout(std::chrono::seconds(deps.config.carrier_http_timeout_s));
  if (n.provider == "twilio" && !token.empty() && !text(cfg, "account_sid").empty()) {
    return carriers::RestClient(*deps.carrier_http, carriers::Dialect::twilio, text(cfg, "account_sid"), token, timeout);
  }
  if (n.provider == "plivo" && !token.empty() && !text(cfg, "auth_id").empty()) {
    return carriers::RestClient(*deps.carrier_http, carriers::Dialect::plivo, text(cfg, "auth_id"), token, timeout);
  }
  return std::nullopt;
}

Result<Cleanup> clean_up_number(ApiDeps& deps, const store::PhoneNumber& n) {
  auto rows = deps.store.list_carrier_resources(n.id);
  if (!rows) return std::unexpected(rows.error());
  Cleanup out;
  if (!rows->empty()) {
    if (auto client = carrier_client(deps, n)) {
      auto left = carriers::undo_all(deps.store, n.id, *client);
      if (!left) return std::unexpected(left.error());
      out.left = std::move(*left);
    } else {
      for (auto row : *rows) {
        row.last_error = "no usable carrier credentials are stored for this number";
        if (auto r = deps.store.update_carrier_resource(row); !r) return std::unexpected(r.error());
        out.left.push_back(std::move(row));
      }
    }
  }
  if (out.left.empty()) {
    if (auto r = deps.store.delete_phone_number_and_trunk(n.id, owned_trunk(n)); !r) return std::unexpected(r.error());
    out.removed = true;
    spdlog::info("event=phone_number.removed phone_id={} provider={}", n.id, n.provider);
    return out;
  }
  auto message = fmt::format(
      "clean-up failed: {} resource(s) are left at {} (listed in remote_resources); remove them there, then "
      "DELETE this number again, or DELETE it with ?force=true to drop the record",
      out.left.size(), n.provider);
  auto marked = deps.store.transition_phone_number(n.id, {"provisioning", "deleting"}, "corrupted", message);
  if (!marked) return std::unexpected(marked.error());
  spdlog::warn("event=phone_number.corrupted phone_id={} provider={} resources_left={}", n.id, n.provider,
               out.left.size());
  return out;
}

void recover_interrupted_numbers(ApiDeps& deps) {
  constexpr int kPage = 100;
  std::vector<store::PhoneNumber> stuck;
  for (int offset = 0;; offset += kPage) {
    auto page = deps.store.list_phone_numbers(kPage, offset);
    if (!page) {
      spdlog::error("event=phone_number.recovery_failed error={}", core::log_value(page.error().message));
      return;
    }
    for (auto& n : page->items) {
      if (n.state == "provisioning" || n.state == "deleting") stuck.push_back(std::move(n));
    }
    if (page->items.size() < static_cast<std::size_t>(kPage)) break;
  }
  for (const auto& n : stuck) {
    spdlog::warn("event=phone_number.recovering phone_id={} state={}", n.id, n.state);
    if (auto r = clean_up_number(deps, n); !r) {
      spdlog::error("event=phone_number.recovery_failed phone_id={} error={}", n.id, core::log_value(r.error().message));
    }
  }
}

json::array resources_json(const std::vector<store::CarrierResource>& rows) {
  json::array out;
  for (const auto& r : rows) {
    json::object o{{"kind", r.kind},
                   {"label", r.label},
                   {"remote_id", r.remote_id.empty() ? json::value(nullptr) : json::value(r.remote_id)},
                   {"state", r.state},
                   {"created_at", iso(r.created_at)},
                   {"last_error", r.last_error.empty() ? json::value(nullptr) : json::value(r.last_error)}};
    // How to remove it by hand: the request Parley would send (no bodies: nothing secret shown).
    if (auto undo = carriers::undo_request_of(r)) {
      o["remove_with"] = undo->method + " " + undo->url;
    } else if (auto lookup = carriers::lookup_from_json(r.lookup)) {
      o["find_with"] = "GET " + lookup->url + " (" + lookup->match_field + " = " + lookup->match_value + ")";
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::object webhook_urls(const ApiDeps& deps, const store::PhoneNumber& n) {
  auto base = carriers::PublicUrl::make(deps.config.public_url, {});
  auto url = [&](const std::string& path) { return base && base->configured() ? base->absolute(path) : path; };
  if (n.provider == "twilio") {
    return {{"voice_url", url("/voice/twilio/incoming/" + n.id)}, {"status_callback", url("/voice/twilio/status/" + n.id)}};
  }
  if (n.provider == "plivo") {
    return {{"answer_url", url("/voice/plivo/answer/" + n.id)}, {"hangup_url", url("/voice/plivo/hangup/" + n.id)}};
  }
  if (n.provider == "exotel") {
    auto token = text(number_config(n), "exotel_webhook_token");
    auto query = token.empty() ? std::string() : "?token=" + net::form_encode(token);
    return {{"incoming_url", url("/exotel/incoming/" + n.id + query)}, {"status_url", url("/exotel/status/" + n.id + query)}};
  }
  return {};
}

}  // namespace parley::api

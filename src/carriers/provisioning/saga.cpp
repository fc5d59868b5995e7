#include "carriers/provisioning/saga.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/log.hpp"
#include "core/time.hpp"

namespace parley::carriers {
namespace json = boost::json;
namespace {

constexpr int kMaxLookupPages = 50;

std::string member(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The value at a dotted path ("meta.next_page_url"), or null.
const json::value* at_path(const json::value& root, std::string_view path) {
  const json::value* cur = &root;
  while (!path.empty()) {
    auto dot = path.find('.');
    auto key = path.substr(0, dot);
    if (!cur->is_object()) return nullptr;
    cur = cur->get_object().if_contains(key);
    if (!cur) return nullptr;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return cur;
}

// scheme://authority of an absolute URL.
std::string origin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  return std::string(url.substr(0, url.find('/', scheme_end + 3)));
}

std::string with_id(std::string url, std::string_view id) {
  for (auto pos = url.find("{id}"); pos != std::string::npos; pos = url.find("{id}", pos + id.size())) {
    url.replace(pos, 4, id);
  }
  return url;
}

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

// Records why a row could not be undone; the row itself stays as the trace.
void keep_with_error(store::Store& store, store::CarrierResource& row, std::string error) {
  row.last_error = std::move(error);
  if (auto r = store.update_carrier_resource(row); !r) {
    spdlog::error("event=carrier.journal_failed phone_id={} seq={} error={}", row.phone_number_id, row.seq,
                  core::log_value(r.error().message));
  }
}

}  // namespace

std::string describe(const StepFailure& f) {
  if (f.store) return "step " + f.step + ": the store failed: " + f.store->message;
  return "step " + f.step + ": " + describe(f.carrier);
}

ImportFailure import_failure(std::string_view carrier, StepFailure step) {
  auto message = std::string(carrier) + " " + describe(step);
  return ImportFailure{core::Errc::unavailable, {}, std::move(message), std::move(step)};
}

Saga::Saga(store::Store& store, std::string phone_number_id, const RestClient& rest)
    : store_(store), number_id_(std::move(phone_number_id)), rest_(rest) {}

std::expected<Applied, StepFailure> Saga::apply(const RemoteStep& step) {
  store::CarrierResource row;
  row.phone_number_id = number_id_;
  row.kind = step.kind;
  row.label = step.label;
  row.remote_id = step.known_id;
  row.state = "pending";
  row.undo_request = step.undo ? to_json(*step.undo) : std::string();
  row.lookup = step.lookup ? to_json(*step.lookup) : std::string();
  row.created_at = core::to_unix_ms(core::now_utc());
  // Written before the request: if the answer never comes (or the process dies), the row is
  // what tells the clean-up to look for the resource.
  if (step.undo) {
    auto seq = store_.add_carrier_resource(row);
    if (!seq) return std::unexpected(StepFailure{step.step, {}, seq.error()});
    row.seq = *seq;
  }

  auto started = std::chrono::steady_clock::now();
  auto answer = rest_.send(step.request);
  if (!answer) {
    spdlog::warn("event=carrier.step_failed carrier={} phone_id={} step={} http_status={} carrier_code={} "
                 "maybe_applied={} duration_ms={} error={}",
                 to_string(rest_.dialect()), number_id_, step.step, answer.error().http_status,
                 core::log_value(answer.error().carrier_code), answer.error().maybe_applied, elapsed_ms(started),
                 core::log_value(answer.error().message));
    if (step.undo && !answer.error().maybe_applied) {
      // The carrier refused it: nothing exists to undo. A row that cannot be removed is harmless
      // (its undo finds nothing).
      (void)store_.remove_carrier_resource(number_id_, row.seq);
    }
    return std::unexpected(StepFailure{step.step, answer.error(), std::nullopt});
  }

  std::string id = step.known_id;
  if (id.empty() && !step.id_field.empty() && answer->is_object()) id = member(answer->get_object(), step.id_field);
  if (id.empty() && !step.id_field.empty()) {
    // Created, but we cannot tell what: the pending row's lookup finds it during the clean-up.
    return std::unexpected(StepFailure{step.step, RestFailure{200, {}, "answer has no " + step.id_field, true}, std::nullopt});
  }
  spdlog::info("event=carrier.step carrier={} phone_id={} step={} remote_id={} duration_ms={}",
               to_string(rest_.dialect()), number_id_, step.step, core::log_value(id), elapsed_ms(started));
  if (step.undo) {
    row.remote_id = id;
    row.state = "created";
    if (auto r = store_.update_carrier_resource(row); !r) return std::unexpected(StepFailure{step.step, {}, r.error()});
  }
  return Applied{std::move(id), std::move(*answer)};
}

RestResult<std::optional<std::string>> find(const RestClient& rest, const Lookup& lookup) {
  std::string url = lookup.url;
  for (int page = 0; page < kMaxLookupPages && !url.empty(); ++page) {
    auto answer = rest.send(RestRequest{"GET", url, {}, {}});
    if (!answer) return std::unexpected(answer.error());
    if (const auto* list = at_path(*answer, lookup.list_key); list && list->is_array()) {
      for (const auto& item : list->get_array()) {
        if (item.is_object() && member(item.get_object(), lookup.match_field) == lookup.match_value) {
          auto id = member(item.get_object(), lookup.id_field);
          if (!id.empty()) return std::optional<std::string>(std::move(id));
        }
      }
    }
    const auto* next = at_path(*answer, lookup.next_field);
    std::string next_url = next && next->is_string() ? std::string(next->get_string()) : std::string();
    if (!next_url.empty() && !next_url.starts_with("http://") && !next_url.starts_with("https://")) {
      next_url = origin(lookup.url) + next_url;
    }
    url = std::move(next_url);
  }
  return std::optional<std::string>();
}

core::Result<std::vector<store::CarrierResource>> undo_all(store::Store& store, std::string_view phone_number_id,
                                                           const RestClient& rest) {
  auto rows = store.list_carrier_resources(phone_number_id);
  if (!rows) return std::unexpected(rows.error());
  std::vector<store::CarrierResource> left;
  for (auto it = rows->rbegin(); it != rows->rend(); ++it) {
    auto& row = *it;
    if (row.remote_id.empty()) {
      auto lookup = lookup_from_json(row.lookup);
      if (!lookup) {
        keep_with_error(store, row, "its id is unknown and there is no way to look it up");
        left.push_back(row);
        continue;
      }
      auto found = find(rest, *lookup);
      if (!found) {
        keep_with_error(store, row, "looking it up failed: " + describe(found.error()));
        left.push_back(row);
        continue;
      }
      if (!*found) {  // the request that was to create it did nothing
        spdlog::info("event=carrier.undo phone_id={} kind={} result=never_created", row.phone_number_id, row.kind);
        if (auto r = store.remove_carrier_resource(phone_number_id, row.seq); !r) return std::unexpected(r.error());
        continue;
      }
      row.remote_id = **found;
      row.state = "created";
      if (auto r = store.update_carrier_resource(row); !r) return std::unexpected(r.error());
    }
    auto undo = undo_request_of(row);
    if (!undo) {
      keep_with_error(store, row, "no undo request recorded");
      left.push_back(row);
      continue;
    }
    auto done = rest.send(*undo);
    // RFC 9110 s15.5.5: 404, the resource is already gone (removed by hand, or by a retry).
    if (done || done.error().http_status == 404) {
      spdlog::info("event=carrier.undo phone_id={} kind={} remote_id={} result={}", row.phone_number_id, row.kind,
                   core::log_value(row.remote_id), done ? "undone" : "already_gone");
      if (auto r = store.remove_carrier_resource(phone_number_id, row.seq); !r) return std::unexpected(r.error());
      continue;
    }
    spdlog::warn("event=carrier.undo_failed phone_id={} kind={} remote_id={} error={}", row.phone_number_id, row.kind,
                 core::log_value(row.remote_id), core::log_value(describe(done.error())));
    keep_with_error(store, row, describe(done.error()));
    left.push_back(row);
  }
  std::reverse(left.begin(), left.end());  // oldest first, like the journal
  return left;
}

std::optional<RestRequest> undo_request_of(const store::CarrierResource& row) {
  if (row.remote_id.empty()) return std::nullopt;
  auto undo = request_from_json(row.undo_request);
  if (undo) undo->url = with_id(std::move(undo->url), row.remote_id);
  return undo;
}

std::string to_json(const RestRequest& r) {
  return json::serialize(json::object{{"method", r.method}, {"url", r.url}, {"body", r.body}, {"content_type", r.content_type}});
}

std::string to_json(const Lookup& l) {
  return json::serialize(json::object{{"url", l.url},
                                      {"list_key", l.list_key},
                                      {"match_field", l.match_field},
                                      {"match_value", l.match_value},
                                      {"id_field", l.id_field},
                                      {"next_field", l.next_field}});
}

std::optional<RestRequest> request_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  RestRequest r{member(o, "method"), member(o, "url"), member(o, "body"), member(o, "content_type")};
  if (r.method.empty() || r.url.empty()) return std::nullopt;
  return r;
}

std::optional<Lookup> lookup_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  Lookup l{member(o, "url"),         member(o, "list_key"), member(o, "match_field"),
           member(o, "match_value"), member(o, "id_field"), member(o, "next_field")};
  if (l.url.empty() || l.list_key.empty() || l.match_field.empty() || l.id_field.empty()) return std::nullopt;
  return l;
}

}  // namespace parley::carriers

// GET /voice/leads: every caller and callee, captured from sessions (seeds/000 "Call Analytics").
#include "api/json_io.hpp"
#include "api/routes/routes.hpp"

namespace parley::api {

void add_lead_routes(Router& r, ApiDeps& deps) {
  r.add({"GET", "/voice/leads", RateClass::standard, [&deps](RequestContext& ctx) -> Result<net::HttpResponse> {
           auto page = page_params(ctx.request);
           if (!page) return std::unexpected(page.error());
           auto list = deps.store.list_leads(page->limit, page->offset);
           if (!list) return std::unexpected(list.error());
           json::array items;
           for (const auto& l : list->items) {
             items.push_back(json::object{{"id", l.id},
                                          {"phone_number", l.phone_number},
                                          {"call_count", l.call_count},
                                          {"first_seen_at", iso(l.first_seen_at)},
                                          {"last_seen_at", iso(l.last_seen_at)},
                                          {"last_session_id", opt(l.last_session_id)},
                                          {"last_agent_id", opt(l.last_agent_id)}});
           }
           return json_response(200, json::object{{"leads", std::move(items)}, {"total", list->total},
                                                   {"limit", page->limit}, {"offset", page->offset}});
         }});
}

}  // namespace parley::api

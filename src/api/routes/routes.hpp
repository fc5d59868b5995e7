#pragma once
// One registration function per resource file.
#include "api/api.hpp"
#include "api/router.hpp"

namespace parley::api {

void add_system_routes(Router& r, ApiDeps& deps);
void add_agent_routes(Router& r, ApiDeps& deps);
void add_phone_number_routes(Router& r, ApiDeps& deps);
void add_session_routes(Router& r, ApiDeps& deps);
void add_dial_routes(Router& r, ApiDeps& deps);
void add_lead_routes(Router& r, ApiDeps& deps);
void add_sip_provider_routes(Router& r, ApiDeps& deps);
void add_sip_route_routes(Router& r, ApiDeps& deps);
void add_webhook_routes(Router& r, ApiDeps& deps);
void add_carrier_webhook_routes(Router& r, ApiDeps& deps);
void add_carrier_import_routes(Router& r, ApiDeps& deps);
void add_sip_import_routes(Router& r, ApiDeps& deps);
void add_tts_voice_routes(Router& r, ApiDeps& deps);
void add_web_voice_routes(Router& r, ApiDeps& deps);

// WebSocket routes (net::HttpServer::add_websocket_route); they need deps.streams.
void add_twilio_media_stream_route(net::HttpServer& server, ApiDeps& deps);
void add_web_voice_socket_route(net::HttpServer& server, ApiDeps& deps);

}  // namespace parley::api

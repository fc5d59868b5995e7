#pragma once
// Daemon configuration: built-in defaults, then a TOML file, then PARLEY_* environment variables,
// then command-line overrides; later layers win. Every setting has one TOML key and one env name
// (table in config.cpp, listed in README.md).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace parley::core {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:8080", "[::1]:5060", "0.0.0.0:5060".
Result<HostPort> parse_host_port(std::string_view text);

struct RateLimits {
  int dial_per_min = 10;           // POST /voice/outbound/dial (seeds/001: start call 10/min)
  int voice_session_per_min = 30;  // POST /voice/start
  int status_per_min = 60;         // GET /voice/status/{id}
  int list_sessions_per_min = 30;  // GET /voice/sessions
  int default_per_min = 300;       // every other authenticated route
};

struct WebhookSettings {
  int max_attempts = 8;                // then the delivery is failed for good
  int base_delay_ms = 60'000;          // delay after the first failure; x4 per further failure
  int max_delay_ms = 12 * 3600'000;    // cap: 8 attempts span about a day
  int timeout_ms = 10'000;             // per attempt
  int poll_ms = 250;                   // how often due deliveries are looked for
  bool allow_private_targets = false;  // SSRF guard: loopback, private and link-local are refused
};

struct OutboundPolicy {
  int max_concurrent_per_key = 20;          // calls initiating, ringing or in progress per API key
  std::vector<std::string> allowed_countries;  // ISO 3166 alpha-2; empty: every country
  bool block_premium = true;                // premium-rate and shared-cost destinations (toll fraud)
  int ring_timeout_s = 30;                  // unanswered outbound calls are cancelled then (no_answer)
};

// Per-unit prices for each session's cost breakdown (issue #5 "Records"); 0 until configured.
struct Pricing {
  std::string currency = "USD";
  double stt_per_minute = 0;
  double llm_prompt_per_1k_tokens = 0;
  double llm_completion_per_1k_tokens = 0;
  double tts_per_1k_characters = 0;
};

struct MediaSettings {
  std::string test_mode = "none";  // none | echo | play:<wav path> (media::session::parse_test_mode)
  int timeout_s = 30;              // no RTP this long ends the call (media_timeout); 0: never
  int jitter_min_ms = 40;
  int jitter_max_ms = 200;
};

// SIP trunks: registration, SIP traces (docs/architecture.md "Trunks").
struct SipTrunkSettings {
  int poll_s = 30;                      // provider table re-read; API changes are applied at once anyway
  int registration_retry_base_s = 30;   // RFC 5626 s4.5 base-time: first wait after a failure
  int registration_retry_max_s = 1800;  // RFC 5626 s4.5 max-time
  int trace_queue_max = 10000;          // trace messages waiting for the store; beyond, dropped and counted
  int trace_prune_interval_s = 600;     // how often traces past their provider's retention are deleted
};

struct Config {
  std::string http_listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  std::string database_path;  // empty: <data_dir>/parley.db
  std::string sip_listen = "0.0.0.0:5060";
  std::string sip_tls_listen = "0.0.0.0:5061";
  std::string sip_tls_cert;
  std::string sip_tls_key;
  int rtp_port_min = 10000;
  int rtp_port_max = 60000;
  std::string public_ip;
  std::string public_url;  // e.g. https://voice.example.com; used for carrier signatures and links
  std::string bootstrap_api_key;
  std::string secret_key;  // 64 hex chars; empty: generated once into <data_dir>/secret.key
  std::string log_level = "info";
  int io_threads = 0;       // 0: one per core
  int worker_threads = 0;   // 0: one per core, at least 2
  std::size_t http_max_body_bytes = 1 << 20;
  std::size_t http_max_header_bytes = 16 << 10;
  int http_request_timeout_s = 30;
  int http_idle_timeout_s = 60;
  int http_max_connections = 10000;
  RateLimits rate_limits;
  WebhookSettings webhooks;
  OutboundPolicy outbound;
  MediaSettings media;
  Pricing pricing;
  // Cloud engines and the rules agent's http: action may call loopback/private addresses (tests,
  // self-hosted engines on the LAN); off by default like the webhook guard.
  bool engines_allow_private_targets = false;
  SipTrunkSettings sip_trunks;
  // Carriers (src/carriers): proxies whose X-Forwarded-Proto/Host are believed, Exotel's callback
  // addresses, and the REST API bases (tests point them at a local server).
  std::vector<std::string> trusted_proxies;     // CIDR blocks or addresses
  std::vector<std::string> exotel_allowed_ips;  // empty: Exotel webhooks are refused
  // Where Twilio's SIP signaling comes from (Elastic SIP Trunking origination and <Dial><Sip>): the
  // inbound IP allowlist of the trunks a Twilio import creates. Default: Twilio's published
  // signaling ranges (one /30 per edge: Virginia, Oregon, Ireland, Frankfurt, Tokyo, Singapore,
  // Sydney, Sao Paulo).
  std::vector<std::string> twilio_signaling_ips = {"54.172.60.0/30",   "54.244.51.0/30",  "54.171.127.192/30",
                                                   "35.156.191.128/30", "54.65.63.192/30", "54.169.127.128/30",
                                                   "54.252.254.64/30",  "177.71.206.192/30"};
  std::string twilio_api_base = "https://api.twilio.com";
  std::string twilio_trunking_base = "https://trunking.twilio.com";
  std::string plivo_api_base = "https://api.plivo.com";
  int carrier_http_timeout_s = 15;

  std::string effective_database_path() const;
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_env();

// Builds the configuration from the three layers. `overrides` maps TOML keys ("http.listen") to values.
// Errors name the offending key; an unknown TOML key is an error (a typo must not be silently ignored).
Result<Config> load_config(const std::optional<std::string>& toml_path, const EnvLookup& env,
                           const std::map<std::string, std::string>& overrides);

struct SettingInfo {
  std::string_view key;
  std::string_view env;
  std::string_view help;
};
const std::vector<SettingInfo>& settings();

}  // namespace parley::core

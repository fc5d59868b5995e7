#include "core/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <toml++/toml.h>

namespace parley::core {
namespace {

using Setter = std::function<Status(Config&, std::string_view)>;

Setter str(std::string Config::*member) {
  return [member](Config& c, std::string_view v) -> Status {
    c.*member = std::string(v);
    return {};
  };
}

template <class Int>
Result<Int> to_int(std::string_view v, long long lo, long long hi) {
  long long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size()) return fail(Errc::invalid_argument, "expected an integer");
  if (n < lo || n > hi) return fail(Errc::invalid_argument, fmt::format("must be between {} and {}", lo, hi));
  return static_cast<Int>(n);
}

template <class Int>
Setter integer(Int Config::*member, long long lo, long long hi) {
  return [member, lo, hi](Config& c, std::string_view v) -> Status {
    auto n = to_int<Int>(v, lo, hi);
    if (!n) return std::unexpected(n.error());
    c.*member = *n;
    return {};
  };
}

// An integer inside one of Config's sections, e.g. media.timeout_s.
template <class Int, class Section>
Setter integer(Int Section::*member, long long lo, long long hi, Section Config::*section) {
  return [member, section, lo, hi](Config& c, std::string_view v) -> Status {
    auto n = to_int<Int>(v, lo, hi);
    if (!n) return std::unexpected(n.error());
    (c.*section).*member = *n;
    return {};
  };
}

// A price (a non-negative decimal) in Config::pricing.
Setter price(double Pricing::*member) {
  return [member](Config& c, std::string_view v) -> Status {
    double d = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc{} || p != v.data() + v.size() || !(d >= 0) || d > 1e9) {
      return fail(Errc::invalid_argument, "must be a non-negative number");
    }
    c.pricing.*member = d;
    return {};
  };
}

// "a, b,,c" -> {"a", "b", "c"}: comma-separated values, spaces around them trimmed, empties skipped.
std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    auto comma = v.find(',');
    auto item = v.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

// A list whose every item passes `valid`, stored through `field`.
template <class Field, class Valid>
Setter list_of(Field field, Valid valid, std::string_view expected) {
  return [field, valid, expected](Config& c, std::string_view v) -> Status {
    auto items = split_list(v);
    for (const auto& item : items) {
      if (!valid(item)) return fail(Errc::invalid_argument, "expected " + std::string(expected));
    }
    field(c) = std::move(items);
    return {};
  };
}

bool ip_or_cidr_shape(const std::string& item) {
  return std::all_of(item.begin(), item.end(), [](char ch) {
    return std::isxdigit(static_cast<unsigned char>(ch)) || ch == '.' || ch == ':' || ch == '/';
  });
}

bool country_code_shape(const std::string& item) {
  return item.size() == 2 && std::isupper(static_cast<unsigned char>(item[0])) &&
         std::isupper(static_cast<unsigned char>(item[1]));
}

// "true" or "false", stored through `field`.
template <class Field>
Setter flag(Field field) {
  return [field](Config& c, std::string_view v) -> Status {
    if (v != "true" && v != "false") return fail(Errc::invalid_argument, "must be true or false");
    field(c) = v == "true";
    return {};
  };
}

Setter listen(std::string Config::*member) {
  return [member](Config& c, std::string_view v) -> Status {
    if (auto hp = parse_host_port(v); !hp) return std::unexpected(hp.error());
    c.*member = std::string(v);
    return {};
  };
}

Setter log_level() {
  return [](Config& c, std::string_view v) -> Status {
    static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    for (auto l : kLevels) {
      if (v == l) {
        c.log_level = std::string(v);
        return {};
      }
    }
    return fail(Errc::invalid_argument, "must be one of trace, debug, info, warn, error, critical, off");
  };
}

Setter base_url(std::string Config::*member) {
  return [member](Config& c, std::string_view v) -> Status {
    if (!v.starts_with("http://") && !v.starts_with("https://")) {
      return fail(Errc::invalid_argument, "must be an http:// or https:// URL");
    }
    while (v.ends_with('/')) v.remove_suffix(1);
    c.*member = std::string(v);
    return {};
  };
}

struct Setting {
  SettingInfo info;
  Setter set;
};

const std::vector<Setting>& table() {
  static const std::vector<Setting> t = {
      {{"http.listen", "PARLEY_HTTP_LISTEN", "HTTP API address host:port"}, listen(&Config::http_listen)},
      {{"data_dir", "PARLEY_DATA_DIR", "directory for the database, recordings and keys"}, str(&Config::data_dir)},
      {{"database.path", "PARLEY_DATABASE_PATH", "SQLite file (default <data_dir>/parley.db)"},
       str(&Config::database_path)},
      {{"sip.listen", "PARLEY_SIP_LISTEN", "SIP UDP and TCP address host:port"}, listen(&Config::sip_listen)},
      {{"sip.tls_listen", "PARLEY_SIP_TLS_LISTEN", "SIP TLS address (off without a certificate)"},
       listen(&Config::sip_tls_listen)},
      {{"sip.tls_cert", "PARLEY_SIP_TLS_CERT", "PEM certificate chain for SIP TLS"}, str(&Config::sip_tls_cert)},
      {{"sip.tls_key", "PARLEY_SIP_TLS_KEY", "PEM private key for SIP TLS"}, str(&Config::sip_tls_key)},
      {{"sip.trunk_poll_s", "PARLEY_SIP_TRUNK_POLL_S", "seconds between re-reads of the SIP providers (API changes apply at once)"},
       integer(&SipTrunkSettings::poll_s, 1, 3600, &Config::sip_trunks)},
      {{"sip.registration_retry_base_s", "PARLEY_SIP_REGISTRATION_RETRY_BASE_S",
        "wait after a failed trunk registration (doubles per failure, 50-100% jitter)"},
       integer(&SipTrunkSettings::registration_retry_base_s, 1, 3600, &Config::sip_trunks)},
      {{"sip.registration_retry_max_s", "PARLEY_SIP_REGISTRATION_RETRY_MAX_S", "longest wait between registration attempts"},
       integer(&SipTrunkSettings::registration_retry_max_s, 1, 86400, &Config::sip_trunks)},
      {{"sip.trace_queue_max", "PARLEY_SIP_TRACE_QUEUE_MAX", "SIP trace messages waiting to be stored (more are dropped)"},
       integer(&SipTrunkSettings::trace_queue_max, 10, 1'000'000, &Config::sip_trunks)},
      {{"sip.trace_prune_interval_s", "PARLEY_SIP_TRACE_PRUNE_INTERVAL_S", "seconds between deletions of expired SIP traces"},
       integer(&SipTrunkSettings::trace_prune_interval_s, 1, 86400, &Config::sip_trunks)},
      {{"rtp.port_min", "PARLEY_RTP_PORT_MIN", "lowest RTP port"}, integer(&Config::rtp_port_min, 1024, 65534)},
      {{"rtp.port_max", "PARLEY_RTP_PORT_MAX", "highest RTP port"}, integer(&Config::rtp_port_max, 1025, 65535)},
      {{"public_ip", "PARLEY_PUBLIC_IP", "address put in SDP and Contact"}, str(&Config::public_ip)},
      {{"public_url", "PARLEY_PUBLIC_URL", "public base URL of the HTTP API"}, str(&Config::public_url)},
      {{"bootstrap_api_key", "PARLEY_BOOTSTRAP_API_KEY", "first API key to create instead of a random one"},
       str(&Config::bootstrap_api_key)},
      {{"secret_key", "PARLEY_SECRET_KEY", "64 hex chars encrypting credentials at rest"}, str(&Config::secret_key)},
      {{"log.level", "PARLEY_LOG_LEVEL", "trace|debug|info|warn|error|critical|off"}, log_level()},
      {{"runtime.io_threads", "PARLEY_IO_THREADS", "I/O threads (0: one per core)"},
       integer(&Config::io_threads, 0, 256)},
      {{"runtime.worker_threads", "PARLEY_WORKER_THREADS", "worker threads (0: one per core, at least 2)"},
       integer(&Config::worker_threads, 0, 1024)},
      {{"http.max_body_bytes", "PARLEY_HTTP_MAX_BODY_BYTES", "largest accepted request body"},
       integer(&Config::http_max_body_bytes, 1024, 1LL << 30)},
      {{"http.max_header_bytes", "PARLEY_HTTP_MAX_HEADER_BYTES", "largest accepted request head"},
       integer(&Config::http_max_header_bytes, 1024, 1 << 20)},
      {{"http.request_timeout_s", "PARLEY_HTTP_REQUEST_TIMEOUT_S", "seconds to receive one request"},
       integer(&Config::http_request_timeout_s, 1, 3600)},
      {{"http.idle_timeout_s", "PARLEY_HTTP_IDLE_TIMEOUT_S", "seconds an idle keep-alive connection stays open"},
       integer(&Config::http_idle_timeout_s, 1, 3600)},
      {{"http.max_connections", "PARLEY_HTTP_MAX_CONNECTIONS", "concurrent HTTP connections"},
       integer(&Config::http_max_connections, 1, 1'000'000)},
      {{"rate_limits.dial_per_min", "PARLEY_RATE_DIAL_PER_MIN", "POST /voice/outbound/dial per key"},
       integer(&RateLimits::dial_per_min, 1, 1'000'000'000, &Config::rate_limits)},
      {{"rate_limits.voice_session_per_min", "PARLEY_RATE_VOICE_SESSION_PER_MIN", "POST /voice/start per key"},
       integer(&RateLimits::voice_session_per_min, 1, 1'000'000'000, &Config::rate_limits)},
      {{"rate_limits.status_per_min", "PARLEY_RATE_STATUS_PER_MIN", "GET /voice/status/{id} per key"},
       integer(&RateLimits::status_per_min, 1, 1'000'000'000, &Config::rate_limits)},
      {{"rate_limits.list_sessions_per_min", "PARLEY_RATE_LIST_SESSIONS_PER_MIN", "GET /voice/sessions per key"},
       integer(&RateLimits::list_sessions_per_min, 1, 1'000'000'000, &Config::rate_limits)},
      {{"rate_limits.default_per_min", "PARLEY_RATE_DEFAULT_PER_MIN", "other API routes per key"},
       integer(&RateLimits::default_per_min, 1, 1'000'000'000, &Config::rate_limits)},
      {{"outbound.max_concurrent_per_key", "PARLEY_OUTBOUND_MAX_CONCURRENT_PER_KEY",
        "outbound calls in flight per API key"},
       integer(&OutboundPolicy::max_concurrent_per_key, 1, 100000, &Config::outbound)},
      {{"outbound.allowed_countries", "PARLEY_OUTBOUND_ALLOWED_COUNTRIES",
        "destination countries (ISO codes, comma-separated; empty: all)"},
       list_of([](Config& c) -> auto& { return c.outbound.allowed_countries; }, country_code_shape,
               "comma-separated ISO 3166 alpha-2 codes such as US,GB,IN")},
      {{"outbound.ring_timeout_s", "PARLEY_OUTBOUND_RING_TIMEOUT_S", "seconds an outbound call rings before no_answer"},
       integer(&OutboundPolicy::ring_timeout_s, 1, 600, &Config::outbound)},
      {{"outbound.block_premium", "PARLEY_OUTBOUND_BLOCK_PREMIUM", "refuse premium-rate and shared-cost destinations"},
       flag([](Config& c) -> auto& { return c.outbound.block_premium; })},
      {{"webhooks.max_attempts", "PARLEY_WEBHOOK_MAX_ATTEMPTS", "delivery attempts before giving up"},
       integer(&WebhookSettings::max_attempts, 1, 50, &Config::webhooks)},
      {{"webhooks.base_delay_ms", "PARLEY_WEBHOOK_BASE_DELAY_MS", "retry delay after the first failure"},
       integer(&WebhookSettings::base_delay_ms, 10, 86'400'000, &Config::webhooks)},
      {{"webhooks.max_delay_ms", "PARLEY_WEBHOOK_MAX_DELAY_MS", "longest retry delay"},
       integer(&WebhookSettings::max_delay_ms, 10, 7 * 86'400'000, &Config::webhooks)},
      {{"webhooks.timeout_ms", "PARLEY_WEBHOOK_TIMEOUT_MS", "per-attempt timeout"},
       integer(&WebhookSettings::timeout_ms, 100, 120'000, &Config::webhooks)},
      {{"webhooks.poll_ms", "PARLEY_WEBHOOK_POLL_MS", "how often due deliveries are looked for"},
       integer(&WebhookSettings::poll_ms, 10, 60'000, &Config::webhooks)},
      {{"webhooks.allow_private_targets", "PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS",
        "allow loopback/private/link-local webhook targets (SSRF guard off)"},
       flag([](Config& c) -> auto& { return c.webhooks.allow_private_targets; })},
      {{"trusted_proxies", "PARLEY_TRUSTED_PROXIES", "proxies (CIDR list) whose X-Forwarded-Proto/Host are believed"},
       list_of([](Config& c) -> auto& { return c.trusted_proxies; }, ip_or_cidr_shape,
               "comma-separated IP addresses or CIDR blocks")},
      {{"exotel.allowed_ips", "EXOTEL_ALLOWED_IPS", "Exotel callback addresses (CIDR list); empty refuses all"},
       list_of([](Config& c) -> auto& { return c.exotel_allowed_ips; }, ip_or_cidr_shape,
               "comma-separated IP addresses or CIDR blocks")},
      {{"twilio.signaling_ips", "PARLEY_TWILIO_SIGNALING_IPS",
        "Twilio SIP signaling addresses (CIDR list) admitted by imported Twilio trunks"},
       list_of([](Config& c) -> auto& { return c.twilio_signaling_ips; }, ip_or_cidr_shape,
               "comma-separated IP addresses or CIDR blocks")},
      {{"twilio.api_base", "PARLEY_TWILIO_API_BASE", "Twilio REST API base URL"}, base_url(&Config::twilio_api_base)},
      {{"twilio.trunking_base", "PARLEY_TWILIO_TRUNKING_BASE", "Twilio Elastic SIP Trunking API base URL"},
       base_url(&Config::twilio_trunking_base)},
      {{"plivo.api_base", "PARLEY_PLIVO_API_BASE", "Plivo REST API base URL"}, base_url(&Config::plivo_api_base)},
      {{"media.test_mode", "PARLEY_MEDIA_TEST_MODE", "none | echo | play:<wav>: audio check modes for every call"},
       [](Config& c, std::string_view v) -> Status {
         if (v != "none" && v != "echo" && !(v.starts_with("play:") && v.size() > 5)) {
           return fail(Errc::invalid_argument, "must be none, echo or play:<path to a WAV file>");
         }
         c.media.test_mode = std::string(v);
         return {};
       }},
      {{"media.timeout_s", "PARLEY_MEDIA_TIMEOUT_S", "seconds without RTP that end a call (0: never)"},
       integer(&MediaSettings::timeout_s, 0, 3600, &Config::media)},
      {{"media.jitter_min_ms", "PARLEY_MEDIA_JITTER_MIN_MS", "smallest jitter-buffer delay"},
       integer(&MediaSettings::jitter_min_ms, 0, 1000, &Config::media)},
      {{"media.jitter_max_ms", "PARLEY_MEDIA_JITTER_MAX_MS", "largest jitter-buffer delay"},
       integer(&MediaSettings::jitter_max_ms, 20, 2000, &Config::media)},
      {{"engines.allow_private_targets", "PARLEY_ENGINES_ALLOW_PRIVATE_TARGETS",
        "let cloud engines and agent HTTP actions reach loopback/private addresses"},
       flag([](Config& c) -> auto& { return c.engines_allow_private_targets; })},
      {{"pricing.currency", "PARLEY_PRICING_CURRENCY", "currency of the per-unit prices (label only)"},
       [](Config& c, std::string_view v) -> Status {
         if (v.empty() || v.size() > 8) return fail(Errc::invalid_argument, "must be a short currency code");
         c.pricing.currency = std::string(v);
         return {};
       }},
      {{"pricing.stt_per_minute", "PARLEY_PRICING_STT_PER_MINUTE", "price of one minute of speech recognition"},
       price(&Pricing::stt_per_minute)},
      {{"pricing.llm_prompt_per_1k_tokens", "PARLEY_PRICING_LLM_PROMPT_PER_1K_TOKENS", "price of 1000 prompt tokens"},
       price(&Pricing::llm_prompt_per_1k_tokens)},
      {{"pricing.llm_completion_per_1k_tokens", "PARLEY_PRICING_LLM_COMPLETION_PER_1K_TOKENS",
        "price of 1000 completion tokens"},
       price(&Pricing::llm_completion_per_1k_tokens)},
      {{"pricing.tts_per_1k_characters", "PARLEY_PRICING_TTS_PER_1K_CHARACTERS", "price of 1000 synthesized characters"},
       price(&Pricing::tts_per_1k_characters)},
      {{"carriers.http_timeout_s", "PARLEY_CARRIER_HTTP_TIMEOUT_S", "seconds for one carrier REST API request"},
       integer(&Config::carrier_http_timeout_s, 1, 300)},
  };
  return t;
}

const Setting* find(std::string_view key) {
  for (const auto& s : table()) {
    if (s.info.key == key) return &s;
  }
  return nullptr;
}

Status apply(Config& c, const Setting& s, std::string_view value, std::string_view source) {
  if (auto r = s.set(c, value); !r) {
    return fail(Errc::invalid_argument, fmt::format("{} ({}): {}", s.info.key, source, r.error().message),
                std::string(s.info.key));
  }
  return {};
}

// Flattens a TOML table into dotted keys; values become their text form.
Status walk(Config& c, const toml::table& tbl, const std::string& prefix) {
  for (const auto& [k, node] : tbl) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      if (auto r = walk(c, *sub, key); !r) return r;
      continue;
    }
    const Setting* s = find(key);
    if (!s) return fail(Errc::invalid_argument, "unknown configuration key " + key, key);
    std::string text;
    if (auto v = node.value<std::string>()) {
      text = *v;
    } else if (auto i = node.value<std::int64_t>()) {
      text = std::to_string(*i);
    } else if (auto b = node.value<bool>()) {
      text = *b ? "true" : "false";
    } else {
      return fail(Errc::invalid_argument, key + ": unsupported value type", key);
    }
    if (auto r = apply(c, *s, text, "config file"); !r) return r;
  }
  return {};
}

}  // namespace

Result<HostPort> parse_host_port(std::string_view text) {
  HostPort hp;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail(Errc::invalid_argument, "expected [ipv6]:port");
    }
    hp.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return fail(Errc::invalid_argument, "expected host:port");
    hp.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  auto n = to_int<std::uint16_t>(port, 0, 65535);
  if (!n) return fail(Errc::invalid_argument, "port " + n.error().message);
  hp.port = *n;
  return hp;
}

std::string Config::effective_database_path() const {
  return database_path.empty() ? data_dir + "/parley.db" : database_path;
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> load_config(const std::optional<std::string>& toml_path, const EnvLookup& env,
                           const std::map<std::string, std::string>& overrides) {
  Config c;
  if (toml_path) {
    toml::table parsed;
    try {  // toml++ reports syntax errors by exception: this is the edge of third-party code
      parsed = toml::parse_file(*toml_path);
    } catch (const toml::parse_error& err) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}:{}:{}: {}", *toml_path, err.source().begin.line, err.source().begin.column,
                              err.description()));
    }
    if (auto r = walk(c, parsed, ""); !r) return std::unexpected(r.error());
  }
  for (const auto& s : table()) {
    if (auto v = env(s.info.env); v && !v->empty()) {
      if (auto r = apply(c, s, *v, s.info.env); !r) return std::unexpected(r.error());
    }
  }
  for (const auto& [key, value] : overrides) {
    const Setting* s = find(key);
    if (!s) return fail(Errc::invalid_argument, "unknown configuration key " + key, key);
    if (auto r = apply(c, *s, value, "command line"); !r) return std::unexpected(r.error());
  }
  if (c.rtp_port_min >= c.rtp_port_max) {
    return fail(Errc::invalid_argument, "rtp.port_min must be below rtp.port_max", "rtp.port_min");
  }
  return c;
}

const std::vector<SettingInfo>& settings() {
  static const std::vector<SettingInfo> infos = [] {
    std::vector<SettingInfo> v;
    for (const auto& s : table()) v.push_back(s.info);
    return v;
  }();
  return infos;
}

}  // namespace parley::core

#include "voice/cloud/deepgram_protocol.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "net/http_client.hpp"
#include "voice/cloud/cloud_options.hpp"

namespace parley::voice::cloud {
namespace json = boost::json;

namespace {

const json::value* member(const json::value& v, std::string_view key) {
  return v.is_object() ? v.get_object().if_contains(key) : nullptr;
}

double number(const json::value* v, double fallback = 0) {
  if (v == nullptr) return fallback;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return fallback;
}

bool boolean(const json::value* v) { return v != nullptr && v->is_bool() && v->get_bool(); }

}  // namespace

DeepgramOptions deepgram_options(const EngineSpec& spec) {
  DeepgramOptions o;
  if (!spec.base_url.empty()) o.base_url = spec.base_url;
  if (!spec.model.empty()) o.model = spec.model;
  if (!spec.language.empty()) o.language = spec.language;
  const auto& opt = spec.options_json;
  o.endpointing_ms = option_int(opt, "endpointing_ms", o.endpointing_ms, 10, 10000);
  o.utterance_end_ms = option_int(opt, "utterance_end_ms", o.utterance_end_ms, 1000, 5000);
  o.finalize_timeout = option_ms(opt, "finalize_timeout_ms", 3000);
  o.smart_format = option_bool(opt, "smart_format", o.smart_format);
  o.keepalive_interval = option_ms(opt, "keepalive_ms", 5000);
  return o;
}

std::string deepgram_listen_url(const DeepgramOptions& o, int sample_rate) {
  std::string base = o.base_url;
  if (base.starts_with("https://")) base.replace(0, 5, "wss");
  else if (base.starts_with("http://")) base.replace(0, 4, "ws");
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.ends_with("/v1/listen")) base += "/v1/listen";
  return fmt::format(
      "{}?model={}&language={}&encoding=linear16&sample_rate={}&channels=1&interim_results=true&punctuate=true"
      "&smart_format={}&endpointing={}&utterance_end_ms={}&vad_events=true",
      base, net::form_encode(o.model), net::form_encode(o.language), sample_rate, o.smart_format ? "true" : "false",
      o.endpointing_ms, o.utterance_end_ms);
}

core::Result<DeepgramMessage> parse_deepgram_message(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  auto* type = ec ? nullptr : member(doc, "type");
  if (type == nullptr || !type->is_string()) {
    return core::fail(core::Errc::invalid_argument, "deepgram sent a message without a type");
  }
  DeepgramMessage m;
  const auto& t = type->get_string();
  if (t == "Results") {
    m.kind = DeepgramMessage::Kind::results;
    m.is_final = boolean(member(doc, "is_final"));
    m.speech_final = boolean(member(doc, "speech_final"));
    m.from_finalize = boolean(member(doc, "from_finalize"));
    m.start = number(member(doc, "start"));
    m.duration = number(member(doc, "duration"));
    auto* channel = member(doc, "channel");
    auto* alts = channel ? member(*channel, "alternatives") : nullptr;
    if (alts && alts->is_array() && !alts->get_array().empty()) {
      const auto& best = alts->get_array().front();
      if (auto* tr = member(best, "transcript"); tr && tr->is_string()) m.transcript = tr->get_string();
      m.confidence = static_cast<float>(number(member(best, "confidence"), -1));
    }
  } else if (t == "UtteranceEnd") {
    m.kind = DeepgramMessage::Kind::utterance_end;
  } else if (t == "Metadata") {
    m.kind = DeepgramMessage::Kind::metadata;
    m.duration = number(member(doc, "duration"));
  } else if (t == "SpeechStarted") {
    m.kind = DeepgramMessage::Kind::speech_started;
  } else if (t == "Error") {
    m.kind = DeepgramMessage::Kind::error;
    for (auto key : {"description", "message", "err_msg"}) {
      if (auto* d = member(doc, key); d && d->is_string()) {
        m.description = d->get_string();
        break;
      }
    }
  }
  return m;
}

}  // namespace parley::voice::cloud

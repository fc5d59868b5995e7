#include "carriers/twilio/media_stream.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "core/crypto.hpp"

namespace parley::carriers::twilio {
namespace json = boost::json;
namespace {

using core::Errc;

core::Error malformed(std::string what) { return core::Error{Errc::invalid_argument, std::move(what), {}}; }

const json::object* member_object(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// A string member (empty when absent); an error when present with another type.
core::Result<std::string> text(const json::object& o, std::string_view key, bool required) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return std::unexpected(malformed(std::string(key) + " is missing"));
    return std::string();
  }
  if (!v->is_string()) return std::unexpected(malformed(std::string(key) + " must be a string"));
  return std::string(v->get_string());
}

// A non-negative integer member written as a number or as a decimal string (Twilio's form).
core::Result<std::uint64_t> counter(const json::object& o, std::string_view key, bool required) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return std::unexpected(malformed(std::string(key) + " is missing"));
    return 0;
  }
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  if (v->is_string()) {
    auto s = v->get_string();
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  return std::unexpected(malformed(std::string(key) + " must be a non-negative integer"));
}

#define TRY_ASSIGN(var, expr)                             \
  auto var##_r = (expr);                                  \
  if (!var##_r) return std::unexpected(var##_r.error()); \
  auto var = std::move(*var##_r)

core::Result<StreamStart> parse_start(const json::object& o) {
  auto* s = member_object(o, "start");
  if (!s) return std::unexpected(malformed("start is missing"));
  StreamStart out;
  TRY_ASSIGN(account, text(*s, "accountSid", false));
  TRY_ASSIGN(call, text(*s, "callSid", true));
  out.account_sid = std::move(account);
  out.call_sid = std::move(call);
  if (auto* tracks = s->if_contains("tracks"); tracks && tracks->is_array()) {
    for (const auto& t : tracks->get_array()) {
      if (t.is_string()) out.tracks.emplace_back(t.get_string());
    }
  }
  if (auto* params = member_object(*s, "customParameters")) {
    for (const auto& kv : *params) {
      if (kv.value().is_string()) out.custom_parameters.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
    }
  }
  auto* format = member_object(*s, "mediaFormat");
  if (!format) return std::unexpected(malformed("start.mediaFormat is missing"));
  TRY_ASSIGN(encoding, text(*format, "encoding", true));
  TRY_ASSIGN(rate, counter(*format, "sampleRate", true));
  TRY_ASSIGN(channels, counter(*format, "channels", false));
  out.media_format = {std::move(encoding), static_cast<int>(std::min<std::uint64_t>(rate, 1'000'000)),
                      static_cast<int>(std::min<std::uint64_t>(channels == 0 ? 1 : channels, 64))};
  return out;
}

core::Result<StreamMedia> parse_media(const json::object& o) {
  auto* m = member_object(o, "media");
  if (!m) return std::unexpected(malformed("media is missing"));
  StreamMedia out;
  TRY_ASSIGN(track, text(*m, "track", false));
  TRY_ASSIGN(chunk, counter(*m, "chunk", false));
  TRY_ASSIGN(timestamp, counter(*m, "timestamp", false));
  TRY_ASSIGN(payload, text(*m, "payload", true));
  auto bytes = core::base64_decode(payload);
  if (!bytes) return std::unexpected(malformed("media.payload is not base64"));
  out.track = std::move(track);
  out.chunk = chunk;
  out.timestamp_ms = timestamp;
  out.payload = std::move(*bytes);
  return out;
}

core::Result<StreamDtmf> parse_dtmf(const json::object& o) {
  auto* d = member_object(o, "dtmf");
  if (!d) return std::unexpected(malformed("dtmf is missing"));
  TRY_ASSIGN(track, text(*d, "track", false));
  TRY_ASSIGN(digit, text(*d, "digit", true));
  static constexpr std::string_view kDigits = "0123456789*#ABCD";
  if (digit.size() != 1 || kDigits.find(digit[0]) == std::string_view::npos) {
    return std::unexpected(malformed("dtmf.digit must be one of 0-9 * # A-D"));
  }
  return StreamDtmf{std::move(track), digit[0]};
}

core::Result<StreamMark> parse_mark(const json::object& o) {
  auto* m = member_object(o, "mark");
  if (!m) return std::unexpected(malformed("mark is missing"));
  TRY_ASSIGN(name, text(*m, "name", true));
  return StreamMark{std::move(name)};
}

core::Result<StreamStop> parse_stop(const json::object& o) {
  StreamStop out;
  if (auto* s = member_object(o, "stop")) {
    TRY_ASSIGN(account, text(*s, "accountSid", false));
    TRY_ASSIGN(call, text(*s, "callSid", false));
    out.account_sid = std::move(account);
    out.call_sid = std::move(call);
  }
  return out;
}

template <class T>
core::Result<StreamMessage> with(StreamMessage m, core::Result<T> body) {
  if (!body) return std::unexpected(body.error());
  m.body = std::move(*body);
  return m;
}

}  // namespace

core::Result<StreamMessage> parse_stream_message(std::string_view text_in) {
  boost::system::error_code ec;
  auto v = json::parse(text_in, ec);
  if (ec) return std::unexpected(malformed("not JSON: " + ec.message()));
  if (!v.is_object()) return std::unexpected(malformed("not a JSON object"));
  const auto& o = v.get_object();
  TRY_ASSIGN(event, text(o, "event", true));
  StreamMessage m;
  TRY_ASSIGN(sid, text(o, "streamSid", false));
  TRY_ASSIGN(seq, counter(o, "sequenceNumber", false));
  m.stream_sid = std::move(sid);
  m.sequence_number = seq;
  if (event == "connected") {
    TRY_ASSIGN(protocol, text(o, "protocol", false));
    TRY_ASSIGN(version, text(o, "version", false));
    m.body = StreamConnected{std::move(protocol), std::move(version)};
    return m;
  }
  if (event == "start") return with(std::move(m), parse_start(o));
  if (event == "media") return with(std::move(m), parse_media(o));
  if (event == "dtmf") return with(std::move(m), parse_dtmf(o));
  if (event == "mark") return with(std::move(m), parse_mark(o));
  if (event == "stop") return with(std::move(m), parse_stop(o));
  m.body = StreamOther{std::move(event)};
  return m;
}

std::string media_message(std::string_view stream_sid, std::span<const std::uint8_t> mulaw) {
  std::string_view raw(reinterpret_cast<const char*>(mulaw.data()), mulaw.size());
  return json::serialize(json::object{{"event", "media"},
                                      {"streamSid", stream_sid},
                                      {"media", json::object{{"payload", core::base64_encode(raw)}}}});
}

std::string mark_message(std::string_view stream_sid, std::string_view name) {
  return json::serialize(
      json::object{{"event", "mark"}, {"streamSid", stream_sid}, {"mark", json::object{{"name", name}}}});
}

std::string clear_message(std::string_view stream_sid) {
  return json::serialize(json::object{{"event", "clear"}, {"streamSid", stream_sid}});
}

}  // namespace parley::carriers::twilio

#pragma once
// Twilio Media Streams, bidirectional (<Connect><Stream>): the JSON text messages of Twilio's
// "Media Streams - WebSocket Messages". Twilio sends `connected`, `start` (stream and call sids,
// custom parameters, media format), `media` (base64 8 kHz mu-law, 20 ms each), `dtmf`, `mark` (a
// mark we sent, echoed once the audio before it was played or cleared) and `stop`; the server
// sends `media`, `mark` and `clear` (drop the audio Twilio has buffered). Twilio writes numbers
// as strings ("sequenceNumber": "2"); both forms are read.
//
// Only the wire format is here: audio conversion and pacing belong to the stream's call.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace parley::carriers::twilio {

// The only format a bidirectional stream carries (start.mediaFormat).
inline constexpr std::string_view kStreamEncoding = "audio/x-mulaw";
inline constexpr int kStreamSampleRate = 8000;
inline constexpr int kStreamChannels = 1;

struct StreamConnected {
  std::string protocol;  // "Call"
  std::string version;   // "1.0.0"
};

struct StreamMediaFormat {
  std::string encoding;
  int sample_rate = 0;
  int channels = 0;
};

struct StreamStart {
  std::string account_sid;
  std::string call_sid;
  std::vector<std::string> tracks;  // "inbound" for <Connect><Stream>
  std::vector<std::pair<std::string, std::string>> custom_parameters;  // <Parameter name value>, string values only
  StreamMediaFormat media_format;
};

struct StreamMedia {
  std::string track;            // "inbound"
  std::uint64_t chunk = 0;      // 1, 2, ... per media message of the track
  std::uint64_t timestamp_ms = 0;  // since the stream started
  std::string payload;          // decoded bytes: 8-bit mu-law samples
};

struct StreamDtmf {
  std::string track;  // "inbound_track"
  char digit = 0;     // 0-9 * # A-D
};

struct StreamMark {
  std::string name;
};

struct StreamStop {
  std::string account_sid;
  std::string call_sid;
};

// An event this code does not know: ignored, since Twilio may add message types.
struct StreamOther {
  std::string event;
};

struct StreamMessage {
  std::string stream_sid;  // empty in `connected`
  std::uint64_t sequence_number = 0;
  std::variant<StreamConnected, StreamStart, StreamMedia, StreamDtmf, StreamMark, StreamStop, StreamOther> body;
};

// Errc::invalid_argument naming the problem: not a JSON object, no "event", a known event without
// a required member or with one of the wrong type, a payload that is not base64, a digit outside
// 0-9 * # A-D.
core::Result<StreamMessage> parse_stream_message(std::string_view text);

// {"event":"media","streamSid":..,"media":{"payload":"<base64 mu-law>"}}
std::string media_message(std::string_view stream_sid, std::span<const std::uint8_t> mulaw);
// {"event":"mark","streamSid":..,"mark":{"name":..}}: echoed back once the audio sent before it is played.
std::string mark_message(std::string_view stream_sid, std::string_view name);
// {"event":"clear","streamSid":..}: Twilio drops its buffered audio and echoes the marks still pending.
std::string clear_message(std::string_view stream_sid);

}  // namespace parley::carriers::twilio

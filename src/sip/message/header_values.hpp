#pragma once
// Grammars of the single-purpose header values the stack reads (RFC 3261 s20 and extensions).
#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/message/params.hpp"

namespace parley::sip {

inline constexpr std::uint32_t kMaxCSeq = 0x7fffffffU;  // RFC 3261 s8.1.1.5: less than 2**31

struct CSeq {
  std::uint32_t number = 0;
  std::string_view method;
};
std::optional<CSeq> parse_cseq(std::string_view text) noexcept;

// callid = word [ "@" word ] (RFC 3261 s25.1)
bool valid_call_id(std::string_view text) noexcept;

// Max-Forwards: 1*DIGIT, 0-255 (RFC 3261 s20.22, RFC 4475 s3.1.2.4)
std::optional<std::uint8_t> parse_max_forwards(std::string_view text) noexcept;

// delta-seconds fields: Expires, Min-Expires, Min-SE (RFC 3261 s20.19, RFC 4028 s5)
std::optional<std::uint32_t> parse_delta_seconds(std::string_view text) noexcept;

struct MediaType {  // Content-Type (RFC 3261 s20.15)
  std::string_view type;
  std::string_view subtype;
  ParamList params;
};
std::optional<MediaType> parse_media_type(std::string_view text) noexcept;

enum class Refresher : std::uint8_t { none, uac, uas };
struct SessionExpires {  // RFC 4028 s4
  std::uint32_t delta = 0;
  Refresher refresher = Refresher::none;
  ParamList params;
};
std::optional<SessionExpires> parse_session_expires(std::string_view text) noexcept;

struct Event {  // RFC 6665 s8.2.1: event-type with ;id=
  std::string_view package;  // "refer", "presence.winfo"
  ParamList params;
  std::optional<std::string_view> id() const noexcept { return params.value("id"); }
};
std::optional<Event> parse_event(std::string_view text) noexcept;

// Date: rfc1123-date, always "GMT" (RFC 3261 s20.17, RFC 4475 s3.1.2.12)
bool valid_date(std::string_view text) noexcept;

}  // namespace parley::sip

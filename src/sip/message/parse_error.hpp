#pragma once
// Why a SIP message could not be parsed, with the response a UAS should send for it.
#include <cstdint>
#include <string_view>

namespace parley::sip {

enum class ParseErrc : std::uint8_t {
  incomplete,               // stream: more bytes are needed (not an error on a datagram)
  too_large,                // over kMaxMessageSize
  too_many_headers,         // over kMaxHeaderCount
  header_too_long,          // over kMaxHeaderLineLength
  bad_start_line,           // neither a Request-Line nor a Status-Line
  bad_version,              // not SIP/2.0 (505)
  bad_request_uri,          // Request-URI syntax, or headers in it (RFC 3261 s19.1.1)
  bad_status_code,          // not 3 digits 100-699
  bad_header,               // a header line without name or colon
  missing_via,
  bad_via,
  missing_from,
  bad_from,
  missing_to,
  bad_to,
  missing_call_id,
  bad_call_id,
  missing_cseq,
  bad_cseq,
  cseq_method_mismatch,     // RFC 4475 s3.1.2.17
  bad_max_forwards,
  duplicate_header,         // a single-valued header appears twice (RFC 4475 s3.3.8)
  missing_content_length,   // stream transport (RFC 3261 s18.3)
  bad_content_length,
  content_length_mismatch,  // Content-Length beyond the datagram (RFC 3261 s18.3)
  bad_header_value,         // a structured header failed its grammar (validate())
};

struct ParseError {
  ParseErrc code = ParseErrc::bad_start_line;
  // Only set for requests: top Via, From, To, Call-ID and CSeq parsed, so a response can be built.
  bool can_respond = false;
  // The header at fault for bad_header_value (canonical name), empty otherwise.
  std::string_view header = {};

  int status() const noexcept;               // 400, 413, 505 ...
  std::string_view reason() const noexcept;  // reason phrase for that response
};

}  // namespace parley::sip

#include "sip/message/parse_error.hpp"

namespace parley::sip {

int ParseError::status() const noexcept {
  switch (code) {
    case ParseErrc::too_large: return 413;
    case ParseErrc::bad_version: return 505;  // RFC 3261 s21.5.20
    default: return 400;
  }
}

std::string_view ParseError::reason() const noexcept {
  switch (code) {
    case ParseErrc::incomplete: return "Bad Request - Incomplete Message";
    case ParseErrc::too_large: return "Message Too Large";
    case ParseErrc::too_many_headers: return "Bad Request - Too Many Headers";
    case ParseErrc::header_too_long: return "Bad Request - Header Too Long";
    case ParseErrc::bad_start_line: return "Bad Request - Malformed Start Line";
    case ParseErrc::bad_version: return "Version Not Supported";
    case ParseErrc::bad_request_uri: return "Bad Request - Malformed Request-URI";
    case ParseErrc::bad_status_code: return "Bad Request - Malformed Status Code";
    case ParseErrc::bad_header: return "Bad Request - Malformed Header";
    case ParseErrc::missing_via: return "Missing Via";
    case ParseErrc::bad_via: return "Bad Request - Malformed Via";
    case ParseErrc::missing_from: return "Missing From";
    case ParseErrc::bad_from: return "Bad Request - Malformed From";
    case ParseErrc::missing_to: return "Missing To";
    case ParseErrc::bad_to: return "Bad Request - Malformed To";
    case ParseErrc::missing_call_id: return "Missing Call-ID";
    case ParseErrc::bad_call_id: return "Bad Request - Malformed Call-ID";
    case ParseErrc::missing_cseq: return "Missing CSeq";
    case ParseErrc::bad_cseq: return "Bad Request - Malformed CSeq";
    case ParseErrc::cseq_method_mismatch: return "Bad Request - CSeq Method Mismatch";
    case ParseErrc::bad_max_forwards: return "Bad Request - Malformed Max-Forwards";
    case ParseErrc::duplicate_header: return "Bad Request - Duplicate Header";
    case ParseErrc::missing_content_length: return "Missing Content-Length";
    case ParseErrc::bad_content_length: return "Bad Request - Malformed Content-Length";
    case ParseErrc::content_length_mismatch: return "Content-Length mismatch";
    case ParseErrc::bad_header_value: return "Bad Request - Malformed Header Value";
  }
  return "Bad Request";
}

}  // namespace parley::sip

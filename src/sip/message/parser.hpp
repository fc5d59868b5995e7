#pragma once
// Parsing one SIP message held in one buffer (RFC 3261 s7, s18.3, s25).
//
//   auto msg = sip::parse_message(datagram, sip::Framing::datagram);
//   if (!msg) { if (msg.error().can_respond) send make_error_response(datagram, msg.error()); }
//   else { msg->top_via().branch(); msg->cseq().method; msg->to().tag(); ... }
//
// The Message views `data`: keep the buffer alive as long as the Message.
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::sip {

enum class Framing {
  datagram,  // UDP: no Content-Length means "rest of the datagram"; a larger one is an error
  stream,    // TCP/TLS: Content-Length is mandatory; a short buffer yields ParseErrc::incomplete
};

// Start line, every header line (folding, compact names), and the transaction essentials:
// top Via, From, To, Call-ID, CSeq (method must match a request's), Max-Forwards and
// Content-Length, each of which must appear once. Other headers are checked by validate().
ParseResult<Message> parse_message(std::string_view data, Framing framing);

// Full grammar check of every header the stack understands (all Vias, Contact, Route,
// Record-Route, Content-Type, Expires, Date, Require/Supported/Allow, Session-Expires, Min-SE,
// Event, Refer-To, auth headers) and single occurrence of single-valued headers.
ParseResult<void> validate(const Message& message);

}  // namespace parley::sip

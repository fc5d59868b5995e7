#pragma once
// Parser entry used to answer a broken request: start-line and body problems are ignored so
// that the essentials (Via, From, To, Call-ID, CSeq) can be echoed in a 4xx.
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::sip::detail {

ParseResult<Message> parse_essentials(std::string_view data);

}  // namespace parley::sip::detail

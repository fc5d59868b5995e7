#pragma once
// Transaction matching keys (RFC 3261 s17.1.3 client side, s17.2.3 server side).
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::sip {

// s17.2.3: branch (with the magic cookie) + sent-by + method, ACK matching INVITE; otherwise the
// RFC 2543 fields. `method` overrides the request's own (CANCEL looking up its INVITE, s9.2).
std::string server_key(const Message& request, std::string_view method = {});
// s17.1.3: the top Via branch + the CSeq method.
std::string client_key(const Message& message);

}  // namespace parley::sip

#include "sip/transaction/incoming_request.hpp"

namespace parley::sip {

IncomingRequest::~IncomingRequest() {
  txn_->set_cancel_handler(nullptr);
  if (!txn_->final_sent()) respond(500, "Server Internal Error");  // dropped by the TU
}

void IncomingRequest::respond(int status, std::string_view reason, std::string_view to_tag,
                              const ResponseExtras& extras) {
  txn_->respond(make_response(message(), status, reason, to_tag, extras), status);
}

}  // namespace parley::sip

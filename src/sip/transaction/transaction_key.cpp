#include "sip/transaction/transaction_key.hpp"

namespace parley::sip {

std::string server_key(const Message& request, std::string_view method) {
  if (method.empty()) method = request.method();
  if (method == "ACK") method = "INVITE";
  const Via& via = request.top_via();
  std::string key;
  key.reserve(128);
  if (via.rfc3261_branch()) {
    key.append(*via.branch()).push_back('\x1f');
    key.append(via.host).push_back(':');
    key.append(std::to_string(via.port.value_or(0))).push_back('\x1f');
    key.append(method);
    return key;
  }
  // RFC 2543 fallback (s17.2.3): Request-URI, From tag, Call-ID, CSeq number and the top Via.
  // The To tag is left out: an ACK carries the tag of our response, the INVITE none.
  const Header* top = request.find(HeaderId::via);
  std::string_view via_text = top ? top->value.substr(0, top->value.find(',')) : std::string_view{};
  key.append("2543\x1f").append(request.request_uri().raw).push_back('\x1f');
  key.append(request.from().tag().value_or("")).push_back('\x1f');
  key.append(request.call_id()).push_back('\x1f');
  key.append(std::to_string(request.cseq().number)).push_back('\x1f');
  key.append(via_text).push_back('\x1f');
  key.append(method);
  return key;
}

std::string client_key(const Message& message) {
  std::string key(message.top_via().branch().value_or(""));
  key.push_back('\x1f');
  key.append(message.cseq().method);
  return key;
}

}  // namespace parley::sip

#include "carriers/xml_response.hpp"

namespace parley::carriers {
namespace {
constexpr std::string_view kProlog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped: drop them.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(c);
    }
  }
  return out;
}

std::string twiml_dial_sip(std::string_view sip_uri, std::string_view username, std::string_view password) {
  std::string credentials;
  if (!username.empty()) {
    credentials = " username=\"" + xml_escape(username) + "\" password=\"" + xml_escape(password) + "\"";
  }
  return std::string(kProlog) + "<Response><Dial><Sip" + credentials + ">" + xml_escape(sip_uri) +
         "</Sip></Dial></Response>";
}

std::string twiml_connect_stream(std::string_view stream_url) {
  return std::string(kProlog) + "<Response><Connect><Stream url=\"" + xml_escape(stream_url) +
         "\"/></Connect></Response>";
}

std::string plivo_dial_user(std::string_view sip_uri) {
  return std::string(kProlog) + "<Response><Dial><User>" + xml_escape(sip_uri) + "</User></Dial></Response>";
}

std::string exoml_dial_sip(std::string_view sip_uri) {
  return std::string(kProlog) + "<Response><Dial><Sip>" + xml_escape(sip_uri) + "</Sip></Dial></Response>";
}

std::string hangup_response() { return std::string(kProlog) + "<Response><Hangup/></Response>"; }

}  // namespace parley::carriers

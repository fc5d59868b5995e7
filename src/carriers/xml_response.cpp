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

std::string twiml_connect_stream(std::string_view stream_url,
                                 const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out = std::string(kProlog) + "<Response><Connect><Stream url=\"" + xml_escape(stream_url) + "\"";
  if (parameters.empty()) return out + "/></Connect></Response>";
  out += ">";
  for (const auto& [name, value] : parameters) {
    out += "<Parameter name=\"" + xml_escape(name) + "\" value=\"" + xml_escape(value) + "\"/>";
  }
  return out + "</Stream></Connect></Response>";
}

std::string twiml_dial(std::string_view target) {
  if (target.starts_with("sip:") || target.starts_with("sips:")) {
    return std::string(kProlog) + "<Response><Dial><Sip>" + xml_escape(target) + "</Sip></Dial></Response>";
  }
  if (target.starts_with("tel:")) target.remove_prefix(4);
  return std::string(kProlog) + "<Response><Dial><Number>" + xml_escape(target) + "</Number></Dial></Response>";
}

std::string plivo_dial_user(std::string_view sip_uri) {
  return std::string(kProlog) + "<Response><Dial><User>" + xml_escape(sip_uri) + "</User></Dial></Response>";
}

std::string exoml_dial_sip(std::string_view sip_uri) {
  return std::string(kProlog) + "<Response><Dial><Sip>" + xml_escape(sip_uri) + "</Sip></Dial></Response>";
}

std::string hangup_response() { return std::string(kProlog) + "<Response><Hangup/></Response>"; }

}  // namespace parley::carriers

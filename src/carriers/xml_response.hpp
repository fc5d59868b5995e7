#pragma once
// The XML documents carriers expect from a voice webhook: TwiML (Twilio), Plivo XML and ExoML
// (Exotel). Every value is XML-escaped.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::carriers {

std::string xml_escape(std::string_view text);  // & < > " '

// <Response><Dial><Sip username=".." password="..">sip:..</Sip></Dial></Response> (no attributes without a username)
std::string twiml_dial_sip(std::string_view sip_uri, std::string_view username, std::string_view password);
// <Response><Connect><Stream url="wss://.."><Parameter name=".." value=".."/>..</Stream></Connect></Response>:
// a bidirectional Media Stream; the parameters arrive in its `start` message (customParameters), as
// Twilio takes no query string in a Stream URL.
std::string twiml_connect_stream(std::string_view stream_url,
                                 const std::vector<std::pair<std::string, std::string>>& parameters = {});
// <Response><Dial><Sip>sip:..</Sip></Dial></Response> for a sip: or sips: target, else
// <Response><Dial><Number>+1..</Number></Dial></Response> (a tel: URI or a bare number): a call
// redirected there leaves its Media Stream (a transfer).
std::string twiml_dial(std::string_view target);
// <Response><Dial><User>sip:USER:PASS@HOST</User></Dial></Response>
std::string plivo_dial_user(std::string_view sip_uri);
// <Response><Dial><Sip>sip:..</Sip></Dial></Response>
std::string exoml_dial_sip(std::string_view sip_uri);
// An empty <Response/>: the carrier hangs up (used when the number has no agent or is not active).
std::string hangup_response();

}  // namespace parley::carriers

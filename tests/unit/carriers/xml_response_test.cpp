#include <gtest/gtest.h>

#include "carriers/xml_response.hpp"

using namespace parley::carriers;

TEST(XmlResponse, EscapesEveryValue) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f\x01g"), "a&amp;b&lt;c&gt;d&quot;e&apos;f" "g");
  auto twiml = twiml_dial_sip("sip:+1555@h.example:5060;transport=udp", "u\"x", "p&<");
  EXPECT_NE(twiml.find("<Response><Dial><Sip username=\"u&quot;x\" password=\"p&amp;&lt;\">"
                       "sip:+1555@h.example:5060;transport=udp</Sip></Dial></Response>"),
            std::string::npos)
      << twiml;
  EXPECT_NE(twiml_dial_sip("sip:+1555@h.example:5060", "", "").find("<Dial><Sip>sip:+1555@h.example:5060</Sip>"),
            std::string::npos);
  EXPECT_NE(twiml_connect_stream("wss://h/voice/twilio/stream/pn_1?a=1&b=2")
                .find("<Connect><Stream url=\"wss://h/voice/twilio/stream/pn_1?a=1&amp;b=2\"/></Connect>"),
            std::string::npos);
  EXPECT_NE(plivo_dial_user("sip:u:p@h").find("<Response><Dial><User>sip:u:p@h</User></Dial></Response>"),
            std::string::npos);
  EXPECT_NE(exoml_dial_sip("sip:x@h").find("<Response><Dial><Sip>sip:x@h</Sip></Dial></Response>"), std::string::npos);
  EXPECT_EQ(twiml.rfind("<?xml", 0), 0u);
}

// Twilio Media Streams messages as Twilio documents them ("Media Streams - WebSocket Messages"):
// numbers as strings, base64 mu-law payloads; what Parley sends back; malformed input refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "carriers/twilio/media_stream.hpp"
#include "carriers/twilio/requests.hpp"
#include "carriers/xml_response.hpp"

using namespace parley::carriers;
using namespace parley::carriers::twilio;
namespace json = boost::json;

TEST(TwilioMediaStream, ReadsConnectedAndStart) {
  auto c = parse_stream_message(R"({"event":"connected","protocol":"Call","version":"1.0.0"})");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(std::holds_alternative<StreamConnected>(c->body));
  EXPECT_EQ(std::get<StreamConnected>(c->body).protocol, "Call");

  auto s = parse_stream_message(R"({"event":"start","sequenceNumber":"1","start":{
      "accountSid":"AC123","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","callSid":"CA123",
      "tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},
      "customParameters":{"From":"+14155550100","To":"+14155550161","n":5}},
      "streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"})");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->stream_sid, "MZ18ad3ab5a668481ce02b83e7395059f0");
  EXPECT_EQ(s->sequence_number, 1u);
  const auto& start = std::get<StreamStart>(s->body);
  EXPECT_EQ(start.call_sid, "CA123");
  EXPECT_EQ(start.account_sid, "AC123");
  EXPECT_EQ(start.tracks, std::vector<std::string>{"inbound"});
  EXPECT_EQ(start.media_format.encoding, kStreamEncoding);
  EXPECT_EQ(start.media_format.sample_rate, kStreamSampleRate);
  EXPECT_EQ(start.media_format.channels, 1);
  // String values only: a parameter's value is text in TwiML.
  ASSERT_EQ(start.custom_parameters.size(), 2u);
  EXPECT_EQ(start.custom_parameters[0], (std::pair<std::string, std::string>{"From", "+14155550100"}));
}

TEST(TwilioMediaStream, ReadsMediaDtmfMarkStop) {
  auto m = parse_stream_message(R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1",
      "timestamp":"5","payload":"/3//fw=="},"streamSid":"MZ1"})");
  ASSERT_TRUE(m) << m.error().message;
  const auto& media = std::get<StreamMedia>(m->body);
  EXPECT_EQ(media.track, "inbound");
  EXPECT_EQ(media.chunk, 1u);
  EXPECT_EQ(media.timestamp_ms, 5u);
  EXPECT_EQ(media.payload, std::string("\xff\x7f\xff\x7f", 4));

  auto d = parse_stream_message(R"({"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5",
      "dtmf":{"track":"inbound_track","digit":"#"}})");
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<StreamDtmf>(d->body).digit, '#');

  auto k = parse_stream_message(R"({"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"320"}})");
  ASSERT_TRUE(k);
  EXPECT_EQ(std::get<StreamMark>(k->body).name, "320");

  auto s = parse_stream_message(R"({"event":"stop","sequenceNumber":"5","streamSid":"MZ1",
      "stop":{"accountSid":"AC1","callSid":"CA1"}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(std::get<StreamStop>(s->body).call_sid, "CA1");

  // Numbers are read in either form; an event Parley does not know is passed on, not refused.
  auto n = parse_stream_message(R"({"event":"media","sequenceNumber":7,"media":{"chunk":2,"timestamp":20,"payload":""}})");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->sequence_number, 7u);
  EXPECT_EQ(std::get<StreamMedia>(n->body).timestamp_ms, 20u);
  auto o = parse_stream_message(R"({"event":"something_new","streamSid":"MZ1"})");
  ASSERT_TRUE(o);
  EXPECT_EQ(std::get<StreamOther>(o->body).event, "something_new");
}

TEST(TwilioMediaStream, RefusesMalformedMessages) {
  for (const char* bad : {"", "not json", "[1,2]", R"({"streamSid":"MZ1"})", R"({"event":5})",
                          R"({"event":"media","streamSid":"MZ1"})",
                          R"({"event":"media","media":{"payload":"***"}})",
                          R"({"event":"media","media":{"payload":"AA==","chunk":"-1"}})",
                          R"({"event":"media","media":{"payload":"AA==","chunk":"1x"}})",
                          R"({"event":"start","start":{"callSid":"CA1"}})",
                          R"({"event":"start","start":{"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}}})",
                          R"({"event":"dtmf","dtmf":{"digit":"12"}})", R"({"event":"dtmf","dtmf":{"digit":"x"}})",
                          R"({"event":"mark","mark":{}})", R"({"event":"mark","mark":{"name":3}})"}) {
    auto r = parse_stream_message(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, parley::core::Errc::invalid_argument) << bad;
    }
  }
}

TEST(TwilioMediaStream, WritesMediaMarkAndClear) {
  const std::uint8_t mulaw[] = {0xff, 0x7f, 0x00};
  auto media = json::parse(media_message("MZ1", mulaw)).as_object();
  EXPECT_EQ(media.at("event"), "media");
  EXPECT_EQ(media.at("streamSid"), "MZ1");
  EXPECT_EQ(media.at("media").at("payload"), "/38A");
  auto mark = json::parse(mark_message("MZ1", "6400")).as_object();
  EXPECT_EQ(mark.at("event"), "mark");
  EXPECT_EQ(mark.at("mark").at("name"), "6400");
  auto clear = json::parse(clear_message("MZ1")).as_object();
  EXPECT_EQ(clear, (json::object{{"event", "clear"}, {"streamSid", "MZ1"}}));
}

TEST(TwilioMediaStream, CallRequestsAndTwiml) {
  Requests requests({"https://api.twilio.test", "https://trunking.twilio.test"}, "AC0123");
  auto hang_up = requests.complete_call("CA42");
  EXPECT_EQ(hang_up.method, "POST");
  EXPECT_EQ(hang_up.url, "https://api.twilio.test/2010-04-01/Accounts/AC0123/Calls/CA42.json");
  EXPECT_EQ(hang_up.body, "Status=completed");
  EXPECT_EQ(hang_up.content_type, "application/x-www-form-urlencoded");
  auto redirect = requests.redirect_call("CA42", "<Response/>");
  EXPECT_EQ(redirect.body, "Twiml=%3CResponse%2F%3E");

  EXPECT_NE(twiml_dial("sip:agent@pbx.example").find("<Response><Dial><Sip>sip:agent@pbx.example</Sip></Dial></Response>"),
            std::string::npos);
  EXPECT_NE(twiml_dial("tel:+14155550123").find("<Response><Dial><Number>+14155550123</Number></Dial></Response>"),
            std::string::npos);
  auto stream = twiml_connect_stream("wss://h/voice/twilio/stream/pn_1", {{"From", "+1 <x>"}, {"To", "+2"}});
  EXPECT_NE(stream.find("<Connect><Stream url=\"wss://h/voice/twilio/stream/pn_1\"><Parameter name=\"From\" "
                        "value=\"+1 &lt;x&gt;\"/><Parameter name=\"To\" value=\"+2\"/></Stream></Connect>"),
            std::string::npos)
      << stream;
}

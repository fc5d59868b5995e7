#include <gtest/gtest.h>

#include "carriers/public_url.hpp"

using parley::carriers::PublicUrl;
using parley::carriers::websocket_url;
using parley::net::HttpRequest;

namespace {
HttpRequest request(std::string remote, parley::net::HeaderList headers) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/voice/twilio/incoming/pn_1?x=a%20b";
  r.remote_address = std::move(remote);
  r.headers = std::move(headers);
  return r;
}
}  // namespace

TEST(PublicUrl, UsesTheConfiguredBaseAndKeepsItsPrefix) {
  auto p = PublicUrl::make("https://voice.example.com/parley/", {});
  ASSERT_TRUE(p.has_value());
  auto r = request("10.0.0.9", {{"Host", "10.0.0.5:8080"}, {"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "evil"}});
  EXPECT_EQ(p->request_url(r), "https://voice.example.com/parley/voice/twilio/incoming/pn_1?x=a%20b");
  EXPECT_EQ(p->absolute("/voice/twilio/status/pn_1"), "https://voice.example.com/parley/voice/twilio/status/pn_1");
}

TEST(PublicUrl, ForwardedHeadersOnlyFromTrustedProxies) {
  auto p = PublicUrl::make("", {"10.0.0.0/8"});
  ASSERT_TRUE(p.has_value());
  auto trusted = request("10.1.2.3", {{"Host", "internal:8080"},
                                      {"X-Forwarded-Proto", "https, http"},
                                      {"X-Forwarded-Host", "voice.example.com"}});
  EXPECT_EQ(p->request_url(trusted), "https://voice.example.com/voice/twilio/incoming/pn_1?x=a%20b");
  auto untrusted = request("203.0.113.7", {{"Host", "internal:8080"},
                                           {"X-Forwarded-Proto", "https"},
                                           {"X-Forwarded-Host", "voice.example.com"}});
  EXPECT_EQ(p->request_url(untrusted), "http://internal:8080/voice/twilio/incoming/pn_1?x=a%20b");
  auto junk = request("10.1.2.3", {{"Host", "internal"}, {"X-Forwarded-Proto", "gopher"}, {"X-Forwarded-Host", "a b/c"}});
  EXPECT_EQ(p->request_url(junk), "http://internal/voice/twilio/incoming/pn_1?x=a%20b");
}

TEST(PublicUrl, TrustedProxyOverridesTheConfiguredScheme) {
  auto p = PublicUrl::make("http://voice.example.com", {"127.0.0.1"});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->request_url(request("127.0.0.1", {{"X-Forwarded-Proto", "https"}})),
            "https://voice.example.com/voice/twilio/incoming/pn_1?x=a%20b");
}

TEST(PublicUrl, RefusesBadSettings) {
  EXPECT_FALSE(PublicUrl::make("voice.example.com", {}).has_value());
  EXPECT_FALSE(PublicUrl::make("https://x.example/?a=1", {}).has_value());
  EXPECT_FALSE(PublicUrl::make("", {"not-an-ip"}).has_value());
  EXPECT_FALSE(PublicUrl::make("", {}).value().configured());
}

TEST(PublicUrl, ClientAddressBehindTrustedProxies) {
  auto p = PublicUrl::make("", {"10.0.0.0/8"});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->client_address(request("10.0.0.2", {{"X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.0.0.9"}})),
            "198.51.100.7");
  EXPECT_EQ(p->client_address(request("203.0.113.1", {{"X-Forwarded-For", "198.51.100.7"}})), "203.0.113.1");
  EXPECT_EQ(p->client_address(request("10.0.0.2", {})), "10.0.0.2");
}

TEST(PublicUrl, WebSocketFormOfAUrl) {
  EXPECT_EQ(websocket_url("https://voice.example.com/parley"), "wss://voice.example.com/parley");
  EXPECT_EQ(websocket_url("http://127.0.0.1:8080"), "ws://127.0.0.1:8080");
  EXPECT_EQ(websocket_url("wss://already"), "wss://already");
}

#include <gtest/gtest.h>

#include "carriers/plivo/signature.hpp"
#include "carriers/twilio/signature.hpp"
#include "core/crypto.hpp"

using namespace parley::carriers;

// Vectors produced by twilio@6.2.0 and plivo@4.79.0 (shared notes s9); the integration tests
// generate more with the libraries at test time.
TEST(TwilioSignature, MatchesTheLibraryVector) {
  twilio::FormParams p = {{"From", "+15551234567"}, {"CallSid", "CA123"}};
  EXPECT_EQ(twilio::compute_signature("12345", "https://example.invalid/voice?x=1", p), "BSKhamlhiCbj8LnPcJRRz1F92ns=");
  EXPECT_TRUE(twilio::verify_signature("12345", "BSKhamlhiCbj8LnPcJRRz1F92ns=", "https://example.invalid/voice?x=1", p));
}

TEST(TwilioSignature, RejectsTampering) {
  twilio::FormParams p = {{"From", "+15551234567"}, {"CallSid", "CA123"}};
  const std::string sig = "BSKhamlhiCbj8LnPcJRRz1F92ns=";
  EXPECT_FALSE(twilio::verify_signature("12346", sig, "https://example.invalid/voice?x=1", p));
  EXPECT_FALSE(twilio::verify_signature("12345", sig, "https://example.invalid/voice?x=2", p));
  EXPECT_FALSE(twilio::verify_signature("12345", sig, "http://example.invalid/voice?x=1", p));
  twilio::FormParams changed = {{"From", "+15551234568"}, {"CallSid", "CA123"}};
  EXPECT_FALSE(twilio::verify_signature("12345", sig, "https://example.invalid/voice?x=1", changed));
  twilio::FormParams extra = p;
  extra.emplace_back("Digits", "1");
  EXPECT_FALSE(twilio::verify_signature("12345", sig, "https://example.invalid/voice?x=1", extra));
  EXPECT_FALSE(twilio::verify_signature("12345", "", "https://example.invalid/voice?x=1", p));
  EXPECT_FALSE(twilio::verify_signature("", sig, "https://example.invalid/voice?x=1", p));
}

TEST(TwilioSignature, AcceptsTheUrlWithOrWithoutTheDefaultPort) {
  twilio::FormParams p = {{"CallSid", "CA1"}};
  auto signed_with_port = twilio::compute_signature("tok", "https://h.example:443/v?a=1", p);
  EXPECT_TRUE(twilio::verify_signature("tok", signed_with_port, "https://h.example/v?a=1", p));
  auto signed_without = twilio::compute_signature("tok", "https://h.example/v", p);
  EXPECT_TRUE(twilio::verify_signature("tok", signed_without, "https://h.example:443/v", p));
  EXPECT_EQ(twilio::with_default_port("http://h/x"), "http://h:80/x");
  EXPECT_EQ(twilio::without_port("https://h:8443/x?y=1"), "https://h/x?y=1");
  EXPECT_EQ(twilio::with_default_port("https://[::1]/x"), "https://[::1]:443/x");
}

TEST(TwilioSignature, RepeatedParametersAreSortedByValue) {
  twilio::FormParams a = {{"B", "2"}, {"A", "z"}, {"A", "y"}};
  twilio::FormParams b = {{"A", "y"}, {"A", "z"}, {"B", "2"}};
  EXPECT_EQ(twilio::compute_signature("t", "https://x/", a), twilio::compute_signature("t", "https://x/", b));
  EXPECT_EQ(twilio::compute_signature("t", "https://x/", a),
            parley::core::base64_encode(parley::core::hmac_sha1("t", "https://x/AyAzB2")));
}

TEST(TwilioSignature, JsonBodyVariant) {
  std::string body = R"({"CallSid":"CA1","Status":"completed"})";
  std::string url = "https://h.example/status?bodySHA256=" + parley::core::sha256_hex(body);
  auto sig = twilio::compute_signature("tok", url, {});
  EXPECT_TRUE(twilio::verify_body_signature("tok", sig, url, body));
  EXPECT_FALSE(twilio::verify_body_signature("tok", sig, url, body + " "));
  EXPECT_FALSE(twilio::verify_body_signature("bad", sig, url, body));
  EXPECT_FALSE(twilio::verify_body_signature("tok", sig, "https://h.example/status", body));
}

TEST(PlivoSignature, MatchesTheLibraryVector) {
  plivo::FormParams p = {{"From", "15551234567"}, {"CallUUID", "abc-123"}};
  auto base = plivo::signing_base("POST", "https://example.invalid/answer", p);
  EXPECT_EQ(base, "https://example.invalid/answer?CallUUIDabc-123From15551234567");
  EXPECT_EQ(plivo::compute_signature_v3("MYTOKEN", base, "12345678"), "medi+Ea80Zswg5UvF7sVa3OKzzRKSkDpr/CVXcJpNWU=");
  EXPECT_TRUE(plivo::verify_signature_v3("POST", "https://example.invalid/answer", "12345678", "MYTOKEN",
                                         "medi+Ea80Zswg5UvF7sVa3OKzzRKSkDpr/CVXcJpNWU=", p));
}

TEST(PlivoSignature, SigningBaseQuirks) {
  EXPECT_EQ(plivo::signing_base("GET", "https://e.invalid/answer?b=2&a=1", {}), "https://e.invalid/answer?a=1&b=2");
  EXPECT_EQ(plivo::signing_base("POST", "https://e.invalid/answer?b=2&a=1", {{"X", "1"}}),
            "https://e.invalid/answer?a=1&b=2.X1");
  EXPECT_EQ(plivo::signing_base("POST", "https://e.invalid/answer?b=2", {}), "https://e.invalid/answer?b=2");
  EXPECT_EQ(plivo::signing_base("POST", "https://e.invalid/answer", {}), "https://e.invalid/answer");
  EXPECT_EQ(plivo::signing_base("GET", "https://e.invalid/a?x=%20y", {{"k", "v"}}), "https://e.invalid/a?k=v&x= y");
  EXPECT_EQ(plivo::signing_base("PUT", "https://e.invalid/a", {}), "");
}

TEST(PlivoSignature, AnyOfSeveralSignaturesAndTampering) {
  plivo::FormParams p = {{"CallUUID", "abc-123"}, {"From", "15551234567"}};
  const std::string good = "medi+Ea80Zswg5UvF7sVa3OKzzRKSkDpr/CVXcJpNWU=";
  const std::string url = "https://example.invalid/answer";
  EXPECT_TRUE(plivo::verify_signature_v3("POST", url, "12345678", "MYTOKEN", "AAAA," + good, p));
  EXPECT_TRUE(plivo::verify_signature_v3("POST", url, "12345678", "MYTOKEN", good + ", AAAA", p));
  EXPECT_FALSE(plivo::verify_signature_v3("POST", url, "12345679", "MYTOKEN", good, p));
  EXPECT_FALSE(plivo::verify_signature_v3("POST", url, "12345678", "MYTOKEM", good, p));
  EXPECT_FALSE(plivo::verify_signature_v3("POST", url + "x", "12345678", "MYTOKEN", good, p));
  EXPECT_FALSE(plivo::verify_signature_v3("GET", url, "12345678", "MYTOKEN", good, p));
  plivo::FormParams changed = {{"CallUUID", "abc-124"}, {"From", "15551234567"}};
  EXPECT_FALSE(plivo::verify_signature_v3("POST", url, "12345678", "MYTOKEN", good, changed));
  EXPECT_FALSE(plivo::verify_signature_v3("POST", url, "", "MYTOKEN", good, p));
  EXPECT_FALSE(plivo::verify_signature_v3("POST", url, "12345678", "MYTOKEN", "", p));
}

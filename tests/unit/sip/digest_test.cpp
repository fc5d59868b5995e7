#include <gtest/gtest.h>

#include "sip/auth/digest.hpp"
#include "sip/auth/digest_verifier.hpp"

namespace parley::sip::auth {
namespace {

using namespace std::chrono_literals;

// RFC 2617 s3.5
TEST(Digest, Rfc2617Example) {
  auto creds = parse_credentials(
      "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
      "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
      "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(creds) << creds.error().message;
  EXPECT_EQ(creds->username, "Mufasa");
  EXPECT_EQ(creds->nc, "00000001");
  const std::string ha1 = compute_ha1(DigestAlgorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::md5, ha1, creds->nonce, creds->nc, creds->cnonce, creds->qop,
                             DigestRequest{"GET", creds->uri, {}}),
            "6629fae49393a05397450978507c4ef1");
}

// RFC 7616 s3.9.1 (SHA-256 and MD5 responses to the same challenge)
TEST(Digest, Rfc7616Sha256Example) {
  auto ch = parse_challenge(
      "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  ASSERT_TRUE(ch);
  EXPECT_EQ(ch->algorithm, DigestAlgorithm::sha256);
  EXPECT_TRUE(ch->qop_auth);
  EXPECT_TRUE(ch->qop_auth_int);
  const std::string value = build_authorization(*ch, "Mufasa", "Circle of Life", DigestRequest{"GET", "/dir/index.html", {}},
                                                1, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
  auto creds = parse_credentials(value);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->response, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ(creds->qop, "auth");
  EXPECT_EQ(creds->opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  const std::string md5_ha1 = compute_ha1(DigestAlgorithm::md5, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::md5, md5_ha1, ch->nonce, "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                             "auth", DigestRequest{"GET", "/dir/index.html", {}}),
            "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(Digest, LegacyNoQopForm) {
  DigestChallenge ch;
  ch.realm = "biloxi.com";
  ch.nonce = "abc";
  const std::string value = build_authorization(ch, "bob", "zanzibar", DigestRequest{"REGISTER", "sip:biloxi.com", {}});
  auto creds = parse_credentials(value);
  ASSERT_TRUE(creds);
  EXPECT_TRUE(creds->qop.empty());
  EXPECT_TRUE(creds->cnonce.empty());
  // RFC 2069: H(HA1:nonce:HA2)
  const std::string ha1 = compute_ha1(DigestAlgorithm::md5, "bob", "biloxi.com", "zanzibar");
  EXPECT_EQ(creds->response, compute_response(DigestAlgorithm::md5, ha1, "abc", "", "", "", {"REGISTER", "sip:biloxi.com", {}}));
}

TEST(Digest, RejectsNonDigestAndMissingFields) {
  EXPECT_FALSE(parse_challenge("Basic realm=\"x\""));
  EXPECT_FALSE(parse_challenge("Digest realm=\"x\""));
  EXPECT_FALSE(parse_credentials("Digest username=\"a\", nonce=\"n\", uri=\"sip:x\", response=\"r\", qop=auth"));
  EXPECT_FALSE(parse_challenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-999"));
}

TEST(NonceIssuer, ValidExpiredAndForged) {
  const NonceIssuer issuer("0123456789abcdef0123456789abcdef", 300s);
  const auto now = NonceIssuer::Clock::now();
  const std::string nonce = issuer.issue(now);
  EXPECT_EQ(issuer.check(nonce, now + 10s), NonceState::valid);
  EXPECT_EQ(issuer.check(nonce, now + 301s), NonceState::expired);
  std::string forged = nonce;
  forged[3] = forged[3] == '0' ? '1' : '0';
  EXPECT_EQ(issuer.check(forged, now), NonceState::invalid);
  EXPECT_EQ(issuer.check("short", now), NonceState::invalid);
  const NonceIssuer other("another-key-another-key-another!", 300s);
  EXPECT_EQ(other.check(nonce, now), NonceState::invalid);
}

TEST(ReplayGuard, EachNonceCountOnce) {
  ReplayGuard guard(2);
  EXPECT_TRUE(guard.accept("n1", 1));
  EXPECT_FALSE(guard.accept("n1", 1));
  EXPECT_TRUE(guard.accept("n1", 2));
  EXPECT_TRUE(guard.accept("n2", 1));
  EXPECT_TRUE(guard.accept("n3", 1));  // evicts n1
  EXPECT_FALSE(guard.accept("n3", 1));
}

TEST(DigestVerifier, ChallengeAnswerVerifyReplayStale) {
  const NonceIssuer issuer("server-secret-server-secret-0123", 60s);
  ReplayGuard replay;
  const DigestVerifier verifier("parley.example", issuer, replay);
  const auto now = NonceIssuer::Clock::now();
  for (DigestAlgorithm alg : {DigestAlgorithm::md5, DigestAlgorithm::sha256, DigestAlgorithm::sha256_sess}) {
    auto ch = parse_challenge(verifier.challenge(now, false, alg));
    ASSERT_TRUE(ch);
    const DigestRequest req{"INVITE", "sip:bob@parley.example", {}};
    auto creds = parse_credentials(build_authorization(*ch, "alice", "s3cret", req, 1));
    ASSERT_TRUE(creds);
    EXPECT_EQ(verifier.verify(*creds, "INVITE", {.password = "s3cret"}, now), VerifyResult::ok);
    EXPECT_EQ(verifier.verify(*creds, "INVITE", {.password = "s3cret"}, now), VerifyResult::replayed);
    auto next = parse_credentials(build_authorization(*ch, "alice", "s3cret", req, 2));
    const std::string ha1 = compute_ha1(alg == DigestAlgorithm::sha256_sess ? DigestAlgorithm::sha256 : alg, "alice",
                                        "parley.example", "s3cret");
    EXPECT_EQ(verifier.verify(*next, "INVITE", {.ha1 = ha1}, now), VerifyResult::ok);
    auto wrong = parse_credentials(build_authorization(*ch, "alice", "wrong", req, 3));
    EXPECT_EQ(verifier.verify(*wrong, "INVITE", {.password = "s3cret"}, now), VerifyResult::rejected);
    auto late = parse_credentials(build_authorization(*ch, "alice", "s3cret", req, 4));
    EXPECT_EQ(verifier.verify(*late, "INVITE", {.password = "s3cret"}, now + 61s), VerifyResult::stale);
    EXPECT_EQ(verifier.verify(*late, "BYE", {.password = "s3cret"}, now), VerifyResult::rejected);
  }
}

}  // namespace
}  // namespace parley::sip::auth

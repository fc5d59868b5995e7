// RFC 4475 torture tests: every message of s3.1.1, s3.1.2, s3.2.1, s3.3 and s3.4 with the
// outcome the RFC asks of a parser (parse_message + validate for the full check).
#include <gtest/gtest.h>

#include "golden.hpp"
#include "sip/message/builder.hpp"
#include "sip/message/parser.hpp"

namespace parley::sip {
namespace {

using test::golden;

struct Loaded {
  std::string data;
  ParseResult<Message> msg;
};

Loaded load(const std::string& name, Framing framing = Framing::datagram) {
  Loaded l{golden("rfc4475/" + name + ".sip"), std::unexpected(ParseError{})};
  EXPECT_FALSE(l.data.empty()) << name;
  l.msg = parse_message(l.data, framing);
  return l;
}

// Valid per the RFC: parses and passes full validation.
Loaded load_valid(const std::string& name) {
  Loaded l = load(name);
  EXPECT_TRUE(l.msg.has_value()) << name << ": " << (l.msg ? "" : l.msg.error().reason());
  if (l.msg) {
    auto v = validate(*l.msg);
    EXPECT_TRUE(v.has_value()) << name << ": " << (v ? "" : v.error().reason()) << " "
                               << (v ? "" : v.error().header);
  }
  return l;
}

ParseError parse_failure(const std::string& name) {
  Loaded l = load(name);
  EXPECT_FALSE(l.msg.has_value()) << name << " parsed but must not";
  return l.msg ? ParseError{} : l.msg.error();
}

// s3.1.1.1
TEST(Rfc4475, WsinvShortTortuousInvite) {
  auto l = load_valid("wsinv");
  ASSERT_TRUE(l.msg);
  const Message& m = *l.msg;
  EXPECT_EQ(m.method(), "INVITE");
  EXPECT_TRUE(m.request_uri().params.has("unknownparam"));
  EXPECT_EQ(m.to().tag(), "1918181833n");
  EXPECT_EQ(m.from().tag(), "98asjd8");
  EXPECT_EQ(unquote(m.from().display_name), "J Rosenberg \\\"");
  EXPECT_EQ(m.max_forwards(), 68);
  EXPECT_EQ(m.cseq().number, 9u);
  EXPECT_EQ(m.cseq().method, "INVITE");
  EXPECT_EQ(m.call_id(), "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(m.top_via().transport, "UDP");
  EXPECT_EQ(m.top_via().host, "192.0.2.2");
  EXPECT_EQ(m.top_via().branch(), "390skdjuw");
  auto vias = m.vias();
  ASSERT_TRUE(vias);
  ASSERT_EQ(vias->size(), 3u);
  EXPECT_EQ((*vias)[1].host, "spindle.example.com");
  EXPECT_EQ((*vias)[1].transport, "TCP");
  EXPECT_EQ((*vias)[1].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ((*vias)[2].branch(), "z9hG4bK30239");
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts);
  ASSERT_EQ(contacts->size(), 1u);
  EXPECT_EQ(unquote((*contacts)[0].address.display_name), "Quoted string \"\"");
  EXPECT_EQ((*contacts)[0].address.params.value("newparam"), "newvalue");
  EXPECT_TRUE((*contacts)[0].address.params.has("secondparam"));
  EXPECT_EQ((*contacts)[0].q(), "0.33");
  const Header* subject = m.find(HeaderId::subject);
  ASSERT_NE(subject, nullptr);
  EXPECT_EQ(subject->value, "");
  const Header* unusual = m.find("UnknownHeaderWithUnusualValue");
  ASSERT_NE(unusual, nullptr);
  EXPECT_EQ(unusual->value, ";;,,;;,;");
  EXPECT_EQ(m.find("newfangledheader")->value, "newfangled value\r\n continued newfangled value");
  auto routes = m.routes();
  ASSERT_TRUE(routes);
  ASSERT_EQ(routes->size(), 1u);
  EXPECT_TRUE((*routes)[0].uri.params.has("lr"));
  EXPECT_EQ(m.body().size(), 150u);
  EXPECT_TRUE(m.body().starts_with("v=0\r\n"));
}

// s3.1.1.2
TEST(Rfc4475, IntmethWideRangeOfValidCharacters) {
  auto l = load_valid("intmeth");
  ASSERT_TRUE(l.msg);
  const Message& m = *l.msg;
  EXPECT_EQ(m.method(), "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(m.cseq().method, m.method());
  EXPECT_EQ(m.cseq().number, 139122385u);
  EXPECT_EQ(m.request_uri().user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(m.request_uri().password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(m.request_uri().host, "example.com");
  constexpr char kTo[] = "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f";
  EXPECT_EQ(m.to().display_name, std::string_view(kTo, sizeof kTo - 1));
  EXPECT_EQ(m.from().display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(m.from().tag(), "_token~1'+`*%!-.");
  EXPECT_EQ(m.call_id(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m.max_forwards(), 255);
  EXPECT_EQ(m.top_via().branch(), "z9hG4bK-.!%66*_+`'~");
  const Header* ext = m.find("extensionHeader-!.%*+_`'~");
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(ext->value, "\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB");
}

// s3.1.1.3
TEST(Rfc4475, Esc01ValidEscaping) {
  auto l = load_valid("esc01");
  ASSERT_TRUE(l.msg);
  const Message& m = *l.msg;
  EXPECT_EQ(unescape(m.request_uri().user), "sips:user@example.com");
  EXPECT_EQ(m.request_uri().host, "example.net");
  EXPECT_EQ(unescape(m.to().uri.user), "user");
  EXPECT_EQ(unescape(m.from().uri.user), "I have spaces");
  EXPECT_EQ(m.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
  auto ct = m.content_type();
  ASSERT_TRUE(ct && *ct);
  EXPECT_EQ((*ct)->subtype, "sdp");
  auto contacts = m.contacts();
  ASSERT_TRUE(contacts && contacts->size() == 1);
  EXPECT_EQ(unescape((*contacts)[0].address.uri.user), "caller");
  EXPECT_TRUE((*contacts)[0].address.uri.params.has("%6C%72"));
}

// s3.1.1.4
TEST(Rfc4475, EscnullEscapedNulls) {
  auto l = load_valid("escnull");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(unescape(l.msg->to().uri.user), std::string("null-\0-null", 11));
  auto contacts = l.msg->contacts();
  ASSERT_TRUE(contacts && contacts->size() == 2);
  EXPECT_EQ(unescape((*contacts)[1].address.uri.user), std::string("\0\0", 2));
}

// s3.1.1.5: "%" outside an escape is a literal in tokens; C%6Fntact is an unknown header.
TEST(Rfc4475, Esc02PercentNotAnEscape) {
  auto l = load_valid("esc02");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->method(), "RE%47IST%45R");
  EXPECT_EQ(l.msg->to().display_name, "%Z%45");
  EXPECT_EQ(l.msg->top_via().branch(), "z9hG4bK209%fzsnel234");
  auto contacts = l.msg->contacts();
  ASSERT_TRUE(contacts);
  EXPECT_EQ(contacts->size(), 2u);
  EXPECT_NE(l.msg->find("C%6Fntact"), nullptr);
}

// s3.1.1.6
TEST(Rfc4475, LwsdispNoSpaceBeforeAngle) {
  auto l = load_valid("lwsdisp");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->from().display_name, "caller");
  EXPECT_EQ(l.msg->from().uri.user, "caller");
  EXPECT_EQ(l.msg->from().tag(), "323");
}

// s3.1.1.7
TEST(Rfc4475, LongreqLongValues) {
  auto l = load_valid("longreq");
  ASSERT_TRUE(l.msg);
  auto vias = l.msg->vias();
  ASSERT_TRUE(vias);
  EXPECT_EQ(vias->size(), 34u);
  EXPECT_EQ(l.msg->top_via().host, "sip33.example.com");
  EXPECT_EQ(vias->back().received(), "192.0.2.5");
  EXPECT_EQ(l.msg->from().tag()->size(), 2u + 150u + 3u);
  EXPECT_EQ(l.msg->to().uri.port, 6000);
  EXPECT_EQ(l.msg->call_id().size(), std::string_view("longreq.one").size() + 120 + 10);
}

// s3.1.1.8: a UDP datagram's octets past Content-Length are ignored.
TEST(Rfc4475, DblreqTrailingOctetsIgnored) {
  auto l = load_valid("dblreq");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->method(), "REGISTER");
  EXPECT_TRUE(l.msg->body().empty());
  EXPECT_LT(l.msg->wire().size(), l.data.size());
  EXPECT_TRUE(l.msg->wire().ends_with("Content-Length: 0\r\n\r\n"));
}

// s3.1.1.9
TEST(Rfc4475, SemiuriParamsInUserPart) {
  auto l = load_valid("semiuri");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(unescape(l.msg->request_uri().user), "user;par=u@example.net");
  EXPECT_EQ(l.msg->request_uri().host, "example.com");
  EXPECT_TRUE(l.msg->request_uri().params.empty());
  auto accept = l.msg->values(HeaderId::accept);
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->size(), 6u);
}

// s3.1.1.10
TEST(Rfc4475, TransportsVariedAndUnknown) {
  auto l = load_valid("transports");
  ASSERT_TRUE(l.msg);
  auto vias = l.msg->vias();
  ASSERT_TRUE(vias && vias->size() == 5);
  EXPECT_EQ((*vias)[1].transport, "SCTP");
  EXPECT_EQ((*vias)[3].transport, "UNKNOWN");
}

// s3.1.1.11: binary body bytes (CR, LF, NUL) are delimited by Content-Length only.
TEST(Rfc4475, Mpart01MultipartBody) {
  auto l = load_valid("mpart01");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->body().size(), 553u);
  EXPECT_TRUE(l.msg->body().ends_with("--7a9cbec02ceef655--\r\n"));
  auto ct = l.msg->content_type();
  ASSERT_TRUE(ct && *ct);
  EXPECT_EQ((*ct)->type, "multipart");
  EXPECT_EQ((*ct)->params.value("boundary"), "7a9cbec02ceef655");
}

// s3.1.1.12
TEST(Rfc4475, UnreasonUnusualReasonPhrase) {
  auto l = load_valid("unreason");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->status(), 200);
  EXPECT_TRUE(l.msg->reason().starts_with("= 2**3 * 5**2 \xD0\xBD\xD0\xBE"));
  EXPECT_EQ(l.msg->body().size(), 154u);
}

// s3.1.1.13
TEST(Rfc4475, NoreasonEmptyReasonPhrase) {
  auto l = load_valid("noreason");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->status(), 100);
  EXPECT_EQ(l.msg->reason(), "");
}

// s3.1.2.1: empty Via/Contact parameters.
TEST(Rfc4475, Badinv01ExtraneousSeparators) {
  EXPECT_EQ(parse_failure("badinv01").code, ParseErrc::bad_via);
}

// s3.1.2.2: Content-Length larger than the datagram.
TEST(Rfc4475, ClerrContentLengthTooLarge) {
  const ParseError e = parse_failure("clerr");
  EXPECT_EQ(e.code, ParseErrc::content_length_mismatch);
  EXPECT_TRUE(e.can_respond);
  EXPECT_EQ(e.reason(), "Content-Length mismatch");
  // Over a stream the same bytes mean "wait for more".
  auto l = load("clerr", Framing::stream);
  ASSERT_FALSE(l.msg);
  EXPECT_EQ(l.msg.error().code, ParseErrc::incomplete);
}

// s3.1.2.3
TEST(Rfc4475, NclNegativeContentLength) { EXPECT_EQ(parse_failure("ncl").code, ParseErrc::bad_content_length); }

// s3.1.2.4: CSeq over 2^31, Max-Forwards over 255, huge Expires.
TEST(Rfc4475, Scalar02OverlargeRequestScalars) {
  EXPECT_EQ(parse_failure("scalar02").code, ParseErrc::bad_cseq);
}

// s3.1.2.5: a response with overlarge scalars is dropped (never answered).
TEST(Rfc4475, ScalarlgOverlargeResponseScalars) {
  const ParseError e = parse_failure("scalarlg");
  EXPECT_EQ(e.code, ParseErrc::bad_cseq);
  EXPECT_FALSE(e.can_respond);
}

// s3.1.2.6
TEST(Rfc4475, QuotbalUnterminatedQuote) { EXPECT_EQ(parse_failure("quotbal").code, ParseErrc::bad_to); }

// s3.1.2.7
TEST(Rfc4475, LtgtruriAngleBracketsInRequestUri) {
  EXPECT_EQ(parse_failure("ltgtruri").code, ParseErrc::bad_request_uri);
}

// s3.1.2.8
TEST(Rfc4475, LwsruriEmbeddedLws) {
  const ParseError e = parse_failure("lwsruri");
  EXPECT_EQ(e.code, ParseErrc::bad_start_line);
  EXPECT_TRUE(e.can_respond);
}

// s3.1.2.9
TEST(Rfc4475, LwsstartMultipleSpaces) {
  const ParseError e = parse_failure("lwsstart");
  EXPECT_EQ(e.code, ParseErrc::bad_start_line);
  EXPECT_TRUE(e.can_respond);
}

// s3.1.2.10: the RFC allows either rejecting or accepting; we reject (strict Request-Line).
TEST(Rfc4475, TrwsTrailingSpaces) { EXPECT_EQ(parse_failure("trws").code, ParseErrc::bad_start_line); }

// s3.1.2.11
TEST(Rfc4475, EscruriHeadersInRequestUri) {
  EXPECT_EQ(parse_failure("escruri").code, ParseErrc::bad_request_uri);
}

// s3.1.2.12: parses (transaction layer is fine) but fails full validation.
TEST(Rfc4475, BaddateNonGmtDate) {
  auto l = load("baddate");
  ASSERT_TRUE(l.msg);
  auto v = validate(*l.msg);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().header, "Date");
}

// s3.1.2.13
TEST(Rfc4475, RegbadctAddrSpecWithQuestionMark) {
  auto l = load("regbadct");
  ASSERT_TRUE(l.msg);
  auto v = validate(*l.msg);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().header, "Contact");
}

// s3.1.2.14
TEST(Rfc4475, BadaspecSpacesInsideAngles) { EXPECT_EQ(parse_failure("badaspec").code, ParseErrc::bad_to); }

// s3.1.2.15
TEST(Rfc4475, BaddnNonTokenDisplayName) { EXPECT_EQ(parse_failure("baddn").code, ParseErrc::bad_from); }

// s3.1.2.16: answered with 505.
TEST(Rfc4475, BadversUnknownVersion) {
  const ParseError e = parse_failure("badvers");
  EXPECT_EQ(e.code, ParseErrc::bad_version);
  EXPECT_EQ(e.status(), 505);
}

// s3.1.2.17
TEST(Rfc4475, Mismatch01CSeqMethod) {
  const ParseError e = parse_failure("mismatch01");
  EXPECT_EQ(e.code, ParseErrc::cseq_method_mismatch);
  EXPECT_TRUE(e.can_respond);
}

// s3.1.2.18
TEST(Rfc4475, Mismatch02UnknownMethodAndCSeqMismatch) {
  EXPECT_EQ(parse_failure("mismatch02").code, ParseErrc::cseq_method_mismatch);
}

// s3.1.2.19
TEST(Rfc4475, BigcodeOverlargeStatus) { EXPECT_EQ(parse_failure("bigcode").code, ParseErrc::bad_status_code); }

// s3.2.1: syntactically valid; the branch is only the magic cookie (transaction layer decides).
TEST(Rfc4475, BadbranchCookieOnly) {
  auto l = load_valid("badbranch");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->top_via().branch(), "z9hG4bK");
  EXPECT_FALSE(l.msg->top_via().rfc3261_branch());
}

// s3.3.1: no From, To or Call-ID: nothing to answer with.
TEST(Rfc4475, InsufMissingRequiredHeaders) {
  const ParseError e = parse_failure("insuf");
  EXPECT_EQ(e.code, ParseErrc::missing_from);
  EXPECT_FALSE(e.can_respond);
}

// s3.3.2 / s3.3.3: well-formed; unknown schemes are opaque (the UAS answers 416).
TEST(Rfc4475, UnkscmAndNovelscOpaqueRequestUri) {
  auto a = load_valid("unkscm");
  ASSERT_TRUE(a.msg);
  EXPECT_EQ(a.msg->request_uri().scheme, UriScheme::other);
  EXPECT_EQ(a.msg->request_uri().scheme_text, "nobodyKnowsThisScheme");
  EXPECT_EQ(a.msg->request_uri().opaque, "totallyopaquecontent");
  auto b = load_valid("novelsc");
  ASSERT_TRUE(b.msg);
  EXPECT_EQ(b.msg->request_uri().scheme_text, "soap.beep");
  EXPECT_EQ(b.msg->request_uri().opaque, "//192.0.2.103:3002");
}

// s3.3.4
TEST(Rfc4475, Unksm2UnknownSchemesInHeaders) {
  auto l = load_valid("unksm2");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->to().uri.scheme_text, "isbn");
  EXPECT_EQ(l.msg->from().uri.scheme_text, "http");
  auto contacts = l.msg->contacts();
  ASSERT_TRUE(contacts && contacts->size() == 1);
  EXPECT_EQ((*contacts)[0].address.uri.opaque, "John_Smith");
}

// s3.3.5
TEST(Rfc4475, Bext01RequireAndProxyRequire) {
  auto l = load_valid("bext01");
  ASSERT_TRUE(l.msg);
  auto req = l.msg->tokens(HeaderId::require);
  ASSERT_TRUE(req);
  ASSERT_EQ(req->size(), 2u);
  EXPECT_EQ((*req)[1], "nothingSupportsThisEither");
  auto preq = l.msg->tokens(HeaderId::proxy_require);
  ASSERT_TRUE(preq && preq->size() == 2);
}

// s3.3.6
TEST(Rfc4475, InvutUnknownContentType) {
  auto l = load_valid("invut");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ((*l.msg->content_type())->subtype, "unknownformat");
  EXPECT_EQ(l.msg->body().size(), 40u);
}

// s3.3.7
TEST(Rfc4475, Regaut01UnknownAuthScheme) {
  auto l = load_valid("regaut01");
  ASSERT_TRUE(l.msg);
  auto auth = l.msg->auth(HeaderId::authorization);
  ASSERT_TRUE(auth && auth->size() == 1);
  EXPECT_EQ((*auth)[0].scheme(), "NoOneKnowsThisScheme");
  EXPECT_EQ((*auth)[0].param("opaque-data"), "here");
}

// s3.3.8
TEST(Rfc4475, Multi01RepeatedSingleValueHeaders) {
  EXPECT_EQ(parse_failure("multi01").code, ParseErrc::duplicate_header);
}

// s3.3.9
TEST(Rfc4475, Mcl01MultipleContentLength) {
  EXPECT_EQ(parse_failure("mcl01").code, ParseErrc::duplicate_header);
}

// s3.3.10: parses; the broadcast Via is the transport layer's business.
TEST(Rfc4475, BcastBroadcastVia) {
  auto l = load_valid("bcast");
  ASSERT_TRUE(l.msg);
  auto vias = l.msg->vias();
  ASSERT_TRUE(vias && vias->size() == 2);
  EXPECT_EQ((*vias)[1].host, "255.255.255.255");
}

// s3.3.11
TEST(Rfc4475, ZeromfMaxForwardsZero) {
  auto l = load_valid("zeromf");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->max_forwards(), 0);
}

// s3.3.12: the parameter belongs to the Contact header, not the URI.
TEST(Rfc4475, Cparam01ContactHeaderParam) {
  auto l = load_valid("cparam01");
  ASSERT_TRUE(l.msg);
  auto c = l.msg->contacts();
  ASSERT_TRUE(c && c->size() == 1);
  EXPECT_TRUE((*c)[0].address.params.has("unknownparam"));
  EXPECT_TRUE((*c)[0].address.uri.params.empty());
}

// s3.3.13: inside <> it is a URI parameter.
TEST(Rfc4475, Cparam02ContactUriParam) {
  auto l = load_valid("cparam02");
  ASSERT_TRUE(l.msg);
  auto c = l.msg->contacts();
  ASSERT_TRUE(c && c->size() == 1);
  EXPECT_TRUE((*c)[0].address.uri.params.has("unknownparam"));
  EXPECT_TRUE((*c)[0].address.params.empty());
}

// s3.3.14
TEST(Rfc4475, RegescrtEscapedHeaderInContact) {
  auto l = load_valid("regescrt");
  ASSERT_TRUE(l.msg);
  auto c = l.msg->contacts();
  ASSERT_TRUE(c && c->size() == 1);
  auto route = (*c)[0].address.uri.headers.value("Route");
  ASSERT_TRUE(route);
  EXPECT_EQ(unescape(*route), "<sip:sip.example.com>");
}

// s3.3.15
TEST(Rfc4475, Sdp01UnacceptableAccept) {
  auto l = load_valid("sdp01");
  ASSERT_TRUE(l.msg);
  EXPECT_EQ(l.msg->find(HeaderId::accept)->value, "text/nobodyKnowsThis");
}

// s3.4.1: RFC 2543 syntax, no branch, no Content-Length over UDP.
TEST(Rfc4475, Inv2543BackwardCompatible) {
  auto l = load_valid("inv2543");
  ASSERT_TRUE(l.msg);
  EXPECT_FALSE(l.msg->top_via().branch());
  EXPECT_FALSE(l.msg->content_length());
  EXPECT_TRUE(l.msg->body().starts_with("v=0"));
  // Without <> the ";user=phone" is a To header parameter (RFC 3261 s20.10).
  EXPECT_EQ(l.msg->to().params.value("user"), "phone");
  // Over a stream the missing Content-Length is an error (RFC 3261 s18.3).
  auto s = load("inv2543", Framing::stream);
  ASSERT_FALSE(s.msg);
  EXPECT_EQ(s.msg.error().code, ParseErrc::missing_content_length);
}

// Requests that can be answered produce a 4xx echoing the essentials.
TEST(Rfc4475, ErrorResponseForAnswerableRequest) {
  const std::string data = golden("rfc4475/lwsstart.sip");
  auto m = parse_message(data, Framing::datagram);
  ASSERT_FALSE(m);
  auto response = make_error_response(data, m.error());
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->starts_with("SIP/2.0 400 Bad Request - Malformed Start Line\r\n"));
  auto parsed = parse_message(*response, Framing::stream);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->call_id(), "lwsstart.dfknq234oi243099adsdfnawe3@example.com");
  EXPECT_EQ(parsed->cseq().method, "INVITE");
  // Duplicated single-valued headers (multi01) are echoed once so the response stays valid.
  for (const char* name : {"multi01", "mismatch01", "clerr", "escruri", "badvers"}) {
    const std::string bytes = golden(std::string("rfc4475/") + name + ".sip");
    auto failed = parse_message(bytes, Framing::datagram);
    ASSERT_FALSE(failed) << name;
    ASSERT_TRUE(failed.error().can_respond) << name;
    auto answer = make_error_response(bytes, failed.error());
    ASSERT_TRUE(answer) << name;
    auto reparsed = parse_message(*answer, Framing::stream);
    ASSERT_TRUE(reparsed) << name << ": " << reparsed.error().reason();
    EXPECT_EQ(reparsed->status(), failed.error().status()) << name;
  }
  // Responses are never answered.
  const std::string scalarlg = golden("rfc4475/scalarlg.sip");
  EXPECT_FALSE(make_error_response(scalarlg, parse_message(scalarlg, Framing::datagram).error()));
}

}  // namespace
}  // namespace parley::sip

// Parser and serializer behaviour beyond RFC 4475: compact forms, folding, IPv6, escapes,
// multi-value splitting, framing, limits and round trips.
#include <gtest/gtest.h>

#include <string>

#include "sip/message/builder.hpp"
#include "sip/message/limits.hpp"
#include "sip/message/parser.hpp"

namespace parley::sip {
namespace {

std::string invite(std::string_view extra_headers = {}, std::string_view body = {}) {
  std::string m =
      "INVITE sip:bob@[2001:db8::10]:5070;transport=tcp SIP/2.0\r\n"
      "Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK776asdhds;rport;received=[2001:db8::1]\r\n"
      "Max-Forwards: 70\r\n"
      "To: Bob <sip:bob@biloxi.com>\r\n"
      "From: \"Alice \\\"A\\\"\" <sip:alice@atlanta.com>;tag=1928301774\r\n"
      "Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n"
      "CSeq: 314159 INVITE\r\n"
      "Contact: <sip:alice@pc33.atlanta.com>\r\n";
  m += extra_headers;
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m += body;
  return m;
}

TEST(MessageParser, EssentialsAndIpv6) {
  const std::string data = invite();
  auto m = parse_message(data, Framing::stream);
  ASSERT_TRUE(m) << m.error().reason();
  EXPECT_EQ(m->request_uri().host, "[2001:db8::10]");
  EXPECT_TRUE(m->request_uri().is_ipv6());
  EXPECT_EQ(m->request_uri().port, 5070);
  EXPECT_EQ(m->request_uri().param("transport"), "tcp");
  EXPECT_EQ(m->top_via().host, "[2001:db8::1]");
  EXPECT_EQ(m->top_via().port, 5060);
  EXPECT_TRUE(m->top_via().has_rport());
  EXPECT_FALSE(m->top_via().rport());
  EXPECT_EQ(m->top_via().received(), "[2001:db8::1]");
  EXPECT_TRUE(m->top_via().rfc3261_branch());
  EXPECT_EQ(unquote(m->from().display_name), "Alice \"A\"");
  EXPECT_EQ(m->from().tag(), "1928301774");
  EXPECT_FALSE(m->to().tag());
  EXPECT_EQ(m->content_length(), 0u);
  EXPECT_EQ(m->wire().size(), data.size());
}

TEST(MessageParser, CompactFormsAreTheirLongHeaders) {
  const std::pair<std::string_view, HeaderId> forms[] = {
      {"i", HeaderId::call_id},         {"m", HeaderId::contact},   {"e", HeaderId::content_encoding},
      {"l", HeaderId::content_length},  {"c", HeaderId::content_type}, {"f", HeaderId::from},
      {"s", HeaderId::subject},         {"k", HeaderId::supported}, {"t", HeaderId::to},
      {"v", HeaderId::via},             {"o", HeaderId::event},     {"u", HeaderId::allow_events},
      {"r", HeaderId::refer_to},        {"b", HeaderId::referred_by}, {"x", HeaderId::session_expires},
      {"a", HeaderId::accept_contact},  {"y", HeaderId::identity},  {"j", HeaderId::reject_contact},
      {"d", HeaderId::request_disposition}, {"n", HeaderId::identity_info},
  };
  for (auto [name, id] : forms) {
    EXPECT_EQ(header_id(name), id) << name;
    std::string upper(name);
    upper[0] = static_cast<char>(upper[0] - 32);
    EXPECT_EQ(header_id(upper), id) << upper;
  }
  EXPECT_EQ(header_id("cALL-iD"), HeaderId::call_id);
  EXPECT_EQ(header_id("www-authenticate"), HeaderId::www_authenticate);
  EXPECT_EQ(header_id("X-Custom"), HeaderId::other);
  EXPECT_EQ(header_id("z"), HeaderId::other);
  const std::string data =
      "BYE sip:a@b SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bKx\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>;tag=2\r\n"
      "i: cid\r\nCSeq: 2 BYE\r\nx: 1800;refresher=uac\r\no: refer;id=93\r\nr: <sip:e@f?Replaces=abc>\r\n"
      "k: timer, 100rel\r\nl: 0\r\n\r\n";
  auto m = parse_message(data, Framing::stream);
  ASSERT_TRUE(m) << m.error().reason();
  auto se = m->session_expires();
  ASSERT_TRUE(se && *se);
  EXPECT_EQ((*se)->delta, 1800u);
  EXPECT_EQ((*se)->refresher, Refresher::uac);
  auto ev = m->event();
  ASSERT_TRUE(ev && *ev);
  EXPECT_EQ((*ev)->package, "refer");
  EXPECT_EQ((*ev)->id(), "93");
  auto refer = m->refer_to();
  ASSERT_TRUE(refer && *refer);
  EXPECT_EQ((*refer)->uri.headers.value("Replaces"), "abc");
  auto supported = m->tokens(HeaderId::supported);
  ASSERT_TRUE(supported);
  EXPECT_EQ(supported->size(), 2u);
  EXPECT_TRUE(validate(*m));
}

TEST(MessageParser, MultiValueSplittingRespectsQuotesAndBrackets) {
  const std::string data = invite(
      "Contact: \"Smith, J\" <sip:j@a.com;x=1>;expires=60, <sip:k@b.com>;q=0.5, sip:l@c.com\r\n"
      "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\nRoute: <sip:p3.example.com;lr>\r\n"
      "Allow: INVITE, ACK,\r\n BYE\r\nMin-SE: 90\r\nExpires: 3600\r\n");
  auto m = parse_message(data, Framing::stream);
  ASSERT_TRUE(m) << m.error().reason();
  auto contacts = m->contacts();
  ASSERT_TRUE(contacts);
  ASSERT_EQ(contacts->size(), 4u);  // the invite() Contact comes first
  EXPECT_EQ(unquote((*contacts)[1].address.display_name), "Smith, J");
  EXPECT_EQ((*contacts)[1].expires(), 60u);
  EXPECT_EQ((*contacts)[2].q(), "0.5");
  EXPECT_EQ((*contacts)[3].address.uri.host, "c.com");
  auto routes = m->routes();
  ASSERT_TRUE(routes);
  EXPECT_EQ(routes->size(), 3u);
  auto allow = m->tokens(HeaderId::allow);
  ASSERT_TRUE(allow);
  EXPECT_EQ(allow->size(), 3u);
  EXPECT_EQ(*m->min_se(), 90u);
  EXPECT_EQ(*m->expires(), 3600u);
  EXPECT_TRUE(validate(*m));
}

TEST(MessageParser, StarContactAndBadContacts) {
  const std::string star = invite("Contact: *\r\n");
  auto ok = parse_message(star, Framing::stream);
  ASSERT_TRUE(ok);
  auto contacts = ok->contacts();
  ASSERT_TRUE(contacts);
  EXPECT_TRUE((*contacts)[1].star);
  for (std::string_view bad : {"Contact: <sip:a@b>;q=2\r\n", "Contact: <sip:a@b>;expires=x\r\n",
                               "Contact: <sip:a@b>,,<sip:c@d>\r\n", "Contact: \"open <sip:a@b>\r\n"}) {
    const std::string data = invite(bad);
    auto m = parse_message(data, Framing::stream);
    ASSERT_TRUE(m) << bad;
    EXPECT_FALSE(m->contacts()) << bad;
    EXPECT_FALSE(validate(*m)) << bad;
  }
}

TEST(MessageParser, UriForms) {
  auto tel = parse_uri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(tel);
  EXPECT_EQ(tel->scheme, UriScheme::tel);
  EXPECT_EQ(tel->user, "+1-201-555-0123");
  EXPECT_EQ(tel->param("phone-context"), "example.com");
  auto sips = parse_uri("SIPS:alice:pw@192.0.2.4:5061;maddr=239.255.255.1?subject=project%20x&priority=urgent");
  ASSERT_TRUE(sips);
  EXPECT_EQ(sips->scheme, UriScheme::sips);
  EXPECT_EQ(sips->password, "pw");
  EXPECT_EQ(sips->port, 5061);
  EXPECT_EQ(unescape(*sips->headers.value("subject")), "project x");
  EXPECT_EQ(sips->headers.value("priority"), "urgent");
  for (std::string_view bad : {"sip:", "sip:a@", "sip:host:99999", "sip:[::1", "sip:a b@c", "sip:%zz@h", "<sip:a@b>",
                               "1sip:x", "sip:a@b;;x"}) {
    EXPECT_FALSE(parse_uri(bad)) << bad;
  }
}

TEST(MessageParser, FramingAndLimits) {
  const std::string full = invite({}, "v=0\r\n");
  // Stream: every proper prefix is incomplete, never an error or a crash.
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto m = parse_message(std::string_view(full).substr(0, n), Framing::stream);
    ASSERT_FALSE(m) << n;
    EXPECT_EQ(m.error().code, ParseErrc::incomplete) << n;
  }
  // Two pipelined messages: wire() tells where the first ends.
  const std::string two = full + invite();
  auto first = parse_message(two, Framing::stream);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->wire().size(), full.size());
  EXPECT_EQ(first->body(), "v=0\r\n");
  // Keep-alive CRLFs before the start line are skipped (RFC 3261 s7.5).
  EXPECT_TRUE(parse_message("\r\n\r\n" + full, Framing::stream));
  EXPECT_EQ(parse_message(std::string(kMaxMessageSize + 1, 'a'), Framing::datagram).error().code, ParseErrc::too_large);
  std::string many;
  for (std::size_t i = 0; i <= kMaxHeaderCount; ++i) many += "X-H: 1\r\n";
  EXPECT_EQ(parse_message(invite(many), Framing::stream).error().code, ParseErrc::too_many_headers);
  const std::string long_line = "X-Long: " + std::string(kMaxHeaderLineLength, 'a') + "\r\n";
  EXPECT_EQ(parse_message(invite(long_line), Framing::stream).error().code, ParseErrc::header_too_long);
  EXPECT_EQ(parse_message(invite("NoColonHere\r\n"), Framing::stream).error().code, ParseErrc::bad_header);
  EXPECT_EQ(parse_message(invite("Max-Forwards: 70\r\n"), Framing::stream).error().code, ParseErrc::duplicate_header);
}

TEST(MessageParser, ResponseAndErrors) {
  const std::string ok =
      "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\r\nFrom: <sip:a@b>;tag=1\r\n"
      "To: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n";
  auto m = parse_message(ok, Framing::stream);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->is_response());
  EXPECT_EQ(m->status(), 180);
  EXPECT_EQ(m->reason(), "Ringing");
  EXPECT_EQ(m->cseq().method, "INVITE");  // responses may carry any CSeq method
  std::string no_call_id = invite();
  no_call_id.erase(no_call_id.find("Call-ID"), no_call_id.find("CSeq") - no_call_id.find("Call-ID"));
  auto e = parse_message(no_call_id, Framing::stream);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ParseErrc::missing_call_id);
  EXPECT_EQ(e.error().reason(), "Missing Call-ID");
  EXPECT_EQ(e.error().status(), 400);
}

TEST(MessageBuilder, BuildAndParseBack) {
  const std::string sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n";
  std::string out = MessageBuilder::request("INVITE", "sip:bob@example.com")
                        .header(HeaderId::via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnew")
                        .header(HeaderId::from, "<sip:alice@example.com>;tag=a1")
                        .header(HeaderId::to, "<sip:bob@example.com>")
                        .header(HeaderId::call_id, "c1")
                        .header(HeaderId::cseq, "1 INVITE")
                        .header("X-Trace", "yes")
                        .finish(sdp, "application/sdp");
  auto m = parse_message(out, Framing::stream);
  ASSERT_TRUE(m) << m.error().reason();
  EXPECT_EQ(m->body(), sdp);
  EXPECT_EQ(m->content_length(), sdp.size());
  EXPECT_EQ(m->find("x-trace")->value, "yes");
  EXPECT_EQ((*m->content_type())->subtype, "sdp");
}

TEST(MessageBuilder, ResponseCopiesEssentialsPerRfc3261) {
  const std::string data = invite("Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp\r\nTimestamp: 54\r\n", "v=0\r\n");
  auto req = parse_message(data, Framing::stream);
  ASSERT_TRUE(req);
  const std::string ringing = make_response(*req, 180, "Ringing", "to-tag-9");
  auto r = parse_message(ringing, Framing::stream);
  ASSERT_TRUE(r) << r.error().reason();
  EXPECT_EQ(r->status(), 180);
  EXPECT_EQ(r->to().tag(), "to-tag-9");
  EXPECT_EQ(r->from().tag(), "1928301774");
  EXPECT_EQ(r->call_id(), req->call_id());
  EXPECT_EQ(r->cseq().number, 314159u);
  auto vias = r->vias();
  ASSERT_TRUE(vias);
  ASSERT_EQ(vias->size(), 2u);
  EXPECT_EQ((*vias)[1].host, "proxy.example.com");
  EXPECT_EQ(r->find(HeaderId::timestamp), nullptr);
  EXPECT_EQ(r->content_length(), 0u);
  const std::string trying_text = make_response(*req, 100, "Trying", "ignored");
  auto trying = parse_message(trying_text, Framing::stream);
  ASSERT_TRUE(trying);
  EXPECT_FALSE(trying->to().tag());
  EXPECT_EQ(trying->find(HeaderId::timestamp)->value, "54");
}

TEST(MessageBuilder, RewriteWithEdits) {
  const std::string data = invite("Route: <sip:p1.example.com;lr>\r\nX-Old: 1\r\n", "v=0\r\n");
  auto req = parse_message(data, Framing::stream);
  ASSERT_TRUE(req);
  const HeaderEdit edits[] = {
      {HeaderEdit::Op::prepend, HeaderId::via, {}, "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKpx"},
      {HeaderEdit::Op::replace, HeaderId::max_forwards, {}, "69"},
      {HeaderEdit::Op::remove, HeaderId::route, {}, {}},
      {HeaderEdit::Op::remove, HeaderId::other, "x-old", {}},
      {HeaderEdit::Op::append, HeaderId::other, "X-New", "2"},
      {HeaderEdit::Op::prepend, HeaderId::record_route, {}, "<sip:proxy.example.com;lr>"},
  };
  const std::string out = rewrite(*req, edits, std::nullopt, std::string_view("v=0\r\ns=-\r\n"));
  auto m = parse_message(out, Framing::stream);
  ASSERT_TRUE(m) << m.error().reason() << "\n" << out;
  EXPECT_EQ(m->top_via().host, "proxy.example.com");
  EXPECT_EQ(m->vias()->size(), 2u);
  EXPECT_EQ(m->max_forwards(), 69);
  EXPECT_EQ(m->find(HeaderId::route), nullptr);
  EXPECT_EQ(m->find("X-Old"), nullptr);
  EXPECT_EQ(m->find("X-New")->value, "2");
  EXPECT_EQ(m->record_routes()->size(), 1u);
  EXPECT_EQ(m->body(), "v=0\r\ns=-\r\n");
  EXPECT_EQ(m->content_length(), 10u);
  // No edits: a parse/serialize round trip is stable.
  const std::string again = rewrite(*m, {});
  auto m2 = parse_message(again, Framing::stream);
  ASSERT_TRUE(m2);
  EXPECT_EQ(rewrite(*m2, {}), again);
}

}  // namespace
}  // namespace parley::sip

// Transport layer: stream framing and keep-alives, received/rport stamping, response routing,
// and real loopback sockets (UDP, TCP with connection reuse, 400 for a broken request).
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <string>
#include <vector>

#include "sip/transport/inbound_message.hpp"
#include "sip/transport/response_target.hpp"
#include "sip/transport/stream_framer.hpp"
#include "sip/transport/transport_layer.hpp"

namespace parley::sip {
namespace {

namespace asio = boost::asio;

std::string options(std::string_view via_params = ";branch=z9hG4bK1", std::string_view via_host = "10.0.0.1:5062") {
  return "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/UDP " + std::string(via_host) + std::string(via_params) + "\r\n"
         "Max-Forwards: 70\r\nTo: <sip:a@127.0.0.1>\r\nFrom: <sip:b@10.0.0.1>;tag=9\r\n"
         "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

Peer udp_peer(std::string_view ip, std::uint16_t port) { return *make_peer(ip, port, Transport::udp); }

TEST(StreamFramer, SplitsMessagesAndAnswersKeepAlives) {
  StreamFramer f(65535);
  const std::string m = options();
  f.append("\r\n\r\n");
  EXPECT_EQ(f.next().kind, Frame::Kind::ping);
  f.append(m + m.substr(0, 20));
  Frame a = f.next();
  ASSERT_EQ(a.kind, Frame::Kind::message);
  EXPECT_EQ(a.bytes, m);
  EXPECT_EQ(f.next().kind, Frame::Kind::need_more);
  f.append(m.substr(20) + "\r\n");  // a trailing pong
  Frame b = f.next();
  ASSERT_EQ(b.kind, Frame::Kind::message);
  EXPECT_EQ(b.bytes, m);
  EXPECT_EQ(f.next().kind, Frame::Kind::need_more);
  f.append("\r\n");
  EXPECT_EQ(f.next().kind, Frame::Kind::ping);
}

TEST(StreamFramer, RejectsOversizedAndGarbage) {
  StreamFramer small(100);
  small.append(options());
  EXPECT_EQ(small.next().kind, Frame::Kind::error);
  StreamFramer unbounded(200);
  unbounded.append("INVITE sip:a@b SIP/2.0\r\nVia: " + std::string(300, 'x'));
  EXPECT_EQ(unbounded.next().kind, Frame::Kind::error);
  StreamFramer garbage(65535);
  garbage.append("HELLO\r\n\r\n");
  EXPECT_EQ(garbage.next().kind, Frame::Kind::error);
}

TEST(ViaStamp, AddsReceivedAndRport) {
  auto in = make_inbound(options(";rport;branch=z9hG4bK1"), Framing::datagram, udp_peer("192.0.2.7", 40000));
  ASSERT_TRUE(in);
  const Via& via = (*in)->message.top_via();
  EXPECT_EQ(via.received(), "192.0.2.7");
  EXPECT_EQ(via.rport(), 40000);
  EXPECT_EQ(via.branch(), "z9hG4bK1");
  EXPECT_EQ(response_target(via, (*in)->source), udp_peer("192.0.2.7", 40000));
}

TEST(ViaStamp, ReceivedOnlyWhenHostDiffersWithoutRport) {
  auto same = make_inbound(options(), Framing::datagram, udp_peer("10.0.0.1", 7000));
  ASSERT_TRUE(same);
  EXPECT_FALSE((*same)->message.top_via().received());
  // RFC 3261 s18.2.2: no rport -> the Via port.
  EXPECT_EQ(response_target((*same)->message.top_via(), (*same)->source), udp_peer("10.0.0.1", 5062));
  auto bare = make_inbound(options("", "host.example.com"), Framing::datagram, udp_peer("::1", 7000));
  ASSERT_TRUE(bare) << bare.error().reason();
  EXPECT_EQ((*bare)->message.top_via().received(), "::1");
  EXPECT_EQ(response_target((*bare)->message.top_via(), (*bare)->source), udp_peer("::1", 5060));
}

struct Collect : MessageReceiver {
  std::vector<Inbound> got;
  void on_message(Inbound m) override { got.push_back(std::move(m)); }
};

void run_until(asio::io_context& io, const std::function<bool()>& done) {
  for (int i = 0; i < 200 && !done(); ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
}

TEST(TransportLayer, UdpRoundTripAndBadRequest) {
  asio::io_context io;
  Collect rx;
  TransportLayer t(io, TransportConfig{.listen = {{"127.0.0.1", 0}}}, rx);
  ASSERT_TRUE(t.start());
  const auto port = t.local_port(Transport::udp);
  ASSERT_NE(port, 0);
  EXPECT_EQ(t.local_port(Transport::tcp), port);
  EXPECT_EQ(t.sent_by(Transport::udp), "127.0.0.1:" + std::to_string(port));

  asio::ip::udp::socket client(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const asio::ip::udp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
  client.send_to(asio::buffer(options(";rport;branch=z9hG4bK1", "127.0.0.1:9")), server);
  run_until(io, [&] { return !rx.got.empty(); });
  ASSERT_EQ(rx.got.size(), 1U);
  EXPECT_EQ(rx.got[0]->message.top_via().rport(), client.local_endpoint().port());

  // A request with a bad CSeq that still has the essentials for a response -> 400.
  std::string bad = options(";rport;branch=z9hG4bK2", "127.0.0.1:9");
  bad.replace(bad.find("Max-Forwards: 70"), 16, "Max-Forwards: xx");
  client.send_to(asio::buffer(bad), server);
  char buf[2048];
  asio::ip::udp::endpoint from;
  std::size_t n = 0;
  client.async_receive_from(asio::buffer(buf), from, [&](auto, std::size_t got) { n = got; });
  run_until(io, [&] { return n > 0; });
  ASSERT_GT(n, 0U);
  EXPECT_TRUE(std::string_view(buf, n).starts_with("SIP/2.0 400 ")) << std::string_view(buf, n);
  EXPECT_EQ(rx.got.size(), 1U);
}

TEST(TransportLayer, Ipv6UdpAndOutboundTcp) {
  asio::io_context io;
  Collect rx_a, rx_b;
  TransportLayer a(io, TransportConfig{.listen = {{"::1", 0}}}, rx_a);
  TransportLayer b(io, TransportConfig{.listen = {{"::1", 0}}}, rx_b);
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  EXPECT_TRUE(a.sent_by(Transport::udp).starts_with("[::1]:"));
  const std::string m = options(";branch=z9hG4bK6", "[::1]:9");
  a.send(*make_peer("[::1]", b.local_port(Transport::udp), Transport::udp), m);
  const Peer tcp_b = *make_peer("::1", b.local_port(Transport::tcp), Transport::tcp);
  a.send(tcp_b, m);  // connects, then sends
  run_until(io, [&] { return rx_b.got.size() == 2; });
  ASSERT_EQ(rx_b.got.size(), 2U);
  EXPECT_EQ(rx_b.got[0]->source.address.to_string(), "::1");
  EXPECT_FALSE(rx_b.got[0]->message.top_via().received());  // sent-by [::1] is the source
  EXPECT_TRUE(a.connected(tcp_b));
}

TEST(TransportLayer, TcpFramingKeepAliveAndConnectionReuse) {
  asio::io_context io;
  Collect rx;
  TransportLayer t(io, TransportConfig{.listen = {{"127.0.0.1", 0}}}, rx);
  ASSERT_TRUE(t.start());
  asio::ip::tcp::socket client(io);
  client.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), t.local_port(Transport::tcp)));
  const std::string m = options(";branch=z9hG4bK9", "127.0.0.1:9");
  asio::write(client, asio::buffer("\r\n\r\n" + m + m));
  run_until(io, [&] { return rx.got.size() == 2; });
  ASSERT_EQ(rx.got.size(), 2U);
  const Peer source = rx.got[0]->source;
  EXPECT_EQ(source.transport, Transport::tcp);
  EXPECT_EQ(source.port, client.local_endpoint().port());
  EXPECT_TRUE(t.connected(source));
  t.send(source, "SIP/2.0 200 OK\r\n");  // goes back over the same connection
  std::string got;
  bool done = false;
  asio::async_read_until(client, asio::dynamic_buffer(got), "OK\r\n", [&](auto, std::size_t) { done = true; });
  run_until(io, [&] { return done; });
  EXPECT_EQ(got, "\r\nSIP/2.0 200 OK\r\n");  // the pong first (RFC 5626 s3.5.1)
}

TEST(TransportLayer, FailedConnectIsReported) {
  asio::io_context io;
  Collect rx;
  TransportLayer t(io, TransportConfig{.listen = {{"127.0.0.1", 0}}}, rx);
  ASSERT_TRUE(t.start());
  std::vector<Peer> failed;
  t.set_failure_handler([&](const Peer& p) { failed.push_back(p); });
  asio::ip::tcp::acceptor closed(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const Peer dead = *make_peer("127.0.0.1", closed.local_endpoint().port(), Transport::tcp);
  closed.close();  // nothing listens there now
  t.send(dead, options());
  run_until(io, [&] { return !failed.empty(); });
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0], dead);
  EXPECT_FALSE(t.connected(dead));
}

TEST(TransportLayer, IdleConnectionsClose) {
  asio::io_context io;
  Collect rx;
  TransportLayer t(io, TransportConfig{.listen = {{"127.0.0.1", 0}}, .idle_timeout = std::chrono::seconds(1)}, rx);
  ASSERT_TRUE(t.start());
  asio::ip::tcp::socket client(io);
  client.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), t.local_port(Transport::tcp)));
  bool closed = false;
  char b[16];
  client.async_read_some(asio::buffer(b), [&](const boost::system::error_code& ec, std::size_t) { closed = !!ec; });
  run_until(io, [&] { return closed; });
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace parley::sip

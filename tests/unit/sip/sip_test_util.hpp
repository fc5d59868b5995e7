#pragma once
// Shared fakes for the SIP transaction and user-agent tests: a recording Sender and message helpers.
#include <string>
#include <string_view>
#include <vector>

#include "sip/transport/inbound_message.hpp"
#include "sip/transport/sender.hpp"

namespace parley::sip::test {

struct Sent {
  Peer to;
  std::string bytes;
  std::string_view start() const { return std::string_view(bytes).substr(0, bytes.find("\r\n")); }
};

class FakeSender : public Sender {
 public:
  std::vector<Sent> sent;
  void send(const Peer& destination, std::string_view bytes) override { sent.push_back({destination, std::string(bytes)}); }
  std::string sent_by(Transport) const override { return "127.0.0.1:5060"; }
  bool connected(const Peer&) const override { return false; }
  void set_failure_handler(std::function<void(const Peer&)> handler) override { fail = std::move(handler); }
  std::function<void(const Peer&)> fail;
  void resolve(std::string_view host, std::optional<std::uint16_t> port, Transport t,
               std::function<void(std::optional<Peer>)> done) override {
    done(host == "trunk.test" ? make_peer("192.0.2.9", port, t) : make_peer(host, port, t));
  }

  std::size_t count(std::string_view start_prefix) const {
    std::size_t n = 0;
    for (const auto& s : sent) n += s.bytes.starts_with(start_prefix) ? 1 : 0;
    return n;
  }
  Inbound parsed(std::size_t i) const { return *own_message(sent.at(i).bytes); }
  Inbound last() const { return parsed(sent.size() - 1); }
};

inline Peer peer(std::string_view ip = "127.0.0.1", std::uint16_t port = 5070, Transport t = Transport::udp) {
  return *make_peer(ip, port, t);
}

inline Inbound received(std::string_view bytes, Peer from = peer()) { return *make_inbound(bytes, Framing::datagram, from); }

inline std::string request(std::string_view method, std::string_view branch = "z9hG4bKabc", std::string_view to_tag = {},
                           std::uint32_t cseq = 1, std::string_view body = {}, std::string_view extra = {}) {
  std::string m = std::string(method) + " sip:svc@127.0.0.1:5060 SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" + std::string(branch) + "\r\n";
  m += "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1:5070>;tag=ftag\r\n";
  m += "To: <sip:svc@127.0.0.1:5060>" + (to_tag.empty() ? std::string() : ";tag=" + std::string(to_tag)) + "\r\n";
  m += "Call-ID: call-1@127.0.0.1\r\nCSeq: " + std::to_string(cseq) + " " +
       std::string(method == "ACK" || method == "CANCEL" ? method : method) + "\r\n";
  m += "Contact: <sip:caller@127.0.0.1:5070>\r\n";
  m += extra;
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m += body;
  return m;
}

inline std::string response_to(const std::string& req, int status, std::string_view reason, std::string_view to_tag = "rtag") {
  std::string m = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  auto parsed = own_message(req);
  for (const auto& h : (*parsed)->message.headers()) {
    if (h.id == HeaderId::via || h.id == HeaderId::from || h.id == HeaderId::call_id || h.id == HeaderId::cseq) {
      m += std::string(h.name) + ": " + std::string(h.value) + "\r\n";
    } else if (h.id == HeaderId::to) {
      m += "To: " + std::string(h.value) + ((*parsed)->message.to().tag() ? "" : ";tag=" + std::string(to_tag)) + "\r\n";
    }
  }
  return m + "Contact: <sip:peer@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace parley::sip::test

// SIP traces: the tap's choice of messages (trunk address, allowlist, registration Contact,
// Call-ID followed elsewhere)
// and the writer's bounded queue, batches, order and redaction, on a real SQLite store.
#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "call/sip_trace_recorder.hpp"
#include "call/sip_trace_writer.hpp"
#include "store_fixture.hpp"

namespace parley::call {
namespace {

using namespace std::chrono_literals;

std::string message(std::string_view call_id, std::string_view start = "OPTIONS sip:x@127.0.0.1 SIP/2.0",
                    std::string_view extra = {}) {
  const auto method = start.starts_with("SIP/2.0") ? std::string_view("INVITE") : start.substr(0, start.find(' '));
  return std::string(start) +
         "\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\n"
         "Call-ID: " + std::string(call_id) + "\r\nCSeq: 1 " + std::string(method) + "\r\nMax-Forwards: 70\r\n" +
         std::string(extra) + "Content-Length: 0\r\n\r\n";
}

sip::Peer peer(std::string_view ip, std::uint16_t port = 5060) { return *sip::make_peer(ip, port, sip::Transport::udp); }

struct TraceTest : test::StoreFixture {
  core::WorkerPool pool{2, 64};
  std::vector<store::SipTrace> stored(std::string_view call_id) { return store_->list_sip_traces(call_id, 100).value(); }
  void settle(const SipTraceWriter& w, std::uint64_t expected) {
    for (int i = 0; i < 200 && w.written() + w.dropped() < expected; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(w.written() + w.dropped(), expected);
  }
};

TEST_F(TraceTest, WriterDropsAndCountsBeyondItsQueueAndKeepsOrder) {
  core::WorkerPool one{1, 8};
  auto writer = SipTraceWriter::create(*store_, one, 10);
  std::latch release(1);
  ASSERT_TRUE(one.try_submit([&] { release.wait(); }));  // the pool is busy: nothing drains yet
  for (int i = 0; i < 15; ++i) {
    writer->push(store::SipTrace{0, std::string("sp_x"), "c1", "in", "udp:127.0.0.1:5060",
                                 message("c1", "MESSAGE " + std::to_string(i) + " SIP/2.0"), i});
  }
  EXPECT_EQ(writer->dropped(), 5U);
  release.count_down();
  settle(*writer, 15);
  auto rows = stored("c1");
  ASSERT_EQ(rows.size(), 10U);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(rows[i].message.starts_with("MESSAGE " + std::to_string(i) + " ")) << i;
}

TEST_F(TraceTest, WriterRedactsBeforeStoring) {
  auto writer = SipTraceWriter::create(*store_, pool, 100);
  writer->push(store::SipTrace{0, std::string("sp_x"), "c2", "out", "udp:127.0.0.1:5060",
                               message("c2", "REGISTER sip:x SIP/2.0",
                                       "Authorization: Digest username=\"u\", response=\"deadbeefdeadbeef\"\r\n"),
                               1});
  settle(*writer, 1);
  auto rows = stored("c2");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].message.find("deadbeef"), std::string::npos);
  EXPECT_NE(rows[0].message.find("response=\"[redacted]\""), std::string::npos);
}

TEST_F(TraceTest, RecorderTracesTheTrunksMessagesAndFollowsTheirCallIds) {
  auto writer = SipTraceWriter::create(*store_, pool, 100);
  TrunkBindings bindings;
  bindings.set("pbcontactofb", "sp_b");
  SipTraceRecorder recorder(writer, bindings);
  recorder.on_message(sip::Direction::in, peer("192.0.2.1"), message("before"));  // nothing traced yet
  recorder.set_traced({TracedTrunk{"sp_a", {peer("192.0.2.1").address}, {}},
                       TracedTrunk{"sp_b", {}, {"198.51.100.0/24"}}});
  recorder.on_message(sip::Direction::in, peer("192.0.2.1"), message("call-a"));
  recorder.on_message(sip::Direction::out, peer("203.0.113.9", 5080), message("call-a"));  // same call, elsewhere
  recorder.on_message(sip::Direction::in, peer("198.51.100.77"), message("call-b"));      // on sp_b's allowlist
  recorder.on_message(sip::Direction::in, peer("203.0.113.9"), message("stranger"));      // nobody's
  recorder.on_message(sip::Direction::in, peer("192.0.2.1"), "garbage that is no SIP message");
  settle(*writer, 3);
  EXPECT_TRUE(stored("before").empty());
  EXPECT_TRUE(stored("stranger").empty());
  auto a = stored("call-a");
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0].provider_id, "sp_a");
  EXPECT_EQ(a[0].direction, "in");
  EXPECT_EQ(a[0].remote, "udp:192.0.2.1:5060");
  EXPECT_EQ(a[1].direction, "out");
  EXPECT_EQ(a[1].remote, "udp:203.0.113.9:5080");
  auto b = stored("call-b");
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b[0].provider_id, "sp_b");

  // A call to sp_b's registration Contact from a carrier edge nobody listed, then its answer.
  recorder.on_message(sip::Direction::in, peer("203.0.113.50"), message("on-binding", "INVITE sip:pbcontactofb@127.0.0.1:5060 SIP/2.0"));
  recorder.on_message(sip::Direction::out, peer("203.0.113.50"), message("on-binding", "SIP/2.0 200 OK"));
  recorder.on_message(sip::Direction::in, peer("203.0.113.50"), message("other", "INVITE sip:pbsomeoneelse@127.0.0.1 SIP/2.0"));
  settle(*writer, 5);
  auto on_binding = stored("on-binding");
  ASSERT_EQ(on_binding.size(), 2U);
  EXPECT_EQ(on_binding[0].provider_id, "sp_b");
  EXPECT_TRUE(stored("other").empty());

  // Debug switched off for sp_a: neither its address nor its calls are traced any more.
  recorder.set_traced({TracedTrunk{"sp_b", {}, {"198.51.100.0/24"}}});
  recorder.on_message(sip::Direction::in, peer("192.0.2.1"), message("call-a"));
  recorder.on_message(sip::Direction::in, peer("198.51.100.77"), message("call-b"));
  settle(*writer, 6);
  EXPECT_EQ(stored("call-a").size(), 2U);
  EXPECT_EQ(stored("call-b").size(), 2U);
  recorder.set_traced({});
  EXPECT_EQ(recorder.tracked_calls(), 0U);
}

}  // namespace
}  // namespace parley::call
